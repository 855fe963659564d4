import type { ConnectorHost } from "./host.js";
import type { KeyOperations, ManagedCopyRef, RemoteKey } from "./key-operations.js";

/**
 * The usual way to mark a managed copy: four tags (or labels). `separator` joins the `uko` prefix
 * to each name: `:` where the keystore allows it in tag keys (AWS, Azure), `-` where it does not
 * (Google labels: lowercase letters, digits, `_` and `-` only; ids are lowercase UUIDs already).
 */
export function managedCopyTags(copy: ManagedCopyRef, separator: ":" | "-" = ":"): Record<string, string> {
  return {
    [`uko${separator}managed-by`]: "uko-gateway",
    [`uko${separator}managed-key-id`]: copy.managedKeyId,
    [`uko${separator}vault-id`]: copy.vaultId,
    [`uko${separator}key-version`]: String(copy.version),
  };
}

/** Whether `tags` mark a copy of `copy` (as `managedCopyTags` wrote them). */
export function isManagedCopy(tags: Readonly<Record<string, string>>, copy: ManagedCopyRef, separator: ":" | "-" = ":"): boolean {
  return tags[`uko${separator}managed-key-id`] === copy.managedKeyId && tags[`uko${separator}key-version`] === String(copy.version);
}

/**
 * The tag (label) a connector sets on a copy it gave up on but could only disable, not delete
 * (a failed attempt's cleanup, where the keystore has no deletion it can undo): such a copy is
 * never adopted again. `separator` as for `managedCopyTags`.
 */
export function abandonedCopyTag(separator: ":" | "-" = ":"): Record<string, string> {
  return { [`uko${separator}abandoned`]: "true" };
}

/**
 * Whether a copy found by its tags may be adopted: not on its way out (pending deletion), and not
 * left by a failed attempt (tagged by `abandonedCopyTag`). The gateway applies this to every
 * `findManagedCopy` answer, so a copy a losing attempt scheduled for deletion never becomes the
 * one the database records.
 */
export function isAdoptableCopy(key: Pick<RemoteKey, "state" | "tags">): boolean {
  return key.state !== "pending_deletion" && key.tags["uko:abandoned"] !== "true" && key.tags["uko-abandoned"] !== "true";
}

/** Pages of 100 searched at most by `findManagedCopyByListing` (10,000 keys). */
export const MAX_COPY_SEARCH_PAGES = 100;

/**
 * `findManagedCopy` for a keystore that can only list: walks `listKeys` for a copy marked by
 * `managedCopyTags`, skipping copies that may not be adopted (`isAdoptableCopy`). A keystore that can
 * filter by tag or label on the server should do that instead.
 */
export async function findManagedCopyByListing(
  keys: Pick<KeyOperations, "listKeys">,
  copy: ManagedCopyRef,
  host: ConnectorHost,
  separator: ":" | "-" = ":",
): Promise<RemoteKey | null> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_COPY_SEARCH_PAGES; page++) {
    const listed = await keys.listKeys(cursor ? { cursor, limit: 100 } : { limit: 100 }, host);
    const found = listed.items.find((k) => isAdoptableCopy(k) && isManagedCopy(k.tags, copy, separator));
    if (found) return found;
    if (!listed.nextCursor) return null;
    cursor = listed.nextCursor;
  }
  return null;
}

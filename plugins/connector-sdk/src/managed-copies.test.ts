import { describe, expect, it } from "vitest";
import type { ConnectorHost } from "./host.js";
import type { RemoteKey } from "./key-operations.js";
import { abandonedCopyTag, findManagedCopyByListing, isAdoptableCopy, managedCopyTags } from "./managed-copies.js";

const copy = { managedKeyId: "6f1c1b8e-0000-4000-8000-000000000001", vaultId: "6f1c1b8e-0000-4000-8000-0000000000aa", version: 1 };
const key = (keyId: string, state: RemoteKey["state"], extra: Record<string, string> = {}): RemoteKey => ({ keyId, state, tags: { ...managedCopyTags(copy), ...extra } }) as RemoteKey;

describe("the managed-copy search", () => {
  it("never adopts a copy pending deletion or abandoned by a failed attempt, and finds the live one behind them", async () => {
    expect(isAdoptableCopy(key("a", "pending_deletion"))).toBe(false);
    expect(isAdoptableCopy(key("b", "disabled", abandonedCopyTag()))).toBe(false);
    expect(isAdoptableCopy(key("c", "disabled", abandonedCopyTag("-")))).toBe(false);
    expect(isAdoptableCopy(key("d", "disabled"))).toBe(true);
    const listed = [key("a", "pending_deletion"), key("b", "disabled", abandonedCopyTag()), key("live", "enabled")];
    const found = await findManagedCopyByListing({ listKeys: async () => ({ items: listed }) }, copy, {} as ConnectorHost);
    expect(found?.keyId).toBe("live");
    const none = await findManagedCopyByListing({ listKeys: async () => ({ items: listed.slice(0, 2) }) }, copy, {} as ConnectorHost);
    expect(none).toBeNull();
  });
});

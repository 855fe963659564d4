import type { KeyState, KeyStatusInKeystore } from "../../api/types.ts";
import { plural, stateWord } from "../../text/words.ts";
import { showToast } from "../../components/toasts.ts";

type Copy = Pick<KeyStatusInKeystore, "keystoreName" | "status" | "syncFlag"> & { error?: string | null };

/** A key's copies counted: as wanted (succeeded), not as wanted (failed), and whether one is active. */
export function countInstalls(copies: readonly Copy[]): { succeeded: Copy[]; failed: Copy[]; activeSomewhere: boolean } {
  const failed = copies.filter((c) => c.syncFlag !== "OK" || Boolean(c.error));
  return { failed, succeeded: copies.filter((c) => !failed.includes(c)), activeSomewhere: copies.some((c) => c.status === "ACTIVE") };
}

/**
 * The key's state as a list shows it. An active key that no keystore holds active is not what
 * "active" promises: it says so ("active, not yet in any keystore: 1 failed"), in red.
 */
export function stateSummary(key: { state: KeyState; statusInKeystores: readonly Copy[] }): { text: string; tone: "ok" | "warn" | "bad" | "neutral" } | undefined {
  if (key.state !== "ACTIVE") return undefined;
  const { failed, activeSomewhere } = countInstalls(key.statusInKeystores);
  if (activeSomewhere) return undefined;
  return { text: `${stateWord("ACTIVE")}, not yet in any keystore${failed.length ? `: ${failed.length} failed` : ""}`, tone: "bad" };
}

/**
 * The toast after an action that leaves the page (creating a key): the same count as the banner,
 * an error (which stays until closed) when a keystore failed, a success (which fades) otherwise.
 */
export function toastOutcome(title: string, verb: string, copies: readonly Copy[]): void {
  const { text, failed } = actionOutcome(verb, copies);
  showToast({ kind: failed ? "error" : "success", title, subtitle: text });
}

/** The banner after an action: how many keystores did it and how many failed, naming the failures. */
export function actionOutcome(verb: string, copies: readonly Copy[]): { text: string; failed: boolean } {
  const { succeeded, failed } = countInstalls(copies);
  if (copies.length === 0) return { text: `${verb}: no keystore holds or is targeted by this key.`, failed: false };
  const head = `${verb}: ${plural(succeeded.length, "keystore")} succeeded, ${failed.length} failed.`;
  if (!failed.length) return { text: head, failed: false };
  const why = failed.map((c) => `${c.keystoreName}${c.error ? `: ${c.error}` : ""}`).join("; ");
  return { text: `${head} Failed in ${why}.`, failed: true };
}

import { gql } from "../../api/client.ts";
import { keyAction } from "../../api/documents.ts";
import type { ManagedKey, TypedError } from "../../api/types.ts";
import { stateWord } from "../../text/words.ts";
import { actionOutcome } from "./installs.ts";
import { ACTIONS, type ActionSpec } from "./key-actions.ts";

/** The key actions offered on several keys at once from the keys list (the deployer's two). */
export const BATCH_KEY_ACTIONS: ActionSpec[] = ACTIONS.filter((a) => a.action === "activate" || a.action === "deactivate");

/** The selected keys the action applies to in their state, and the others (skipped, with why). */
export function splitByState(spec: ActionSpec, keys: ManagedKey[]): { eligible: ManagedKey[]; skipped: ManagedKey[] } {
  const eligible = keys.filter((k) => spec.states.includes(k.state));
  return { eligible, skipped: keys.filter((k) => !eligible.includes(k)) };
}

export function skippedText(spec: ActionSpec, key: ManagedKey): string {
  return `not ${spec.done.toLowerCase()}: it is ${stateWord(key.state)}`;
}

/**
 * One key's action, as its page runs it (with the version it was listed at: a key changed since
 * is refused, not acted on blindly). It succeeded only when every keystore did it.
 */
export async function runKeyAction(spec: ActionSpec, key: ManagedKey): Promise<{ ok: boolean; text: string }> {
  const r = await gql<Record<string, TypedError & { managedKey?: ManagedKey }>>(keyAction(spec.action), { input: { id: key.id, expectedVersion: key.version } });
  const outcome = r[`${spec.action}ManagedKey`]!;
  if (!outcome.managedKey) return { ok: false, text: outcome.message };
  const { text, failed } = actionOutcome(spec.done, outcome.managedKey.statusInKeystores);
  return { ok: !failed, text };
}

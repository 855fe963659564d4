import type { KeyState, ManagedKey } from "../../api/types.ts";
import type { Permission } from "../../auth/permissions.ts";
import { plural, stateWord, timeUntil } from "../../text/words.ts";

export type Action = "activate" | "deactivate" | "rotate" | "sync" | "destroy" | "delete";

export interface ActionSpec {
  action: Action;
  label: string;
  /** Past tense for the outcome banner. */
  done: string;
  /** The states in which the button is shown (the API's rules, gateway/src/keys/rules.ts). */
  states: KeyState[];
  permission: Permission;
  danger?: boolean;
  effect: string;
}

/** Each action, when the key's state allows it, and what the confirmation says it does. */
export const ACTIONS: ActionSpec[] = [
  { action: "activate", permission: "keys.deploy", label: "Activate", done: "Activated", states: ["PRE_ACTIVATION", "DEACTIVATED"], effect: "The key is installed and enabled in every keystore its template targets." },
  { action: "deactivate", permission: "keys.deploy", label: "Deactivate", done: "Deactivated", states: ["ACTIVE"], effect: "The key is disabled in every keystore: nothing can encrypt or decrypt with it until it is activated again." },
  { action: "rotate", permission: "keys.rotate", label: "Rotate", done: "Rotated", states: ["ACTIVE", "DEACTIVATED"], effect: "New key material becomes a new version in every keystore that holds the key; the old version keeps decrypting what it encrypted." },
  { action: "sync", permission: "keys.deploy", label: "Sync", done: "Synced", states: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"], effect: "The gateway's state for this key is pushed to every keystore where it drifted." },
  {
    action: "destroy",
    permission: "keys.destroy",
    label: "Destroy",
    done: "Destroyed",
    // Shown for an active key too, refused with the reason: it must be deactivated first.
    states: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED"],
    danger: true,
    effect: "The key material is erased and the key is scheduled for deletion in every keystore. Data encrypted under it becomes unreadable once the keystores delete it. This cannot be undone.",
  },
  {
    action: "delete",
    permission: "keys.destroy",
    label: "Delete",
    done: "Deleted",
    states: ["DESTROYED"],
    danger: true,
    effect: "The destroyed key is removed from the vault (its audit events are kept). The keystores delete their copies at the end of their own waiting periods.",
  },
];

/**
 * Why the API would refuse the action now, in words, or undefined. Same rules as the API
 * (gateway/src/keys/service.ts): destroy only after deactivation and its wait, rotate at most once
 * an hour, delete only when every keystore holds the key pending deletion.
 */
export function stateRefusal(action: Action, key: Pick<ManagedKey, "state" | "rotatableAt" | "destroyableAt" | "statusInKeystores">, now = Date.now()): string | undefined {
  if (action === "destroy") {
    if (key.state === "ACTIVE") return "An active key cannot be destroyed: deactivate it first.";
    const wait = timeUntil(key.destroyableAt, now);
    if (wait) return `Deactivated recently: can be destroyed in ${wait}.`;
  }
  if (action === "rotate") {
    const wait = timeUntil(key.rotatableAt, now);
    if (wait) return `Rotated less than an hour ago: can be rotated again in ${wait}.`;
  }
  if (action === "delete") {
    const left = key.statusInKeystores.filter((s) => s.keystore !== null && (s.pending || (s.status !== "PENDING_DESTRUCTION" && s.status !== "NOT_PRESENT")));
    if (left.length) return `Can be deleted once every keystore holds it pending deletion; ${plural(left.length, "keystore")} still ${left.length === 1 ? "does" : "do"} not (${left.map((s) => s.keystoreName).join(", ")}). Sync pushes it there.`;
  }
  if (action === "activate" && key.state === "DESTROYED") return `A ${stateWord("DESTROYED")} key cannot be activated.`;
  return undefined;
}

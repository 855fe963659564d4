import { z } from "zod";

/** UKO's key states and the actions each allows (uko-api.md §6, DOC:uko-key-states). */
export type KeyState = "PRE_ACTIVATION" | "ACTIVE" | "DEACTIVATED" | "DESTROYED";
export type KeyAction = "activate" | "deactivate" | "destroy" | "delete" | "align" | "sync" | "rotate";

export const ALLOWED_FROM: Record<KeyAction, readonly KeyState[]> = {
  activate: ["PRE_ACTIVATION", "DEACTIVATED"],
  deactivate: ["ACTIVE"],
  destroy: ["PRE_ACTIVATION", "DEACTIVATED"],
  delete: ["DESTROYED"],
  // Aligning or syncing a destroyed key would only repeat its scheduled deletions; allowed, harmless.
  align: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED"],
  sync: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"],
  // UKO rotates active keys, and deactivated ones of the cloud types (AWS, Azure, Google).
  rotate: ["ACTIVE", "DEACTIVATED"],
};

/** UKO: a key is rotated at most once an hour. */
export const ROTATION_INTERVAL_MS = 3_600_000;

/** UKO: a deactivated key can be destroyed only 4 hours after its deactivation (configurable here). */
export const DEFAULT_DESTROY_WAIT_MS = 4 * 3_600_000;

/** managed key `label`: 1–255 of letters, digits and `. _ / -` and spaces (uko-api.md §5). */
export const keyLabel = z
  .string()
  .min(1, "Label must not be empty")
  .max(255, "Label must be at most 255 characters")
  .regex(/^[A-Za-z0-9._ /-]+$/, "Label may contain letters, digits, spaces and . _ / -");


import type { KeyState } from "../api/types.ts";

/**
 * Plain words for what the API names in capitals, and counts that read as English. One place,
 * so every page says "1 keystore" and "pre-activation" the same way.
 */

/** "1 keystore", "2 keystores"; `many` for irregular plurals ("1 policy", "2 policies"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const STATE_WORDS: Record<KeyState, string> = { PRE_ACTIVATION: "pre-activation", ACTIVE: "active", DEACTIVATED: "deactivated", DESTROYED: "destroyed" };

/** A key state as people say it: "pre-activation", not PRE_ACTIVATION. */
export function stateWord(state: KeyState): string {
  return STATE_WORDS[state] ?? state.toLowerCase().replace(/_/g, " ");
}

const HOLDS_WORDS: Record<string, string> = {
  ACTIVE: "active",
  NOT_ACTIVE: "disabled",
  NOT_PRESENT: "not there",
  WRONG_KEY: "other key material",
  ERROR: "failed",
  PENDING_DESTRUCTION: "pending deletion",
};

/** What a keystore holds of a key (KeyStatusInKeystoreValue) in words. */
export function holdsWord(status: string): string {
  return HOLDS_WORDS[status] ?? status.toLowerCase().replace(/_/g, " ");
}

/** "3 h 12 min", "12 min", "less than a minute": a wait in words, never a timestamp. */
export function durationWords(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 0) return "less than a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean);
  return parts.join(" ");
}

/** How long until `iso` from `now`, in words, or undefined once it has passed. */
export function timeUntil(iso: string | null | undefined, now = Date.now()): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso) - now;
  return ms > 0 ? durationWords(ms) : undefined;
}

const PATTERN_WORDS: Record<string, string> = {
  "kcv-aes-zero": "AES key check value: a block of zeros encrypted under the key, first 3 bytes",
  "hmac-sha256-empty": "HMAC-SHA256 of an empty message under the key, first 3 bytes",
  "spki-sha256": "SHA-256 of the public key (its SubjectPublicKeyInfo)",
};

/** What a verification pattern's method computes, so it can be compared with the keystore's own. */
export function patternWords(method: string): string {
  return PATTERN_WORDS[method] ?? method;
}

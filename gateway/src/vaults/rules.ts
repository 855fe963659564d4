import { z } from "zod";

/** UKO's rules for vaults (reference/uko-api.md §5). */
export const vaultName = z
  .string()
  .min(1, "Vault name must not be empty")
  .max(100, "Vault name must be at most 100 characters")
  .regex(/^[A-Za-z0-9#@!$%'_-][A-Za-z0-9#@!$% '_-]*$/, "Vault name may contain letters, digits, spaces and #@!$%'_- and must not start with a space");

/**
 * Control characters (other than tab and newline) and bidirectional overrides/isolates, which can
 * make a description display as something other than what it says (a "Trojan Source" trick) or
 * garble a terminal or a log viewer.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export const description = z
  .string()
  .max(200, "Description must be at most 200 characters")
  .refine((s) => !UNSAFE_TEXT.test(s), "Description must not contain control characters or bidirectional overrides");

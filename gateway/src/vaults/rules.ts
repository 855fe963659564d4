import { z } from "zod";

/** UKO's rules for vaults (reference/uko-api.md §5). */
export const vaultName = z
  .string()
  .min(1, "Vault name must not be empty")
  .max(100, "Vault name must be at most 100 characters")
  .regex(/^[A-Za-z0-9#@!$%'_-][A-Za-z0-9#@!$% '_-]*$/, "Vault name may contain letters, digits, spaces and #@!$%'_- and must not start with a space");

export const description = z.string().max(200, "Description must be at most 200 characters");

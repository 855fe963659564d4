import { z } from "zod";

/** UKO's rules for target keystores (reference/uko-api.md §5 and the seed's name rule). */
export const keystoreName = z
  .string()
  .min(1, "Keystore name must not be empty")
  .max(100, "Keystore name must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Keystore name must start with a letter or digit and contain only letters, digits, spaces and . - _");

export const keystoreGroups = z
  .array(
    z
      .string()
      .min(2, "A group name must be at least 2 characters")
      .max(128, "A group name must be at most 128 characters")
      .regex(/^[A-Za-z0-9][A-Za-z0-9_ -]+$/, "A group name must start with a letter or digit and contain only letters, digits, spaces, - and _"),
  )
  .max(128, "A keystore can be in at most 128 groups")
  .refine((groups) => new Set(groups).size === groups.length, "Each group may be listed only once");

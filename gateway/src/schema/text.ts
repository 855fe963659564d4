/** "a" or "an" before a display name ("an AWS keystore", "a Reference keystore"): by its first letter, which fits the names connectors use. */
export function article(name: string): "a" | "an" {
  return /^[aeiou]/i.test(name) ? "an" : "a";
}

import type { KeystoreType } from "../../api/types.ts";

/**
 * What a keystore type's card says, from the type's definition alone (no type is named here).
 *
 * The card's one line is the description's first sentence (what it connects to); the whole
 * description is shown on the next step, above the form it explains.
 */
export function firstSentence(text: string): string {
  const end = /[.!?](\s+)(?=[A-Z])/.exec(text);
  return end ? text.slice(0, end.index + 1) : text;
}

/** What a person must have at hand: the labels of the properties they must give. */
export function needs(type: KeystoreType): string {
  return type.properties
    .filter((d) => d.required && !d.derived)
    .map((d) => d.label)
    .join(", ");
}

/** "AES, RSA and EC keys": what a key template targeting this type may hold. */
export function holds(type: KeystoreType): string {
  const names = (type.capabilities?.algorithms ?? []).map((a) => a.algorithm.toUpperCase());
  if (names.length === 0) return "no managed keys";
  return `${names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0]} keys`;
}

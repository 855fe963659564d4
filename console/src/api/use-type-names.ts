import { useQuery } from "./use-query.ts";

const TYPE_NAMES = `query { keystoreTypes { type displayName } }`;

/** `name("aws_kms")` → "AWS KMS": the keystore type's display name (the id until the list loads). */
export function useTypeNames(): (type: string) => string {
  const q = useQuery<{ keystoreTypes: { type: string; displayName: string }[] }>(TYPE_NAMES);
  return (type) => q.data?.keystoreTypes.find((t) => t.type === type)?.displayName ?? type;
}

import type { KeySpec } from "@uko/connector-sdk";
import type { KeySpec as AwsKeySpec, KeyUsageType, AlgorithmSpec } from "@aws-sdk/client-kms";

/**
 * How each key kind the gateway manages becomes an AWS KMS key for imported material, and how
 * its material is wrapped (peers-and-byok §6.2): single-block material (AES, HMAC) with
 * RSAES-OAEP; private keys, which do not fit one RSA block, with RSA_AES_KEY_WRAP.
 */
export interface AwsKeyKind {
  readonly spec: KeySpec;
  readonly keySpec: AwsKeySpec;
  readonly keyUsage: KeyUsageType;
  readonly wrappingAlgorithm: AlgorithmSpec;
}

const KINDS: readonly AwsKeyKind[] = [
  { spec: { algorithm: "aes", size: "256" }, keySpec: "SYMMETRIC_DEFAULT", keyUsage: "ENCRYPT_DECRYPT", wrappingAlgorithm: "RSAES_OAEP_SHA_256" },
  ...(["224", "256", "384", "512"] as const).map((size) => ({
    spec: { algorithm: "hmac", size } as const,
    keySpec: `HMAC_${size}` as AwsKeySpec,
    keyUsage: "GENERATE_VERIFY_MAC" as const,
    wrappingAlgorithm: "RSAES_OAEP_SHA_256" as const,
  })),
  ...(["2048", "3072", "4096"] as const).map((size) => ({
    spec: { algorithm: "rsa", size } as const,
    keySpec: `RSA_${size}` as AwsKeySpec,
    keyUsage: "ENCRYPT_DECRYPT" as const,
    wrappingAlgorithm: "RSA_AES_KEY_WRAP_SHA_256" as const,
  })),
  ...(
    [
      ["P-256", "ECC_NIST_P256"],
      ["P-384", "ECC_NIST_P384"],
      ["P-521", "ECC_NIST_P521"],
      ["secp256k1", "ECC_SECG_P256K1"],
    ] as const
  ).map(([size, keySpec]) => ({
    spec: { algorithm: "ec", size } as const,
    keySpec: keySpec as AwsKeySpec,
    keyUsage: "SIGN_VERIFY" as const,
    wrappingAlgorithm: "RSA_AES_KEY_WRAP_SHA_256" as const,
  })),
];

/** RSA_3072 wraps every kind above; AWS also offers 2048 (too weak for new keys) and 4096. */
export const WRAPPING_KEY_SPEC = "RSA_3072" as const;

export function awsKindFor(spec: KeySpec): AwsKeyKind | undefined {
  return KINDS.find((k) => k.spec.algorithm === spec.algorithm && k.spec.size === spec.size);
}

export function specForAwsKeySpec(keySpec: string | undefined): KeySpec | null {
  return KINDS.find((k) => k.keySpec === keySpec)?.spec ?? null;
}

/** For the connector's declared capabilities. */
export function supportedAlgorithms(): { algorithm: KeySpec["algorithm"]; sizes: string[] }[] {
  const bySize = new Map<KeySpec["algorithm"], string[]>();
  for (const k of KINDS) bySize.set(k.spec.algorithm, [...(bySize.get(k.spec.algorithm) ?? []), k.spec.size]);
  return [...bySize].map(([algorithm, sizes]) => ({ algorithm, sizes }));
}

import type { KeyCurveName, KeyVaultKey } from "@azure/keyvault-keys";
import type { KeySpec } from "@uko/connector-sdk";

/**
 * Which managed keys a Key Vault (Premium) can hold, and as what. BYOK imports RSA and EC private
 * keys as RSA-HSM and EC-HSM keys. AES (oct-HSM) can be imported only into a Managed HSM, not into
 * a key vault, and HMAC not at all, so neither is offered.
 */
export const SUPPORTED_ALGORITHMS = [
  { algorithm: "rsa", sizes: ["2048", "3072", "4096"] },
  { algorithm: "ec", sizes: ["P-256", "P-384", "P-521"] },
] as const;

export interface AzureKeyKind {
  readonly kty: "RSA-HSM" | "EC-HSM";
  readonly crv?: KeyCurveName;
  /** What the imported key may be used for in Azure. */
  readonly keyOps: ("encrypt" | "decrypt" | "sign" | "verify" | "wrapKey" | "unwrapKey")[];
}

export function azureKindFor(spec: KeySpec): AzureKeyKind | undefined {
  const supported = SUPPORTED_ALGORITHMS.find((a) => a.algorithm === spec.algorithm);
  if (!supported || !(supported.sizes as readonly string[]).includes(spec.size)) return undefined;
  if (spec.algorithm === "rsa") return { kty: "RSA-HSM", keyOps: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"] };
  return { kty: "EC-HSM", crv: spec.size as KeyCurveName, keyOps: ["sign", "verify"] };
}

export function unsupportedReason(spec: KeySpec): string {
  if (spec.algorithm === "aes") return "Azure Key Vault cannot import AES keys: only Azure Managed HSM holds imported AES (oct-HSM) keys";
  if (spec.algorithm === "hmac") return "Azure Key Vault has no HMAC keys";
  return `Azure Key Vault (Premium) imports RSA 2048/3072/4096 and EC P-256/P-384/P-521 keys, not ${spec.algorithm} ${spec.size}`;
}

/** The spec of a key Azure describes; null for kinds the gateway does not manage (oct, P-256K). */
export function specOf(key: KeyVaultKey): KeySpec | null {
  const jwk = key.key;
  if (!jwk?.kty) return null;
  if (jwk.kty.startsWith("RSA") && jwk.n) {
    const bits = Math.round((jwk.n[0] === 0 ? jwk.n.length - 1 : jwk.n.length) / 128) * 1024;
    return { algorithm: "rsa", size: String(bits) };
  }
  if (jwk.kty.startsWith("EC") && jwk.crv && ["P-256", "P-384", "P-521"].includes(jwk.crv)) return { algorithm: "ec", size: jwk.crv };
  return null;
}

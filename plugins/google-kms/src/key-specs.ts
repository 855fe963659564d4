import type { KeyAlgorithm, KeySpec } from "@uko/connector-sdk";

/**
 * UKO's key specs as Cloud KMS algorithms. RSA keys sign or decrypt, as the key template says
 * (Google fixes a key's purpose at creation); EC keys only sign in Google.
 */
export type Purpose = "ENCRYPT_DECRYPT" | "MAC" | "ASYMMETRIC_SIGN" | "ASYMMETRIC_DECRYPT";
export type AsymmetricUsage = "sign" | "decrypt";

export interface GoogleKeyKind {
  readonly algorithm: string;
  readonly purpose: Purpose;
}

const RSA_SIZES = ["2048", "3072", "4096"];
const EC_CURVES: Record<string, string> = { "P-256": "EC_SIGN_P256_SHA256", "P-384": "EC_SIGN_P384_SHA384", secp256k1: "EC_SIGN_SECP256K1_SHA256" };
const HMAC_SIZES: Record<string, string> = { "256": "HMAC_SHA256", "384": "HMAC_SHA384", "512": "HMAC_SHA512" };

export function supportedAlgorithms(): { algorithm: KeyAlgorithm; sizes: string[] }[] {
  return [
    { algorithm: "aes", sizes: ["256"] },
    { algorithm: "hmac", sizes: Object.keys(HMAC_SIZES) },
    { algorithm: "rsa", sizes: RSA_SIZES },
    { algorithm: "ec", sizes: Object.keys(EC_CURVES) },
  ];
}

/** The algorithm and purpose for `spec`, or why Google cannot hold it. */
export function googleKindFor(spec: KeySpec, usage: AsymmetricUsage): GoogleKeyKind | string {
  switch (spec.algorithm) {
    case "aes":
      return spec.size === "256" ? { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", purpose: "ENCRYPT_DECRYPT" } : "Cloud KMS imports symmetric encryption keys of 256 bits only";
    case "hmac": {
      const algorithm = HMAC_SIZES[spec.size];
      return algorithm ? { algorithm, purpose: "MAC" } : `Cloud KMS has no HMAC keys of ${spec.size} bits`;
    }
    case "rsa":
      if (!RSA_SIZES.includes(spec.size)) return `Cloud KMS has no RSA keys of ${spec.size} bits`;
      return usage === "decrypt"
        ? { algorithm: `RSA_DECRYPT_OAEP_${spec.size}_SHA256`, purpose: "ASYMMETRIC_DECRYPT" }
        : { algorithm: `RSA_SIGN_PKCS1_${spec.size}_SHA256`, purpose: "ASYMMETRIC_SIGN" };
    case "ec": {
      if (usage === "decrypt") return "Cloud KMS EC keys can only sign: choose the usage 'sign' for EC keys";
      const algorithm = EC_CURVES[spec.size];
      return algorithm ? { algorithm, purpose: "ASYMMETRIC_SIGN" } : `Cloud KMS has no EC keys on ${spec.size}`;
    }
  }
}

/** The key spec of a Cloud KMS algorithm (the reverse of googleKindFor). */
export function specForAlgorithm(algorithm: string | undefined | null): KeySpec {
  const name = algorithm ?? "";
  if (name === "GOOGLE_SYMMETRIC_ENCRYPTION") return { algorithm: "aes", size: "256" };
  const hmac = Object.entries(HMAC_SIZES).find(([, a]) => a === name);
  if (hmac) return { algorithm: "hmac", size: hmac[0] };
  const rsa = /^RSA_(?:SIGN_PKCS1|SIGN_PSS|DECRYPT_OAEP)_(\d{4})_/.exec(name);
  if (rsa) return { algorithm: "rsa", size: rsa[1]! };
  const ec = Object.entries(EC_CURVES).find(([, a]) => a === name);
  if (ec) return { algorithm: "ec", size: ec[0] };
  return { algorithm: "aes", size: name || "unknown" };
}

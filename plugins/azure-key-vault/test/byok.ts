import { loadWrappingKey, rsaAesKeyWrap } from "@uko/connector-sdk";
import type { KeyVaultKey } from "@azure/keyvault-keys";

/** A BYOK transfer blob (peers-and-byok §6.3) for `material` under `kek`, as bytes for JsonWebKey.t. */
export function transferBlob(kek: KeyVaultKey, material: Uint8Array, hash: "sha1" | "sha256" = "sha1"): Uint8Array {
  const jwk = { kty: "RSA" as const, n: Buffer.from(kek.key!.n!).toString("base64url"), e: Buffer.from(kek.key!.e!).toString("base64url") };
  const ciphertext = rsaAesKeyWrap(loadWrappingKey(jwk), material, hash).toString("base64url");
  return Buffer.from(JSON.stringify({ schema_version: "1.0.0", header: { kid: kek.id, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" }, ciphertext, generator: "uko test" }));
}

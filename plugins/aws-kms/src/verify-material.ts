import { createHmac, createPrivateKey, createPublicKey, randomBytes, timingSafeEqual } from "node:crypto";
import { DescribeKeyCommand, GenerateMacCommand, GetPublicKeyCommand, type MacAlgorithmSpec } from "@aws-sdk/client-kms";
import { ConnectorError, type ConnectorHost, type KeyMaterial } from "@uko/connector-sdk";
import { awsKindFor } from "./key-specs.js";
import type { Kms } from "./kms-client.js";

/**
 * `verify_material`: whether an AWS key holds `material`, proven without AWS ever exporting it.
 * HMAC keys: AWS computes GenerateMac over a random message and the connector compares it with the
 * HMAC it computes locally. RSA and ECC keys: the public key GetPublicKey returns is compared with
 * the one derived from the material. SYMMETRIC_DEFAULT keys cannot be proven: AWS's ciphertext
 * format is undocumented, so nothing made locally can be decrypted there, and an Encrypt/Decrypt
 * round trip through AWS proves only that the key has some material. They answer UNSUPPORTED, which
 * the gateway treats as "not checked" rather than as a finding. AWS uses only an enabled key, so a
 * key in any other state answers UNSUPPORTED too.
 */
export async function verifyKeyMaterial(kms: Kms, keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean> {
  const metadata = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }), "kms:DescribeKey", host)).KeyMetadata;
  const kind = awsKindFor(material.spec);
  // A key of another kind cannot hold this material.
  if (!kind || metadata?.KeySpec !== kind.keySpec) return false;
  if (metadata.KeyState !== "Enabled") {
    throw new ConnectorError("UNSUPPORTED", `AWS KMS uses only an enabled key; key ${keyId} is ${metadata.KeyState}, so its material cannot be checked now`);
  }
  if (kind.keySpec === "SYMMETRIC_DEFAULT") {
    throw new ConnectorError("UNSUPPORTED", "AWS KMS's symmetric ciphertexts are opaque, so an AES key's material cannot be proven without exporting it");
  }
  if (kind.keyUsage === "GENERATE_VERIFY_MAC") {
    const message = randomBytes(32);
    const MacAlgorithm = `HMAC_SHA_${material.spec.size}` as MacAlgorithmSpec;
    const out = await kms.send(new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm }), "kms:GenerateMac", host);
    const held = Buffer.from(out.Mac ?? []);
    const expected = createHmac(`sha${material.spec.size}`, material.bytes).update(message).digest();
    return held.length === expected.length && timingSafeEqual(held, expected);
  }
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }), "kms:GetPublicKey", host);
  if (!out.PublicKey) throw new ConnectorError("REMOTE_ERROR", "AWS KMS returned no public key");
  let expected: Buffer;
  try {
    expected = createPublicKey(createPrivateKey({ key: Buffer.from(material.bytes), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
  } catch {
    return false;
  }
  return Buffer.from(out.PublicKey).equals(expected);
}

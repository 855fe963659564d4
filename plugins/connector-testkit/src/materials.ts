import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyMaterial, KeySpec } from "@uko/connector-sdk";

const CURVES: Readonly<Record<string, string>> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", secp256k1: "secp256k1" };

/**
 * Fresh key material as the gateway's managed-key engine generates it: the raw bytes of an AES or
 * HMAC key, the PKCS#8 DER of an RSA or EC private key.
 */
export function materialFor(spec: KeySpec): KeyMaterial {
  switch (spec.algorithm) {
    case "aes":
    case "hmac":
      return { spec, bytes: randomBytes(Number(spec.size) / 8) };
    case "rsa": {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: Number(spec.size) });
      return { spec, bytes: privateKey.export({ type: "pkcs8", format: "der" }) };
    }
    case "ec": {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: CURVES[spec.size] ?? spec.size });
      return { spec, bytes: privateKey.export({ type: "pkcs8", format: "der" }) };
    }
  }
}

/** Material of the same kind that is not `material`: what a proof must tell apart. */
export function otherMaterial(material: KeyMaterial): KeyMaterial {
  return materialFor(material.spec);
}

import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyMaterial, KeySpec } from "@uko/connector-sdk";

/** Key material as the managed-key engine generates it: raw bytes for AES/HMAC, PKCS#8 DER for private keys. */
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
      const namedCurve = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", secp256k1: "secp256k1" }[spec.size] ?? spec.size;
      const { privateKey } = generateKeyPairSync("ec", { namedCurve });
      return { spec, bytes: privateKey.export({ type: "pkcs8", format: "der" }) };
    }
  }
}

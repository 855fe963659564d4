import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aesKeyUnwrapPad, aesKeyWrapPad, loadWrappingKey, rsaAesKeyUnwrap, rsaAesKeyWrap, rsaOaepWrap } from "./key-wrap.js";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("AES key wrap with padding (RFC 5649)", () => {
  // RFC 5649 §6: the two published vectors, under the same 192-bit KEK.
  const kek = hex("5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8");

  it("reproduces the 20-byte vector", () => {
    const key = hex("c37b7e6492584340 bed1220780894115 5068f738");
    expect(aesKeyWrapPad(kek, key).toString("hex")).toBe("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
  });

  it("reproduces the 7-byte vector", () => {
    expect(aesKeyWrapPad(kek, hex("466f7250617369")).toString("hex")).toBe("afbeb0f07dfbf5419200f2ccb50bb24f");
  });

  it("round-trips and rejects a tampered blob", () => {
    const k = randomBytes(32);
    const material = randomBytes(45);
    const wrapped = aesKeyWrapPad(k, material);
    expect(wrapped.length).toBe(8 + 8 * Math.ceil(45 / 8));
    expect(aesKeyUnwrapPad(k, wrapped).equals(material)).toBe(true);
    wrapped[3]! ^= 1;
    expect(() => aesKeyUnwrapPad(k, wrapped)).toThrow();
  });

  it("refuses a key encryption key of the wrong length", () => {
    expect(() => aesKeyWrapPad(randomBytes(20), randomBytes(16))).toThrow(/16, 24 or 32 bytes/);
  });
});

describe("RSA wrapping", () => {
  it("RSA-OAEP with SHA-256 decrypts with the matching private key and hash only", () => {
    const material = randomBytes(32);
    const wrapped = rsaOaepWrap(publicKey, material, "sha256");
    expect(wrapped.length).toBe(256);
    const back = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped);
    expect(back.equals(material)).toBe(true);
    expect(() => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, wrapped)).toThrow();
  });

  it("CKM_RSA_AES_KEY_WRAP is modulus bytes plus the KWP blob, and unwraps to the material", () => {
    const { privateKey: rsaTarget } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const material = rsaTarget.export({ type: "pkcs8", format: "der" });
    for (const hash of ["sha1", "sha256"] as const) {
      const blob = rsaAesKeyWrap(publicKey, material, hash);
      expect(blob.length).toBe(256 + 8 + 8 * Math.ceil(material.length / 8));
      expect(rsaAesKeyUnwrap(privateKey, blob, hash).equals(material)).toBe(true);
    }
    // A fresh ephemeral key each time: two wraps of the same material differ.
    expect(rsaAesKeyWrap(publicKey, material, "sha256").equals(rsaAesKeyWrap(publicKey, material, "sha256"))).toBe(false);
  });

  it("loads the wrapping key as each cloud hands it over", () => {
    const der = publicKey.export({ type: "spki", format: "der" });
    const pem = publicKey.export({ type: "spki", format: "pem" }) as string;
    const jwk = publicKey.export({ format: "jwk" }) as { kty: "RSA"; n: string; e: string };
    for (const form of [new Uint8Array(der), pem, jwk]) {
      expect(loadWrappingKey(form).equals(publicKey)).toBe(true);
    }
  });
});

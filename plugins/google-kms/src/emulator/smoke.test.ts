import { describe, expect, it } from "vitest";
import { loadWrappingKey, rsaAesKeyWrap } from "@uko/connector-sdk";
import { Kms } from "../kms-client.js";
import { googleConnection } from "../properties.js";
import { propertiesFor, testHost } from "../../test/target.js";
import { startGoogleKmsEmulator, openEmulatorCiphertext } from "./index.js";
import { randomBytes } from "node:crypto";

describe("smoke", () => {
  it("works", async () => {
    const emulator = await startGoogleKmsEmulator();
    const kms = new Kms(googleConnection(propertiesFor(emulator, emulator.keyFile)));
    const host = testHost();
    const ring = `projects/${emulator.projectId}/locations/global/keyRings/uko`;
    const [r] = await kms.call("get", host, (o) => kms.client.getKeyRing({ name: ring }, o));
    expect(r.name).toBe(ring);
    const [key] = await kms.client.createCryptoKey({ parent: ring, cryptoKeyId: "k1", skipInitialVersionCreation: true, cryptoKey: { purpose: "ENCRYPT_DECRYPT", importOnly: true, versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "HSM" }, labels: { a: "b" } } });
    expect(key.name).toBe(`${ring}/cryptoKeys/k1`);
    let [job] = await kms.client.createImportJob({ parent: ring, importJobId: "j1", importJob: { importMethod: "RSA_OAEP_3072_SHA256_AES_256", protectionLevel: "HSM" } });
    expect(job.state).toBe("PENDING_GENERATION");
    while (job.state !== "ACTIVE") { await new Promise((r) => setTimeout(r, 50)); [job] = await kms.client.getImportJob({ name: job.name }); }
    const material = randomBytes(32);
    const [v] = await kms.client.importCryptoKeyVersion({ parent: key.name, algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", importJob: job.name, wrappedKey: rsaAesKeyWrap(loadWrappingKey(job.publicKey!.pem!), material, "sha256") });
    expect(v.state).toBe("PENDING_IMPORT");
    const [v2] = await kms.client.getCryptoKeyVersion({ name: v.name });
    expect(v2.state).toBe("ENABLED");
    await kms.client.updateCryptoKeyPrimaryVersion({ name: key.name, cryptoKeyVersionId: "1" });
    const [enc] = await kms.client.encrypt({ name: key.name!, plaintext: Buffer.from("hello") });
    expect(openEmulatorCiphertext(material, Buffer.from(enc.ciphertext as Uint8Array)).toString()).toBe("hello");
    const [perm] = await kms.client.testIamPermissions({ resource: ring, permissions: ["cloudkms.cryptoKeys.get"] });
    expect(perm.permissions).toEqual(["cloudkms.cryptoKeys.get"]);
    await kms.close();
    await emulator.close();
  });
});

import { generateKeyPairSync } from "node:crypto";
import { closedPort, proveByVerifyMaterial, runConnectorSuite, type ConnectorTarget } from "@uko/connector-testkit";
import type { GoogleKmsEmulator } from "../src/emulator/index.js";
import googleKms from "../src/index.js";
import { GOOGLE_PERMISSIONS } from "../src/permissions.js";
import { keyFileBase64, onRealGoogle, openTarget, propertiesFor } from "./target.js";

/** The Google connector against the conformance kit: the emulator by default, real Cloud KMS with UKO_ACC_GOOGLE=1. */
const emulatorOf = (target: ConnectorTarget) => target.emulator?.google as GoogleKmsEmulator | undefined;

/**
 * On real Cloud KMS an AES key's material cannot be proven (its ciphertexts are opaque and nothing
 * is exported): the acceptance run installs the other kinds, and leaves out the lifecycle checks
 * that prove material of the kit's lifecycle key, which is AES.
 */
const NOT_ON_REAL_GOOGLE = "an AES key's material cannot be proven on real Cloud KMS (opaque ciphertexts, no export); the emulator run proves it";
const realGoogleNarrowing = onRealGoogle
  ? {
      algorithms: googleKms.capabilities.algorithms.filter((a) => a.algorithm !== "aes").flatMap((a) => a.sizes.map((size) => ({ algorithm: a.algorithm, size }))),
      skip: { rotate: NOT_ON_REAL_GOOGLE, resume_install: NOT_ON_REAL_GOOGLE },
    }
  : {};

runConnectorSuite({
  connector: googleKms,
  acceptance: onRealGoogle,
  ...realGoogleNarrowing,
  // A key ring's id names where the keys live; it is no credential.
  lint: { notSecret: ["google_key_ring"] },
  async target() {
    const { properties, emulator, close } = await openTarget();
    if (!emulator) return { properties, account: String(properties.google_project_id), close };
    return {
      properties,
      account: emulator.projectId,
      emulator: {
        google: emulator,
        faults: {
          // Google's codes for each: RESOURCE_EXHAUSTED (HTTP 429) for quota, INTERNAL (HTTP 500) for a server error.
          inject: (kind) => emulator.faults.inject({ kind: kind === "throttle" ? "resource_exhausted" : kind === "server_error" ? "internal" : "hang" }),
          clear: () => emulator.faults.clear(),
        },
      },
      close,
    };
  },
  negative: {
    // The key file of the same account and key id, signed with a private key Google never issued: the JWT's signature fails.
    badCredentials: (target) => ({ ...target.properties, google_credentials: keyFileBase64({ ...keyFileOf(target), private_key: strangerPrivateKeyPem() }) }),
    async unreachable(target) {
      return { ...target.properties, google_api_endpoint: `127.0.0.1:${await closedPort()}` };
    },
    missingPermission(target, permission) {
      const emulator = emulatorOf(target);
      if (!emulator) return undefined; // Real Google: the kit cannot make a service account without one permission.
      const index = GOOGLE_PERMISSIONS.findIndex((p) => p.name === permission);
      const keyFile = emulator.addServiceAccount({ name: `uko-lacks-${index}`, permissions: GOOGLE_PERMISSIONS.map((p) => p.name).filter((name) => name !== permission) });
      return propertiesFor(emulator, keyFile);
    },
  },
  // HMAC, RSA and EC keys: the connector's own verifyKeyMaterial, a MAC or the public key compared
  // through Cloud KMS. AES: Google's ciphertexts are opaque, so only the emulator can tell, by
  // looking at the versions' material; on real Google an AES key cannot be proven without export.
  proveMaterial(session, key, material, target) {
    if (material.spec.algorithm !== "aes") return proveByVerifyMaterial(session, key, material, target);
    const emulator = emulatorOf(target);
    if (!emulator) throw new Error(NOT_ON_REAL_GOOGLE);
    return emulator.inspect.keyHoldsMaterial(key.resourceName!, material.bytes);
  },
});

function keyFileOf(target: ConnectorTarget): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(target.properties.google_credentials), "base64").toString("utf8")) as Record<string, unknown>;
}

function strangerPrivateKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

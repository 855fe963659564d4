import { closedPort, proveByReimport, proveByVerifyMaterial, runConnectorSuite, type ConnectorTarget } from "@uko/connector-testkit";
import awsKms from "../src/index.js";
import type { AwsKmsEmulator } from "../src/emulator/index.js";
import { AWS_PERMISSIONS } from "../src/permissions.js";
import { onRealAws, openTarget, propertiesFor } from "./target.js";

/** The AWS connector against the conformance kit: the emulator by default, real AWS with UKO_ACC_AWS=1. */
const emulatorOf = (target: ConnectorTarget) => target.emulator?.aws as AwsKmsEmulator | undefined;

runConnectorSuite({
  connector: awsKms,
  acceptance: onRealAws,
  // The access key id names the principal and is shown in IAM's console; it is not a credential on its own.
  lint: { notSecret: ["aws_access_key_id"] },
  async target() {
    const { properties, emulator, close } = await openTarget();
    if (!emulator) return { properties, close };
    return {
      properties,
      account: emulator.accountId,
      emulator: { aws: emulator, faults: { inject: (kind) => emulator.faults.inject({ kind }), clear: () => emulator.faults.clear() } },
      close,
    };
  },
  negative: {
    badCredentials: (target) => ({ ...target.properties, aws_secret_access_key: "not/the+right0secret000000000000000000000" }),
    async unreachable(target) {
      return { ...target.properties, aws_endpoint: `http://127.0.0.1:${await closedPort()}` };
    },
    missingPermission(target, permission) {
      const emulator = emulatorOf(target);
      if (!emulator) return undefined; // Real AWS: the kit cannot make a principal without one permission.
      const identity = {
        accessKeyId: `EMUKUKOLACKS${String(AWS_PERMISSIONS.findIndex((p) => p.name === permission)).padStart(8, "0")}`,
        secretAccessKey: `lacks/${permission.replace(/\W/g, "")}+Secret0000000000000000000`,
        allowedActions: AWS_PERMISSIONS.map((p) => p.name).filter((name) => name !== permission),
      };
      emulator.setIdentity(identity);
      return propertiesFor(emulator, identity);
    },
  },
  // HMAC, RSA and EC keys: the connector's own verify_material (GenerateMac, GetPublicKey), on the
  // emulator and on AWS alike. AES keys cannot be proven that way: on the emulator, look at the
  // key's material; on AWS, KMS refuses to reimport material that is not the key's own.
  proveMaterial: (session, key, material, target) => {
    if (material.spec.algorithm !== "aes") return proveByVerifyMaterial(session, key, material, target);
    return emulatorOf(target) ? emulatorOf(target)!.inspect.keyHoldsMaterial(key.keyId, material.bytes) : proveByReimport(session, key, material, target);
  },
});

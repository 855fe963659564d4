import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestHost, proveByVerifyMaterial, runConnectorSuite } from "@uko/connector-testkit";
// The built package, as the gateway loads it (`npm run build` first).
import fileKeystore from "../dist/index.js";

const PASSPHRASE = "correct horse battery staple";

runConnectorSuite({
  connector: fileKeystore,
  async target() {
    const directory = await mkdtemp(join(tmpdir(), "uko-file-keystore-"));
    const properties = { file_directory: directory, file_passphrase: PASSPHRASE };
    // What the gateway does when the keystore is connected: onConnect creates keystore.json.
    const session = await fileKeystore.connect(properties, createTestHost());
    await session.onConnect!(createTestHost());
    const { account } = await session.test(createTestHost());
    return { properties, account, close: () => rm(directory, { recursive: true, force: true }) };
  },
  negative: {
    badCredentials: (target) => ({ ...target.properties, file_passphrase: "not the passphrase at all" }),
    unreachable: (target) => ({ ...target.properties, file_directory: join(String(target.properties.file_directory), "missing") }),
    // File permissions cannot be taken from root, and chmod is all this keystore knows.
    missingPermission: () => undefined,
  },
  // The keystore can prove a key's material without exporting it (verify_material); the kit checks it also refuses other material.
  proveMaterial: proveByVerifyMaterial,
});

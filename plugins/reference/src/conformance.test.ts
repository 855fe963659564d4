import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { runConnectorSuite } from "@uko/connector-testkit";
import { referenceBackend } from "./backend.js";
import connector from "./index.js";

/** The reference connector against the conformance kit; its "remote system" is the in-process backend. */
const instanceName = () => `kit-${randomUUID().slice(0, 8)}`;
const apiKey = () => `ref-${randomBytes(12).toString("hex")}`;

runConnectorSuite({
  connector,
  target() {
    const instance = instanceName();
    const key = apiKey();
    referenceBackend.configure(instance, { apiKey: key });
    return { properties: { reference_instance: instance, reference_api_key: key } };
  },
  negative: {
    badCredentials: (target) => ({ ...target.properties, reference_api_key: apiKey() }),
    unreachable: (target) => ({ ...target.properties, reference_simulate: "unreachable" }),
    missingPermission(target, permission) {
      const instance = instanceName();
      referenceBackend.configure(instance, { apiKey: String(target.properties.reference_api_key), deniedPermissions: [permission] });
      return { ...target.properties, reference_instance: instance };
    },
  },
  // The backend is in this process: look at what the instance holds.
  proveMaterial(_session, key, material, target) {
    const held = referenceBackend.get(String(target.properties.reference_instance)).keys.get(key.keyId)?.material;
    return held !== undefined && held.length === material.bytes.length && timingSafeEqual(held, material.bytes);
  },
});

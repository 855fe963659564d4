import { closedPort, runConnectorSuite, type ConnectorTarget } from "@uko/connector-testkit";
import hpcs from "../src/hpcs.js";
import keyProtect from "../src/key-protect.js";
import { onRealIbm, openTarget, realProperties, type Target, type Variant } from "./target.js";

/**
 * Both IBM connectors against the conformance kit: the emulator by default (one emulator per
 * connector's run), a real instance with UKO_ACC_IBM_KP=1 / UKO_ACC_IBM_HPCS=1.
 */
const NO_PROOF = "a real Key Protect or HPCS instance cannot prove what a root key holds: no verify call, and wrapping gives IBM's opaque format";

const emulatorOf = (target: ConnectorTarget) => target.emulator?.ibm as Target | undefined;

for (const [variant, connector] of [
  ["key_protect", keyProtect],
  ["hpcs", hpcs],
] as const satisfies readonly (readonly [Variant, unknown])[]) {
  runConnectorSuite({
    connector,
    acceptance: onRealIbm(variant),
    async target() {
      if (onRealIbm(variant)) return { properties: realProperties(variant) };
      const ibm = await openTarget();
      return {
        properties: ibm.properties(variant),
        emulator: {
          ibm,
          faults: { inject: (kind) => ibm.emulator.faults.inject({ kind }), clear: () => ibm.emulator.faults.clear() },
        },
        close: () => ibm.close(),
      };
    },
    negative: {
      badCredentials: (target) => ({ ...target.properties, ibm_api_key: "Not-the-right-api-key_0000000000000000000000" }),
      async unreachable(target) {
        const nowhere = `https://127.0.0.1:${await closedPort()}`;
        // On a real instance there are no overrides: aiming them at a closed port is the same test.
        return { ...target.properties, ibm_api_url_override: nowhere, ibm_iam_url_override: nowhere };
      },
      missingPermission(target, permission) {
        const ibm = emulatorOf(target);
        if (!ibm) return undefined; // A real instance: the kit cannot make a service ID without one action.
        return { ...target.properties, ibm_api_key: ibm.apiKeyWithout(permission) };
      },
    },
    // On the emulator, look at the key's current version. A real instance has no way to prove it
    // (no verify call; wrap output is IBM's opaque format), so those checks are skipped there.
    proveMaterial: (_session, key, material, target) => {
      const ibm = emulatorOf(target);
      if (!ibm) throw new Error("a real IBM instance cannot prove a root key's material");
      return ibm.emulator.inspect.keyHoldsMaterial(ibm.instanceId(variant), key.keyId, material.bytes);
    },
    // The key ring is an id, not a credential.
    lint: { notSecret: ["ibm_key_ring"] },
    skip: {
      deletion:
        "IBM restores (cancels the deletion of) an imported key only with its material, which the kit's cancelKeyDeletion(keyId, host) does not pass, and a restored key comes back active, not disabled; test/connector.test.ts deletes and restores with the material",
      error_codes:
        "IBM key names are display names, not unique (aliases are the unique names, and mark the copies), so a second key with a taken name is no CONFLICT; test/connector.test.ts checks NOT_FOUND",
      ...(onRealIbm(variant) ? { install: NO_PROOF, rotate: NO_PROOF, resume_install: NO_PROOF } : {}),
    },
  });
}

import { closedPort, createTestHost, proveByVerifyMaterial, runConnectorSuite, type ConnectorTarget } from "@uko/connector-testkit";
import azure from "../src/index.js";
import { KEY_PERMISSIONS, type AzureKeyVaultEmulator } from "../src/emulator/index.js";
import { onRealAzure, openTarget, propertiesFor } from "./target.js";

/** The Azure connector against the conformance kit: the emulator by default, a real Premium vault with UKO_ACC_AZURE=1. */
const emulatorOf = (target: ConnectorTarget) => target.emulator?.azure as AzureKeyVaultEmulator | undefined;

runConnectorSuite({
  connector: azure,
  acceptance: onRealAzure,
  // A real vault's soft-delete retention may be as short as 7 days, and the connector refuses a
  // longer window than the vault keeps (the default is 90): use the window every vault honours.
  ...(onRealAzure ? { templateOptions: { azure_deletion_window_days: 7 } } : {}),
  async target() {
    const { properties, emulator, close } = await openTarget();
    // The gateway runs onConnect (it creates the import KEK) when a keystore is connected, before any install.
    const host = createTestHost({ timeoutMs: 30_000 });
    try {
      const setup = await azure.connect(properties, host);
      await setup.onConnect!(host);
      await setup.close?.();
    } catch (error) {
      await close();
      throw error;
    }
    if (!emulator) return { properties, close };
    return {
      properties,
      emulator: { azure: emulator, faults: { inject: (kind) => emulator.faults.inject({ kind }), clear: () => emulator.faults.clear() } },
      close,
    };
  },
  negative: {
    badCredentials: (target) => ({ ...target.properties, azure_service_principal_password: "not.the-right_secret~0000000000" }),
    async unreachable(target) {
      const closed = `https://127.0.0.1:${await closedPort()}`;
      return { ...target.properties, azure_vault_url: closed, azure_authority_host: closed };
    },
    missingPermission(target, permission) {
      const emulator = emulatorOf(target);
      if (!emulator) return undefined; // Real Azure: the kit cannot make a service principal without one permission.
      const index = KEY_PERMISSIONS.indexOf(permission as (typeof KEY_PERMISSIONS)[number]);
      const principal = {
        clientId: `00000000-0000-4000-a000-0000000010${String(index).padStart(2, "0")}`,
        clientSecret: `lacks-${permission}.secret-0000000000`,
        permissions: KEY_PERMISSIONS.filter((p) => p !== permission),
      };
      emulator.setPrincipal(principal);
      return propertiesFor(emulator, principal);
    },
  },
  // On the emulator, look at the key's private key; on Azure, compare the public key (the connector's verifyKeyMaterial).
  proveMaterial: (session, key, material, target) =>
    emulatorOf(target) ? emulatorOf(target)!.inspect.keyHoldsMaterial(key.keyId, material.bytes, key.materialVersion) : proveByVerifyMaterial(session, key, material, target),
});

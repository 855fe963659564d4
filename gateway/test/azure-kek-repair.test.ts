import { KEK_NAME } from "@uko/connector-azure-key-vault";
import { startAzureKeyVaultEmulator, type AzureKeyVaultEmulator } from "@uko/connector-azure-key-vault/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RootKey } from "../src/crypto/seal.js";
import { materialAad } from "../src/keys/material.js";
import { azureAdmin, azureKeystoreProperties, type AzureAdmin } from "./azure-admin.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { byKeystore, CREATE_KEY, createTemplate, lifecycle, SYNC } from "./keys-fixture.js";

/**
 * The Azure import key (KEK) disappearing behind the gateway's back, end to end: the Azure
 * connector runs isolated, as in production, against its emulator; an Azure administrator
 * deletes, purges or disables the KEK through Key Vault's REST API. The health round then reports
 * CONFIGURATION_ERROR with the remedy in words, an activation fails on the key instance with that
 * remedy (not a raw 404), and the audited repairKeystore mutation makes the KEK ready again, after
 * which the key installs and the emulator proves its material.
 */
const KEYSTORE = "azure-kek";
const STATUS = `status { health message }`;
const REPAIR = `mutation($input: RepairKeystoreInput!) { repairKeystore(input: $input) {
  __typename ... on RepairKeystoreSuccess { keystore { id ${STATUS} } } ... on Error { message code } ... on KeystoreRepairError { connectorCode reason } } }`;

describe("the Azure import key deleted, purged or disabled in Azure, and repaired by the gateway", () => {
  let t: TestGateway;
  let azure: AzureKeyVaultEmulator;
  let admin: AzureAdmin;
  let rootKey: RootKey;
  let vaultId: string;
  let keystoreId: string;
  let templateId: string;
  let n = 0;

  const health = async () => {
    await t.gateway.healthChecker.checkAll();
    return (await t.gql(`query($id: ID!) { keystore(id: $id) { ${STATUS} } }`, { id: keystoreId })).data.keystore.status as { health: string; message: string };
  };
  const repair = async () => (await t.gql(REPAIR, { input: { id: keystoreId } })).data.repairKeystore;
  const repairEvents = () => t.gateway.database.db.auditEvent.findMany({ where: { action: "target-keystores.repair" }, orderBy: { seq: "asc" } });
  const materialOf = async (keyId: string) => {
    const v = await t.gateway.database.db.managedKeyVersion.findFirstOrThrow({ where: { managedKeyId: keyId, number: 1 } });
    return rootKey.open(Buffer.from(v.sealedMaterial), materialAad(keyId, 1));
  };
  /** A new RSA key of the template, activated: its Azure copy's status. */
  const activate = async () => {
    const label = `kek-repair-${++n}`;
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: `app${n}` }] } })).data.createManagedKey;
    expect(created.__typename, created.message).toBe("CreateManagedKeySuccess");
    const r = (await t.gql(lifecycle("activate"), { input: { id: created.managedKey.id, expectedVersion: created.managedKey.version } })).data.activateManagedKey;
    expect(r.__typename, r.message).toBe("ActivateManagedKeySuccess");
    return { key: r.managedKey, copy: byKeystore(r.managedKey)[KEYSTORE] };
  };
  const sync = async (keyId: string) => {
    const r = (await t.gql(SYNC, { input: { id: keyId } })).data.syncManagedKey;
    expect(r.__typename, r.message).toBe("SyncManagedKeySuccess");
    return byKeystore(r.managedKey)[KEYSTORE];
  };
  const expectInstalled = async (keyId: string, copy: { status: string; syncFlag: string; keyIdInKeystore: string; error: string | null }) => {
    expect(copy, copy.error ?? "").toMatchObject({ status: "ACTIVE", syncFlag: "OK", error: null });
    expect(azure.inspect.keyHoldsMaterial(copy.keyIdInKeystore, await materialOf(keyId))).toBe(true);
  };

  beforeAll(async () => {
    azure = await startAzureKeyVaultEmulator();
    admin = azureAdmin(azure);
    t = await startTestGateway("sqlite", { connectorTimeoutMs: 15_000 }, { extraConnectors: [{ name: "@uko/connector-azure-key-vault" }] });
    rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    vaultId = (await t.gql(`mutation { createVault(input: { name: "kek-repair" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const connected = (
      await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename ... on ConnectKeystoreSuccess { keystore { id ${STATUS} } } ... on Error { message } } }`, {
        input: {
          vaultId,
          name: KEYSTORE,
          groups: ["azure"],
          properties: azureKeystoreProperties(azure),
        },
      })
    ).data.connectKeystore;
    expect(connected.__typename, connected.message).toBe("ConnectKeystoreSuccess");
    expect(connected.keystore.status.health, connected.keystore.status.message).toBe("OK");
    keystoreId = connected.keystore.id;
    templateId = await createTemplate(t, { vaultId, name: "kek-repair-rsa", type: "azure_key_vault", group: "azure", algorithm: "RSA", size: "2048", namingScheme: "uko-<app>" });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await azure?.close();
  });

  it("offers the repair action on the Azure keystore type, with its console label", async () => {
    const types = (await t.gql(`{ keystoreTypes { type capabilities { repair { label description } } } }`)).data.keystoreTypes as { type: string; capabilities: { repair: { label: string; description: string } | null } }[];
    expect(types.find((k) => k.type === "azure_key_vault")!.capabilities.repair).toEqual({ label: "Recreate import key", description: expect.stringContaining(KEK_NAME) });
  });

  it("soft-deleted: health says to recover it or run the repair action, an activation fails with that on the key instance, and repairKeystore recovers it (audited)", async () => {
    const [kek] = azure.inspect.keyVersions(KEK_NAME);
    await admin.deleteKey(KEK_NAME);
    expect(azure.inspect.isDeleted(KEK_NAME)).toBe(true);

    const broken = await health();
    expect(broken.health).toBe("CONFIGURATION_ERROR");
    expect(broken.message).toMatch(/EKMF-BYOK-KEK-FOR-IMPORT was deleted in Azure and is recoverable until .*Recover it \(az keyvault key recover --vault-name uko-emulator --name EKMF-BYOK-KEK-FOR-IMPORT\), or let the gateway do it: the keystore's "Recreate import key" action \(the repairKeystore mutation in the API\)/);

    const { key, copy } = await activate();
    expect(copy).toMatchObject({ syncFlag: "ERROR", keyIdInKeystore: null });
    expect(copy.error).toMatch(/EKMF-BYOK-KEK-FOR-IMPORT was deleted in Azure.*"Recreate import key"/);
    expect(copy.error).not.toMatch(/404|KeyNotFound|not found/i);

    const before = (await repairEvents()).length;
    const repaired = await repair();
    expect(repaired.__typename, repaired.message).toBe("RepairKeystoreSuccess");
    expect(repaired.keystore.status).toEqual({ health: "OK", message: expect.stringMatching(/^Connection test passed/) });
    // Recovered, not replaced: the same version of the KEK.
    expect(azure.inspect.isDeleted(KEK_NAME)).toBe(false);
    expect(azure.inspect.keyVersions(KEK_NAME)).toEqual([kek]);

    const events = (await repairEvents()).slice(before);
    expect(events.map((e) => e.outcome)).toEqual(["requested", "success"]);
    expect(events[1]).toMatchObject({ actorName: "bootstrap administrator", vaultId, targetType: "keystore", targetId: keystoreId, reason: null });
    expect(JSON.stringify(events)).not.toContain(azure.principals[0]!.clientSecret);

    await expectInstalled(key.id, await sync(key.id));
  });

  it("deleted and purged: health says to let the gateway create a new one, and repairKeystore creates it", async () => {
    const [old] = azure.inspect.keyVersions(KEK_NAME);
    await admin.deleteKey(KEK_NAME);
    await admin.purgeDeletedKey(KEK_NAME);
    expect(azure.inspect.keyVersions(KEK_NAME)).toEqual([]);

    const broken = await health();
    expect(broken.health).toBe("CONFIGURATION_ERROR");
    expect(broken.message).toMatch(/The vault has no key EKMF-BYOK-KEK-FOR-IMPORT.*let the gateway create a new one: the keystore's "Recreate import key" action \(the repairKeystore mutation in the API\)/);
    const { key, copy } = await activate();
    expect(copy.error).toMatch(/The vault has no key EKMF-BYOK-KEK-FOR-IMPORT/);

    const repaired = await repair();
    expect(repaired.__typename, repaired.message).toBe("RepairKeystoreSuccess");
    expect(repaired.keystore.status.health).toBe("OK");
    const now = azure.inspect.keyVersions(KEK_NAME);
    expect(now).toMatchObject([{ kty: "RSA-HSM", enabled: true }]);
    expect(now[0]!.version).not.toBe(old!.version);

    await expectInstalled(key.id, await sync(key.id));
    // A key activated after the repair installs at once.
    const fresh = await activate();
    await expectInstalled(fresh.key.id, fresh.copy);
  });

  it("disabled: health says to enable it or run the repair action, and repairKeystore enables it", async () => {
    await admin.setEnabled(KEK_NAME, false);
    const broken = await health();
    expect(broken.health).toBe("CONFIGURATION_ERROR");
    expect(broken.message).toMatch(/EKMF-BYOK-KEK-FOR-IMPORT is disabled in Azure\. Enable it \(az keyvault key set-attributes .*--enabled true\), or let the gateway do it: the keystore's "Recreate import key" action/);
    const { key, copy } = await activate();
    expect(copy.error).toMatch(/is disabled in Azure/);

    const repaired = await repair();
    expect(repaired.__typename, repaired.message).toBe("RepairKeystoreSuccess");
    expect(repaired.keystore.status.health).toBe("OK");
    expect(azure.inspect.keyVersions(KEK_NAME)).toMatchObject([{ enabled: true }]);
    await expectInstalled(key.id, await sync(key.id));
  });

  it("a foreign key squatting on the KEK's name: repairKeystore refuses with the reason, changes nothing, and is audited as refused", async () => {
    await admin.deleteKey(KEK_NAME);
    await admin.purgeDeletedKey(KEK_NAME);
    await admin.createEcKey(KEK_NAME);
    expect((await health()).message).toMatch(/exists in the vault but is not an import-only RSA-HSM key \(it is an EC-HSM key/);
    const statusBefore = await t.gateway.database.db.keystore.findUniqueOrThrow({ where: { id: keystoreId } });

    const refused = await repair();
    expect(refused).toMatchObject({ __typename: "KeystoreRepairError", code: "KEYSTORE_REPAIR_FAILED", connectorCode: "CONFLICT", reason: expect.stringMatching(/Delete and purge it in Azure/) });
    expect(azure.inspect.keyVersions(KEK_NAME).map((v) => v.kty)).toEqual(["EC-HSM"]);
    const statusAfter = await t.gateway.database.db.keystore.findUniqueOrThrow({ where: { id: keystoreId } });
    expect(statusAfter).toMatchObject({ version: statusBefore.version, checkedAt: statusBefore.checkedAt });
    expect((await repairEvents()).at(-1)).toMatchObject({ outcome: "refused", reason: "KEYSTORE_REPAIR_FAILED" });

    // Once the administrator removes it, the repair creates the right one.
    await admin.deleteKey(KEK_NAME);
    await admin.purgeDeletedKey(KEK_NAME);
    expect((await repair()).keystore.status.health).toBe("OK");
    expect(azure.inspect.keyVersions(KEK_NAME)).toMatchObject([{ kty: "RSA-HSM" }]);
  });

  it("says none of the Azure credentials in a response or a log line", () => {
    const secret = azure.principals[0]!.clientSecret;
    expect(t.responses.join("\n").includes(secret)).toBe(false);
    expect(t.logs.join("\n").includes(secret)).toBe(false);
  });
});

import { randomBytes } from "node:crypto";
import { referenceBackend } from "@uko/connector-reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, startTestGateway, type TestGateway } from "./harness.js";
import { byKeystore, CREATE_KEY, createTemplate, KEY, lifecycle, SYNC } from "./keys-fixture.js";

/**
 * A keystore type that declares `verify_material` (the reference connector) lets the sync prove
 * each copy holds the key's material without exporting it: a copy whose material was swapped
 * behind the gateway's back shows WRONG_KEY, in a look (dryRun) and in the background round.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`;

describe.each(await providers())("material verification on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;

  beforeAll(async () => {
    t = await startTestGateway(provider);
    vaultId = (await t.gql(`mutation { createVault(input: { name: "verify" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    for (const name of ["va", "vb"]) {
      await t.gql(CONNECT, { input: { vaultId, name, groups: ["prod"], properties: { reference: { referenceInstance: `verify-${name}-${provider}`, referenceApiKey: "verify-key-1" } } } });
    }
  });
  afterAll(() => t?.close());

  it("reports WRONG_KEY where a copy's material was swapped, and OK again once it is the key's own", async () => {
    const templateId = await createTemplate(t, { vaultId, name: "verify", type: "reference", group: "prod" });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "verified", namingValues: [{ name: "app", value: "ver" }] } })).data.createManagedKey.managedKey;
    const active = (await t.gql(lifecycle("activate"), { input: { id: created.id, expectedVersion: created.version } })).data.activateManagedKey.managedKey;
    const copyInA = referenceBackend.get(`verify-va-${provider}`).keys.get(byKeystore(active).va.keyIdInKeystore)!;
    const own = copyInA.material;

    copyInA.material = randomBytes(own.length);
    const looked = (await t.gql(SYNC, { input: { id: created.id, dryRun: true } })).data.syncManagedKey.managedKey;
    expect(byKeystore(looked).va).toMatchObject({ status: "WRONG_KEY", syncFlag: "OUT_OF_SYNC", detail: "key_in_keystore_has_other_material" });
    expect(byKeystore(looked).vb).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });

    // The background round sees it too.
    await t.gateway.database.db.keyInstance.updateMany({ where: { managedKeyId: created.id }, data: { status: "ACTIVE", syncFlag: "OK" } });
    await t.gateway.services.keys.syncRound();
    expect(byKeystore((await t.gql(KEY, { id: created.id })).data.managedKey).va).toMatchObject({ status: "WRONG_KEY" });

    copyInA.material = own;
    await t.gateway.services.keys.syncRound();
    expect(byKeystore((await t.gql(KEY, { id: created.id })).data.managedKey).va).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { referenceBackend } from "@uko/connector-reference";
import { errorFields, KEYSTORE_FIELDS, providers, startTestGateway, type TestGateway } from "./harness.js";

const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) {
  ... on ConnectKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "DuplicateNameError", "KeystoreAlreadyConnectedError")} } }`;
const UPDATE = `mutation($input: UpdateKeystoreInput!) { updateKeystore(input: $input) {
  ... on UpdateKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "VersionConflictError", "DuplicateNameError", "ImmutablePropertiesError")} } }`;
const TEST = `mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) {
  ... on TestKeystoreConnectionSuccess { test { ok health message missingPermissions checks { name kind outcome permission } } }
  ${errorFields("ValidationError", "NotFoundError")} } }`;
const DISCONNECT = `mutation($input: DisconnectKeystoreInput!) { disconnectKeystore(input: $input) {
  ... on DisconnectKeystoreSuccess { keystore { id } } ${errorFields("NotFoundError", "VersionConflictError")} } }`;

describe.each(await providers())("keystores on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;
  let otherVaultId: string;
  let n = 0;
  const props = (over: Record<string, unknown> = {}): { reference: Record<string, unknown> } => ({ reference: { referenceInstance: `inst-${++n}`, referenceApiKey: "correct-horse-battery", ...over } });
  const connect = async (over: Record<string, unknown> = {}, properties = props()) =>
    (await t.gql(CONNECT, { input: { vaultId, name: `ks-${++n}`, groups: ["prod"], properties, ...over } })).data.connectKeystore;
  const count = async () => (await t.gql(`{ keystores { totalCount } }`)).data.keystores.totalCount as number;

  beforeAll(async () => {
    t = await startTestGateway(provider);
    const mk = async (name: string) => (await t.gql(`mutation { createVault(input: { name: "${name}" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    vaultId = await mk("Main");
    otherVaultId = await mk("Other");
  });
  afterAll(() => t?.close());
  beforeEach(() => referenceBackend.reset());

  it("connects a keystore, tests it, and shows its properties without the secret", async () => {
    const result = await connect({ name: "Primary store", description: "first", groups: ["prod", "eu"] });
    expect(result.__typename).toBe("ConnectKeystoreSuccess");
    const ks = result.keystore;
    expect(ks).toMatchObject({ name: "Primary store", type: "reference", groups: ["prod", "eu"], version: 1, vault: { id: vaultId, name: "Main" } });
    expect(ks.status.health).toBe("OK");
    expect(ks.status.lastHeartbeat).not.toBeNull();
    expect(ks.referenceLocation).toBe("local"); // the declared default
    expect(ks.referenceInstanceId).toMatch(/^ri-[0-9a-f]{16}$/); // derived by the connector
    const secret = ks.properties.find((p: { name: string }) => p.name === "reference_api_key");
    expect(secret).toEqual({ name: "reference_api_key", value: null, isSet: true, secret: true, immutable: false, derived: false });
    expect(JSON.stringify(ks)).not.toContain("correct-horse-battery");
    const typed = await t.gql(`query($id: ID!) { keystore(id: $id) { __typename ... on ReferenceKeystore { referenceInstance } } }`, { id: ks.id });
    expect(typed.data.keystore.__typename).toBe("ReferenceKeystore");
  });

  it("names each bad property by its path and saves nothing", async () => {
    const before = await count();
    const result = await connect(
      { name: "-bad", description: "d".repeat(201), groups: ["x"] },
      { reference: { referenceInstance: "UPPER", referenceLatencyMs: -5, referenceSimulate: "sometimes" } },
    );
    expect(result.__typename).toBe("ValidationError");
    const paths = result.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "input.name",
        "input.description",
        "input.groups.0",
        "input.properties.reference.referenceInstance",
        "input.properties.reference.referenceApiKey",
        "input.properties.reference.referenceSimulate",
        "input.properties.reference.referenceLatencyMs",
      ]),
    );
    const missing = result.issues.find((i: { path: string[] }) => i.path.at(-1) === "referenceApiKey");
    expect(missing).toMatchObject({ code: "REQUIRED", message: "API key is required" });
    expect(await count()).toBe(before);
  });

  it("refuses an unknown vault, a duplicate name in the vault and a remote keystore connected twice", async () => {
    const unknownVault = await connect({ vaultId: "00000000-0000-4000-8000-000000000000" });
    expect(unknownVault).toMatchObject({ __typename: "NotFoundError", resource: "vault", path: ["input", "vaultId"] });
    const first = await connect({ name: "Unique name" }, props({ referenceInstance: "shared-remote" }));
    expect(first.__typename).toBe("ConnectKeystoreSuccess");
    const before = await count();
    expect(await connect({ name: "Unique name" })).toMatchObject({ __typename: "DuplicateNameError", name: "Unique name" });
    const twice = await connect({ vaultId: otherVaultId, name: "Another name" }, props({ referenceInstance: "shared-remote" }));
    expect(twice).toMatchObject({ __typename: "KeystoreAlreadyConnectedError", keystoreName: "Unique name", vaultName: "Main", vaultId });
    expect(await count()).toBe(before);
  });

  it("keeps names unique per vault: another vault may use the same name, a rename may not collide in its vault", async () => {
    const here = await connect({ name: "Per-vault name" });
    const there = await connect({ vaultId: otherVaultId, name: "Per-vault name" });
    expect(there.__typename).toBe("ConnectKeystoreSuccess");
    const sibling = await connect({ vaultId: otherVaultId, name: "Sibling" });
    const rename = (await t.gql(UPDATE, { input: { id: sibling.keystore.id, expectedVersion: 1, name: "Per-vault name" } })).data.updateKeystore;
    expect(rename).toMatchObject({ __typename: "DuplicateNameError", name: "Per-vault name" });
    expect(here.keystore.id).not.toBe(there.keystore.id);
  });

  it("names where a remote keystore is connected only to a caller who can read that vault", async () => {
    const taken = await connect({ name: "Hidden holder" }, props({ referenceInstance: "hidden-remote" }));
    const outsider = (
      await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token } } } }`, {
        input: { name: "other-vault-admin", roles: [{ vaultId: otherVaultId, role: "VAULT_ADMINISTRATOR" }] },
      })
    ).data.createAccessToken.created.token;
    const input = { vaultId: otherVaultId, name: "Probe", properties: props({ referenceInstance: "hidden-remote" }) };
    const r = await t.gqlAs(outsider, CONNECT, { input });
    const refused = r.data.connectKeystore;
    expect(refused).toMatchObject({ __typename: "KeystoreAlreadyConnectedError", code: "KEYSTORE_ALREADY_CONNECTED", keystoreId: null, keystoreName: null, vaultId: null, vaultName: null });
    expect(refused.message).toMatch(/already connected elsewhere/);
    const body = JSON.stringify(r);
    for (const secret of [taken.keystore.id, "Hidden holder", vaultId, "Main"]) expect(body).not.toContain(secret);
  });

  it("saves a keystore whose test fails, with the reason as its status", async () => {
    referenceBackend.configure("locked-1", { apiKey: "the-right-key-1" });
    const wrongKey = await connect({}, props({ referenceInstance: "locked-1", referenceApiKey: "the-wrong-key" }));
    expect(wrongKey.keystore.status).toMatchObject({ health: "CONFIGURATION_ERROR", message: "Instance locked-1 refused the API key" });
    const noPerm = await connect({}, props({ referenceSimulate: "missing_permissions" }));
    expect(noPerm.keystore.status.health).toBe("CONFIGURATION_ERROR");
    expect(noPerm.keystore.status.message).toContain("keys.import");
    const down = await connect({}, props({ referenceSimulate: "unreachable" }));
    expect(down.keystore.status.health).toBe("NOT_RESPONDING");
    expect(down.keystore.status.lastHeartbeat).toBeNull();
  });

  it("survives a connector that hangs or throws, within the deadline", async () => {
    const started = Date.now();
    const hung = await connect({}, props({ referenceSimulate: "hang" }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(hung.keystore.status).toMatchObject({ health: "NOT_RESPONDING", message: "The keystore did not answer within 1.5s" });
    const crashed = await connect({}, props({ referenceSimulate: "throw" }));
    expect(crashed.keystore.status.message).toBe("The reference connector failed unexpectedly; the gateway log has the details");
    expect(t.logs.join("")).toContain("reference connector crashed (simulated)");
  });

  it("tests unsaved properties without saving anything, and reports missing permissions", async () => {
    const before = await count();
    const ok = (await t.gql(TEST, { input: { properties: props() } })).data.testKeystoreConnection;
    expect(ok.test).toMatchObject({ ok: true, health: "OK", missingPermissions: [] });
    expect(ok.test.checks.map((c: { name: string }) => c.name)).toContain("permission:keys.import");
    referenceBackend.configure("partial", { deniedPermissions: ["keys.delete", "keys.list"] });
    const partial = (await t.gql(TEST, { input: { properties: props({ referenceInstance: "partial" }) } })).data.testKeystoreConnection;
    expect(partial.test).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR", missingPermissions: ["keys.list", "keys.delete"] });
    const invalid = (await t.gql(TEST, { input: { properties: { reference: { referenceInstance: "x" } } } })).data.testKeystoreConnection;
    expect(invalid.__typename).toBe("ValidationError");
    expect(await count()).toBe(before);
  });

  it("rotates a credential, keeps an omitted secret, and refuses locked properties without saving", async () => {
    referenceBackend.configure("rotating", { apiKey: "old-key-000" });
    const ks = (await connect({ name: "Rotating" }, props({ referenceInstance: "rotating", referenceApiKey: "old-key-000" }))).keystore;
    expect(ks.status.health).toBe("OK");
    referenceBackend.configure("rotating", { apiKey: "new-key-111" });
    const checked = await t.gql(`mutation($id: ID!) { refreshKeystoreStatus(input: { id: $id }) { ... on RefreshKeystoreStatusSuccess { refresh { keystore { status { health } } } } } }`, { id: ks.id });
    expect(checked.data.refreshKeystoreStatus.refresh.keystore.status.health).toBe("CONFIGURATION_ERROR");

    const rotated = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: 1, properties: { reference: { referenceApiKey: "new-key-111" } } } })).data.updateKeystore;
    expect(rotated.keystore).toMatchObject({ version: 2, status: { health: "OK" } });

    // An edit that leaves the secret out keeps it: the keystore still authenticates.
    const renamed = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: 2, name: "Rotated", properties: { reference: { referenceLatencyMs: 1 } } } })).data.updateKeystore;
    expect(renamed.keystore).toMatchObject({ name: "Rotated", version: 3, referenceLatencyMs: 1, status: { health: "OK" } });

    const locked = (await t.gql(UPDATE, {
      input: { id: ks.id, expectedVersion: 3, name: "Should not stick", properties: { reference: { referenceInstance: "elsewhere", referenceLocation: "eu" } } },
    })).data.updateKeystore;
    expect(locked).toMatchObject({ __typename: "ImmutablePropertiesError", code: "IMMUTABLE_PROPERTIES", properties: ["reference_instance", "reference_location"] });
    const after = (await t.gql(`query($id: ID!) { keystore(id: $id) { name version ... on ReferenceKeystore { referenceInstance } } }`, { id: ks.id })).data.keystore;
    expect(after).toEqual({ name: "Rotated", version: 3, referenceInstance: "rotating" });

    const stale = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: 1, description: "late" } })).data.updateKeystore;
    expect(stale).toMatchObject({ __typename: "VersionConflictError", expectedVersion: 1, currentVersion: 3 });
  });

  it("disconnects, leaving the vault deletable only once empty", async () => {
    const vault = (await t.gql(`mutation { createVault(input: { name: "Short-lived" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault;
    const ks = (await connect({ vaultId: vault.id, name: "Temporary" })).keystore;
    const refused = (await t.gql(`mutation($id: ID!) { deleteVault(input: { id: $id, expectedVersion: 1 }) { ${errorFields("VaultNotEmptyError")} } }`, { id: vault.id })).data.deleteVault;
    expect(refused).toMatchObject({ __typename: "VaultNotEmptyError", keystoreCount: 1, keystoreNames: ["Temporary"] });
    expect(refused.message).toContain("Temporary");
    expect((await t.gql(DISCONNECT, { input: { id: ks.id, expectedVersion: 9 } })).data.disconnectKeystore.__typename).toBe("VersionConflictError");
    expect((await t.gql(DISCONNECT, { input: { id: ks.id, expectedVersion: 1 } })).data.disconnectKeystore.keystore.id).toBe(ks.id);
    expect((await t.gql(`query($id: ID!) { keystore(id: $id) { id } }`, { id: ks.id })).data.keystore).toBeNull();
    const deleted = (await t.gql(`mutation($id: ID!) { deleteVault(input: { id: $id, expectedVersion: 1 }) { __typename } }`, { id: vault.id })).data.deleteVault;
    expect(deleted.__typename).toBe("DeleteVaultSuccess");
  });

  it("lists keystores across vaults with filters", async () => {
    await connect({ vaultId: otherVaultId, name: "Filter-eu", groups: ["eu-group"] });
    await connect({ vaultId: otherVaultId, name: "Filter-down", groups: ["eu-group"] }, props({ referenceSimulate: "unreachable" }));
    const q = `query($f: KeystoreFilter) { keystores(filter: $f, first: 50) { totalCount nodes { name } } }`;
    const names = async (f: object) => (await t.gql(q, { f })).data.keystores.nodes.map((k: { name: string }) => k.name);
    expect(await names({ vaultId: otherVaultId, group: "eu-group" })).toEqual(["Filter-down", "Filter-eu"]);
    expect(await names({ namePrefix: "Filter-", health: "NOT_RESPONDING" })).toEqual(["Filter-down"]);
    expect(await names({ type: "aws_kms" })).toEqual([]);
  });

  it("describes each keystore type well enough to render a form", async () => {
    const { keystoreTypes } = (await t.gql(`{ keystoreTypes { type displayName propertiesInputField graphqlTypeName
      properties { name graphqlName label valueType required secret immutable derived identifying minLength maxLength pattern enumValues default }
      requiredPermissions { name } capabilities { algorithms { algorithm sizes } } } }`)).data;
    expect(keystoreTypes.map((k: { type: string }) => k.type).sort()).toEqual(["aws_kms", "reference"]);
    const ref = keystoreTypes.find((k: { type: string }) => k.type === "reference");
    expect(ref).toMatchObject({ type: "reference", propertiesInputField: "reference", graphqlTypeName: "ReferenceKeystore" });
    const byName = Object.fromEntries(ref.properties.map((p: { name: string }) => [p.name, p]));
    expect(byName.reference_api_key).toMatchObject({ secret: true, required: true, valueType: "STRING", minLength: 8 });
    expect(byName.reference_instance).toMatchObject({ immutable: true, identifying: true, pattern: "[a-z0-9][a-z0-9-]*" });
    expect(byName.reference_location).toMatchObject({ valueType: "ENUM", enumValues: ["local", "eu", "us"], default: "local" });
    expect(byName.reference_instance_id).toMatchObject({ derived: true, required: false });
    const aws = keystoreTypes.find((k: { type: string }) => k.type === "aws_kms");
    expect(aws).toMatchObject({ displayName: "AWS keystore", propertiesInputField: "awsKms", graphqlTypeName: "AwsKmsKeystore" });
    expect(aws.requiredPermissions.map((p: { name: string }) => p.name)).toContain("kms:ImportKeyMaterial");
    expect(aws.capabilities.algorithms).toContainEqual({ algorithm: "rsa", sizes: ["2048", "3072", "4096"] });
  });
});

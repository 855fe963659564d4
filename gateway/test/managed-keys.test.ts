import { createCipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { referenceBackend } from "@uko/connector-reference";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RootKey } from "../src/crypto/seal.js";
import { materialAad, newSealedVersion } from "../src/keys/material.js";
import { errorFields, providers, startTestGateway, type TestGateway } from "./harness.js";
import { ALIGN, byKeystore, CREATE_KEY, createTemplate, KEY, lifecycle, SYNC, type Status } from "./keys-fixture.js";

/**
 * Managed keys through GraphQL, installed in reference keystores whose in-memory backend shows
 * exactly what each keystore holds.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id version } } ... on Error { message } } }`;
const UPDATE_KEYSTORE = `mutation($input: UpdateKeystoreInput!) { updateKeystore(input: $input) { ... on UpdateKeystoreSuccess { keystore { id version } } ... on Error { message } } }`;
const DISCONNECT = `mutation($input: DisconnectKeystoreInput!) { disconnectKeystore(input: $input) {
  __typename ... on DisconnectKeystoreSuccess { keystore { id } } ${errorFields("NotFoundError", "VersionConflictError")} ... on KeystoreHasKeysError { keyLabels } ... on KeystoreReleaseError { keyLabels } } }`;

const kcv = (material: Buffer) => {
  const c = createCipheriv("aes-256-ecb", material, null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).subarray(0, 3).toString("hex").toUpperCase();
};
/** What the reference keystore `instance` holds under key id `keyId`. */
const remote = (instance: string, keyId: string | null) => (keyId ? referenceBackend.get(instance).keys.get(keyId) : undefined);

describe.each(await providers())("managed keys on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;
  let templateId: string;
  const keystores: Record<string, { id: string; version: number }> = {};
  let run = 0;
  const instanceOf = (name: string) => `${name}-${provider}-${run}`;

  const connect = async (name: string, groups: string[]) => {
    const r = (await t.gql(CONNECT, { input: { vaultId, name, groups, properties: { reference: { referenceInstance: instanceOf(name), referenceApiKey: "reference-key-1" } } } })).data.connectKeystore;
    keystores[name] = r.keystore;
  };
  const create = async (label: string, over: Record<string, unknown> = {}) =>
    (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: label.replace(/[^A-Za-z0-9]/g, "") }], ...over } })).data.createManagedKey;
  const act = async (name: "activate" | "deactivate" | "destroy" | "delete" | "rotate", key: { id: string; version: number }) =>
    (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`];
  const activeKey = async (label: string) => {
    const created = await create(label);
    const activated = await act("activate", created.managedKey);
    expect(activated.__typename).toBe("ActivateManagedKeySuccess");
    return activated.managedKey;
  };

  beforeAll(async () => {
    t = await startTestGateway(provider, { destroyWaitSeconds: 3600 });
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    run++;
    const vault = await t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { ... on CreateVaultSuccess { vault { id } } } }`, { n: `keys-${run}` });
    vaultId = vault.data.createVault.vault.id;
    for (const name of ["ks-a", "ks-b", "ks-c"]) await connect(`${name}-${run}`, ["prod"]);
    await connect(`ks-dev-${run}`, ["dev"]);
    templateId = await createTemplate(t, { vaultId, name: `tpl-${run}`, type: "reference", group: "prod" });
  });

  it("generates, seals and activates a key in every targeted keystore, holding the same bytes", async () => {
    const created = await create("payments/signing");
    expect(created.__typename).toBe("CreateManagedKeySuccess");
    const fresh = created.managedKey;
    expect(fresh).toMatchObject({ state: "PRE_ACTIVATION", usable: false, keyVersion: 1, version: 1, algorithm: "aes", size: "256", statusInKeystores: [] });
    expect(fresh.nameInKeystores).toBe(`tpl-${run}-paymentssigning`);
    expect(fresh.verificationPattern.method).toBe("kcv-aes-zero");

    const active = (await act("activate", fresh)).managedKey;
    expect(active).toMatchObject({ state: "ACTIVE", usable: true, version: 2 });
    const status = byKeystore(active);
    expect(Object.keys(status).sort()).toEqual([`ks-a-${run}`, `ks-b-${run}`, `ks-c-${run}`]);
    const materials = Object.values(status).map((s: Status) => {
      expect(s).toMatchObject({ status: "ACTIVE", syncFlag: "OK", detail: "active_key_is_active_in_keystore", pending: false, targeted: true });
      const held = remote(instanceOf(s.keystoreName), s.keyIdInKeystore)!;
      expect(held.state).toBe("enabled");
      expect(held.name).toBe(fresh.nameInKeystores);
      expect(held.tags["uko:managed-key-id"]).toBe(fresh.id);
      return held.material;
    });
    // Every keystore holds the same 32 bytes, and they are the key the verification value describes.
    expect(materials[0]!.length).toBe(32);
    for (const m of materials) expect(m.equals(materials[0]!)).toBe(true);
    expect(kcv(materials[0]!)).toBe(fresh.verificationPattern.value);

    const inA = (await t.gql(`query($id: ID!) { keystore(id: $id) { managedKeys { totalCount nodes { label state } } } }`, { id: keystores[`ks-a-${run}`]!.id })).data.keystore.managedKeys;
    expect(inA).toEqual({ totalCount: 1, nodes: [{ label: "payments/signing", state: "ACTIVE" }] });
    const inDev = (await t.gql(`query($id: ID!) { keystore(id: $id) { managedKeys { totalCount } } }`, { id: keystores[`ks-dev-${run}`]!.id })).data.keystore.managedKeys;
    expect(inDev.totalCount).toBe(0);

    // The material is sealed at rest and never in a response or a log line.
    const everything = [...t.responses, ...t.logs].join("\n");
    for (const encoding of ["hex", "base64"] as const) expect(everything).not.toContain(materials[0]!.toString(encoding));
    if (provider === "sqlite") expect(readFileSync(t.config.databaseUrl.slice("file:".length)).indexOf(materials[0]!)).toBe(-1);
  });

  it("refuses each transition UKO's matrix forbids, saying which states allow it, and changes nothing", async () => {
    const key = await activeKey("matrix");
    for (const action of ["activate", "destroy", "delete"] as const) {
      const refused = await act(action, key);
      expect(refused.__typename, action).toBe("KeyStateError");
      expect(refused.state).toBe("ACTIVE");
      expect(refused.allowedStates).toEqual({ activate: ["PRE_ACTIVATION", "DEACTIVATED"], destroy: ["PRE_ACTIVATION", "DEACTIVATED"], delete: ["DESTROYED"] }[action]);
    }
    const stale = await act("deactivate", { id: key.id, version: key.version - 1 });
    expect(stale).toMatchObject({ __typename: "VersionConflictError", currentVersion: key.version });
    expect((await t.gql(KEY, { id: key.id })).data.managedKey).toMatchObject({ state: "ACTIVE", version: key.version });
  });

  it("deactivates, waits before destroying, destroys (erasing the material) and deletes", async () => {
    const key = await activeKey("lifecycle");
    const off = (await act("deactivate", key)).managedKey;
    expect(off).toMatchObject({ state: "DEACTIVATED", usable: false });
    for (const s of off.statusInKeystores as Status[]) {
      expect(s).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OK", detail: "deactivated_key_is_deactivated_in_keystore" });
      expect(remote(instanceOf(s.keystoreName), s.keyIdInKeystore)!.state).toBe("disabled");
    }
    const early = await act("destroy", off);
    expect(early.__typename).toBe("KeyStateError");
    expect(early.message).toMatch(/deactivated less than 1 hours ago; it can be destroyed from/);
    // The key says when beforehand (the console disables Destroy until then): its deactivation plus the wait.
    const when = (await t.gql(`query($id: ID!) { managedKey(id: $id) { deactivatedAt destroyableAt rotatableAt } }`, { id: key.id })).data.managedKey;
    expect(Date.parse(when.destroyableAt) - Date.parse(when.deactivatedAt)).toBe(3_600_000);
    expect(when.rotatableAt).toBeNull();

    // An hour and a bit later.
    await t.gateway.database.db.managedKey.update({ where: { id: key.id }, data: { deactivatedAt: new Date(Date.now() - 3_700_000) } });
    const destroyed = (await act("destroy", off)).managedKey;
    expect(destroyed).toMatchObject({ state: "DESTROYED", verificationPattern: null });
    for (const s of destroyed.statusInKeystores as Status[]) {
      expect(s).toMatchObject({ status: "PENDING_DESTRUCTION", syncFlag: "OK", detail: "destroyed_pending_key_is_pending_destruction_in_keystore" });
      const held = remote(instanceOf(s.keystoreName), s.keyIdInKeystore)!;
      expect(held.state).toBe("pending_deletion");
      // The template's reference option: 1 day.
      expect(Math.round((held.deletionDate!.getTime() - Date.now()) / 3_600_000)).toBe(24);
    }
    const versions = await t.gateway.database.db.managedKeyVersion.findMany({ where: { managedKeyId: key.id } });
    expect(versions.map((v) => v.sealedMaterial.length)).toEqual([0]);
    expect((await act("activate", destroyed)).__typename).toBe("KeyStateError");

    expect((await act("delete", destroyed)).__typename).toBe("DeleteManagedKeySuccess");
    expect((await t.gql(KEY, { id: key.id })).data.managedKey).toBeNull();
  });

  it("records a keystore that fails without undoing the others, and a sync completes it", async () => {
    referenceBackend.configure(instanceOf(`ks-b-${run}`), { deniedPermissions: ["keys.import"] });
    const key = await activeKey("partial");
    const status = byKeystore(key);
    expect(key.usable).toBe(true);
    expect(status[`ks-a-${run}`]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect(status[`ks-b-${run}`]).toMatchObject({ status: "ERROR", syncFlag: "ERROR", pending: true, keyIdInKeystore: null });
    expect(status[`ks-b-${run}`].error).toMatch(/may not keys.import/);
    expect(referenceBackend.get(instanceOf(`ks-b-${run}`)).keys.size).toBe(0);

    referenceBackend.configure(instanceOf(`ks-b-${run}`), {});
    const synced = (await t.gql(SYNC, { input: { id: key.id } })).data.syncManagedKey.managedKey;
    expect(byKeystore(synced)[`ks-b-${run}`]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false, error: null });
    const a = remote(instanceOf(`ks-a-${run}`), status[`ks-a-${run}`].keyIdInKeystore)!;
    const b = remote(instanceOf(`ks-b-${run}`), byKeystore(synced)[`ks-b-${run}`].keyIdInKeystore)!;
    expect(b.material.equals(a.material)).toBe(true);
  });

  it("sees drift made behind its back, and sync pushes the key's state again", async () => {
    const key = await activeKey("drift");
    const status = byKeystore(key);
    const aHeld = remote(instanceOf(`ks-a-${run}`), status[`ks-a-${run}`].keyIdInKeystore)!;
    aHeld.state = "disabled"; // disabled directly in the keystore
    referenceBackend.get(instanceOf(`ks-c-${run}`)).keys.clear(); // deleted directly in the keystore

    const seen = byKeystore((await t.gql(SYNC, { input: { id: key.id, dryRun: true } })).data.syncManagedKey.managedKey);
    expect(seen[`ks-a-${run}`]).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OUT_OF_SYNC", detail: "active_key_is_not_active_in_keystore" });
    expect(seen[`ks-c-${run}`]).toMatchObject({ status: "NOT_PRESENT", syncFlag: "OUT_OF_SYNC" });
    expect(seen[`ks-b-${run}`]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect(aHeld.state).toBe("disabled"); // a dry run changes nothing

    const pushed = byKeystore((await t.gql(SYNC, { input: { id: key.id } })).data.syncManagedKey.managedKey);
    for (const s of Object.values(pushed) as Status[]) expect(s).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect(aHeld.state).toBe("enabled");
    const reinstalled = remote(instanceOf(`ks-c-${run}`), pushed[`ks-c-${run}`].keyIdInKeystore)!;
    expect(reinstalled.material.equals(aHeld.material)).toBe(true);
  });

  it("aligns a key with its template's keystores: installs where now wanted, deactivates where not", async () => {
    const key = await activeKey("aligned");
    const dev = keystores[`ks-dev-${run}`]!;
    const a = keystores[`ks-a-${run}`]!;
    await t.gql(UPDATE_KEYSTORE, { input: { id: dev.id, expectedVersion: dev.version, groups: ["dev", "prod"] } });
    await t.gql(UPDATE_KEYSTORE, { input: { id: a.id, expectedVersion: a.version, groups: ["retired"] } });

    const preview = (await t.gql(ALIGN, { input: { id: key.id, expectedVersion: key.version, dryRun: true } })).data.alignManagedKeyWithTemplate.alignment;
    expect(preview.dryRun).toBe(true);
    expect(preview.plan).toEqual({ installIn: [`ks-dev-${run}`], deactivateIn: [`ks-a-${run}`] });
    expect(preview.managedKey.statusInKeystores).toHaveLength(3);
    expect(referenceBackend.get(instanceOf(`ks-dev-${run}`)).keys.size).toBe(0);

    const done = (await t.gql(ALIGN, { input: { id: key.id, expectedVersion: key.version } })).data.alignManagedKeyWithTemplate.alignment;
    const status = byKeystore(done.managedKey);
    expect(status[`ks-dev-${run}`]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", targeted: true });
    expect(status[`ks-a-${run}`]).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OK", targeted: false, detail: "target_keystore_removed_by_user" });
    expect(done.managedKey.usable).toBe(true);
  });

  it("a template edit makes its keys unaligned until they are aligned", async () => {
    const key = await activeKey("unaligned");
    expect(key.aligned).toBe(true);
    const tpl = (await t.gql(`query($id: ID!) { keyTemplate(id: $id) { version } }`, { id: templateId })).data.keyTemplate;
    const edit = await t.gql(
      `mutation($input: UpdateKeyTemplateInput!) { updateKeyTemplate(input: $input) { __typename ... on Error { message } } }`,
      { input: { id: templateId, expectedVersion: tpl.version, targets: [{ keystoreType: "reference", keystoreGroup: "dev" }] } },
    );
    expect(edit.data.updateKeyTemplate.__typename).toBe("UpdateKeyTemplateSuccess");
    expect((await t.gql(KEY, { id: key.id })).data.managedKey.aligned).toBe(false);
    const done = (await t.gql(ALIGN, { input: { id: key.id, expectedVersion: key.version } })).data.alignManagedKeyWithTemplate.alignment;
    expect(done.plan).toEqual({ installIn: [`ks-dev-${run}`], deactivateIn: [`ks-a-${run}`, `ks-b-${run}`, `ks-c-${run}`] });
    expect(done.managedKey.aligned).toBe(true);
  });

  it("validates a new key and creates nothing when it fails", async () => {
    await create("taken");
    const count = () => t.gateway.database.db.managedKey.count();
    const before = await count();
    const bad = await create("bad label!", { description: "x".repeat(201), namingValues: [] });
    expect(bad.__typename).toBe("ValidationError");
    expect(bad.issues.map((i: { path: string[] }) => i.path.join(".")).sort()).toEqual(["input.description", "input.label"]);
    const noValue = await create("no-value", { namingValues: [] });
    expect(noValue.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(["input.namingValues.app"]);
    expect((await create("taken")).__typename).toBe("DuplicateNameError");
    const wrongVault = await create("elsewhere", { templateId: "00000000-0000-4000-8000-000000000000" });
    expect(wrongVault).toMatchObject({ __typename: "NotFoundError", path: ["input", "templateId"] });
    expect(await count()).toBe(before);
  });

  it("an ACTIVE template activates at once, and refuses (creating nothing) when no keystore is targeted", async () => {
    const auto = await createTemplate(t, { vaultId, name: `auto-${run}`, type: "reference", group: "prod", initialState: "ACTIVE" });
    const key = (await create("auto", { templateId: auto })).managedKey;
    expect(key).toMatchObject({ state: "ACTIVE", usable: true });
    const nowhere = await createTemplate(t, { vaultId, name: `nowhere-${run}`, type: "reference", group: "nobody", initialState: "ACTIVE" });
    const before = await t.gateway.database.db.managedKey.count();
    const refused = await create("nowhere", { templateId: nowhere });
    expect(refused.__typename).toBe("NoTargetKeystoreError");
    expect(refused.message).toContain('reference in group "nobody"');
    expect(await t.gateway.database.db.managedKey.count()).toBe(before);
  });

  it("disconnecting honours keys: RESTRICT refuses, DEACTIVATE disables the copies first", async () => {
    const key = await activeKey("pinned");
    const a = keystores[`ks-a-${run}`]!;
    const refused = (await t.gql(DISCONNECT, { input: { id: a.id, expectedVersion: a.version } })).data.disconnectKeystore;
    expect(refused).toMatchObject({ __typename: "KeystoreHasKeysError", keyLabels: ["pinned"] });

    const held = remote(instanceOf(`ks-a-${run}`), byKeystore(key)[`ks-a-${run}`].keyIdInKeystore)!;
    const gone = (await t.gql(DISCONNECT, { input: { id: a.id, expectedVersion: a.version, mode: "DEACTIVATE" } })).data.disconnectKeystore;
    expect(gone.__typename).toBe("DisconnectKeystoreSuccess");
    expect(held.state).toBe("disabled");
    const after = byKeystore((await t.gql(KEY, { id: key.id })).data.managedKey);
    expect(after[`ks-a-${run}`]).toMatchObject({ status: "NOT_ACTIVE" });
    expect((await t.gql(KEY, { id: key.id })).data.managedKey.statusInKeystores.find((s: { keystoreName: string }) => s.keystoreName === `ks-a-${run}`).keystore).toBeNull();
  });

  it("rotates: new material as version 2 in every keystore, the old copies kept, at most once an hour", async () => {
    const key = await activeKey("rotated");
    const before = byKeystore(key);
    const rotated = (await act("rotate", key)).managedKey;
    expect(rotated).toMatchObject({ state: "ACTIVE", keyVersion: 2, usable: true });
    expect(rotated.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    expect(rotated.versions[0].verificationPattern.value).not.toBe(rotated.versions[1].verificationPattern.value);
    expect(rotated.verificationPattern.value).toBe(rotated.versions[1].verificationPattern.value);
    for (const s of rotated.statusInKeystores as (Status & { keyVersion: number; replacedKeyIds: string[] })[]) {
      expect(s).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2, replacedKeyIds: [before[s.keystoreName].keyIdInKeystore] });
      const now = remote(instanceOf(s.keystoreName), s.keyIdInKeystore)!;
      const old = remote(instanceOf(s.keystoreName), before[s.keystoreName].keyIdInKeystore)!;
      expect(now.name).toBe(key.nameInKeystores);
      expect(kcv(now.material)).toBe(rotated.versions[1].verificationPattern.value);
      expect(kcv(old.material)).toBe(rotated.versions[0].verificationPattern.value);
    }
    const again = await act("rotate", rotated);
    expect(again.__typename).toBe("RotationTooSoonError");
    expect((await t.gql(`query($id: ID!) { managedKey(id: $id) { rotatableAt } }`, { id: key.id })).data.managedKey.rotatableAt).toBe(again.nextRotationAt);
    await t.gateway.database.db.managedKey.update({ where: { id: key.id }, data: { rotatedAt: new Date(Date.now() - 3_700_000) } });
    expect((await act("rotate", rotated)).managedKey.keyVersion).toBe(3);
  });

  it("disconnecting with DESTROY schedules the copies' deletion there; DISCONNECT leaves them as they are", async () => {
    const key = await activeKey("leaving");
    const [b, c] = [keystores[`ks-b-${run}`]!, keystores[`ks-c-${run}`]!];
    const inB = remote(instanceOf(`ks-b-${run}`), byKeystore(key)[`ks-b-${run}`].keyIdInKeystore)!;
    const inC = remote(instanceOf(`ks-c-${run}`), byKeystore(key)[`ks-c-${run}`].keyIdInKeystore)!;
    expect((await t.gql(DISCONNECT, { input: { id: b.id, expectedVersion: b.version, mode: "DESTROY" } })).data.disconnectKeystore.__typename).toBe("DisconnectKeystoreSuccess");
    expect(inB.state).toBe("pending_deletion");
    expect((await t.gql(DISCONNECT, { input: { id: c.id, expectedVersion: c.version, mode: "DISCONNECT" } })).data.disconnectKeystore.__typename).toBe("DisconnectKeystoreSuccess");
    expect(inC.state).toBe("enabled");
    const after = (await t.gql(KEY, { id: key.id })).data.managedKey;
    expect(after.usable).toBe(true); // still active in ks-a
    expect(byKeystore(after)[`ks-b-${run}`]).toMatchObject({ status: "PENDING_DESTRUCTION", keystore: null });
  });

  it("a DEACTIVATE disconnect that cannot reach the keystore is refused, and the keystore stays", async () => {
    await activeKey("stuck");
    const a = keystores[`ks-a-${run}`]!;
    referenceBackend.configure(instanceOf(`ks-a-${run}`), { deniedPermissions: ["keys.update"] });
    const refused = (await t.gql(DISCONNECT, { input: { id: a.id, expectedVersion: a.version, mode: "DEACTIVATE" } })).data.disconnectKeystore;
    expect(refused).toMatchObject({ __typename: "KeystoreReleaseError", keyLabels: ["stuck"] });
    expect((await t.gql(`query($id: ID!) { keystore(id: $id) { id } }`, { id: a.id })).data.keystore).not.toBeNull();
    referenceBackend.configure(instanceOf(`ks-a-${run}`), {});
  });

  it("lists keys by vault, state, algorithm, label, template, keystore and sync flag", async () => {
    await activeKey("f-active");
    await create("f-pre");
    referenceBackend.configure(instanceOf(`ks-c-${run}`), { deniedPermissions: ["keys.import"] });
    await activeKey("f-broken");
    referenceBackend.configure(instanceOf(`ks-c-${run}`), {});
    const labels = async (filter: Record<string, unknown>) =>
      ((await t.gql(`query($f: ManagedKeyFilter) { managedKeys(filter: $f, first: 100) { totalCount nodes { label } } }`, { f: { vaultId, ...filter } })).data.managedKeys.nodes as { label: string }[])
        .map((k) => k.label)
        .sort();
    expect(await labels({})).toEqual(["f-active", "f-broken", "f-pre"]);
    expect(await labels({ state: "ACTIVE" })).toEqual(["f-active", "f-broken"]);
    expect(await labels({ state: "PRE_ACTIVATION", labelPrefix: "f-" })).toEqual(["f-pre"]);
    expect(await labels({ algorithm: "aes", templateId })).toEqual(["f-active", "f-broken", "f-pre"]);
    expect(await labels({ algorithm: "rsa" })).toEqual([]);
    expect(await labels({ keystoreId: keystores[`ks-c-${run}`]!.id })).toEqual(["f-active", "f-broken"]);
    expect(await labels({ syncFlag: "ERROR" })).toEqual(["f-broken"]);
  });

  it("resumes a rotation a crash interrupted, adopting the new copy a keystore already holds", async () => {
    const key = await activeKey("rotate-crash");
    const db = t.gateway.database.db;
    const rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    // The state a crash leaves: version 2 written and every keystore pending; ks-a already holds the new copy, unrecorded.
    const v2 = newSealedVersion(rootKey, key.id, 2, { algorithm: "aes", size: "256" });
    await db.managedKeyVersion.create({ data: { managedKeyId: key.id, ...v2 } });
    await db.managedKey.update({ where: { id: key.id }, data: { keyVersion: 2, version: { increment: 1 } } });
    await db.keyInstance.updateMany({ where: { managedKeyId: key.id }, data: { pendingAction: "reconcile", pendingSince: new Date() } });
    const inA = referenceBackend.get(instanceOf(`ks-a-${run}`)).keys;
    const adopted = {
      keyId: "00000000-0000-4000-8000-00000000a002",
      name: `${key.nameInKeystores}-interrupted`,
      spec: { algorithm: "aes" as const, size: "256" },
      material: rootKey.open(Buffer.from(v2.sealedMaterial), materialAad(key.id, 2)),
      materialVersion: "1",
      previousVersions: [],
      state: "enabled" as const,
      tags: { "uko:managed-by": "uko-gateway", "uko:managed-key-id": key.id, "uko:vault-id": vaultId, "uko:key-version": "2" },
      createdAt: new Date(),
    };
    inA.set(adopted.keyId, adopted);

    await t.gateway.services.keys.resumePending();
    const after = byKeystore((await t.gql(KEY, { id: key.id })).data.managedKey);
    expect(after[`ks-a-${run}`]).toMatchObject({ keyIdInKeystore: adopted.keyId, keyVersion: 2, status: "ACTIVE", pending: false });
    expect(adopted.name).toBe(key.nameInKeystores);
    expect(inA.size).toBe(2); // the old copy and the adopted one: nothing created twice
    expect(after[`ks-b-${run}`]).toMatchObject({ keyVersion: 2, status: "ACTIVE", pending: false });
    expect(referenceBackend.get(instanceOf(`ks-b-${run}`)).keys.size).toBe(2);
  });
});

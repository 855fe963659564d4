import { referenceBackend } from "@uko/connector-reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, startTestGateway, type TestGateway } from "./harness.js";
import { ALIGN, byKeystore, CREATE_KEY, createTemplate, KEY, lifecycle } from "./keys-fixture.js";

/**
 * A template with several targets, through GraphQL, against reference keystores whose in-memory
 * backend shows what each holds: a key goes to the union of the keystores its targets match, each
 * keystore once, each with its target's options (a keystore two targets match takes the first's),
 * and an edit of one target's group is aligned like a single target's.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`;
const UPDATE_TEMPLATE = `mutation($input: UpdateKeyTemplateInput!) { updateKeyTemplate(input: $input) { __typename ... on UpdateKeyTemplateSuccess { keyTemplate { version targetRevision } } ... on Error { message } } }`;
const DAY = 86_400_000;

describe.each(await providers())("a key from a template with several targets, on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;
  const instance = (name: string) => `multi-${name}-${provider}`;
  const held = (name: string, keyId: string | null) => (keyId ? referenceBackend.get(instance(name)).keys.get(keyId) : undefined);
  const window = (days: string) => [{ name: "reference_pending_window_days", value: days }];
  const act = async (name: "activate" | "deactivate" | "destroy", key: { id: string; version: number }) => {
    const r = (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`];
    expect(r.managedKey, r.message).toBeDefined();
    return r.managedKey;
  };

  beforeAll(async () => {
    t = await startTestGateway(provider, { destroyWaitSeconds: 0 });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "multi" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const keystores: [string, string[]][] = [["ks-prod", ["prod"]], ["ks-dev", ["dev"]], ["ks-both", ["dev", "prod"]], ["ks-other", ["other"]]];
    for (const [name, groups] of keystores) {
      const r = (await t.gql(CONNECT, { input: { vaultId, name, groups, properties: { reference: { referenceInstance: instance(name), referenceApiKey: "reference-key-1" } } } })).data.connectKeystore;
      expect(r.keystore, r.message).toBeDefined();
    }
  });
  afterAll(() => t?.close());

  it("installs in the union of the targets' keystores with each target's options, and aligns after one target's group changes", async () => {
    const templateId = await createTemplate(t, {
      vaultId,
      name: "multi",
      targets: [
        { type: "reference", group: "prod", options: window("3") },
        { type: "reference", group: "dev", options: window("5") },
      ],
    });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "multi-key", namingValues: [{ name: "app", value: "multi" }] } })).data.createManagedKey;
    expect(created.managedKey, created.message).toBeDefined();
    const active = await act("activate", created.managedKey);
    // ks-both is in both groups: one copy, not two.
    expect(Object.keys(byKeystore(active)).sort()).toEqual(["ks-both", "ks-dev", "ks-prod"]);
    for (const s of active.statusInKeystores) expect(s, s.keystoreName).toMatchObject({ status: "ACTIVE", syncFlag: "OK", targeted: true });

    // The second target moves to group "other": ks-dev is no longer wanted, ks-other is; ks-both stays (prod).
    const tpl = (await t.gql(`query($id: ID!) { keyTemplate(id: $id) { version } }`, { id: templateId })).data.keyTemplate;
    const edit = (await t.gql(UPDATE_TEMPLATE, { input: { id: templateId, expectedVersion: tpl.version, targets: [{ keystoreType: "reference", keystoreGroup: "prod" }, { keystoreType: "reference", keystoreGroup: "other" }] } })).data.updateKeyTemplate;
    expect(edit).toMatchObject({ __typename: "UpdateKeyTemplateSuccess", keyTemplate: { targetRevision: 2 } });
    const unaligned = (await t.gql(KEY, { id: active.id })).data.managedKey;
    expect(unaligned.aligned).toBe(false);
    const aligned = (await t.gql(ALIGN, { input: { id: active.id, expectedVersion: unaligned.version } })).data.alignManagedKeyWithTemplate.alignment;
    expect(aligned.plan).toEqual({ installIn: ["ks-other"], deactivateIn: ["ks-dev"] });
    const status = byKeystore(aligned.managedKey);
    expect(status["ks-other"]).toMatchObject({ status: "ACTIVE", targeted: true });
    expect(status["ks-dev"]).toMatchObject({ status: "NOT_ACTIVE", targeted: false });

    // Destroying schedules deletion with each keystore's own target's window: the first target's where two match.
    const before = Date.now();
    const destroyed = await act("destroy", await act("deactivate", aligned.managedKey));
    const days = (name: string) => Math.round((held(name, byKeystore(destroyed)[name].keyIdInKeystore)!.deletionDate!.getTime() - before) / DAY);
    expect({ prod: days("ks-prod"), both: days("ks-both"), other: days("ks-other") }).toEqual({ prod: 3, both: 3, other: 5 });
  });
});

import { referenceBackend, referenceVersioned } from "@uko/connector-reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../src/connectors/registry.js";
import { RootKey } from "../src/crypto/seal.js";
import { materialAad } from "../src/keys/material.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/**
 * The contract's two rotation models through the gateway, on the reference connector's two
 * variants: `new_key` (reference: a new key, the name moves, the old copy kept) and `new_version`
 * (reference_versioned: a new version of the same key). Each keystore's in-memory backend shows
 * what it holds; the materials are compared with the gateway's sealed versions.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`;
const STATUS_FIELDS = "id version keyVersion state statusInKeystores { status syncFlag error keyIdInKeystore keyVersion materialVersion replacedKeyIds }";

const MODELS = [
  { model: "new_key", type: "reference", input: "reference" },
  { model: "new_version", type: "reference_versioned", input: "referenceVersioned" },
] as const;

describe.each(await providers())("rotation models on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;
  let rootKey: RootKey;

  beforeAll(async () => {
    t = await startTestGateway(provider, { destroyWaitSeconds: 0 }, { connectors: [register("@uko/connector-reference", referenceVersioned)] });
    rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    vaultId = (await t.gql(`mutation { createVault(input: { name: "rotation" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  });
  afterAll(() => t?.close());

  const material = async (keyId: string, number: number) => {
    const v = await t.gateway.database.db.managedKeyVersion.findFirstOrThrow({ where: { managedKeyId: keyId, number } });
    return rootKey.open(Buffer.from(v.sealedMaterial), materialAad(keyId, number));
  };
  const run = async (name: "activate" | "deactivate" | "destroy" | "rotate", key: { id: string; version: number }) => {
    const r = (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`];
    expect(r.__typename).toBe(`${name.charAt(0).toUpperCase()}${name.slice(1)}ManagedKeySuccess`);
    return (await t.gql(`query($id: ID!) { managedKey(id: $id) { ${STATUS_FIELDS} } }`, { id: key.id })).data.managedKey;
  };

  for (const { model, type, input } of MODELS) {
    it(`${model}: rotates, records the remote material version, then disables and destroys every copy`, async () => {
      const instance = `rotation-${model.replace("_", "-")}-${provider}`;
      const connected = await t.gql(CONNECT, { input: { vaultId, name: `ks-${model.replace("_", "-")}`, groups: [model.replace("_", "-")], properties: { [input]: { referenceInstance: instance, referenceApiKey: "rotation-key-1" } } } });
      expect(connected.data.connectKeystore.message).toBeUndefined();
      const templateId = await createTemplate(t, { vaultId, name: `tpl-${model.replace("_", "-")}`, type, group: model.replace("_", "-") });
      const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: `key-${model.replace("_", "-")}`, namingValues: [{ name: "app", value: "rot" }] } })).data.createManagedKey.managedKey;
      const active = await run("activate", created);
      const before = active.statusInKeystores[0];
      expect(before).toMatchObject({ status: "ACTIVE", keyVersion: 1, materialVersion: "1", replacedKeyIds: [] });
      const keys = referenceBackend.get(instance).keys;

      const rotated = await run("rotate", active);
      const after = rotated.statusInKeystores[0];
      expect(rotated.keyVersion).toBe(2);
      expect(after).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2, error: null });
      const v1 = await material(created.id, 1);
      const v2 = await material(created.id, 2);
      if (model === "new_key") {
        // A new key holds version 2 under the name; the old key keeps version 1 and is recorded as replaced.
        expect(after.keyIdInKeystore).not.toBe(before.keyIdInKeystore);
        expect(after).toMatchObject({ materialVersion: "1", replacedKeyIds: [before.keyIdInKeystore] });
        expect(keys.get(after.keyIdInKeystore)!.material.equals(v2)).toBe(true);
        expect(keys.get(before.keyIdInKeystore)!.material.equals(v1)).toBe(true);
        expect(keys.get(before.keyIdInKeystore)!.state).toBe("enabled");
      } else {
        // The same key, with version 2 as its newest version and version 1 kept.
        expect(after).toMatchObject({ keyIdInKeystore: before.keyIdInKeystore, materialVersion: "2", replacedKeyIds: [] });
        const held = keys.get(after.keyIdInKeystore)!;
        expect(held.material.equals(v2)).toBe(true);
        expect(held.previousVersions.map((v) => [v.materialVersion, v.material.equals(v1)])).toEqual([["1", true]]);
        expect(keys.size).toBe(1);
      }

      const off = await run("deactivate", rotated);
      expect(off.statusInKeystores[0]).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OK" });
      // Every copy of the key is out of use: the current one and (new_key) the one it replaced.
      expect([...keys.values()].map((k) => k.state)).toEqual(model === "new_key" ? ["disabled", "disabled"] : ["disabled"]);

      const gone = await run("destroy", off);
      expect(gone.statusInKeystores[0]).toMatchObject({ status: "PENDING_DESTRUCTION", syncFlag: "OK" });
      expect([...keys.values()].every((k) => k.state === "pending_deletion")).toBe(true);
    });
  }

  it("new_key: reactivating a rotated key enables the copy it replaced again, so old ciphertext stays readable", async () => {
    const instance = `rotation-reactivate-${provider}`;
    await t.gql(CONNECT, { input: { vaultId, name: "ks-reactivate", groups: ["reactivate"], properties: { reference: { referenceInstance: instance, referenceApiKey: "rotation-key-1" } } } });
    const templateId = await createTemplate(t, { vaultId, name: "tpl-reactivate", type: "reference", group: "reactivate" });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "key-reactivate", namingValues: [{ name: "app", value: "rea" }] } })).data.createManagedKey.managedKey;
    const rotated = await run("rotate", await run("activate", created));
    const again = await run("activate", await run("deactivate", rotated));
    expect(again.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect([...referenceBackend.get(instance).keys.values()].map((k) => k.state)).toEqual(["enabled", "enabled"]);
  });
});

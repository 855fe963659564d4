import referenceConnector from "@uko/connector-reference";
import type { ConnectorDefinition, KeyOperations } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../src/connectors/registry.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/**
 * Declared capabilities are checked: a session lacking a declared optional operation is refused
 * when it opens, naming what is missing; a request needing an operation its keystore type does
 * not declare is refused with a typed error before anything changes; keystoreTypes shows both.
 */

/** The reference connector, declaring `rotate` while its sessions lack rotateKey (a connector bug). */
const liar: ConnectorDefinition = {
  ...referenceConnector,
  type: "reference_liar",
  async connect(properties, host) {
    const session = await referenceConnector.connect(properties, host);
    const keys = new Proxy(session.keys!, { get: (target, p) => (p === "rotateKey" ? undefined : (Reflect.get(target, p) as unknown)) }) as KeyOperations;
    return { ...session, test: (h) => session.test(h), keys };
  },
};

/** The reference connector without rotation: it declares no "rotate" and no rotation model. */
const { rotation: _rotation, ...withoutRotation } = referenceConnector;
const steady: ConnectorDefinition = {
  ...withoutRotation,
  type: "reference_steady",
  capabilities: { ...referenceConnector.capabilities, operations: referenceConnector.capabilities.operations.filter((o) => o !== "rotate") },
};

/** The reference connector declaring a repair action its sessions lack (a connector bug). */
const noRepair: ConnectorDefinition = {
  ...referenceConnector,
  type: "reference_no_repair",
  capabilities: { ...referenceConnector.capabilities, repair: { label: "Fix it", description: "Would fix it." } },
};

describe("declared capabilities", () => {
  let t: TestGateway;
  let vaultId: string;

  beforeAll(async () => {
    t = await startTestGateway("sqlite", {}, { connectors: [register("liar", liar), register("steady", steady), register("no-repair", noRepair)] });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "caps" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  });
  afterAll(() => t?.close());

  it("refuses a session that lacks a declared operation, naming it", async () => {
    const result = await t.gateway.services.keystores.testProperties({ type: "reference_liar", values: { reference_instance: "caps-liar", reference_api_key: "caps-key-1" } });
    expect(result).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR", errorCode: "UNSUPPORTED" });
    expect(result.message).toContain("rotate (keys.rotateKey)");
    expect(result.message).toContain("reference_liar");
    // The honest connector's session passes the same check.
    expect((await t.gateway.services.keystores.testProperties({ type: "reference", values: { reference_instance: "caps-ok", reference_api_key: "caps-key-1" } })).ok).toBe(true);
  });

  it("refuses a session that lacks a declared repair action, naming it; a type without one refuses repairKeystore with a typed error", async () => {
    const result = await t.gateway.services.keystores.testProperties({ type: "reference_no_repair", values: { reference_instance: "caps-no-repair", reference_api_key: "caps-key-1" } });
    expect(result).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR", errorCode: "UNSUPPORTED" });
    expect(result.message).toContain("repair (repairKeystore)");
    const types = (await t.gql(`{ keystoreTypes { type capabilities { repair { label description } } } }`)).data.keystoreTypes as { type: string; capabilities: { repair: unknown } }[];
    expect(types.find((k) => k.type === "reference_no_repair")!.capabilities.repair).toEqual({ label: "Fix it", description: "Would fix it." });
    expect(types.find((k) => k.type === "reference")!.capabilities.repair).toBeNull();

    const connected = (await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id version } } } }`, {
      input: { vaultId, name: "no-repair-type", groups: ["prod"], properties: { reference: { referenceInstance: "caps-plain", referenceApiKey: "caps-key-1" } } },
    })).data.connectKeystore.keystore;
    const refused = (await t.gql(`mutation($input: RepairKeystoreInput!) { repairKeystore(input: $input) { __typename ... on KeystoreRepairError { code keystoreType connectorCode message } } }`, { input: { id: connected.id } })).data.repairKeystore;
    expect(refused).toEqual({ __typename: "KeystoreRepairError", code: "KEYSTORE_REPAIR_FAILED", keystoreType: "reference", connectorCode: "UNSUPPORTED", message: "The reference keystore could not be repaired: its connector has no repair action" });
    const after = await t.gateway.database.db.keystore.findUniqueOrThrow({ where: { id: connected.id } });
    expect(after.version).toBe(connected.version);
  });

  it("shows each type's optional operations and rotation model", async () => {
    const types = (await t.gql(`{ keystoreTypes { type capabilities { operations rotation } } }`)).data.keystoreTypes as { type: string; capabilities: unknown }[];
    const byType = Object.fromEntries(types.map((k) => [k.type, k.capabilities]));
    expect(byType.reference).toEqual({ operations: ["rotate", "reimport", "cancel_deletion", "verify_material"], rotation: "NEW_KEY" });
    expect(byType.reference_steady).toEqual({ operations: ["reimport", "cancel_deletion", "verify_material"], rotation: null });
    expect(byType.aws_kms).toMatchObject({ rotation: "NEW_KEY" });
  });

  it("refuses to rotate a key whose keystore type cannot rotate, changing nothing", async () => {
    await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
      input: { vaultId, name: "steady", groups: ["prod"], properties: { referenceSteady: { referenceInstance: "caps-steady", referenceApiKey: "caps-key-1" } } },
    });
    const templateId = await createTemplate(t, { vaultId, name: "steady", type: "reference_steady", group: "prod" });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "steady", namingValues: [{ name: "app", value: "steady" }] } })).data.createManagedKey.managedKey;
    const active = (await t.gql(lifecycle("activate"), { input: { id: created.id, expectedVersion: created.version } })).data.activateManagedKey.managedKey;
    const refused = (await t.gql(lifecycle("rotate").replace("... on RotationTooSoonError", "... on OperationNotSupportedError { keystoreType operation } ... on RotationTooSoonError"), { input: { id: active.id, expectedVersion: active.version } })).data.rotateManagedKey;
    expect(refused).toMatchObject({ __typename: "OperationNotSupportedError", code: "OPERATION_NOT_SUPPORTED", keystoreType: "reference_steady", operation: "rotate" });
    const after = await t.gateway.database.db.managedKey.findUniqueOrThrow({ where: { id: active.id }, include: { versions: true } });
    expect(after).toMatchObject({ keyVersion: 1, version: active.version });
    expect(after.versions).toHaveLength(1);
  });
});

import referenceConnector from "@uko/connector-reference";
import type { ConnectorDefinition, ConnectorSession, PropertyValues } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { register } from "../src/connectors/registry.js";
import { errorFields, startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle, SYNC } from "./keys-fixture.js";

/**
 * Session lifetime: the real reference connector, wrapped only to count its sessions, behind a
 * real gateway. One session per keystore and version of its properties, closed when they change,
 * when the keystore goes and when the gateway stops.
 */
interface Counts {
  opened: string[];
  closed: string[];
  /** Previous properties given to onPropertiesChanged, in call order. */
  changes: PropertyValues[];
}

function counting(counts: Counts, options: { refuseChangeTo?: string } = {}): ConnectorDefinition {
  return {
    ...referenceConnector,
    async connect(properties, host) {
      const session = await referenceConnector.connect(properties, host);
      const label = `${String(properties.reference_instance)}#${String(properties.reference_latency_ms)}`;
      counts.opened.push(label);
      const wrapped: ConnectorSession = {
        ...session,
        test: (h) => session.test(h),
        async onPropertiesChanged(previous) {
          counts.changes.push({ ...previous });
          if (options.refuseChangeTo !== undefined && properties.reference_api_key === options.refuseChangeTo) {
            const { ConnectorError } = await import("@uko/connector-sdk");
            throw new ConnectorError("INVALID_PROPERTIES", `This API key belongs to another tenant (not ${String(properties.reference_api_key)})`, { properties: ["reference_api_key"] });
          }
        },
        async close() {
          counts.closed.push(label);
        },
      };
      return wrapped;
    },
  };
}

const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id version } } ... on Error { message } } }`;
const UPDATE = `mutation($input: UpdateKeystoreInput!) { updateKeystore(input: $input) {
  ... on UpdateKeystoreSuccess { keystore { id version referenceLatencyMs: properties { name value } } }
  ${errorFields("ValidationError")} ... on PropertiesChangeRefusedError { keystoreType connectorCode reason } } }`;
const DISCONNECT = `mutation($input: DisconnectKeystoreInput!) { disconnectKeystore(input: $input) { __typename } }`;
const REFRESH = `mutation($id: ID!) { refreshKeystoreStatus(input: { id: $id }) { __typename } }`;

describe("connector sessions", () => {
  const counts: Counts = { opened: [], closed: [], changes: [] };
  let t: TestGateway;
  let vaultId: string;
  const act = async (name: "activate" | "deactivate" | "rotate", key: { id: string; version: number }) =>
    (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`].managedKey;

  beforeAll(async () => {
    t = await startTestGateway("sqlite", { destroyWaitSeconds: 0 }, { connectors: [register("@uko/connector-reference", counting(counts, { refuseChangeTo: "other-tenant-key" }))] });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "sessions" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  });
  afterAll(() => t?.close());

  it("reuses one session for every operation on a keystore, and opens a new one (closing the old) after its properties change", async () => {
    const instance = "sessions-1";
    const ks = (await t.gql(CONNECT, { input: { vaultId, name: "s1", groups: ["prod"], properties: { reference: { referenceInstance: instance, referenceApiKey: "tenant-key-1" } } } })).data.connectKeystore.keystore;
    // Connecting tests the properties on a session of its own, closed at once.
    expect(counts.opened).toEqual([`${instance}#0`]);
    expect(counts.closed).toEqual([`${instance}#0`]);

    const templateId = await createTemplate(t, { vaultId, name: "sessions-tpl", type: "reference", group: "prod" });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "sessions-key", namingValues: [{ name: "app", value: "sess" }] } })).data.createManagedKey;
    expect(created.__typename).toBe("CreateManagedKeySuccess");
    let key = created.managedKey;
    key = await act("activate", key);
    key = await act("deactivate", key);
    key = await act("activate", key);
    key = await act("rotate", key);
    for (let i = 0; i < 3; i++) await t.gql(SYNC, { input: { id: key.id } });
    await t.gql(REFRESH, { id: ks.id });
    await t.gateway.services.keys.syncRound();
    expect(key.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2 });
    // Ten operations (many remote calls), one more session: the keystore's own.
    expect(counts.opened).toEqual([`${instance}#0`, `${instance}#0`]);
    expect(counts.closed).toHaveLength(1);
    expect(t.gateway.services.sessions.has(ks.id)).toBe(true);

    const updated = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version, properties: { reference: { referenceLatencyMs: 5 } } } })).data.updateKeystore;
    expect(updated.keystore.version).toBe(ks.version + 1);
    // The change was tested on a session for the new properties (closed), and the keystore's old session closed.
    expect(counts.opened.slice(2)).toEqual([`${instance}#5`]);
    await vi.waitFor(() => expect(counts.closed).toHaveLength(3));
    expect(counts.closed.slice(1).sort()).toEqual([`${instance}#0`, `${instance}#5`].sort());
    expect(t.gateway.services.sessions.has(ks.id)).toBe(false);

    await t.gql(SYNC, { input: { id: key.id } });
    await t.gql(SYNC, { input: { id: key.id } });
    expect(counts.opened.slice(3)).toEqual([`${instance}#5`]);

    // Disconnecting closes it too.
    const keyNow = (await t.gql(`query($id: ID!) { managedKey(id: $id) { id version } }`, { id: key.id })).data.managedKey;
    await act("deactivate", keyNow);
    expect((await t.gql(DISCONNECT, { input: { id: ks.id, expectedVersion: ks.version + 1, mode: "DISCONNECT" } })).data.disconnectKeystore.__typename).toBe("DisconnectKeystoreSuccess");
    await vi.waitFor(() => expect(counts.closed).toHaveLength(4));
    expect(counts.closed.at(-1)).toBe(`${instance}#5`);
  });

  it("tells the new session of a property change, with the old values, and keeps the old properties when it refuses", async () => {
    const instance = "sessions-2";
    const ks = (await t.gql(CONNECT, { input: { vaultId, name: "s2", groups: ["other"], properties: { reference: { referenceInstance: instance, referenceApiKey: "tenant-key-1" } } } })).data.connectKeystore.keystore;
    counts.changes.length = 0;

    // A change that only renames does not reach the connector.
    await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version, name: "s2-renamed" } });
    expect(counts.changes).toEqual([]);

    const refused = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version + 1, properties: { reference: { referenceApiKey: "other-tenant-key" } } } })).data.updateKeystore;
    expect(refused).toMatchObject({ __typename: "PropertiesChangeRefusedError", code: "PROPERTIES_CHANGE_REFUSED", keystoreType: "reference", connectorCode: "INVALID_PROPERTIES" });
    expect(refused.reason).toContain("belongs to another tenant");
    // The connector put the new secret in its message: redacted on the way out.
    expect(refused.reason).not.toContain("other-tenant-key");
    expect(counts.changes).toEqual([expect.objectContaining({ reference_api_key: "tenant-key-1", reference_instance: instance })]);
    // Nothing changed: same version, same stored secret.
    const row = await t.gateway.database.db.keystore.findUniqueOrThrow({ where: { id: ks.id } });
    expect(row.version).toBe(ks.version + 1);
    const { openSecrets } = await import("../src/keystores/properties.js");
    const { RootKey } = await import("../src/crypto/seal.js");
    expect(openSecrets(new RootKey(Buffer.from(t.config.rootKey!, "base64")), ks.id, row.sealedSecrets)).toEqual({ reference_api_key: "tenant-key-1" });

    const accepted = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version + 1, properties: { reference: { referenceApiKey: "tenant-key-2" } } } })).data.updateKeystore;
    expect(accepted.keystore.version).toBe(ks.version + 2);
    expect(counts.changes.at(-1)).toMatchObject({ reference_api_key: "tenant-key-1" });
  });

  it("closes every session when the gateway stops", async () => {
    const other = await startTestGateway("sqlite", {}, { connectors: [register("@uko/connector-reference", counting(counts))] });
    const vault = (await other.gql(`mutation { createVault(input: { name: "stop" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const ks = (await other.gql(CONNECT, { input: { vaultId: vault, name: "s3", groups: ["prod"], properties: { reference: { referenceInstance: "sessions-3", referenceApiKey: "tenant-key-1" } } } })).data.connectKeystore.keystore;
    await other.gql(REFRESH, { id: ks.id });
    const closedBefore = counts.closed.filter((c) => c.startsWith("sessions-3")).length;
    await other.close();
    expect(counts.closed.filter((c) => c.startsWith("sessions-3")).length).toBe(closedBefore + 1);
  });
});

import { referenceBackend } from "@uko/connector-reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../src/connectors/registry.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { WorkClaims } from "../src/db/claims.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";
import { gated, newGate } from "./gated-connector.js";
import { CREATE_KEY, createTemplate, KEY, lifecycle, SYNC } from "./keys-fixture.js";

/**
 * A background resume and a live request never work on one key in one keystore at once: each
 * claims the (key, keystore) row first. The race is made deterministic with a connector whose
 * first install waits on a promise the test releases (no sleeps): while it waits, the other side
 * runs. Before claims, both installed (two copies, or the database recording the loser's).
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`;

describe.each(await providers())("claimed work on %s", (provider) => {
  let t: TestGateway;
  let gate = newGate();
  let vaultId: string;
  let templateId: string;
  const instance = `claims-${provider}-${Date.now()}`;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  const copies = () => [...referenceBackend.get(instance).keys.values()];
  const create = async (label: string) =>
    (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: label.replace(/[^A-Za-z0-9]/g, "") }] } })).data.createManagedKey.managedKey;

  beforeAll(async () => {
    t = await startTestGateway(provider, { installBackoffBaseSeconds: 1, installBackoffMaxSeconds: 1 }, { clock, connectors: [register("@uko/connector-reference", gated(() => gate))] });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "claims" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    await t.gql(CONNECT, { input: { vaultId, name: "ref", groups: ["prod"], properties: { reference: { referenceInstance: instance, referenceApiKey: "reference-key-1" } } } });
    templateId = await createTemplate(t, { vaultId, name: "claims", type: "reference", group: "prod" });
  });
  afterAll(() => t?.close());

  it("a background resume skips a key and keystore a live activation holds: one install, one copy, the one recorded", async () => {
    const key = await create("live-first");
    gate = newGate();
    gate.holdNext = true;
    const activation = t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } });
    await gate.entered;
    // The activation is inside its install, its keystore still marked pending: the round that finishes pending work runs now.
    await t.gateway.services.keys.resumePending();
    gate.release();
    const activated = (await activation).data.activateManagedKey.managedKey;

    expect(gate.installs).toBe(1);
    const mine = copies().filter((c) => c.tags["uko:managed-key-id"] === key.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.state).toBe("enabled");
    expect(activated.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false, keyIdInKeystore: mine[0]!.keyId });
  });

  it("a live sync waits for the background resume holding its key and keystore, then finds the copy installed: one install", async () => {
    const key = await create("background-first");
    // The keystore refuses the activation's install: the key stays pending there, for the background.
    referenceBackend.configure(instance, { deniedPermissions: ["keys.import"] });
    const refused = (await t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } })).data.activateManagedKey.managedKey;
    expect(refused.statusInKeystores[0]).toMatchObject({ status: "ERROR", pending: true });
    referenceBackend.configure(instance, {});
    clock.offsetMs += 2_000; // past the backoff

    gate = newGate();
    gate.holdNext = true;
    const resume = t.gateway.services.keys.resumePending();
    await gate.entered;
    const sync = t.gql(SYNC, { input: { id: key.id } });
    // The live sync's claim can only be taken once the resume gives its own back.
    const row = async () => t.gateway.database.db.keyInstance.findFirstOrThrow({ where: { managedKeyId: key.id } });
    expect((await row()).claimedBy).toMatch(new RegExp(`^${t.gateway.services.claims.replica}/`));
    gate.release();
    await resume;
    const synced = (await sync).data.syncManagedKey.managedKey;

    expect(gate.installs).toBe(1);
    const mine = copies().filter((c) => c.tags["uko:managed-key-id"] === key.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.state).toBe("enabled");
    expect(synced.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false, keyIdInKeystore: mine[0]!.keyId });
    expect((await row()).claimedBy).toBeNull();
    const fresh = (await t.gql(KEY, { id: key.id })).data.managedKey;
    expect(fresh.statusInKeystores[0].keyIdInKeystore).toBe(mine[0]!.keyId);
  });

  it("a claim is exclusive until released or expired, conditional on the row still matching, and shutdown releases a replica's claims", async () => {
    const db = t.gateway.database.db;
    const row = await db.keyInstance.findFirstOrThrow({});
    const now = { t: new Date() };
    const a = new WorkClaims(db, { leaseMs: 60_000, clock: { now: () => now.t } });
    const b = new WorkClaims(db, { leaseMs: 60_000, clock: { now: () => now.t } });
    const held = await a.tryClaim("keyInstance", row.id);
    expect(held).not.toBeNull();
    expect(await b.tryClaim("keyInstance", row.id)).toBeNull();
    expect(await a.tryClaim("keyInstance", row.id)).toBeNull(); // another operation of the same replica too
    // A replica that died: its lease runs out and the work is taken over.
    now.t = new Date(now.t.getTime() + 61_000);
    const taken = await b.tryClaim("keyInstance", row.id);
    expect(taken).not.toBeNull();
    await a.release(held!); // a stale release gives back nothing
    expect(await a.tryClaim("keyInstance", row.id)).toBeNull();
    expect(await b.releaseAll()).toBe(1);
    // A condition that no longer holds (here: a push pending) refuses the claim.
    expect(await a.tryClaim("keyInstance", row.id, { pendingAction: { not: null } })).toBeNull();
    const mine = await a.tryClaim("keyInstance", row.id);
    await a.release(mine!);
    expect((await db.keyInstance.findUniqueOrThrow({ where: { id: row.id } })).claimedBy).toBeNull();
  });
});

describe("the claim lease setting", () => {
  it("defaults to the connector budget and 30 s, and refuses a lease no longer than one operation's budget, naming it", () => {
    expect(loadConfig({}).claimLeaseMs).toBeUndefined();
    expect(loadConfig({ UKO_CLAIM_LEASE_MS: "8000", UKO_CONNECTOR_TIMEOUT_MS: "5000" }).claimLeaseMs).toBe(8000);
    expect(() => loadConfig({ UKO_CLAIM_LEASE_MS: "5000", UKO_CONNECTOR_TIMEOUT_MS: "5000" })).toThrow(ConfigError);
    expect(() => loadConfig({ UKO_CLAIM_LEASE_MS: "5000", UKO_CONNECTOR_TIMEOUT_MS: "5000" })).toThrow(/UKO_CLAIM_LEASE_MS: must be longer than UKO_CONNECTOR_TIMEOUT_MS/);
    expect(() => loadConfig({ UKO_CLAIM_LEASE_MS: "soon" })).toThrow(/UKO_CLAIM_LEASE_MS/);
  });
});

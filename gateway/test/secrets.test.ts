import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceBackend } from "@uko/connector-reference";
import { KEYSTORE_FIELDS, startTestGateway, type TestGateway } from "./harness.js";

/**
 * Secrets are canary strings; after every query, mutation and error path, none may appear in a
 * response, a log line or the database file.
 */
const CANARIES = ["CANARY-first-9f8e7d", "CANARY-second-1a2b3c", "CANARY-third-77aa"];

describe("secrets", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway("sqlite");
  });
  afterAll(() => t?.close());

  it("never appear in responses, logs or the database", async () => {
    const vault = (await t.gql(`mutation { createVault(input: { name: "Canary" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault;
    referenceBackend.configure("canary-a", { apiKey: CANARIES[1] });
    const connect = (name: string, instance: string, apiKey: string, simulate = "none") =>
      t.gql(`mutation($i: ConnectKeystoreInput!) { connectKeystore(input: $i) { __typename ... on ConnectKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} lastConnectionTest { message } } } ... on Error { message } } }`, {
        i: { vaultId: vault.id, name, properties: { reference: { referenceInstance: instance, referenceApiKey: apiKey, referenceSimulate: simulate } } },
      });
    const ks = (await connect("Canary one", "canary-a", CANARIES[0]!)).data.connectKeystore.keystore; // wrong key: refused
    await connect("Canary two", "canary-b", CANARIES[1]!, "throw");
    await connect("Canary three", "canary-c", CANARIES[2]!, "hang");
    await connect("Canary one", "canary-d", CANARIES[2]!); // duplicate name
    await connect("Bad", "canary-e", `${CANARIES[0]}\u0000!`); // invalid value echoes nothing
    await t.gql(`mutation($i: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $i) { __typename } }`, {
      i: { properties: { reference: { referenceInstance: "canary-a", referenceApiKey: CANARIES[0] } } },
    });
    await t.gql(`mutation($i: UpdateKeystoreInput!) { updateKeystore(input: $i) { __typename ... on Error { message } } }`, {
      i: { id: ks.id, expectedVersion: 1, properties: { reference: { referenceApiKey: CANARIES[1], referenceInstance: "other" } } },
    });
    await t.gql(`mutation($i: UpdateKeystoreInput!) { updateKeystore(input: $i) { __typename } }`, {
      i: { id: ks.id, expectedVersion: 1, properties: { reference: { referenceApiKey: CANARIES[1] } } },
    });
    await t.gql(`mutation($id: ID!) { refreshKeystoreStatus(input: { id: $id }) { __typename } }`, { id: ks.id });
    await t.gql(`{ keystores { nodes { ${KEYSTORE_FIELDS} lastConnectionTest { message } } } }`);
    await t.gateway.healthChecker.checkAll();
    await t.gateway.database.db.$disconnect(); // flush the WAL into the file

    const files = readdirSync(t.config.dataDir).map((f) => readFileSync(join(t.config.dataDir, f)).toString("latin1"));
    const haystacks = { responses: t.responses.join("\n"), logs: t.logs.join("\n"), database: files.join("\n") };
    expect(haystacks.responses.length).toBeGreaterThan(1000);
    expect(haystacks.logs).toContain("[REDACTED]"); // the crash message carried the key, and was scrubbed
    for (const [where, text] of Object.entries(haystacks)) {
      for (const canary of CANARIES) expect(text.includes(canary), `${canary} found in ${where}`).toBe(false);
    }
  });
});

import { referenceBackend } from "@uko/connector-reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/** Subscriptions over Server-Sent Events, per vault, fed by mutations and by the background rounds. */
describe("subscriptions", () => {
  let t: TestGateway;
  const vaults: Record<string, string> = {};
  const templates: Record<string, string> = {};

  /** Opens an SSE subscription; `next()` resolves with the next event's data. */
  async function subscribe(query: string, variables: Record<string, unknown>) {
    const controller = new AbortController();
    const body = JSON.stringify({ query, variables });
    const response = await t.gateway.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": String(Buffer.byteLength(body)), authorization: `Bearer ${t.config.adminToken}` },
      body,
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    return {
      async next(timeoutMs = 3000): Promise<any> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const match = /(?:^|\n)event: next\ndata: (.*)\n\n/.exec(buffer);
          if (match) {
            buffer = buffer.slice(match.index + match[0].length);
            return JSON.parse(match[1]!).data;
          }
          const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
          if (chunk === null) throw new Error(`no event within ${timeoutMs} ms`);
          if (chunk.done) throw new Error("stream ended");
          buffer += chunk.value;
        }
      },
      close: () => controller.abort(),
    };
  }

  beforeAll(async () => {
    t = await startTestGateway("sqlite");
    for (const name of ["red", "blue"]) {
      vaults[name] = (await t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { ... on CreateVaultSuccess { vault { id } } } }`, { n: name })).data.createVault.vault.id;
      await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
        input: { vaultId: vaults[name], name: `ks-${name}`, groups: ["prod"], properties: { reference: { referenceInstance: `sub-${name}`, referenceApiKey: "reference-key-1" } } },
      });
      templates[name] = await createTemplate(t, { vaultId: vaults[name]!, name: `tpl-${name}`, type: "reference", group: "prod" });
    }
  });
  afterAll(() => t?.close());

  const KEY_SUB = `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id label state statusInKeystores { status syncFlag detail } } }`;
  const newKey = async (vault: "red" | "blue", label: string) =>
    (await t.gql(CREATE_KEY, { input: { vaultId: vaults[vault], templateId: templates[vault], label, namingValues: [{ name: "app", value: label }] } })).data.createManagedKey.managedKey;

  it("announces a key's activation, and drift the background sync finds, to its vault only", async () => {
    const red = await subscribe(KEY_SUB, { v: vaults.red });
    const blue = await subscribe(KEY_SUB, { v: vaults.blue });
    try {
      const redKey = await newKey("red", "live1");
      await t.gql(lifecycle("activate"), { input: { id: redKey.id, expectedVersion: redKey.version } });
      const blueKey = await newKey("blue", "live2");
      await t.gql(lifecycle("activate"), { input: { id: blueKey.id, expectedVersion: blueKey.version } });

      const seen = (await red.next()).managedKeyChanged;
      expect(seen).toMatchObject({ id: redKey.id, state: "ACTIVE", statusInKeystores: [{ status: "ACTIVE", syncFlag: "OK" }] });
      // The blue stream's first event is blue's own key: red's never reached it.
      expect((await blue.next()).managedKeyChanged.id).toBe(blueKey.id);

      // Disabled behind the gateway's back; the background round notices and says so.
      for (const k of referenceBackend.get("sub-red").keys.values()) k.state = "disabled";
      const round = await t.gateway.services.keys.syncRound();
      expect(round.drifted).toBe(1);
      const drift = (await red.next()).managedKeyChanged;
      expect(drift.statusInKeystores[0]).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OUT_OF_SYNC", detail: "active_key_is_not_active_in_keystore" });
      // A second round finds nothing new, and announces nothing.
      expect((await t.gateway.services.keys.syncRound()).drifted).toBe(0);
    } finally {
      red.close();
      blue.close();
    }
  });

  it("announces a keystore whose health changes", async () => {
    const sub = await subscribe(`subscription($v: ID!) { keystoreStatusChanged(vaultId: $v) { name status { health message } } }`, { v: vaults.blue });
    try {
      referenceBackend.configure("sub-blue", { apiKey: "someone-rotated-it" });
      await t.gateway.healthChecker.checkAll();
      const event = (await sub.next()).keystoreStatusChanged;
      expect(event).toMatchObject({ name: "ks-blue", status: { health: "CONFIGURATION_ERROR" } });
      expect(event.status.message).toMatch(/refused the API key/);
    } finally {
      sub.close();
      referenceBackend.configure("sub-blue", {});
    }
  });
});

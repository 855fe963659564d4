import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";

/**
 * Live updates: with a page open, a change made elsewhere (here, through the API) shows within a
 * few seconds, without a reload. While its streams are open a page polls only every 60 s, so
 * anything faster than that came through the subscription.
 */
const skip = browserUnavailable();
const LIVE_WITHIN_MS = 4000;

describe.skipIf(skip !== undefined)("live updates", () => {
  let s: Stack;
  let vaultId: string;
  beforeAll(async () => {
    s = await startStack();
    vaultId = await createVaultViaApi(s, "Live");
  });
  afterAll(async () => s?.close());

  it("a key's page shows a deactivation made through the API, without a reload", async () => {
    const { page } = s;
    await connectViaApi(s, { vaultId, name: "aws-live", account: ACCOUNTS.a, groups: ["live"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "live-aes", group: "live" });
    const key = await createKeyViaApi(s, { vaultId, templateId, label: "live-key" });
    expect(key.state).toBe("ACTIVE");

    await page.goto(s.url(`/keys/${key.id}`));
    await page.getByRole("heading", { name: "live-key", level: 1 }).waitFor();
    await page.locator('[data-testid="live"][data-live="true"]').waitFor();
    expect(await page.getByTestId("key-state").textContent()).toMatch(/^active/);
    // Nothing reloads the document from here on.
    await page.evaluate(() => ((window as { marker?: boolean }).marker = true));

    const started = Date.now();
    const r = await s.gql(`mutation($input: DeactivateManagedKeyInput!) { deactivateManagedKey(input: $input) { __typename } }`, { input: { id: key.id, expectedVersion: key.version } });
    expect(r.deactivateManagedKey.__typename).toBe("DeactivateManagedKeySuccess");
    await expect.poll(() => page.getByTestId("key-state").textContent(), { timeout: LIVE_WITHIN_MS, interval: 100 }).toMatch(/^deactivated/);
    const ms = Date.now() - started;
    expect(await page.evaluate(() => (window as { marker?: boolean }).marker)).toBe(true);
    console.log(`key page showed the deactivation ${ms} ms after the mutation was sent`);
    await s.screenshot("live-key-deactivated");
  });

  it("the keystores list shows a health change the gateway observed, without a reload", async () => {
    const { page } = s;
    await page.goto(s.url("/keystores"));
    const row = page.getByRole("row", { name: /aws-live/ });
    await expect.poll(() => row.textContent()).toContain("OK");
    await page.locator('[data-testid="live"][data-live="true"]').waitFor();

    // The emulator fails every request: the next check finds the keystore not responding.
    s.emulator.faults.inject({ kind: "server_error" });
    try {
      const id = (await s.gql(`query { keystores(filter: { namePrefix: "aws-live" }) { nodes { id } } }`)).keystores.nodes[0].id;
      const started = Date.now();
      await s.gql(`mutation($id: ID!) { refreshKeystoreStatus(input: { id: $id }) { __typename } }`, { id });
      await expect.poll(() => row.textContent(), { timeout: LIVE_WITHIN_MS, interval: 100 }).not.toMatch(/\bOK\b/);
      console.log(`keystores list showed the health change ${Date.now() - started} ms after the check returned`);
      await s.screenshot("live-keystore-health");
    } finally {
      s.emulator.faults.clear();
    }
  });
});

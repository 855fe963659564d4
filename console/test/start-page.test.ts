import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";
import { checkPage } from "./support/axe.ts";

/**
 * Item 9 of issue 17, the start page: the health of every keystore, keys by state, the keys that
 * need attention (an active key whose installation failed) and the destroy dates ahead (a key
 * deactivated now can be destroyed after the gateway's default 4-hour wait).
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("start page", () => {
  let s: Stack;
  const act = async (action: "activate" | "deactivate", id: string) => {
    const Name = action.charAt(0).toUpperCase() + action.slice(1);
    const { managedKey } = await s.gql(`query($id: ID!) { managedKey(id: $id) { version } }`, { id });
    await s.gql(`mutation($input: ${Name}ManagedKeyInput!) { ${action}ManagedKey(input: $input) { __typename } }`, { input: { id, expectedVersion: managedKey.version } });
  };
  beforeAll(async () => {
    s = await startStack();
    const vaultId = await createVaultViaApi(s, "Ops");
    await connectViaApi(s, { vaultId, name: "aws-good", account: ACCOUNTS.a, groups: ["ops"] });
    await connectViaApi(s, { vaultId, name: "aws-bad", account: ACCOUNTS.b, secret: "wrong/Secret0000000000000000000000000000", groups: ["spare"] });
    const now = await createTemplateViaApi(s, { vaultId, name: "ops-now", group: "ops" });
    const later = await createTemplateViaApi(s, { vaultId, name: "ops-later", group: "ops", initialState: "PRE_ACTIVATION" });
    await createKeyViaApi(s, { vaultId, templateId: now, label: "healthy-key" });
    const retiring = await createKeyViaApi(s, { vaultId, templateId: now, label: "retiring-key" });
    await act("deactivate", retiring.id);
    const broken = await createKeyViaApi(s, { vaultId, templateId: later, label: "broken-key" });
    s.emulator.faults.inject({ kind: "server_error", operation: "ImportKeyMaterial" });
    try {
      await act("activate", broken.id);
    } finally {
      s.emulator.faults.clear();
    }
  });
  afterAll(async () => s?.close());

  it("shows keystore health, keys by state, the failed installation and the destroy date ahead", async () => {
    const { page } = s;
    await page.goto(s.url("/"));
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    const health = page.getByTestId("overview-health");
    expect(await health.textContent()).toMatch(/2 keystores: 1 healthy, 1 configuration error/);
    expect(await health.getByRole("listitem").textContent()).toMatch(/^aws-bad \(AWS keystore, Ops\) Configuration error/);

    const states = (await page.getByTestId("overview-states").locator("dt, dd").allTextContents()).join(" ");
    expect(states).toBe("pre-activation 0 active 2 deactivated 1 destroyed 0");

    const attention = page.getByTestId("overview-attention");
    expect(await attention.getByRole("heading").textContent()).toBe("Keys that need attention (1)");
    expect(await attention.getByRole("row", { name: /broken-key/ }).textContent()).toContain("active, not yet in any keystore: 1 failed");

    const dates = await page.getByTestId("overview-dates").getByRole("row", { name: /retiring-key/ }).textContent();
    expect(dates).toMatch(/\(in (4 h|3 h [1-5]?\d min)\)retiring-keycan be destroyed/);
    // Every section and the account fit one header row at 1366 px.
    expect((await page.locator("header.top").boundingBox())!.height).toBeLessThan(60);
    await checkPage(s, "start-page", /^Overview · UKO console$/);
  });

  it("a state links to the keys in that state", async () => {
    const { page } = s;
    await page.getByTestId("overview-states").getByRole("link", { name: "active", exact: true }).click();
    await page.getByRole("heading", { name: "Managed keys", level: 1 }).waitFor();
    expect(await page.getByLabel("State").inputValue()).toBe("ACTIVE");
    await expect.poll(() => page.locator("table.list tbody tr").count()).toBe(2);
    await checkPage(s, "start-page-active-keys", /^Managed keys · UKO console$/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi, type KeyRef } from "./support/keys.ts";
import { checkPage } from "./support/axe.ts";

/**
 * Item 1 of issue 17: an activation that fails in the key's only keystore reads as a failure.
 * The banner counts keystores (0 succeeded, 1 failed) in red, and wherever the key is listed its
 * badge says it is active but in no keystore, never a plain green "active".
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("per-keystore outcomes", () => {
  let s: Stack;
  let key: KeyRef;
  let vaultId: string;
  beforeAll(async () => {
    s = await startStack();
    vaultId = await createVaultViaApi(s, "Outcomes");
    await connectViaApi(s, { vaultId, name: "aws-only", account: ACCOUNTS.a, groups: ["outcomes"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "outcomes-aes", group: "outcomes", initialState: "PRE_ACTIVATION" });
    key = await createKeyViaApi(s, { vaultId, templateId, label: "failing-key" });
  });
  afterAll(async () => s?.close());

  it("a failed activation is a red banner counting 0 succeeded and 1 failed, not a green done", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${key.id}`));
    await page.getByRole("heading", { name: "failing-key", level: 1 }).waitFor();
    await checkPage(s, "outcomes-key-before", /^Key failing-key · UKO console$/);
    // AWS refuses the key material: the key's only keystore cannot install it.
    s.emulator.faults.inject({ kind: "server_error", operation: "ImportKeyMaterial" });
    try {
      await page.getByRole("button", { name: "Activate", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: /^Activate failing-key\?/ });
      await dialog.getByRole("button", { name: "Activate", exact: true }).click();
      await dialog.waitFor({ state: "hidden" });
      // The banner is Carbon's notification: its message is in .alert-text (beside the icon's title).
      const banner = page.getByRole("alert").filter({ has: page.locator(".alert-text", { hasText: /^Activated:/ }) });
      await banner.waitFor();
      expect(await banner.locator(".alert-text").textContent()).toMatch(/^Activated: 0 keystores succeeded, 1 failed\. Failed in aws-only/);
      expect(await banner.getAttribute("class")).toContain("alert-error");
      expect(await page.getByText(/^Done/).count()).toBe(0);
      expect(await page.getByTestId("key-state").textContent()).toMatch(/^active, not yet in any keystore: 1 failed/);
      await checkPage(s, "outcomes-key-activation-failed", /^Key failing-key/);
    } finally {
      s.emulator.faults.clear();
    }
  });

  it("the key list and the vault page say the key is active in no keystore, in red", async () => {
    const { page } = s;
    await page.goto(s.url("/keys"));
    const row = page.getByRole("row", { name: /failing-key/ });
    const badge = row.locator(".badge").first();
    expect(await badge.textContent()).toBe("active, not yet in any keystore: 1 failed");
    expect(await badge.getAttribute("class")).toContain("tone-bad");
    expect(await row.textContent()).toMatch(/1 keystore\b/);
    await checkPage(s, "outcomes-key-list", /^Managed keys · UKO console$/);

    await page.goto(s.url(`/vaults/${vaultId}`));
    const inVault = page.getByRole("row", { name: /failing-key/ }).locator(".badge");
    expect(await inVault.textContent()).toBe("active, not yet in any keystore: 1 failed");
    expect(await inVault.getAttribute("class")).toContain("tone-bad");
    await checkPage(s, "outcomes-vault-page", /^Vault Outcomes · UKO console$/);
  });

  it("a sync that installs it turns the banner green with 1 succeeded", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${key.id}`));
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: /^Sync failing-key\?/ });
    await dialog.getByLabel(/Only look \(dry run\)/).uncheck();
    await dialog.getByRole("button", { name: "Sync", exact: true }).click();
    const banner = page.getByRole("status").filter({ has: page.locator(".alert-text", { hasText: /^Synced:/ }) });
    await banner.waitFor();
    expect(await banner.locator(".alert-text").textContent()).toBe("Synced: 1 keystore succeeded, 0 failed.");
    expect(await banner.getAttribute("class")).toContain("alert-success");
    await expect.poll(() => page.getByTestId("key-state").textContent()).toMatch(/^active usable/);
  });
});

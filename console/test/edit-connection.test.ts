import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";

/**
 * Edit connection on the keystore page: the name, description and groups as well as the
 * properties; a taken name said at the field; new properties tested before they are saved, and
 * failing ones saved only when the person confirms, then shown in red; the saved keystore shown
 * at once in the console's other tabs (told over a BroadcastChannel).
 */
const skip = browserUnavailable();
const WRONG_SECRET = "wrong/Secret0000000000000000000000000000";

describe.skipIf(skip !== undefined)("edit connection", () => {
  let s: Stack;
  let id: string;
  let other: Page;
  beforeAll(async () => {
    s = await startStack();
    const vaultId = await createVaultViaApi(s, "Payments");
    id = await connectViaApi(s, { vaultId, name: "aws-edit", account: ACCOUNTS.b, groups: ["prod"] });
    await connectViaApi(s, { vaultId, name: "aws-other", account: ACCOUNTS.c });
    // A second tab of the same browser, signed in the same way.
    other = await s.page.context().newPage();
  });
  afterAll(async () => s?.close());

  const open = async (page: Page, name: string) => {
    await page.goto(s.url(`/keystores/${id}`));
    await page.getByRole("heading", { name, level: 1 }).waitFor();
  };
  const edit = () => s.page.locator("section.panel", { has: s.page.getByRole("heading", { name: "Edit connection" }) });

  it("edits the name, description and groups, and another open tab shows them without a reload", async () => {
    const { page } = s;
    await open(page, "aws-edit");
    await open(other, "aws-edit");
    await other.evaluate(() => ((window as { marker?: boolean }).marker = true));

    await page.getByRole("button", { name: "Edit connection" }).click();
    const form = edit();
    // A name taken in the vault is said at the field before Save.
    await form.getByLabel("Name", { exact: true }).fill("aws-other");
    await expect.poll(() => form.locator('[data-field="name"] .error').textContent()).toMatch(/"aws-other" is already in vault Payments/);
    await s.screenshot("edit-connection-name-taken");
    await form.getByLabel("Name", { exact: true }).fill("aws-renamed");
    await form.getByLabel("Description").fill("Renamed in the console");
    await form.getByLabel("Groups").fill("prod, eu");
    await form.getByRole("button", { name: "Save changes" }).click();

    await page.getByRole("heading", { name: "aws-renamed", level: 1 }).waitFor();
    expect(await page.locator(".alert-success .alert-text").textContent()).toBe("Saved.");
    const saved = (await s.gql(`query($id: ID!) { keystore(id: $id) { name description groups } }`, { id })).keystore;
    expect(saved).toEqual({ name: "aws-renamed", description: "Renamed in the console", groups: ["prod", "eu"] });

    // The other tab: the new name and groups, and no reload happened.
    await other.getByRole("heading", { name: "aws-renamed", level: 1 }).waitFor({ timeout: 4000 });
    expect(await other.locator("dl.summary").first().textContent()).toMatch(/prod, eu.*Renamed in the console/s);
    expect(await other.evaluate(() => (window as { marker?: boolean }).marker)).toBe(true);
    await other.screenshot({ path: `${process.cwd()}/test-output/edit-connection-other-tab.png` });
  });

  it("tests new credentials before saving; failing ones are saved only after confirming, and shown in red", async () => {
    const { page } = s;
    await open(page, "aws-renamed");
    await page.getByRole("button", { name: "Edit connection" }).click();
    const form = edit();
    await form.getByLabel("Secret access key").fill(WRONG_SECRET);
    await form.getByRole("button", { name: "Test and save" }).click();
    const dialog = page.getByRole("dialog", { name: "Save properties that fail the test?" });
    await dialog.waitFor();
    expect(await form.locator(".test-result").getAttribute("data-ok")).toBe("false");
    await s.screenshot("edit-connection-confirm-failing");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    // Nothing saved: the keystore still works with the stored secret.
    const status = async () => (await s.gql(`query($id: ID!) { keystore(id: $id) { version status { health } } }`, { id })).keystore;
    const before = await status();
    expect(before.status.health).toBe("OK");

    // A changed property clears the old result.
    await form.getByLabel("Secret access key").fill(`${WRONG_SECRET}1`);
    expect(await form.locator(".test-result").count()).toBe(0);
    await form.getByRole("button", { name: "Test and save" }).click();
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    const notice = page.locator(".alert-error", { hasText: "Saved, but the saved connection does not work" });
    await notice.waitFor();
    expect(await page.locator(".alert-success").count()).toBe(0);
    const after = await status();
    expect(after.version).toBe(before.version + 1);
    expect(after.status.health).not.toBe("OK");
    await s.screenshot("edit-connection-saved-failing");

    // The right secret again: tested, passes, saved without a question, in green.
    await page.getByRole("button", { name: "Edit connection" }).click();
    await edit().getByLabel("Secret access key").fill(ACCOUNTS.b.secretAccessKey);
    await edit().getByRole("button", { name: "Test and save" }).click();
    await page.locator(".alert-success", { hasText: "Saved. The connection was tested again" }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect((await status()).status.health).toBe("OK");
  });
});

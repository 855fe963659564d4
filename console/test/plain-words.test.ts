import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi, type KeyRef } from "./support/keys.ts";
import { checkPage } from "./support/axe.ts";

/**
 * Item 7 of issue 17: plain words. The keystore type's display name instead of `aws_kms`, key
 * states as words instead of PRE_ACTIVATION or NOT_ACTIVE, "1 keystore" not "1 keystores", and
 * each copy's own key id in its keystore on the key's page.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("plain words", () => {
  let s: Stack;
  let vaultId: string;
  let active: KeyRef;
  beforeAll(async () => {
    s = await startStack();
    vaultId = await createVaultViaApi(s, "Words");
    await connectViaApi(s, { vaultId, name: "aws-words", account: ACCOUNTS.a, groups: ["words"] });
    const now = await createTemplateViaApi(s, { vaultId, name: "words-now", group: "words" });
    const later = await createTemplateViaApi(s, { vaultId, name: "words-later", group: "words", initialState: "PRE_ACTIVATION" });
    active = await createKeyViaApi(s, { vaultId, templateId: now, label: "spoken-key" });
    await createKeyViaApi(s, { vaultId, templateId: later, label: "waiting-key" });
  });
  afterAll(async () => s?.close());

  it("the vault page names the type and counts in English", async () => {
    const { page } = s;
    await page.goto(s.url(`/vaults/${vaultId}`));
    await page.getByRole("heading", { name: "Words", level: 1 }).waitFor();
    expect(await page.getByTestId("vault-summary").textContent()).toContain("1 keystore, 2 key templates, 2 managed keys");
    const keystores = page.getByRole("region", { name: "Keystores (1)" });
    await expect.poll(() => keystores.getByRole("row", { name: /aws-words/ }).textContent()).toContain("AWS keystore");
    expect(await page.locator("main").textContent()).not.toContain("aws_kms");
    expect(await page.getByRole("region", { name: /^Managed keys/ }).textContent()).toMatch(/waiting-keypre-activation/);
    await checkPage(s, "words-vault-page", /^Vault Words · UKO console$/);
  });

  it("the key list says states as words and counts keystores in the singular", async () => {
    const { page } = s;
    await page.goto(s.url("/keys"));
    const row = page.getByRole("row", { name: /spoken-key/ });
    expect(await row.textContent()).toMatch(/spoken-keyactive.*1 keystore$/);
    expect(await page.getByRole("row", { name: /waiting-key/ }).textContent()).toMatch(/pre-activation.*0 keystores$/);
    const options = await page.getByLabel("State").locator("option").allTextContents();
    expect(options).toEqual(["Any state", "pre-activation", "active", "deactivated", "destroyed"]);
    expect(await page.locator("main").textContent()).not.toMatch(/PRE_ACTIVATION|NOT_ACTIVE/);
    await checkPage(s, "words-key-list", /^Managed keys · UKO console$/);
  });

  it("the key page shows each copy's own key id in its keystore, and what it holds in words", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${active.id}`));
    await page.getByRole("heading", { name: "spoken-key", level: 1 }).waitFor();
    const remoteId = active.statusInKeystores[0]!.keyIdInKeystore!;
    expect(remoteId).toBeTruthy();
    const table = page.getByTestId("key-keystores");
    expect(await table.getByRole("columnheader").allTextContents()).toContain("Key id in keystore");
    expect(await table.getByRole("row", { name: /aws-words/ }).textContent()).toMatch(new RegExp(`aws-words\\s*active\\s*in sync\\s*1\\s*${remoteId}`));
    expect(await page.getByTestId("verification-pattern").textContent()).toMatch(/^[0-9A-F]{6} \(AES key check value: .*\)\. It identifies the key material without revealing it/);
    await checkPage(s, "words-key-page", /^Key spoken-key · UKO console$/);
  });
});

// @aws-sdk/client-kms comes from the workspace (the AWS connector depends on it); the test uses it
// to change a key behind the gateway's back, as someone in the AWS console would.
import { DisableKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, REGION, startStack, type Stack } from "./support/stack.ts";
import { refusalOf } from "./support/buttons.ts";
import { createKeyViaApi, createTemplateViaApi, getKeyViaApi, type KeyRef } from "./support/keys.ts";

/**
 * A key's life on its page, each action through its confirmation: rotate (versions 1 and 2),
 * sync with a dry run finding drift made directly in AWS, deactivate, destroy.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("key actions", () => {
  let s: Stack;
  let key: KeyRef;
  beforeAll(async () => {
    // Destroy is allowed right after deactivation (the default waits hours).
    s = await startStack({ env: { UKO_DESTROY_WAIT_S: "0" } });
    const vaultId = await createVaultViaApi(s, "Actions");
    await connectViaApi(s, { vaultId, name: "aws-actions", account: ACCOUNTS.a, groups: ["actions"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "actions-aes", group: "actions" });
    key = await createKeyViaApi(s, { vaultId, templateId, label: "actions-key" });
  });
  afterAll(async () => s?.close());

  /** Opens the action's confirmation, checks what it says, confirms. */
  const confirm = async (action: string, says: RegExp, before?: () => Promise<void>) => {
    const { page } = s;
    await page.getByRole("button", { name: action, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: new RegExp(`^${action} actions-key\\?`) });
    expect(await dialog.textContent()).toMatch(says);
    await before?.();
    await s.screenshot(`key-confirm-${action.toLowerCase()}`);
    await dialog.getByRole("button", { name: action, exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
  };
  const keystoreRow = () => s.page.getByTestId("key-keystores").getByRole("row", { name: /aws-actions/ });

  it("rotates: versions 1 and 2 are listed and the keystore holds version 2", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${key.id}`));
    await page.getByRole("heading", { name: "actions-key", level: 1 }).waitFor();
    await confirm("Rotate", /new version in every keystore/);
    await expect.poll(() => page.locator("ol.versions li").allTextContents()).toEqual([expect.stringMatching(/^Version 1,/), expect.stringMatching(/^Version 2,/)]);
    await expect.poll(() => keystoreRow().textContent()).toMatch(/aws-actions\s*active\s*in sync\s*2/);
    await s.screenshot("key-rotated");
  });

  it("sync with a dry run shows a key disabled directly in AWS as out of sync, highlighted", async () => {
    const { page } = s;
    const current = (await getKeyViaApi(s, key.id)).statusInKeystores.find((k) => k.keystoreName === "aws-actions")!;
    const sdk = new KMSClient({ region: REGION, endpoint: s.emulator.endpoint, credentials: { accessKeyId: ACCOUNTS.a.accessKeyId, secretAccessKey: ACCOUNTS.a.secretAccessKey }, maxAttempts: 1 });
    try {
      await sdk.send(new DisableKeyCommand({ KeyId: current.keyIdInKeystore! }));
    } finally {
      sdk.destroy();
    }
    await confirm("Sync", /pushed to every keystore where it drifted/, async () => {
      expect(await page.getByLabel(/Only look \(dry run\)/).isChecked()).toBe(true);
    });
    await page.getByText(/nothing was changed/).waitFor();
    await expect.poll(() => keystoreRow().textContent()).toContain("out of sync");
    expect(await keystoreRow().getAttribute("class")).toContain("drift");
    expect(await page.getByTestId("key-state").textContent()).toMatch(/^active/);
    await s.screenshot("key-sync-dry-run-drift");
  });

  it("deactivates", async () => {
    const { page } = s;
    await confirm("Deactivate", /disabled in every keystore/);
    await expect.poll(() => page.getByTestId("key-state").textContent()).toMatch(/^deactivated/);
    await expect.poll(() => keystoreRow().textContent()).toMatch(/aws-actions\s*disabled\s*in sync/);
    // Rotated minutes ago: Rotate is refused beforehand, the wait in words.
    expect(await refusalOf(page, "Rotate")).toMatch(/can be rotated again in (\d+ min|1 h)\.$/);
    await s.screenshot("key-deactivated");
  });

  it("destroys, after a confirmation that says it cannot be undone", async () => {
    const { page } = s;
    await confirm("Destroy", /This cannot be undone/);
    await expect.poll(() => page.getByTestId("key-state").textContent()).toMatch(/^destroyed/);
    expect(await page.getByRole("button", { name: "Destroy" }).count()).toBe(0);
    await s.screenshot("key-destroyed");
  });
});

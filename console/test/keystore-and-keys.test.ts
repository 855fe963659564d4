import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { chooseOption } from "./support/combobox.ts";

/**
 * A keystore's page (check now, edit connection, the lock on the region, disconnect) and managed
 * keys (create from a template, activate, status in the keystore), in Chromium against the
 * gateway process and the AWS KMS emulator. Keystores and the template are set up through the API.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("keystore page and managed keys", () => {
  let s: Stack;
  let vaultId: string;
  beforeAll(async () => {
    s = await startStack();
    vaultId = await createVaultViaApi(s, "Ops");
  });
  afterAll(async () => s?.close());

  it("edits credentials: a wrong secret is replaced and the keystore becomes healthy; Region stays locked", async () => {
    const { page } = s;
    const id = await connectViaApi(s, { vaultId, name: "aws-edit", account: ACCOUNTS.b, secret: "wrong/Secret0000000000000000000000000000" });
    await page.goto(s.url(`/keystores/${id}`));
    await page.getByRole("heading", { name: "aws-edit", level: 1 }).waitFor();
    expect(await page.getByTestId("status").textContent()).toContain("Configuration error");
    expect(await page.locator('[data-property="aws_secret_access_key"] dd').textContent()).toBe("set");

    await page.getByRole("button", { name: "Edit connection" }).click();
    const region = page.getByLabel("Region");
    expect(await region.getAttribute("readonly")).not.toBeNull();
    expect(await region.inputValue()).toBe("eu-central-1");
    expect(await page.locator('[data-field="aws_region"] label').textContent()).toContain("locked after connect");
    // Locked means not editable: typing changes nothing.
    await region.press("End");
    await region.pressSequentially("x");
    expect(await region.inputValue()).toBe("eu-central-1");
    expect(await page.getByLabel("Secret access key").getAttribute("placeholder")).toMatch(/leave empty to keep it/);

    await page.getByLabel("Secret access key").fill(ACCOUNTS.b.secretAccessKey);
    await page.getByRole("button", { name: "Test and save" }).click();
    await page.getByText(/^Saved\./).waitFor();
    await expect.poll(() => page.getByTestId("status").textContent()).toContain("OK");
    const stored = await s.gql(`query($id: ID!) { keystore(id: $id) { ... on AwsKmsKeystore { awsRegion } version } }`, { id });
    expect(stored.keystore).toEqual({ awsRegion: "eu-central-1", version: 2 });
    await s.screenshot("keystore-edited");
  });

  it("Check now runs a connection test and shows its checks", async () => {
    const { page } = s;
    await page.getByRole("button", { name: "Check now" }).click();
    await page.getByText("The connection works.").waitFor();
    expect(await page.locator(".test-result .checks").textContent()).toContain("kms:ListKeys");
    await s.screenshot("keystore-checked");
  });

  it("creates a key from a template, activates it, and shows it ACTIVE in the keystore", async () => {
    const { page } = s;
    await connectViaApi(s, { vaultId, name: "aws-keys", account: ACCOUNTS.a, groups: ["payments"] });
    const t = await s.gql(
      `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { __typename ... on CreateKeyTemplateSuccess { keyTemplate { id } } ... on Error { message } } }`,
      { input: { vaultId, name: "payments-aes", namingScheme: "uko/<app>", key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, targets: [{ keystoreType: "aws_kms", keystoreGroup: "payments" }] } },
    );
    expect(t.createKeyTemplate.__typename).toBe("CreateKeyTemplateSuccess");

    await page.goto(s.url("/templates"));
    await page.getByRole("cell", { name: "payments-aes" }).waitFor();
    await page.getByRole("link", { name: "Managed keys" }).click();
    await page.getByRole("link", { name: "Create key" }).click();
    await chooseOption(page.getByLabel("Template"), "payments-aes (Ops: AES 256 → aws_kms / payments)");
    await page.getByLabel("Label", { exact: true }).fill("payments-key");
    await page.getByLabel("Naming value <app>").fill("payments");
    await page.getByRole("button", { name: "Create key" }).click();

    await page.getByRole("heading", { name: "payments-key", level: 1 }).waitFor();
    expect(await page.getByTestId("key-state").textContent()).toContain("pre-activation");
    await page.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain("installed and enabled in every keystore");
    await dialog.getByRole("button", { name: "Activate" }).click();
    await expect.poll(() => page.getByTestId("key-state").textContent()).toMatch(/^active usable/);
    const row = page.getByTestId("key-keystores").getByRole("row", { name: /aws-keys/ });
    await expect.poll(() => row.textContent()).toMatch(/aws-keys\s*active\s*in sync/);
    await s.screenshot("key-active");
  });

  it("disconnects: RESTRICT is refused while a live key is in it, DISCONNECT says what happens and goes through", async () => {
    const { page } = s;
    await page.goto(s.url("/keystores"));
    await page.getByRole("link", { name: "aws-keys" }).click();
    await page.getByRole("heading", { name: "aws-keys", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toMatch(/Refused while a key .* targets this keystore/);
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await expect.poll(() => dialog.locator(".alert").textContent()).toContain("payments-key");

    await dialog.getByRole("radio", { name: "Leave the keys as they are" }).check();
    expect(await dialog.textContent()).toContain("stay in the keystore, enabled as they are");
    await s.screenshot("keystore-disconnect-dialog");
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("heading", { name: "Target keystores" }).waitFor();
    await expect.poll(() => page.locator("table.list").textContent()).not.toContain("aws-keys");
    await s.screenshot("keystore-disconnected");
  });
});

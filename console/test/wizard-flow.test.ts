import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createTokenViaApi, createVaultViaApi, REGION, signIn, startStack, type Stack } from "./support/stack.ts";
import { openAdvanced, toProperties, WIZARD_DRAFT } from "./support/wizard.ts";

/**
 * The wizard as a page of the browser: its step in the address (Back, Forward, the step pills),
 * its input across a reload (never a secret), leaving it with input, and connection tests that
 * are about the values shown (the account found, "already connected", never a failure in green).
 */
const skip = browserUnavailable();
const DRAFT = WIZARD_DRAFT;

describe.skipIf(skip !== undefined)("wizard: address, reload, leaving, current test results", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
    const vaultId = await createVaultViaApi(s, "Payments");
    await connectViaApi(s, { vaultId, name: "aws-prod", account: ACCOUNTS.a });
  });
  afterAll(async () => s?.close());

  const heading = (n: number) => s.page.getByRole("heading", { name: new RegExp(`Step ${n} of 5`) });
  const step = () => new URL(s.page.url()).searchParams.get("step");
  const fill = async (name: string, account: { accessKeyId: string; secretAccessKey: string }) => {
    const { page } = s;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Region").fill(REGION);
    await page.getByLabel("Access key ID").fill(account.accessKeyId);
    await page.getByLabel("Secret access key").fill(account.secretAccessKey);
    await openAdvanced(page);
    await page.getByLabel("Endpoint").fill(s.emulator.endpoint);
  };
  /** A new wizard (toProperties forgets what an earlier test left), at its properties step. */
  const fresh = () => toProperties(s, "Payments", "aws_kms");

  it("puts the step in the address: browser Back and Forward move between steps, pills go back to completed ones", async () => {
    const { page } = s;
    await fresh();
    expect(step()).toBe("properties");
    await page.getByLabel("Name", { exact: true }).fill("aws-nav");

    await page.goBack();
    await heading(2).waitFor();
    expect(step()).toBe("type");
    expect(await page.locator('[data-type="aws_kms"]').getAttribute("class")).toContain("selected");
    await page.goBack();
    await heading(1).waitFor();
    expect(step()).toBe("vault");
    expect(await page.getByRole("radio", { name: "Payments" }).isChecked()).toBe(true);
    await page.goForward();
    await heading(2).waitFor();
    await page.goForward();
    await heading(3).waitFor();
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("aws-nav");

    // Completed steps go back to their step (Carbon's progress indicator: each step is a button);
    // the current one says so and later ones are disabled (they are reached by Next, which checks).
    const pills = page.locator(".steps li");
    expect(await pills.nth(0).getByRole("button").isEnabled()).toBe(true);
    expect(await pills.nth(1).getByRole("button").isEnabled()).toBe(true);
    expect(await pills.nth(2).getByRole("button").getAttribute("aria-current")).toBe("step");
    expect(await pills.nth(3).getByRole("button").isDisabled()).toBe(true);
    expect(await pills.nth(4).getByRole("button").isDisabled()).toBe(true);
    await pills.nth(0).getByRole("button").click();
    await heading(1).waitFor();
    expect(step()).toBe("vault");
    await s.screenshot("wizard-flow-pill-back");
    // A step the input does not allow yet (no type after a fresh start) is not shown from a typed address.
    await page.evaluate((key) => sessionStorage.removeItem(key), DRAFT);
    await page.goto(s.url("/keystores/new?step=summary"));
    await heading(1).waitFor();
    expect(step()).toBe("vault");
  });

  it("keeps the input across a reload, asks first, and leaves the secret empty with a note saying why", async () => {
    const { page } = s;
    await fresh();
    await fill("aws-reload", ACCOUNTS.b);
    await page.getByLabel("Groups").fill("prod, eu");
    const stored = (await page.evaluate((key) => sessionStorage.getItem(key), DRAFT)) ?? "";
    expect(stored).toContain("aws-reload");
    expect(stored).not.toContain(ACCOUNTS.b.secretAccessKey);

    const dialogs: string[] = [];
    const onDialog = (d: import("playwright-core").Dialog) => {
      dialogs.push(d.type());
      void d.accept();
    };
    page.on("dialog", onDialog);
    try {
      await page.reload();
    } finally {
      page.off("dialog", onDialog);
    }
    expect(dialogs).toEqual(["beforeunload"]);

    await heading(3).waitFor();
    expect(step()).toBe("properties");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("aws-reload");
    expect(await page.getByLabel("Groups").inputValue()).toBe("prod, eu");
    expect(await page.getByLabel("Access key ID").inputValue()).toBe(ACCOUNTS.b.accessKeyId);
    expect(await page.getByLabel("Region").inputValue()).toBe(REGION);
    expect(await page.getByLabel("Secret access key").inputValue()).toBe("");
    const note = page.getByTestId("secrets-note");
    expect(await note.textContent()).toMatch(/Secret access key.*never secrets/s);
    await s.screenshot("wizard-flow-reloaded");
    // Next says the secret is required; once entered again, the note goes.
    await page.getByRole("button", { name: "Next" }).click();
    await heading(3).waitFor();
    expect(await page.locator('[data-field="aws_secret_access_key"] .error').count()).toBe(1);
    await page.getByLabel("Secret access key").fill(ACCOUNTS.b.secretAccessKey);
    await expect.poll(() => note.count()).toBe(0);
  });

  it("keeps the input only for the token that entered it: signed in with another token, the wizard starts empty", async () => {
    const { page } = s;
    await fresh();
    await page.getByLabel("Name", { exact: true }).fill("aws-admins-draft");
    const token = await createTokenViaApi(s, { name: "second operator", administrator: true });
    await page.getByTestId("account").getByRole("button", { name: "Sign out" }).click();
    await signIn(page, token, "second operator");
    await page.goto(s.url("/keystores/new?step=properties"));
    await heading(1).waitFor();
    expect(await page.getByRole("radio", { name: "Payments" }).isChecked()).toBe(false);
    // Back to the administrator (the stack's token) for the tests after this one.
    await page.getByTestId("account").getByRole("button", { name: "Sign out" }).click();
    await page.evaluate(() => sessionStorage.removeItem("uko.accessToken"));
    await page.reload();
    await page.getByTestId("account").getByText("bootstrap administrator", { exact: true }).waitFor();
  });

  it("asks before leaving for another console page; leaving discards the input", async () => {
    const { page } = s;
    await fresh();
    await page.getByLabel("Name", { exact: true }).fill("aws-leave");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Keystores" }).click();
    const dialog = page.getByRole("dialog", { name: "Leave the wizard?" });
    await dialog.waitFor();
    await s.screenshot("wizard-flow-leave-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(new URL(page.url()).pathname).toBe("/keystores/new");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("aws-leave");

    await nav.getByRole("link", { name: "Keystores" }).click();
    await dialog.getByRole("button", { name: "Leave and discard" }).click();
    await page.waitForURL(/\/keystores$/);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), DRAFT)).toBeNull();
    await page.getByRole("link", { name: /Add keystore/ }).first().click();
    await heading(1).waitFor();
    expect(await page.getByRole("radio", { name: "Payments" }).isChecked()).toBe(false);
  });

  it("says when the tested keystore is connected already, with the account found, and never in green", async () => {
    const { page } = s;
    await fresh();
    await fill("aws-dup", ACCOUNTS.a);
    await page.getByRole("button", { name: "Next" }).click();
    await heading(4).waitFor();
    await page.getByRole("button", { name: "Test connection", exact: true }).click();
    const result = page.locator(".test-result");
    await result.waitFor();
    expect(await page.getByTestId("test-account").textContent()).toContain(ACCOUNTS.a.accountId);
    expect(await page.getByTestId("already-connected").textContent()).toMatch(/connected as aws-prod in vault Payments/);
    expect(await result.getAttribute("data-ok")).toBe("false");
    expect(await result.locator(".alert-success").count()).toBe(0);
    await s.screenshot("wizard-flow-already-connected-test");
    await page.getByRole("button", { name: "Next" }).click();
    await heading(5).waitFor();
    expect(await page.getByTestId("summary-test").textContent()).toMatch(/already connected as aws-prod in vault Payments.*refused/);

    // Other credentials: the old verdict is gone from the test step and the summary.
    await page.locator(".steps li").nth(2).getByRole("button").click();
    await heading(3).waitFor();
    await page.getByLabel("Access key ID").fill(ACCOUNTS.c.accessKeyId);
    await page.getByLabel("Secret access key").fill(ACCOUNTS.c.secretAccessKey);
    await page.getByRole("button", { name: "Next" }).click();
    await heading(4).waitFor();
    expect(await result.count()).toBe(0);
    expect(await page.getByTestId("already-connected").count()).toBe(0);
    await page.getByRole("button", { name: "Test connection", exact: true }).click();
    await expect.poll(() => result.getAttribute("data-ok")).toBe("true");
    expect(await page.getByTestId("test-account").textContent()).toContain(ACCOUNTS.c.accountId);
    expect(await result.locator(".alert-success").count()).toBe(1);

    // A failing test is red, never green.
    await page.locator(".steps li").nth(2).getByRole("button").click();
    await page.getByLabel("Secret access key").fill("wrong/Secret0000000000000000000000000000");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Test connection", exact: true }).click();
    await page.getByText("The connection test failed.").waitFor();
    expect(await result.locator(".alert-success").count()).toBe(0);
    expect(await result.locator(".alert-error").count()).toBeGreaterThan(0);
  });

  it("clears Connect's \"already connected\" banner once a connection property changes", async () => {
    const { page } = s;
    await fresh();
    await fill("aws-dup-2", ACCOUNTS.a);
    await page.getByRole("button", { name: "Next" }).click();
    await heading(4).waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await heading(3).waitFor();
    const banner = page.locator(".step > .alert");
    await expect.poll(() => banner.textContent()).toMatch(/already connected/i);
    expect(await page.locator('[data-field="aws_region"] .error').count()).toBe(1);
    await page.getByLabel("Access key ID").fill(ACCOUNTS.c.accessKeyId);
    await expect.poll(() => banner.count()).toBe(0);
    expect(await page.locator('[data-field="aws_region"] .error').count()).toBe(0);
  });
});

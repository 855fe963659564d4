import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseOption } from "./support/combobox.ts";
import { ACCOUNTS, ADMIN_TOKEN, browserUnavailable, OUTPUT, REGION, signIn, startStack, type Stack } from "./support/stack.ts";
import { forgetWizardInput, openAdvanced } from "./support/wizard.ts";

/**
 * The add-keystore wizard in the built console, in Chromium, against the gateway process and the
 * AWS KMS emulator: a passing test, a failing one that still connects, a client-side message at its
 * field, the API's "name taken" at the name field and "already connected" at the region, and the
 * first two steps by keyboard alone. It signs in through the sign-in page first.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("add keystore wizard", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ signedIn: false });
  });
  afterAll(async () => s?.close());

  /** Each test starts a new wizard: the one before may have left its input in this tab's sessionStorage. */
  const startFresh = () => forgetWizardInput(s.page);
  /** Vault (existing) -> type -> the properties step. */
  const toProperties = async (vault: string) => {
    const { page } = s;
    await startFresh();
    await page.goto(s.url("/keystores/new"));
    await page.getByRole("radio", { name: vault }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.locator('[data-type="aws_kms"]').click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /Step 3 of 5: Properties/ }).waitFor();
  };
  const fill = async (values: { name: string; groups?: string; region?: string; accessKeyId: string; secret: string }) => {
    const { page } = s;
    await page.getByLabel("Name", { exact: true }).fill(values.name);
    if (values.groups) await page.getByLabel("Groups").fill(values.groups);
    await page.getByLabel("Region").fill(values.region ?? REGION);
    await page.getByLabel("Access key ID").fill(values.accessKeyId);
    await page.getByLabel("Secret access key").fill(values.secret);
    // The endpoint is optional, so folded under Advanced.
    await openAdvanced(page);
    await page.getByLabel("Endpoint").fill(s.emulator.endpoint);
  };

  it("shows the empty state, then walks every step with a passing test and lands on the new keystore", async () => {
    const { page } = s;
    await page.goto(s.url("/"));
    await signIn(page, ADMIN_TOKEN, "bootstrap administrator");
    await page.getByRole("heading", { name: "No keystore yet" }).waitFor();
    expect(await page.locator(".empty").textContent()).toMatch(/Add keystore.*connect the first one/);
    await page.getByRole("link", { name: "Add your first keystore" }).click();

    // Vault: Next is refused until one is chosen; one is created inline.
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("Choose a vault, or create one").waitFor();
    await page.getByLabel("New vault name").fill("Payments");
    await page.getByRole("button", { name: "Create vault" }).click();
    await expect.poll(() => page.getByRole("radio", { name: "Payments" }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "Next" }).click();

    // Type: one card per keystoreTypes entry, with what the cloud charges (AWS: $1 a key a month), never a service fee.
    await page.getByRole("heading", { name: /Keystore type/ }).waitFor();
    const card = page.locator('[data-type="aws_kms"]');
    await expect.poll(() => card.textContent()).toMatch(/AWS.*About \D*1[.,]00\D* per month in cloud charges for 1 key version \(list prices as of \d{4}-\d{2}-\d{2}\)/s);
    expect(await card.textContent()).not.toMatch(/Free|base charge/);
    await chooseOption(page.getByLabel("Prices in the currency of"), "Germany");
    await expect.poll(() => card.textContent()).toContain("€");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("Choose a keystore type").waitFor();
    await card.click();
    await page.getByRole("button", { name: "Next" }).click();

    // Properties, rendered from descriptors: required marks, a password field, the lock on Region.
    await page.getByRole("heading", { name: /Properties/ }).waitFor();
    expect(await page.getByLabel("Secret access key").getAttribute("type")).toBe("password");
    expect(await page.locator('[data-field="aws_region"] label').textContent()).toContain("locked after connect");
    await fill({ name: "aws-prod", groups: "prod", accessKeyId: ACCOUNTS.a.accessKeyId, secret: ACCOUNTS.a.secretAccessKey });
    // The whole step, Next included, fits a 1366x768 screen without scrolling.
    const nextBox = await page.getByRole("button", { name: "Next" }).boundingBox();
    expect(nextBox!.y + nextBox!.height).toBeLessThanOrEqual(768);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await s.screenshot("wizard-properties");
    copyToDocs();
    await page.getByRole("button", { name: "Next" }).click();

    // Test connection: every check shown.
    await page.getByRole("button", { name: "Test connection", exact: true }).click();
    await page.getByText("The connection works.").waitFor();
    expect(await page.locator(".checks tbody tr").count()).toBeGreaterThan(5);
    expect(await page.locator(".checks").textContent()).toContain("kms:ListKeys");
    await page.getByRole("button", { name: "Next" }).click();

    // Summary: the secret only as "set", the cloud's charges line by line, the total, and where the prices come from.
    await page.getByRole("heading", { name: /Summary/ }).waitFor();
    const summary = (await page.locator("dl.summary").textContent()) ?? "";
    expect(summary).not.toContain(ACCOUNTS.a.secretAccessKey);
    expect(await page.locator('[data-property="aws_secret_access_key"] dd').textContent()).toBe("set");
    expect(summary).toContain("Payments");
    expect(summary).toContain("passed");
    await expect.poll(() => page.getByTestId("total-cost").textContent()).toMatch(/Total estimated cost: \D*0[.,]92\D* per month/);
    const cost = (await page.getByTestId("total-cost").textContent()) ?? "";
    expect(cost).toMatch(/KMS key \(symmetric or asymmetric, imported material included\): \D*0[.,]92/);
    expect(cost).toMatch(/Cryptographic operations: \D*0[.,]00\D* \(10,000 at/);
    expect(cost).toMatch(/The cloud's public list prices as of \d{4}-\d{2}-\d{2} \(pricing page\), approximate\. Assumes 1 key version and 10,000 operations a month\. Converted from USD/);
    expect(cost).not.toMatch(/Free|base charge/);
    expect(await page.getByRole("link", { name: "pricing page" }).getAttribute("href")).toBe("https://aws.amazon.com/kms/pricing/");
    await s.screenshot("wizard-summary-cost");
    await page.getByRole("button", { name: "Connect", exact: true }).click();

    await page.getByRole("heading", { name: "aws-prod", level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/keystores\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId("status").textContent()).toContain("OK");
    await s.screenshot("wizard-connected");
  });

  it("connects even when the connection test fails (a wrong secret)", async () => {
    const { page } = s;
    await toProperties("Payments");
    await fill({ name: "aws-wrong", accessKeyId: ACCOUNTS.b.accessKeyId, secret: "wrong/Secret0000000000000000000000000000" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Test connection", exact: true }).click();
    await page.getByText("The connection test failed.").waitFor();
    expect(await page.locator(".test-result").textContent()).toMatch(/Failed/);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText(/You can connect anyway/).waitFor();
    // A second keystore costs what the first did: the cloud charges per key, not per keystore.
    await expect.poll(() => page.getByTestId("total-cost").textContent()).toMatch(/Total estimated cost: \D*[0-9][.,][0-9]{2}\D* per month/);
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByRole("heading", { name: "aws-wrong", level: 1 }).waitFor();
    expect(await page.getByTestId("status").textContent()).toContain("Configuration error");
    await s.screenshot("wizard-failed-test-connected");
  });

  it("shows a client-side validation message at its field and stays on the step", async () => {
    const { page } = s;
    await toProperties("Payments");
    await fill({ name: "aws-invalid", region: "Frankfurt", accessKeyId: ACCOUNTS.c.accessKeyId, secret: ACCOUNTS.c.secretAccessKey });
    await page.getByLabel("Name", { exact: true }).focus();
    const message = page.locator('[data-field="aws_region"] .error');
    await expect.poll(() => message.textContent()).toBe("Region must be an AWS region name such as us-east-1 or eu-central-1");
    expect(await page.getByLabel("Region").getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /Step 3 of 5/ }).waitFor();
    await s.screenshot("wizard-client-validation");
  });

  it("flags a name taken in the vault at the name field before Connect, and Next stays on the step", async () => {
    const { page } = s;
    await toProperties("Payments");
    await fill({ name: "aws-prod", accessKeyId: ACCOUNTS.c.accessKeyId, secret: ACCOUNTS.c.secretAccessKey });
    // Said while typing (looked up in the vault), not after the last click.
    const message = page.locator('[data-field="name"] .error');
    await expect.poll(() => message.textContent()).toMatch(/"aws-prod" is already in vault Payments/);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /Step 3 of 5/ }).waitFor();
    expect(page.url()).toContain("step=properties");
    // Another name clears the message at once.
    await page.getByLabel("Name", { exact: true }).fill("aws-prod-2");
    await expect.poll(() => message.count()).toBe(0);
    await s.screenshot("wizard-name-taken");
  });
  it("shows \"already connected\" at the region when the same AWS account and region are connected again", async () => {
    const { page } = s;
    await toProperties("Payments");
    await fill({ name: "aws-prod-again", accessKeyId: ACCOUNTS.a.accessKeyId, secret: ACCOUNTS.a.secretAccessKey });
    await page.getByRole("button", { name: "Next" }).click();
    // Next on the properties step asks the API whether the name is taken: wait for the step it leads to.
    await page.getByRole("heading", { name: /Step 4 of 5/ }).waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    // Back on the properties step: what and where at the top, the identifying property marked.
    await page.getByRole("heading", { name: /Step 3 of 5/ }).waitFor();
    await expect.poll(() => page.locator(".step > .alert").textContent()).toMatch(/already connected/i);
    expect(await page.locator(".step > .alert").textContent()).toContain("aws-prod");
    expect(await page.locator('[data-field="aws_region"] .error').textContent()).toMatch(/already connected/);
    expect(await page.locator('[data-field="name"] .error').count()).toBe(0);
    await s.screenshot("wizard-already-connected");
  });

  it("walks the first two steps by keyboard only, with visible focus in reading order", async () => {
    const { page } = s;
    await startFresh();
    await page.goto(s.url("/keystores/new"));
    await page.getByRole("heading", { name: /Step 1 of 5: Vault/ }).waitFor();
    // Each step starts with focus on its heading, so the next Tab is the step's first control.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("step-title");
    /** The focused element as role + name, after checking its focus ring is drawn. */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        const visible = el.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        const name = el.getAttribute("aria-label") ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? "";
        const role = el.tagName === "INPUT" ? (el as HTMLInputElement).type : el.tagName.toLowerCase();
        return { what: `${role} ${name.trim().replace(/\s+/g, " ").slice(0, 30)}`, visible };
      });
    const tabTo = async (want: string, path: string[]) => {
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        const f = await focused();
        expect(f.visible, `focus ring on ${f.what} after ${path.join(" > ")}`).toBe(true);
        path.push(f.what);
        if (f.what.startsWith(want)) return;
      }
      throw new Error(`never reached ${want}: ${path.join(" > ")}`);
    };

    const step1: string[] = [];
    await tabTo("radio Payments", step1);
    await page.keyboard.press("Space");
    expect(await page.getByRole("radio", { name: "Payments" }).isChecked()).toBe(true);
    await tabTo("button Next", step1);
    expect(step1).toEqual(["radio Payments", "text New vault name", "button Create vault", "button Next"]);
    await s.screenshot("wizard-keyboard-step1");
    await page.keyboard.press("Enter");

    await page.getByRole("heading", { name: /Step 2 of 5: Keystore type/ }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("step-title");
    const step2: string[] = [];
    await tabTo("radio", step2);
    await page.keyboard.press("Space");
    await expect.poll(() => page.locator('[data-type="aws_kms"]').getAttribute("class")).toContain("selected");
    await s.screenshot("wizard-keyboard-step2");
    await tabTo("button Next", step2);
    // The country is a combobox (an input), first in reading order.
    expect(step2[0]).toBe("text Prices in the currency of");
    expect(step2.map((w) => w.split(" ")[0])).toEqual(["text", "radio", "button", "button"]);
    expect(step2.slice(2)).toEqual(["button Back", "button Next"]);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /Step 3 of 5: Properties/ }).waitFor();
  });
});

/** The README's picture of the wizard, refreshed on request (UKO_UPDATE_DOCS=1): a test run leaves tracked files alone. */
function copyToDocs(): void {
  if (process.env.UKO_UPDATE_DOCS !== "1") return;
  const docs = join(OUTPUT, "..", "..", "docs");
  mkdirSync(docs, { recursive: true });
  copyFileSync(join(OUTPUT, "wizard-properties.png"), join(docs, "console-wizard.png"));
}

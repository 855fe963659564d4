import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, createVaultViaApi, pageWithToken, startStack, type Stack } from "./support/stack.ts";
import { checkPage } from "./support/axe.ts";
import { chooseOption } from "./support/combobox.ts";

/**
 * Item 9 of issue 17, access: the administrator creates a token (its secret shown once, never
 * again), grants and revokes its vault roles on the token's page, and revokes it; a token that is
 * not the administrator is not offered the tokens page.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("access tokens and vault roles", () => {
  let s: Stack;
  let secret: string;
  beforeAll(async () => {
    s = await startStack();
    await createVaultViaApi(s, "Payments");
    await createVaultViaApi(s, "Ledger");
  });
  afterAll(async () => s?.close());

  const rolesOf = async (name: string) => {
    const { accessTokens } = await s.gql<{ accessTokens: { name: string; revokedAt: string | null; roles: { role: string; vault: { name: string } }[] }[] }>(
      `query { accessTokens { name revokedAt roles { role vault { name } } } }`,
    );
    return accessTokens.find((t) => t.name === name)!;
  };

  it("creates a token with a first role; the token is shown once and never again", async () => {
    const { page } = s;
    await page.goto(s.url("/"));
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access tokens" }).click();
    await page.getByRole("heading", { name: "Access tokens", level: 1 }).waitFor();
    await checkPage(s, "tokens-list", /^Access tokens · UKO console$/);
    const form = page.getByRole("form", { name: "New token" });
    await form.getByLabel("Name").fill("ci-pipeline");
    await chooseOption(form.getByLabel("Vault", { exact: true }), "Payments");
    await form.getByLabel("Role", { exact: true }).selectOption({ label: "Reader" });
    await form.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByRole("region", { name: "Token ci-pipeline created" });
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/shown this once/);
    secret = await shown.getByLabel("Token").inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await checkPage(s, "tokens-created-once", /^Access tokens/);
    expect(await page.getByTestId("tokens").getByRole("row", { name: /ci-pipeline/ }).textContent()).toContain("Reader in Payments");

    await shown.getByRole("button", { name: "I have copied it" }).click();
    await page.reload();
    await page.getByTestId("tokens").getByRole("row", { name: /ci-pipeline/ }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it("grants a role and revokes another on the token's page", async () => {
    const { page } = s;
    await page.getByRole("link", { name: "ci-pipeline" }).click();
    await page.getByRole("heading", { name: "ci-pipeline", level: 1 }).waitFor();
    const grant = page.getByRole("form", { name: "Grant a vault role" });
    await chooseOption(grant.getByLabel("Vault", { exact: true }), "Ledger");
    await grant.getByLabel("Role", { exact: true }).selectOption({ label: "Key custodian – Deployer" });
    await grant.getByRole("button", { name: "Grant role" }).click();
    await page.getByText("Granted: Key custodian – Deployer in Ledger.").waitFor();
    await expect.poll(async () => (await rolesOf("ci-pipeline")).roles.map((r) => `${r.role}@${r.vault.name}`).sort()).toEqual(["KEY_CUSTODIAN_DEPLOYER@Ledger", "READER@Payments"]);
    await checkPage(s, "token-page-roles", /^Token ci-pipeline · UKO console$/);

    await page.getByRole("button", { name: "Revoke role Reader in Payments" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke Reader in Payments?" });
    await dialog.getByRole("button", { name: "Revoke role" }).click();
    await page.getByText("Revoked: Reader in Payments.").waitFor();
    expect(await page.getByTestId("token-roles").textContent()).not.toContain("Payments");
    expect((await rolesOf("ci-pipeline")).roles.map((r) => r.role)).toEqual(["KEY_CUSTODIAN_DEPLOYER"]);
  });

  it("a token that is not the administrator is offered no tokens page", async () => {
    const other = await pageWithToken(s, secret);
    try {
      await other.goto(s.url("/tokens"));
      await other.getByRole("heading", { name: "Access tokens", level: 1 }).waitFor();
      expect(await other.getByText(/Only the instance administrator manages access tokens/).count()).toBe(1);
      expect(await other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access tokens" }).count()).toBe(0);
    } finally {
      await other.context().close();
    }
  });

  it("revokes the token: it is marked revoked and can no longer sign in", async () => {
    const { page } = s;
    await page.getByRole("button", { name: "Revoke token" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke ci-pipeline?" });
    expect(await dialog.textContent()).toMatch(/cannot be undone/);
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await page.getByText(/Revoked: ci-pipeline can no longer sign in/).waitFor();
    expect(await page.getByTestId("token-summary").textContent()).toMatch(/Revoked/);
    expect((await rolesOf("ci-pipeline")).revokedAt).not.toBeNull();
    await checkPage(s, "token-revoked", /^Token ci-pipeline/);

    const other = await pageWithToken(s, secret);
    try {
      await other.goto(s.url("/keys"));
      await other.getByLabel("Access token").waitFor();
    } finally {
      await other.context().close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, ADMIN_TOKEN, browserUnavailable, connectViaApi, createTokenViaApi, createVaultViaApi, signIn, startStack, type Stack } from "./support/stack.ts";

/**
 * Signing in with an access token: a wrong one is refused on the page, a good one names its
 * owner in the header, a READER sees its vault and is told why it is offered no change, and
 * signing out (or a revoked token) brings the sign-in page back.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("sign in", () => {
  let s: Stack;
  let readerToken: string;
  beforeAll(async () => {
    s = await startStack({ signedIn: false });
    const opsId = await createVaultViaApi(s, "Ops");
    const otherId = await createVaultViaApi(s, "Other");
    await connectViaApi(s, { vaultId: opsId, name: "aws-ops", account: ACCOUNTS.a });
    await connectViaApi(s, { vaultId: otherId, name: "aws-other", account: ACCOUNTS.b });
    readerToken = await createTokenViaApi(s, { name: "ops reader", roles: [{ vaultId: opsId, role: "READER" }] });
  });
  afterAll(async () => s?.close());

  it("refuses a wrong token and stays on the sign-in page", async () => {
    const { page } = s;
    await page.goto(s.url("/keystores"));
    const field = page.getByLabel("Access token");
    expect(await field.getAttribute("type")).toBe("password");
    await field.fill("uko_not-a-real-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("This token was not accepted: it is unknown, revoked or expired.").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await s.screenshot("sign-in-refused");
  });

  it("signs in with a good token, shows who it is, and keeps the token for this tab only", async () => {
    const { page } = s;
    await signIn(page, ADMIN_TOKEN, "bootstrap administrator");
    expect(await page.getByTestId("account").textContent()).toContain("Administrator (every vault)");
    await page.getByRole("heading", { name: "Target keystores" }).waitFor();
    expect(await page.evaluate(() => [sessionStorage.getItem("uko.accessToken"), localStorage.length])).toEqual([ADMIN_TOKEN, 0]);
    // A reload keeps the session (sessionStorage), and asks `me` again.
    await page.reload();
    await page.getByTestId("account").getByText("bootstrap administrator").waitFor();
    await s.screenshot("sign-in-administrator");
  });

  it("signs out back to the sign-in page", async () => {
    const { page } = s;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("uko.accessToken"))).toBeNull();
    await page.reload();
    await page.getByLabel("Access token").waitFor();
    await s.screenshot("sign-in-signed-out");
  });

  it("a READER sees its vault's keystores, and is told why it may not disconnect or edit", async () => {
    const { page } = s;
    await signIn(page, readerToken, "ops reader");
    expect(await page.getByTestId("account").textContent()).toContain("Reader in Ops");
    const list = page.locator("table.list");
    await list.getByRole("link", { name: "aws-ops" }).waitFor();
    expect(await list.textContent()).not.toContain("aws-other");
    expect(await page.getByRole("button", { name: "Add keystore" }).getAttribute("aria-disabled")).toBe("true");

    await list.getByRole("link", { name: "aws-ops" }).click();
    await page.getByRole("heading", { name: "aws-ops", level: 1 }).waitFor();
    // The roles allow neither: the buttons say so (their description) instead of offering a refused request.
    for (const name of ["Disconnect", "Edit connection"]) {
      const button = page.getByRole("button", { name, exact: true });
      expect(await button.getAttribute("aria-disabled")).toBe("true");
      await button.focus();
      await page.getByRole("tooltip", { name: /you have Reader in Ops; this needs Vault administrator/ }).first().waitFor();
    }
    // Playwright waits for an aria-disabled button to become enabled: force the click to show it does nothing.
    await page.getByRole("button", { name: "Disconnect" }).click({ force: true });
    expect(await page.getByRole("dialog").count()).toBe(0);
    await s.screenshot("sign-in-reader-refused");
  });

  it("a revoked token ends the session: the next request shows the sign-in page with the reason", async () => {
    const { page } = s;
    const tokens = await s.gql(`query { accessTokens { id name } }`);
    const id = tokens.accessTokens.find((t: { name: string }) => t.name === "ops reader").id;
    await s.gql(`mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { __typename } }`, { id });
    // The page's live-update stream is ended by the gateway at once, which already ends the session;
    // where no stream was open, any request does it: going to the keystores list reads them.
    const ended = page.getByText(/Your session has ended/);
    await ended.waitFor({ timeout: 3_000 }).catch(() => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Keystores" }).click());
    await ended.waitFor();
    await page.getByLabel("Access token").waitFor();
    await s.screenshot("sign-in-session-ended");
  });
});

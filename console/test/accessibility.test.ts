import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";
import { seriousViolations } from "./support/axe.ts";

/**
 * Every page of the console, once, through axe-core: no serious or critical violation, and each
 * page has its own title in the tab. (The other suites check the pages they walk the same way.)
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("accessibility of every page", () => {
  let s: Stack;
  const pages: [string, string, RegExp][] = [];
  beforeAll(async () => {
    s = await startStack();
    const vaultId = await createVaultViaApi(s, "Access");
    const keystoreId = await connectViaApi(s, { vaultId, name: "aws-a11y", account: ACCOUNTS.a, groups: ["a11y"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "a11y-aes", group: "a11y" });
    const key = await createKeyViaApi(s, { vaultId, templateId, label: "a11y-key" });
    const { accessTokens } = await s.gql<{ accessTokens: { id: string }[] }>(`query { accessTokens { id } }`);
    pages.push(
      ["/", "start-page", /^Overview/],
      ["/vaults", "vaults", /^Vaults/],
      [`/vaults/${vaultId}`, "vault", /^Vault Access/],
      ["/keystores", "keystores", /^Keystores/],
      [`/keystores/${keystoreId}`, "keystore", /^Keystore/],
      ["/keystores/new", "wizard", /^Connect a keystore/],
      ["/keys", "keys", /^Managed keys/],
      [`/keys/${key.id}`, "key", /^Key a11y-key/],
      ["/keys/new", "create-key", /^Create a key/],
      ["/templates", "templates", /^Key templates/],
      [`/templates/${templateId}`, "template", /^Key template/],
      ["/templates/new", "create-template", /^Create a key template/],
      ["/audit", "audit", /^Audit log/],
      ["/tokens", "tokens", /^Access tokens/],
      [`/tokens/${accessTokens[0]!.id}`, "token", /^Token bootstrap administrator/],
      ["/nowhere", "not-found", /^Page not found/],
    );
  });
  afterAll(async () => s?.close());

  it("no page has a serious or critical axe violation, and each has its own title", async () => {
    const { page } = s;
    const found: string[] = [];
    for (const [path, name, title] of pages) {
      await page.goto(s.url(path));
      await page.locator("main h1").first().waitFor();
      // Let the page's data arrive (its loading line goes) before judging it.
      await page.waitForFunction(() => !document.querySelector("main .loading"));
      await page.waitForFunction((source) => new RegExp(source).test(document.title), title.source, { timeout: 5000 }).catch(async () => found.push(`${path}: title is "${await page.title()}"`));
      for (const v of await seriousViolations(page)) found.push(`${path}: ${v}`);
      await s.screenshot(`a11y-${name}`);
    }
    expect(found).toEqual([]);
  });

  it("the sign-in page too", async () => {
    const context = await s.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-US" });
    try {
      const page = await context.newPage();
      await page.goto(s.url("/keys"));
      await page.getByLabel("Access token").waitFor();
      expect(await page.title()).toBe("Sign in · UKO console");
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

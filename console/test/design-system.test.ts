import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";
import { chooseOption } from "./support/combobox.ts";

/**
 * Issue 17 item 10: the console is built with IBM's Carbon design system. Every page is in
 * Carbon's UI shell, messages are Carbon notifications (inline, and toasts after an action that
 * leaves the page; a failure is never green), confirmations are Carbon modals that keep and return
 * focus — and none of it needs the Content-Security-Policy loosened: no page served by the built
 * gateway raises a CSP violation or logs an error.
 */
const skip = browserUnavailable();

/**
 * Records, from before any page script runs, every CSP violation the page reports. (Init scripts
 * and evaluate() come through the DevTools protocol, which the page's CSP does not govern.)
 */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
  });
}

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);

/** The page's console errors (a CSP refusal is logged there too, by the browser). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

describe.skipIf(skip !== undefined)("the Carbon design system, under the console's CSP", () => {
  let s: Stack;
  let errors: string[];
  let vaultId: string;
  let templateId: string;
  let keyId: string;
  const pages: [string, string][] = [];
  beforeAll(async () => {
    s = await startStack();
    await watchCsp(s.page.context());
    errors = consoleErrors(s.page);
    vaultId = await createVaultViaApi(s, "Carbon");
    const keystoreId = await connectViaApi(s, { vaultId, name: "aws-carbon", account: ACCOUNTS.a, groups: ["carbon"] });
    templateId = await createTemplateViaApi(s, { vaultId, name: "carbon-aes", group: "carbon" });
    keyId = (await createKeyViaApi(s, { vaultId, templateId, label: "carbon-key" })).id;
    const { accessTokens } = await s.gql<{ accessTokens: { id: string }[] }>(`query { accessTokens { id } }`);
    pages.push(
      ["/", "Overview"],
      ["/vaults", "Vaults"],
      [`/vaults/${vaultId}`, "Vaults"],
      ["/keystores", "Keystores"],
      [`/keystores/${keystoreId}`, "Keystores"],
      ["/keystores/new", "Keystores"],
      ["/keys", "Managed keys"],
      [`/keys/${keyId}`, "Managed keys"],
      ["/keys/new", "Managed keys"],
      ["/templates", "Key templates"],
      [`/templates/${templateId}`, "Key templates"],
      ["/templates/new", "Key templates"],
      ["/audit", "Audit log"],
      ["/tokens", "Access tokens"],
      [`/tokens/${accessTokens[0]!.id}`, "Access tokens"],
    );
  });
  afterAll(async () => s?.close());

  it("renders every page in Carbon's UI shell, the current section marked, without a CSP violation or console error", async () => {
    const { page } = s;
    const found: string[] = [];
    for (const [path, section] of pages) {
      await page.goto(s.url(path));
      await page.locator("main h1").first().waitFor();
      await page.waitForFunction(() => !document.querySelector("main .loading"));
      const shell = await page.evaluate(() => ({
        header: Boolean(document.querySelector("header.cds--header .cds--header__name")),
        nav: Boolean(document.querySelector("nav.cds--header__nav[aria-label='Main']")),
        content: Boolean(document.querySelector("main.cds--content#main")),
        current: [...document.querySelectorAll(".cds--header__nav a[aria-current='page']")].map((a) => a.textContent),
        // Carbon's CSS is loaded (not merely its class names): the header is fixed, in IBM Plex.
        position: getComputedStyle(document.querySelector(".cds--header")!).position,
        font: getComputedStyle(document.body).fontFamily,
      }));
      if (!shell.header || !shell.nav || !shell.content) found.push(`${path}: not in Carbon's shell ${JSON.stringify(shell)}`);
      if (shell.current.join() !== section) found.push(`${path}: current section is ${JSON.stringify(shell.current)}, not ${section}`);
      if (shell.position !== "fixed" || !shell.font.includes("IBM Plex Sans")) found.push(`${path}: Carbon's styles are not applied (${shell.position}, ${shell.font})`);
      // A page about one thing says where it sits with Carbon's breadcrumb.
      if (path.split("/").length > 2 && (await page.locator("nav[aria-label=Breadcrumb] > ol.cds--breadcrumb").count()) !== 1) found.push(`${path}: no Carbon breadcrumb`);
      for (const v of await cspViolations(page)) found.push(`${path}: CSP: ${v}`);
    }
    // A "create" action that goes to a page is a Carbon button drawn on a real link (role, address).
    await page.goto(s.url("/keys"));
    const create = page.getByRole("link", { name: "Create key" });
    expect(await create.getAttribute("href")).toBe("/keys/new");
    expect(await create.getAttribute("class")).toContain("cds--btn--primary");
    // The font files are served by the gateway itself, and the browser used them (no CDN, no fallback).
    expect(await page.evaluate(async () => (await document.fonts.ready, [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family)))).toContain("IBM Plex Sans");
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("the sign-in page is a Carbon tile, under the same policy", async () => {
    const context = await s.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-US" });
    try {
      await watchCsp(context);
      const page = await context.newPage();
      const signInErrors = consoleErrors(page);
      await page.goto(s.url("/keys"));
      await page.getByLabel("Access token").waitFor();
      expect(await page.locator("main .cds--tile.sign-in").count()).toBe(1);
      expect(await page.getByRole("button", { name: "Sign in" }).getAttribute("class")).toContain("cds--btn--primary");
      expect(await cspViolations(page)).toEqual([]);
      expect(signInErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a confirmation is a Carbon modal: focus goes in, stays in on Tab, Escape cancels and focus returns to its button", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${keyId}`));
    const opener = page.getByRole("button", { name: "Sync", exact: true });
    await opener.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: /^Sync carbon-key\?/ });
    await dialog.waitFor();
    expect(await dialog.getAttribute("aria-modal")).toBe("true");
    expect(await dialog.evaluate((d) => d.closest(".cds--modal")?.classList.contains("is-visible"))).toBe(true);
    // Focus starts inside, and twenty Tabs never leave it.
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    // Carbon wraps focus when it reaches a sentinel at the modal's edge, in a focus handler: focus
    // is judged once that handler has run, and must be back inside after every Tab.
    const inside = () => dialog.evaluate((d) => d.contains(document.activeElement) || document.activeElement?.closest(".cds--modal") !== null);
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Tab");
      await expect.poll(inside, { message: `Tab ${i + 1} left the dialog`, timeout: 2_000 }).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => opener.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await cspViolations(page)).toEqual([]);
  });

  it("an outcome on the page is a Carbon inline notification: success is green and a status", async () => {
    const { page } = s;
    await page.goto(s.url(`/keys/${keyId}`));
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: /^Sync carbon-key\?/ });
    await dialog.getByLabel(/Only look \(dry run\)/).uncheck();
    await dialog.getByRole("button", { name: "Sync", exact: true }).click();
    const banner = page.locator("main .cds--inline-notification", { hasText: "Synced: 1 keystore succeeded, 0 failed." });
    await banner.waitFor();
    expect(await banner.getAttribute("role")).toBe("status");
    expect(await banner.getAttribute("class")).toContain("cds--inline-notification--success");
  });

  it("after deleting a vault, a success toast says so on the next page and goes away by itself", async () => {
    const { page } = s;
    const doomed = await createVaultViaApi(s, "Doomed");
    await page.goto(s.url(`/vaults/${doomed}`));
    await page.getByRole("button", { name: "Delete vault", exact: true }).click();
    await page.getByRole("dialog", { name: "Delete Doomed?" }).getByRole("button", { name: "Delete vault", exact: true }).click();
    await page.waitForURL(/\/vaults$/);
    const toast = page.locator(".cds--toast-notification", { hasText: "Vault Doomed deleted" });
    await toast.waitFor();
    expect(await toast.getAttribute("role")).toBe("status");
    expect(await toast.getAttribute("class")).toContain("cds--toast-notification--success");
    // Top right, under the header.
    const box = (await toast.boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(1366 - 40);
    expect(box.y).toBeGreaterThanOrEqual(48);
    await s.screenshot("design-system-toast-success");
    await toast.waitFor({ state: "detached", timeout: 10_000 });
  });

  it("a key created whose installation failed: a red error toast that stays until it is closed", async () => {
    const { page } = s;
    await page.goto(s.url("/keys/new"));
    await chooseOption(page.getByLabel("Template"), "carbon-aes (Carbon: AES 256 → aws_kms / carbon)");
    await page.getByLabel("Label", { exact: true }).fill("doomed-key");
    await page.getByLabel("Naming value <app>").fill("doomed");
    // AWS refuses the key material: the key is created, but its only keystore cannot install it.
    s.emulator.faults.inject({ kind: "server_error", operation: "ImportKeyMaterial" });
    try {
      await page.getByRole("button", { name: "Create key" }).click();
      await page.getByRole("heading", { name: "doomed-key", level: 1 }).waitFor();
    } finally {
      s.emulator.faults.clear();
    }
    const toast = page.locator(".cds--toast-notification", { hasText: "Key doomed-key created" });
    await toast.waitFor();
    expect(await toast.getAttribute("role")).toBe("alert");
    const classes = (await toast.getAttribute("class"))!;
    expect(classes).toContain("cds--toast-notification--error");
    expect(classes).not.toContain("success");
    expect(await toast.textContent()).toMatch(/0 keystores succeeded, 1 failed/);
    // Not green: its accent is Carbon's red, not a green.
    const accent = await toast.evaluate((t) => getComputedStyle(t).borderInlineStartColor);
    const [r, g] = accent.match(/\d+/g)!.map(Number) as [number, number];
    expect(r, `accent ${accent}`).toBeGreaterThan(g);
    await s.screenshot("design-system-toast-error");
    // Still there after the time a success toast would have gone; closing it removes it.
    await page.waitForTimeout(7000);
    expect(await toast.isVisible()).toBe(true);
    await toast.getByRole("button", { name: "Close" }).click();
    await toast.waitFor({ state: "detached" });
    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

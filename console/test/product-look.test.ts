import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, browserUnavailable, connectViaApi, createVaultViaApi, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";
import { seriousViolations } from "./support/axe.ts";

/**
 * The console as a product (issue 17 item 10): its name and favicon, a layout that holds in a
 * narrow window (no sideways page scroll at 800 and 390 px, navigation behind a keyboard-usable
 * Menu button), and comboboxes instead of native selects for long lists.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("the console's look in wide and narrow windows", () => {
  let s: Stack;
  let pages: [string, string][] = [];
  beforeAll(async () => {
    s = await startStack();
    const vaultId = await createVaultViaApi(s, "Payments");
    await createVaultViaApi(s, "Ledger");
    const keystoreId = await connectViaApi(s, { vaultId, name: "aws-payments-eu-central-1-production-primary", account: ACCOUNTS.a, groups: ["payments"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "payments-aes-256-card-platform", group: "payments" });
    const key = await createKeyViaApi(s, { vaultId, templateId, label: "card-data-encryption-key-2026" });
    pages = [
      ["/", "overview"],
      ["/vaults", "vaults"],
      [`/vaults/${vaultId}`, "vault"],
      ["/keystores", "keystores"],
      [`/keystores/${keystoreId}`, "keystore"],
      ["/keys", "keys"],
      [`/keys/${key.id}`, "key"],
      ["/keys/new", "create-key"],
      ["/templates", "templates"],
      [`/templates/${templateId}`, "template"],
      ["/templates/new", "create-template"],
      ["/audit", "audit"],
      ["/tokens", "tokens"],
    ];
  });
  afterAll(async () => s?.close());

  const settle = async () => {
    await s.page.locator("main h1").first().waitFor();
    await s.page.waitForFunction(() => !document.querySelector("main .loading"));
  };

  it("has a name in the header and in every tab title, and an SVG favicon the gateway serves", async () => {
    const { page } = s;
    await page.goto(s.url("/keys"));
    await settle();
    await expect(page.locator("header .brand").innerText()).resolves.toBe("UKO console");
    expect(await page.title()).toBe("Managed keys · UKO console");
    const href = await page.locator('link[rel="icon"]').getAttribute("href");
    expect(href).toBe("/favicon.svg");
    const icon = await fetch(s.url(href!));
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/svg/);
    expect(await icon.text()).toContain("<svg");
    // A page about one thing names it in the tab, in the same "<Page> · UKO console" form.
    for (const [path, title] of [
      [pages[4]![0], "Keystore aws-payments-eu-central-1-production-primary · UKO console"],
      [pages[9]![0], "Key template payments-aes-256-card-platform · UKO console"],
      [pages[6]![0], "Key card-data-encryption-key-2026 · UKO console"],
    ] as const) {
      await page.goto(s.url(path));
      await page.waitForFunction((t) => document.title === t, title, { timeout: 5000 }).catch(() => undefined);
      expect(await page.title()).toBe(title);
    }
    // Wide, there is no menu button: the navigation is in the header's row.
    expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
  });

  for (const width of [800, 390]) {
    it(`at ${width} px no page scrolls sideways, the header keeps its items whole, and axe finds nothing serious`, async () => {
      const { page } = s;
      await page.setViewportSize({ width, height: 800 });
      const found: string[] = [];
      for (const [path, name] of pages) {
        await page.goto(s.url(path));
        await settle();
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        if (scrollWidth > innerWidth) {
          // Name the widest culprit, so a failure says what to fix.
          const culprit = await page.evaluate(() => {
            const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5);
            const e = wide[wide.length - 1];
            return e ? `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} "${(e.textContent ?? "").slice(0, 40)}"` : "?";
          });
          found.push(`${path}: page is ${scrollWidth} px wide in a ${innerWidth} px window (${culprit})`);
        }
        // The header is one row: the brand's name (Carbon's HeaderName fills the header's height,
        // so its text is measured) and the Menu button, each on one line.
        const header = await page.evaluate(() => {
          const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
          const line = parseFloat(getComputedStyle(document.querySelector(".top .brand")!).lineHeight) || 22;
          return { brand: box(".top .brand > span"), menu: box(".menu-button"), line };
        });
        if (header.menu.width === 0) found.push(`${path}: no Menu button`);
        if (header.brand.height > header.line * 1.6 || header.menu.height > 48) found.push(`${path}: a header item wraps`);
        if (Math.abs(header.brand.top + header.brand.height / 2 - (header.menu.top + header.menu.height / 2)) > 8) found.push(`${path}: the header wraps onto two rows`);
        for (const v of await seriousViolations(page)) found.push(`${path}: ${v}`);
        await s.screenshot(`narrow-${width}-${name}`);
      }
      expect(found).toEqual([]);
    });
  }

  it("at 390 px the Menu button opens and closes the navigation from the keyboard", async () => {
    const { page } = s;
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(s.url("/keystores"));
    await settle();
    const menu = page.getByRole("button", { name: "Menu" });
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await nav.isVisible()).toBe(false);
    // From the page's start: Tab past the skip link to the Menu button, Enter opens it.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await menu.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    expect(await nav.isVisible()).toBe(true);
    await s.screenshot("narrow-390-menu-open");
    expect(await seriousViolations(page)).toEqual([]);
    // Tab goes into the menu; Escape closes it and puts the focus back on the button.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Overview");
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.evaluate((b) => b === document.activeElement)).toBe(true);
    // Space opens it too; following a link goes there and folds the menu again.
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Vaults");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/vaults$/);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.title()).toBe("Vaults · UKO console");
  });

  it("filters by vault with a combobox: type to filter, arrows, Enter, Escape", async () => {
    const { page } = s;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(s.url("/keystores"));
    await settle();
    const vault = page.getByRole("combobox", { name: "Vault" });
    expect(await vault.inputValue()).toBe("All vaults");
    expect(await page.locator("main select").count()).toBe(1); // only Health, a short fixed list
    await vault.focus();
    await page.keyboard.press("ArrowDown");
    expect(await vault.getAttribute("aria-expanded")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);
    const listbox = page.locator(`[id="${await vault.getAttribute("aria-controls")}"]`);
    expect((await listbox.getByRole("option").allInnerTexts()).sort()).toEqual(["All vaults", "Ledger", "Payments"]);
    expect(await listbox.getByRole("option", { name: "All vaults" }).getAttribute("aria-selected")).toBe("true");
    // Typing filters the list; Down then Enter picks the one left.
    await page.keyboard.type("led");
    expect(await listbox.getByRole("option").count()).toBe(1);
    await page.keyboard.press("ArrowDown");
    expect(await vault.getAttribute("aria-activedescendant")).toBe(await listbox.getByRole("option").first().getAttribute("id"));
    await page.keyboard.press("Enter");
    expect(await vault.inputValue()).toBe("Ledger");
    expect(await vault.getAttribute("aria-expanded")).toBe("false");
    await page.getByText("No keystore matches these filters.").waitFor();
    // Escape closes the list and leaves the choice as it was.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Escape");
    expect(await vault.getAttribute("aria-expanded")).toBe("false");
    expect(await vault.inputValue()).toBe("Ledger");
    // Text that matches nothing says so, and leaving the field puts the choice back.
    await vault.fill("zzz");
    await page.getByText("Nothing matches “zzz”").waitFor();
    await page.keyboard.press("Tab");
    expect(await vault.inputValue()).toBe("Ledger");
    await s.screenshot("combobox-filter");
    expect(await seriousViolations(page)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { ACCOUNTS, browserUnavailable, connectViaApi, createTokenViaApi, createVaultViaApi, pageWithToken, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi } from "./support/keys.ts";
import { checkPage } from "./support/axe.ts";

/**
 * The lists as Carbon data tables (issue 17 item 10): a click on a sortable header re-reads the
 * list in the API's order (ascending, descending, back to the default), shown by aria-sort and
 * starting again at the first page; selected rows bring Carbon's batch bar, and a batch reports
 * each row's outcome; a reader is offered no selection at all.
 */
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)("list tables: sorting and batch actions", () => {
  let s: Stack;
  let vaultId: string;
  let readerToken: string;
  beforeAll(async () => {
    s = await startStack();
    // Created in an order that is not the alphabetical one, so "by creation" differs from "by name".
    for (const name of ["Zulu", "Alpha", "Mike"]) await createVaultViaApi(s, name);
    vaultId = await createVaultViaApi(s, "Tables");
    await connectViaApi(s, { vaultId, name: "aws-good", account: ACCOUNTS.a, groups: ["tables"] });
    // Wrong secret: its connection test fails, so its status check fails too.
    await connectViaApi(s, { vaultId, name: "aws-broken", account: ACCOUNTS.b, secret: "not-the-secret", groups: ["elsewhere"] });
    const templateId = await createTemplateViaApi(s, { vaultId, name: "tables-aes", group: "tables", initialState: "PRE_ACTIVATION" });
    // 22 keys: two pages of 20.
    for (let i = 1; i <= 22; i++) await createKeyViaApi(s, { vaultId, templateId, label: `key-${String(i).padStart(2, "0")}` });
    await createTokenViaApi(s, { name: "old-robot", roles: [{ vaultId, role: "READER" }] });
    await createTokenViaApi(s, { name: "retired-laptop", roles: [{ vaultId, role: "READER" }] });
    readerToken = await createTokenViaApi(s, { name: "auditor", roles: [{ vaultId, role: "READER" }] });
  });
  afterAll(async () => s?.close());

  const table = (page: Page, name: string) => page.getByRole("table", { name });
  // A sortable header's name also holds Carbon's hidden "Click to sort rows by … header" hint.
  const header = (t: Locator, name: string) => t.getByRole("columnheader", { name: new RegExp(`\\b${name}\\b`) });
  /** The text of one column, top to bottom (1-based, counting a selection column). */
  const column = async (t: Locator, index: number) => (await t.locator(`tbody tr td:nth-child(${index})`).allTextContents()).map((x) => x.trim());
  const apiVaults = async (orderBy?: object) => (await s.gql<{ vaults: { nodes: { name: string }[] } }>(`query($o: VaultOrder) { vaults(first: 100, orderBy: $o) { nodes { name } } }`, { o: orderBy })).vaults.nodes.map((v) => v.name);

  it("sorts the vaults by creation in the API's order, both ways, with aria-sort, and back to the default", async () => {
    const { page } = s;
    await page.goto(s.url("/vaults"));
    const vaults = table(page, "Vaults");
    await vaults.waitFor();
    const byName = await apiVaults();
    expect(await column(vaults, 1)).toEqual(byName);
    const created = header(vaults, "Created");
    expect(await created.getAttribute("aria-sort")).toBe("none");
    // Description is not a column the API orders by: no sort button.
    expect(await header(vaults, "Description").getByRole("button").count()).toBe(0);

    await created.getByRole("button").click();
    const ascending = await apiVaults({ field: "CREATED_AT", direction: "ASC" });
    expect(ascending.slice(0, 3)).toEqual(["Zulu", "Alpha", "Mike"]);
    await expect.poll(() => column(vaults, 1)).toEqual(ascending);
    expect(await created.getAttribute("aria-sort")).toBe("ascending");
    await checkPage(s, "tables-vaults-sorted", /^Vaults/);

    await created.getByRole("button").click();
    await expect.poll(() => column(vaults, 1)).toEqual(await apiVaults({ field: "CREATED_AT", direction: "DESC" }));
    expect(await created.getAttribute("aria-sort")).toBe("descending");

    await created.getByRole("button").click();
    await expect.poll(() => column(vaults, 1)).toEqual(byName);
    expect(await created.getAttribute("aria-sort")).toBe("none");
  });

  it("sorting the keys by label goes back to the first page, in the API's order", async () => {
    const { page } = s;
    await page.goto(s.url("/keys"));
    const keys = table(page, "Managed keys");
    await keys.waitFor();
    const pager = page.getByRole("navigation", { name: "Pages of keys" });
    expect(await pager.textContent()).toContain("Keys 1–20 of 22");
    await pager.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => column(keys, 2)).toEqual(["key-21", "key-22"]);
    expect(await pager.textContent()).toContain("Keys 21–22 of 22");

    const label = header(keys, "Label");
    await label.getByRole("button").click();
    expect(await label.getAttribute("aria-sort")).toBe("ascending");
    await expect.poll(async () => (await column(keys, 2)).slice(0, 2)).toEqual(["key-01", "key-02"]);
    expect(await pager.textContent()).toContain("Page 1 of 2");

    await label.getByRole("button").click();
    expect(await label.getAttribute("aria-sort")).toBe("descending");
    await expect.poll(async () => (await column(keys, 2)).slice(0, 3)).toEqual(["key-22", "key-21", "key-20"]);
    const { managedKeys } = await s.gql<{ managedKeys: { nodes: { label: string }[] } }>(`query { managedKeys(first: 20, orderBy: { field: LABEL, direction: DESC }) { nodes { label } } }`);
    expect(await column(keys, 2)).toEqual(managedKeys.nodes.map((k) => k.label));
    // Columns the API cannot order by have no sort button.
    expect(await header(keys, "State").getByRole("button").count()).toBe(0);
  });

  it("checks the status of two keystores at once and reports each one's outcome", async () => {
    const { page } = s;
    await page.goto(s.url("/keystores"));
    const keystores = table(page, "Keystores");
    await keystores.waitFor();
    const bar = page.getByRole("group", { name: "Keystores: batch actions" });
    // Before any selection the batch bar is hidden (and out of the tab order).
    expect(await bar.getByRole("button", { name: "Check status" }).isVisible()).toBe(false);

    await page.getByRole("checkbox", { name: "Select aws-good" }).check({ force: true });
    await expect.poll(() => bar.textContent()).toContain("1 item selected");
    await page.getByRole("checkbox", { name: "Select aws-broken" }).check({ force: true });
    await expect.poll(() => bar.textContent()).toContain("2 items selected");
    await checkPage(s, "tables-keystores-selected", /^Keystores/);

    await bar.getByRole("button", { name: "Check status" }).click();
    // One healthy, one not: the report is an error (never green), counted and row by row.
    const report = page.getByRole("alert").filter({ has: page.getByTestId("batch-summary") });
    await expect.poll(() => report.getByTestId("batch-summary").textContent(), { timeout: 30_000 }).toBe("Check status: 1 succeeded, 1 failed.");
    const rows = report.getByTestId("batch-rows").getByRole("listitem");
    expect(await rows.filter({ hasText: "aws-good" }).textContent()).toMatch(/^aws-good: OK/);
    expect(await rows.filter({ hasText: "aws-broken" }).textContent()).toMatch(/^aws-broken: failed, /);
    expect(await report.getAttribute("class")).toContain("alert-error");
    // The selection is spent: the bar is gone.
    await expect.poll(() => bar.getByRole("button", { name: "Check status" }).isVisible()).toBe(false);
  });

  it("activates two keys at once after a confirmation naming how many", async () => {
    const { page } = s;
    await page.goto(s.url("/keys"));
    await table(page, "Managed keys").waitFor();
    await page.getByRole("checkbox", { name: "Select key-01" }).check({ force: true });
    await page.getByRole("checkbox", { name: "Select key-02" }).check({ force: true });
    const bar = page.getByRole("group", { name: "Managed keys: batch actions" });
    await expect.poll(() => bar.textContent()).toContain("2 items selected");
    await bar.getByRole("button", { name: "Activate", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Activate 2 keys?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Activate 2 keys" }).click();
    const summary = page.getByTestId("batch-summary");
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toBe("Activate: 2 succeeded, 0 failed.");
    expect(await page.getByTestId("batch-rows").textContent()).toMatch(/key-01: Activated: 1 keystore succeeded, 0 failed\./);
    const { managedKeys } = await s.gql<{ managedKeys: { nodes: { label: string; state: string }[] } }>(`query { managedKeys(first: 5, filter: { state: ACTIVE }) { nodes { label state } } }`);
    expect(managedKeys.nodes.map((k) => k.label).sort()).toEqual(["key-01", "key-02"]);
  });

  it("sorts the tokens by name both ways and revokes two of them after a confirmation", async () => {
    const { page } = s;
    await page.goto(s.url("/tokens"));
    const tokens = table(page, "Access tokens");
    await tokens.waitFor();
    const name = header(tokens, "Name");
    await name.getByRole("button").click();
    expect(await name.getAttribute("aria-sort")).toBe("ascending");
    const ascending = await column(tokens, 2);
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" })));
    await name.getByRole("button").click();
    expect(await name.getAttribute("aria-sort")).toBe("descending");
    expect(await column(tokens, 2)).toEqual([...ascending].reverse());
    // The signed-in administrator's own token cannot be chosen.
    expect(await page.getByRole("checkbox", { name: "Select bootstrap administrator" }).isDisabled()).toBe(true);

    await page.getByRole("checkbox", { name: "Select old-robot" }).check({ force: true });
    await page.getByRole("checkbox", { name: "Select retired-laptop" }).check({ force: true });
    const bar = page.getByRole("group", { name: "Access tokens: batch actions" });
    await expect.poll(() => bar.textContent()).toContain("2 items selected");
    await bar.getByRole("button", { name: "Revoke", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke 2 tokens?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/(old-robot, retired-laptop|retired-laptop, old-robot) can no longer sign in/);
    await dialog.getByRole("button", { name: "Revoke 2 tokens" }).click();
    await expect.poll(() => page.getByTestId("batch-summary").textContent()).toBe("Revoke: 2 succeeded, 0 failed.");
    const report = page.getByRole("status").filter({ has: page.getByTestId("batch-summary") });
    expect(await report.getAttribute("class")).toContain("alert-success");
    // In the order of the rows (sorted by name, descending).
    expect(await report.getByRole("listitem").allTextContents()).toEqual(["retired-laptop: revoked: it can no longer sign in or call the API", "old-robot: revoked: it can no longer sign in or call the API"]);
    const { accessTokens } = await s.gql<{ accessTokens: { name: string; revokedAt: string | null }[] }>(`query { accessTokens { name revokedAt } }`);
    expect(accessTokens.filter((t) => t.revokedAt).map((t) => t.name).sort()).toEqual(["old-robot", "retired-laptop"]);
    // A revoked token cannot be chosen again.
    await expect.poll(() => page.getByRole("checkbox", { name: "Select old-robot" }).isDisabled()).toBe(true);
  });

  it("a reader sees the lists, sortable, but no selection checkbox and no batch bar", async () => {
    const page = await pageWithToken(s, readerToken);
    try {
      for (const [path, name] of [
        ["/keystores", "Keystores"],
        ["/keys", "Managed keys"],
      ] as const) {
        await page.goto(s.url(path));
        const t = table(page, name);
        await t.locator("tbody tr").first().waitFor();
        expect(await page.getByRole("checkbox").count()).toBe(0);
        expect(await page.getByRole("group", { name: `${name}: batch actions` }).count()).toBe(0);
        expect(await t.getByRole("columnheader", { name: /\b(Name|Label)\b/ }).getByRole("button").count()).toBe(1);
      }
    } finally {
      await page.context().close();
    }
  });
});

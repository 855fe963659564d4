import { expect } from "vitest";
import type { Page } from "playwright-core";
import type { Stack } from "./stack.ts";

/**
 * Walking the add-keystore wizard for any keystore type: to its properties step, the folded
 * advanced properties, and from a passing connection test to the new keystore's page.
 */

/** Where the wizard keeps its input in the tab (console/src/pages/wizard/draft.ts). */
export const WIZARD_DRAFT = "uko.wizard.draft";

/**
 * Forgets the input an earlier test left in the tab, so the next wizard starts empty. A wizard
 * still open with input is started over as a person would (which also drops its "leave this
 * page?" prompt, so the next page load is not held by a beforeunload dialog).
 */
export async function forgetWizardInput(page: Page): Promise<void> {
  if (!page.url().startsWith("http")) return;
  const startOver = page.getByRole("button", { name: "Start over" });
  if (await startOver.isVisible()) await startOver.click();
  await page.evaluate((key) => sessionStorage.removeItem(key), WIZARD_DRAFT);
}

/** Vault (an existing one) -> the type's card -> the properties step, in a wizard started afresh. */
export async function toProperties(stack: Stack, vault: string, type: string): Promise<void> {
  const { page } = stack;
  await forgetWizardInput(page);
  await page.goto(stack.url("/keystores/new"));
  await page.getByRole("radio", { name: vault }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.locator(`[data-type="${type}"]`).click();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { name: /Step 3 of 5: Properties/ }).waitFor();
}

/** Unfolds "Advanced" (the optional properties without a default) when it is folded. */
export async function openAdvanced(page: Page): Promise<void> {
  const details = page.locator("details.advanced");
  if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
}

/** The keystore's own fields on the properties step. */
export async function fillKeystore(page: Page, name: string, groups: string): Promise<void> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Groups").fill(groups);
}

/**
 * From the properties step: Next, a passing connection test, Next to the summary (returned as
 * text, for the caller's checks), Connect, and the new keystore's page with health OK.
 */
export async function testAndConnect(stack: Stack, name: string, onSummary?: (summary: string) => Promise<void> | void): Promise<string> {
  const { page } = stack;
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { name: /Step 4 of 5/ }).waitFor();
  await page.getByRole("button", { name: "Test connection", exact: true }).click();
  await page.locator(".test-result").waitFor();
  const result = (await page.locator(".test-result").textContent()) ?? "";
  expect(result, result).toContain("The connection works.");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { name: /Step 5 of 5: Summary/ }).waitFor();
  const summary = (await page.locator(".step").textContent()) ?? "";
  expect(summary).toContain("passed");
  await onSummary?.(summary);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await page.getByRole("heading", { name, level: 1 }).waitFor({ timeout: 60_000 });
  expect(await page.getByTestId("status").textContent()).toContain("OK");
  return page.url().split("/").at(-1)!;
}

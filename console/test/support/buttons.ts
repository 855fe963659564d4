import type { Page } from "playwright-core";

/**
 * The reason a button is refused (aria-disabled, its description the tooltip's text), or
 * undefined when it is enabled: what a screen reader reads with it.
 */
export async function refusalOf(page: Page, name: string): Promise<string | undefined> {
  const button = page.getByRole("button", { name, exact: true });
  if ((await button.getAttribute("aria-disabled")) !== "true") return undefined;
  const id = await button.getAttribute("aria-describedby");
  return (await page.locator(`[id="${id}"]`).textContent()) ?? "";
}

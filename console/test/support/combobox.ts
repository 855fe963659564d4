import type { Locator } from "playwright-core";

/**
 * Picks an option in a Combobox (src/components/Combobox.tsx) as a person would: type part of its
 * label, then click the option in the list the input controls. `input` is the combobox itself
 * (e.g. `page.getByLabel("Vault")`).
 */
export async function chooseOption(input: Locator, label: string): Promise<void> {
  await input.fill(label);
  const listId = await input.getAttribute("aria-controls");
  await input.page().locator(`[id="${listId}"]`).getByRole("option", { name: label, exact: true }).click();
}

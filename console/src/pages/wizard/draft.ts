import type { FormValues } from "../../forms/descriptors.ts";
import type { WizardState } from "./state.ts";

/**
 * The wizard's input kept in this tab's sessionStorage, so a reload or Back from another page does
 * not lose it. Never secrets: a secret property's value is left out (only its name is kept, so
 * the form can say which ones to enter again), and so is the connection test, which was the
 * result of values that included them. Cleared once the keystore is connected or the wizard is left.
 */
const KEY = "uko.wizard.draft";

export interface Draft {
  /** The access token (its id) that entered it: after a sign-out another token does not see it. */
  owner: string;
  state: WizardState;
  /** Secret properties that held a value before the reload; they are empty now. */
  droppedSecrets: string[];
}

export function saveDraft(state: WizardState, owner: string): void {
  const secret = new Set(state.type?.properties.filter((d) => d.secret).map((d) => d.name) ?? []);
  const values: FormValues = {};
  const droppedSecrets: string[] = [];
  for (const [name, value] of Object.entries(state.values)) {
    if (!secret.has(name)) values[name] = value;
    else {
      values[name] = "";
      if (value !== "") droppedSecrets.push(name);
    }
  }
  const { test: _test, serverErrors: _errors, ...kept } = state;
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ owner, state: { ...kept, values, serverErrors: {} }, droppedSecrets }));
  } catch {
    // Storage full or disabled: the wizard still works, it just does not survive a reload.
  }
}

export function loadDraft(owner: string): Draft | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    if (!text) return undefined;
    const draft = JSON.parse(text) as Draft;
    return draft.owner === owner && draft.state && Array.isArray(draft.droppedSecrets) ? draft : undefined;
  } catch {
    return undefined;
  }
}

export function clearDraft(): void {
  sessionStorage.removeItem(KEY);
}

/** True once the person has chosen or typed anything: leaving then asks first. */
export function hasInput(state: WizardState): boolean {
  const { name, description, groups } = state.general;
  return state.vault !== undefined || state.type !== undefined || `${name}${description}${groups}` !== "";
}

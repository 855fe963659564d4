import type { KeystoreType } from "../../api/types.ts";

/**
 * After a reload the wizard has everything back except its secrets, which are never written to
 * the browser's storage: this says which ones to enter again, and why.
 */
export function SecretsNote({ type, names, onProperties }: { type: KeystoreType; names: string[]; onProperties?: () => void }) {
  const labels = names.map((n) => type.properties.find((d) => d.name === n)?.label ?? n);
  return (
    <p className="notice" role="note" data-testid="secrets-note">
      <strong>Enter {labels.length === 1 ? "this secret" : "these secrets"} again:</strong> {labels.join(", ")}. The page was reloaded: the wizard kept what you
      entered in this tab, but never secrets, which are not stored in the browser.{" "}
      {onProperties && (
        <button type="button" className="link-button" onClick={onProperties}>
          Go to Properties
        </button>
      )}
    </p>
  );
}

import { useState } from "react";
import { gql } from "../../api/client.ts";
import { REPAIR_KEYSTORE } from "../../api/documents.ts";
import type { Keystore, RepairAction, TypedError } from "../../api/types.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { Alert } from "../../components/Feedback.tsx";

/**
 * The keystore type's repair action (e.g. Azure's "Recreate import key"), offered while the
 * keystore has a configuration error: the status message says what is wrong, in red, and the
 * button runs repairKeystore, which checks the keystore again afterwards. Shows the outcome.
 */
export function RepairKeystore({ keystore, repair, refused, onRepaired }: { keystore: Keystore; repair: RepairAction; refused?: string; onRepaired: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [outcome, setOutcome] = useState<string>();
  const broken = keystore.status.health === "CONFIGURATION_ERROR";
  if (!broken && !outcome) return null;

  const run = async () => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      const r = await gql<{ repairKeystore: TypedError & { keystore?: Keystore; reason?: string } }>(REPAIR_KEYSTORE, { input: { id: keystore.id } });
      const result = r.repairKeystore;
      if (result.keystore) {
        const { health, message } = result.keystore.status;
        setOutcome(health === "OK" ? `${repair.label}: done. The keystore is healthy again.` : `${repair.label}: done, but the keystore is still ${health}: ${message}`);
        await onRepaired();
      } else {
        setError(result.reason ?? result.message);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="repair" data-testid="repair">
      {broken && <Alert>{keystore.status.message}</Alert>}
      {broken && (
        <>
          <p className="muted">{repair.description}</p>
          <ActionButton refused={refused} onClick={() => void run()} disabled={busy}>
            {busy ? `${repair.label}…` : repair.label}
          </ActionButton>
        </>
      )}
      <div aria-live="polite">
        <Alert>{error}</Alert>
        <Alert kind="success">{outcome}</Alert>
      </div>
    </div>
  );
}

import { useState } from "react";
import { gql } from "../../api/client.ts";
import { DELETE_VAULT } from "../../api/documents.ts";
import type { TypedError, VaultDetail } from "../../api/types.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { Alert } from "../../components/Feedback.tsx";
import { navigate } from "../../router.tsx";
import { showToast } from "../../components/toasts.ts";

type Outcome = TypedError & { vault?: { id: string }; keystoreNames?: string[]; templateNames?: string[] };

/** What still holds the vault, and how to empty it (keys go with their templates, which cannot go while keys exist). */
export function explainNotEmpty(outcome: Outcome): string {
  const parts: string[] = [];
  if (outcome.keystoreNames?.length) parts.push(`disconnect its keystores (${outcome.keystoreNames.join(", ")})`);
  if (outcome.templateNames?.length) parts.push(`delete its key templates (${outcome.templateNames.join(", ")}), after deleting the keys made from them`);
  return `This vault is not empty, so it cannot be deleted. First ${parts.join(" and ")}.`;
}

export function DeleteVault({ vault, refused }: { vault: VaultDetail; refused?: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const outcome = (await gql<{ deleteVault: Outcome }>(DELETE_VAULT, { input: { id: vault.id, expectedVersion: vault.version } })).deleteVault;
      if (outcome.vault) {
        showToast({ kind: "success", title: `Vault ${vault.name} deleted` });
        return navigate("/vaults");
      }
      setError(outcome.__typename === "VaultNotEmptyError" ? explainNotEmpty(outcome) : outcome.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ActionButton kind="danger--tertiary" refused={refused} onClick={() => setOpen(true)}>
        Delete vault
      </ActionButton>
      <ConfirmDialog open={open} title={`Delete ${vault.name}?`} confirmLabel="Delete vault" danger busy={busy} onConfirm={() => void confirm()} onCancel={() => setOpen(false)}>
        <p>Only an empty vault can be deleted: no keystore and no key template left in it. Its audit events are kept.</p>
        <Alert>{error}</Alert>
      </ConfirmDialog>
    </>
  );
}

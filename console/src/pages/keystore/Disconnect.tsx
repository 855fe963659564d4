import { useState } from "react";
import { gql } from "../../api/client.ts";
import { DISCONNECT_KEYSTORE } from "../../api/documents.ts";
import type { Keystore, TypedError } from "../../api/types.ts";
import { Alert } from "../../components/Feedback.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { navigate } from "../../router.tsx";
import { ActionButton } from "../../components/ActionButton.tsx";
import { showToast } from "../../components/toasts.ts";

type Mode = "RESTRICT" | "DISCONNECT" | "DEACTIVATE" | "DESTROY";

/** What each mode does to the managed keys in the keystore, in the words of the API. */
export const MODES: { mode: Mode; title: string; effect: string }[] = [
  { mode: "RESTRICT", title: "Only if no live key uses it", effect: "Refused while a key that is neither pre-active nor destroyed targets this keystore. Keys are not touched." },
  { mode: "DISCONNECT", title: "Leave the keys as they are", effect: "The keys' copies stay in the keystore, enabled as they are; the gateway stops managing them there." },
  { mode: "DEACTIVATE", title: "Disable the keys first", effect: "Every key's copy in the keystore is disabled first; if one cannot be disabled, nothing is disconnected." },
  {
    mode: "DESTROY",
    title: "Schedule the keys' deletion first",
    effect: "Every key's copy in the keystore is scheduled for deletion first (the keys stay in their other keystores); if one cannot be, nothing is disconnected. Data encrypted only under these copies becomes unreadable once they are deleted.",
  },
];

export function Disconnect({ keystore, refused }: { keystore: Keystore; refused?: string }) {
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>("RESTRICT");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const chosen = MODES.find((m) => m.mode === mode)!;

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await gql<{ disconnectKeystore: TypedError & { keystore?: { id: string }; keyLabels?: string[] } }>(DISCONNECT_KEYSTORE, {
        input: { id: keystore.id, expectedVersion: keystore.version, mode },
      });
      const outcome = r.disconnectKeystore;
      if (outcome.keystore) {
        showToast({ kind: "success", title: `Keystore ${keystore.name} disconnected` });
        return navigate("/keystores");
      }
      const keys = outcome.keyLabels?.length ? ` Keys: ${outcome.keyLabels.join(", ")}.` : "";
      setError(`${outcome.message}${keys}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ActionButton kind="danger--tertiary" refused={refused} onClick={() => setOpen(true)}>
        Disconnect
      </ActionButton>
      <ConfirmDialog open={open} title={`Disconnect ${keystore.name}?`} confirmLabel="Disconnect" danger busy={busy} onConfirm={() => void confirm()} onCancel={() => setOpen(false)}>
        <p>The remote keystore itself stays in place; the gateway forgets its connection and its stored credentials.</p>
        <fieldset>
          <legend>What happens to the managed keys in it</legend>
          {MODES.map((m) => (
            <label key={m.mode} className="choice">
              <input type="radio" name="disconnect-mode" value={m.mode} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
              {m.title}
            </label>
          ))}
        </fieldset>
        <p className="warning" aria-live="polite">
          {chosen.effect}
        </p>
        <Alert>{error}</Alert>
      </ConfirmDialog>
    </>
  );
}

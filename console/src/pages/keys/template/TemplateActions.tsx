import { useState } from "react";
import { gql } from "../../../api/client.ts";
import { templateAction } from "../../../api/documents.ts";
import type { KeyTemplateDetail, TypedError } from "../../../api/types.ts";
import { ActionButton } from "../../../components/ActionButton.tsx";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { navigate } from "../../../router.tsx";
import { showToast } from "../../../components/toasts.ts";

type Action = "archive" | "unarchive" | "delete";
type Outcome = TypedError & { keyTemplate?: KeyTemplateDetail; keyCount?: number };

/** What each action does, as the confirmation says it. */
const ACTIONS: Record<Action, { label: string; danger?: boolean; effect: string }> = {
  archive: { label: "Archive", effect: "The template will create no keys and cannot be edited until it is unarchived. Keys already made from it are not changed." },
  unarchive: { label: "Unarchive", effect: "The template can create keys and be edited again." },
  delete: { label: "Delete", danger: true, effect: "The template is removed. Only a template no managed key was made from can be deleted." },
};

/** A refused delete in the person's terms: which keys hold the template, and what would free it. */
function explain(outcome: Outcome): string {
  if (outcome.__typename !== "TemplateInUseError") return outcome.message;
  return `${outcome.keyCount} managed key(s) were made from this template, so it cannot be deleted: a key keeps its template for life. Archive it instead to stop new keys, or delete those keys first (destroy, then delete each).`;
}

/**
 * Archive or Unarchive (whichever applies) and Delete, each after a confirmation. `onChanged`
 * gets the template as the API answered; a refusal is shown beside the buttons via `onError`.
 */
export function TemplateActions(props: { template: KeyTemplateDetail; refused?: string; onChanged(t: KeyTemplateDetail, message: string): void; onError(message: string): void }) {
  const { template } = props;
  const [pending, setPending] = useState<Action>();
  const [busy, setBusy] = useState(false);

  const run = async (action: Action) => {
    setBusy(true);
    try {
      const r = await gql<Record<string, Outcome>>(templateAction(action), { input: { id: template.id, expectedVersion: template.version } });
      const outcome = r[`${action}KeyTemplate`]!;
      if (outcome.keyTemplate && action === "delete") {
        showToast({ kind: "success", title: `Template ${template.name} deleted` });
        return navigate("/templates");
      }
      if (outcome.keyTemplate) props.onChanged(outcome.keyTemplate, action === "archive" ? "Archived: it creates no keys until it is unarchived." : "Unarchived: it can create keys again.");
      else props.onError(explain(outcome));
    } catch (e) {
      props.onError((e as Error).message);
    } finally {
      setPending(undefined);
      setBusy(false);
    }
  };

  const shown: Action[] = [template.archived ? "unarchive" : "archive", "delete"];
  const chosen = pending && ACTIONS[pending];
  return (
    <>
      {shown.map((a) => (
        <ActionButton key={a} kind={ACTIONS[a].danger ? "danger--tertiary" : "tertiary"} refused={props.refused} onClick={() => setPending(a)}>
          {ACTIONS[a].label}
        </ActionButton>
      ))}
      <ConfirmDialog
        open={pending !== undefined}
        title={chosen ? `${chosen.label} ${template.name}?` : ""}
        confirmLabel={chosen?.label ?? ""}
        danger={chosen?.danger}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() => pending && void run(pending)}
      >
        <p>{chosen?.effect}</p>
      </ConfirmDialog>
    </>
  );
}

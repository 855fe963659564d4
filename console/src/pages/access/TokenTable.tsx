import { useState } from "react";
import { gql } from "../../api/client.ts";
import { REVOKE_ACCESS_TOKEN } from "../../api/access-documents.ts";
import type { TypedError } from "../../api/types.ts";
import { ROLE_TEXT } from "../../auth/me.ts";
import { useSession } from "../../auth/use-session.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { formatTime } from "../../components/Feedback.tsx";
import { runBatch, type BatchResult } from "../../components/table/batch.ts";
import { BatchReport } from "../../components/table/BatchReport.tsx";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { useSelection } from "../../components/table/selection.ts";
import { byText, byTime } from "../../components/table/sort.ts";
import { Link } from "../../router.tsx";
import { plural } from "../../text/words.ts";
import { tokenStatus } from "./token-status.ts";
import type { AccessToken } from "./types.ts";

const accessText = (t: AccessToken) => (t.administrator ? "Administrator (every vault)" : t.roles.length ? t.roles.map((r) => `${ROLE_TEXT[r.role]} in ${r.vault?.name ?? "a deleted vault"}`).join("; ") : "No vault roles");

const COLUMNS: Column<AccessToken>[] = [
  { key: "name", header: "Name", compare: byText((t) => t.name), cell: (t) => <Link to={`/tokens/${t.id}`}>{t.name}</Link> },
  { key: "access", header: "Access", compare: byText(accessText), cell: accessText },
  { key: "created", header: "Created", compare: byTime((t) => t.createdAt), cell: (t) => formatTime(t.createdAt) },
  { key: "used", header: "Last used", compare: byTime((t) => t.lastUsedAt), cell: (t) => formatTime(t.lastUsedAt) },
  { key: "status", header: "Status", cell: tokenStatus },
];

/**
 * Every access token (the API returns them all at once, so they sort in memory), and revoking
 * several at once. The administrator's own token cannot be chosen: revoking it would end the
 * session doing the revoking (the token's page says the same).
 */
export function TokenTable({ tokens, onChanged }: { tokens: AccessToken[]; onChanged(): Promise<void> }) {
  const { me } = useSession();
  const selection = useSelection(tokens.map((t) => t.id));
  const [pending, setPending] = useState<AccessToken[]>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<BatchResult>();

  const revoke = async (chosen: AccessToken[]) => {
    setBusy(true);
    setReport(undefined);
    try {
      setReport(
        await runBatch("Revoke", chosen, (t) => t.name, async (t) => {
          const r = await gql<{ revokeAccessToken: TypedError & { accessToken?: AccessToken } }>(REVOKE_ACCESS_TOKEN, { input: { id: t.id } });
          return r.revokeAccessToken.accessToken ? { ok: true, text: "revoked: it can no longer sign in or call the API" } : { ok: false, text: r.revokeAccessToken.message };
        }),
      );
      selection.clear();
      await onChanged();
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  return (
    <>
      <BatchReport result={report} />
      <ListTable
        caption="Access tokens"
        testId="tokens"
        columns={COLUMNS}
        rows={tokens}
        rowId={(t) => t.id}
        selection={{
          ...selection,
          rowLabel: (t) => `Select ${t.name}`,
          selectable: (t) => t.revokedAt === null && t.id !== me?.tokenId,
          actions: [{ label: "Revoke", disabled: busy, run: setPending }],
        }}
      />
      <ConfirmDialog
        open={pending !== undefined}
        title={`Revoke ${plural(pending?.length ?? 0, "token")}?`}
        confirmLabel={`Revoke ${plural(pending?.length ?? 0, "token")}`}
        danger
        busy={busy}
        onConfirm={() => pending && void revoke(pending)}
        onCancel={() => setPending(undefined)}
      >
        <p>
          {pending?.map((t) => t.name).join(", ")} can no longer sign in or call the API. A revoked token cannot be restored: whoever uses it needs a new one.
        </p>
      </ConfirmDialog>
    </>
  );
}

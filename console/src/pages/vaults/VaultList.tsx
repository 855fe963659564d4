import { useState } from "react";
import { VAULT_LIST } from "../../api/documents.ts";
import type { Page, VaultDetail } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { useCan } from "../../auth/use-can.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { Link, navigate } from "../../router.tsx";
import { VaultForm } from "./VaultForm.tsx";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { useServerSort } from "../../components/table/sort.ts";

const COLUMNS: Column<VaultDetail>[] = [
  { key: "NAME", header: "Name", serverSort: true, cell: (v) => <Link to={`/vaults/${v.id}`}>{v.name}</Link> },
  { key: "description", header: "Description", cell: (v) => v.description || <span className="muted">none</span> },
  { key: "CREATED_AT", header: "Created", serverSort: true, cell: (v) => formatTime(v.createdAt) },
];
import { showToast } from "../../components/toasts.ts";

/** The vaults the caller can read. Counts are on each vault's page: here they would cost a query per row. */
export function VaultList() {
  // All vaults in one page (at most 100): a new order needs no cursor reset.
  const sort = useServerSort(() => undefined);
  const q = useQuery<{ vaults: Page<VaultDetail> }>(VAULT_LIST, sort.orderBy, { pollMs: POLL_MS });
  const [creating, setCreating] = useState(false);
  const { why } = useCan();
  const page = q.data?.vaults;
  return (
    <>
      <div className="page-head">
        <h1>Vaults</h1>
        {!creating && (
          <ActionButton kind="primary" refused={why("vaults.write")} onClick={() => setCreating(true)}>
            Create vault
          </ActionButton>
        )}
      </div>
      {creating && <VaultForm onCancel={() => setCreating(false)} onDone={(v) => {
            showToast({ kind: "success", title: `Vault ${v.name} created` });
            navigate(`/vaults/${v.id}`);
          }} />}
      <Alert>{q.error}</Alert>
      {!page && <Loading what="vaults" />}
      {page && page.totalCount === 0 && <p className="empty">No vault you can read. A vault holds keystores, key templates and keys; access is granted per vault.</p>}
      {page && page.totalCount > 0 && (
        <ListTable caption="Vaults" columns={COLUMNS} rows={page.nodes} rowId={(v) => v.id} sort={{ state: sort.sort, onChange: sort.setSort }} />
      )}
    </>
  );
}

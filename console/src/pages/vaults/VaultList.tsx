import { useState } from "react";
import { VAULT_LIST } from "../../api/documents.ts";
import type { Page, VaultDetail } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { useCan } from "../../auth/use-can.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { Link, navigate } from "../../router.tsx";
import { VaultForm } from "./VaultForm.tsx";
import { showToast } from "../../components/toasts.ts";

/** The vaults the caller can read. Counts are on each vault's page: here they would cost a query per row. */
export function VaultList() {
  const q = useQuery<{ vaults: Page<VaultDetail> }>(VAULT_LIST, {}, { pollMs: POLL_MS });
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
        <table className="list" tabIndex={0}>
          <caption className="visually-hidden">Vaults</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page.nodes.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/vaults/${v.id}`}>{v.name}</Link>
                </td>
                <td>{v.description || <span className="muted">none</span>}</td>
                <td>{formatTime(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

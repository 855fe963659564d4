import { useState } from "react";
import { MANAGED_KEY_CHANGED, MANAGED_KEYS, VAULTS } from "../../api/documents.ts";
import type { ManagedKey, Page, Vault } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { useLiveQuery } from "../../api/use-live.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { Pager, usePager } from "../../components/Pager.tsx";
import { Link, useLocation } from "../../router.tsx";
import { useCan } from "../../auth/use-can.ts";
import { ActionLink } from "../../components/ActionButton.tsx";
import { StateBadge } from "./badges.tsx";
import { plural, stateWord } from "../../text/words.ts";
import { usePageTitle } from "../../components/use-page-title.ts";
import { Combobox } from "../../components/Combobox.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { useServerSort } from "../../components/table/sort.ts";
import { useSelection } from "../../components/table/selection.ts";
import { runBatch, type BatchResult } from "../../components/table/batch.ts";
import { BatchReport } from "../../components/table/BatchReport.tsx";
import type { ActionSpec } from "./key-actions.ts";
import { BATCH_KEY_ACTIONS, runKeyAction, skippedText, splitByState } from "./key-batch.ts";

const PAGE_SIZE = 20;
const STATES: ManagedKey["state"][] = ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"];

/** Managed keys, filterable by vault and state, with drift counted per key. */
export function KeyList() {
  const [vaultId, setVaultId] = useState("");
  // The start page links here with ?state=ACTIVE etc.
  const { search } = useLocation();
  const [state, setState] = useState(search.get("state") ?? "");
  const pager = usePager();
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const filter = { ...(vaultId ? { vaultId } : {}), ...(state ? { state } : {}) };
  const sort = useServerSort(pager.reset);
  const q = useLiveQuery<{ managedKeys: Page<ManagedKey> }>(MANAGED_KEYS, { first: PAGE_SIZE, after: pager.after, filter, ...sort.orderBy }, {
    subscription: MANAGED_KEY_CHANGED,
    vaults: (data) => (vaultId ? [vaultId] : (data?.managedKeys.nodes.map((k) => k.vault.id) ?? [])),
    // A change may move a key in or out of the filtered, ordered page: read the page again.
    apply: (_event, query) => void query.reload(),
  });
  const page = q.data?.managedKeys;
  const { why } = useCan();
  usePageTitle("Managed keys");
  const selection = useSelection(page?.nodes.map((k) => k.id) ?? []);
  // Offered when some vault lets the user activate and deactivate keys (the deployer's role).
  const canDeploy = !why("keys.deploy");
  const [pending, setPending] = useState<{ spec: ActionSpec; eligible: ManagedKey[]; skipped: ManagedKey[] }>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<BatchResult>();
  const skippedRows = (spec: ActionSpec, keys: ManagedKey[]) => keys.map((k) => ({ name: k.label, ok: false, text: skippedText(spec, k) }));
  // Asked first, naming how many keys; when the state of none allows it, said at once instead.
  const choose = (spec: ActionSpec, rows: ManagedKey[]) => {
    const split = splitByState(spec, rows);
    if (split.eligible.length) return setPending({ spec, ...split });
    setReport({ verb: spec.label, rows: skippedRows(spec, split.skipped) });
  };
  const runPending = async () => {
    if (!pending) return;
    const { spec, eligible, skipped } = pending;
    setBusy(true);
    setReport(undefined);
    try {
      const done = await runBatch(spec.label, eligible, (k) => k.label, (k) => runKeyAction(spec, k));
      setReport({ ...done, rows: [...done.rows, ...skippedRows(spec, skipped)] });
      selection.clear();
      await q.reload();
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };
  const columns: Column<ManagedKey>[] = [
    { key: "LABEL", header: "Label", serverSort: true, cell: (k) => <Link to={`/keys/${k.id}`}>{k.label}</Link> },
    { key: "state", header: "State", cell: (k) => <StateBadge state={k.state} copies={k.statusInKeystores} /> },
    { key: "algorithm", header: "Algorithm", cell: (k) => `${k.algorithm.toUpperCase()} ${k.size}` },
    { key: "vault", header: "Vault", cell: (k) => k.vault.name },
    { key: "template", header: "Template", cell: (k) => k.template.name },
    {
      key: "keystores",
      header: "Keystores",
      cell: (k) => {
        const drift = k.statusInKeystores.filter((s) => s.syncFlag !== "OK").length;
        return (
          <>
            {plural(k.statusInKeystores.length, "keystore")}
            {drift > 0 && <span className="badge tone-bad"> {drift} drifted</span>}
          </>
        );
      },
    },
  ];
  return (
    <>
      <div className="page-head">
        <h1>Managed keys</h1>
        <ActionLink kind="primary" to="/keys/new" refused={why("keys.create")}>
          Create key
        </ActionLink>
      </div>
      <form className="filters" role="search" aria-label="Filter keys" onSubmit={(e) => e.preventDefault()}>
        <div className="filter">
          <label htmlFor="filter-vault">Vault</label>
          <Combobox
            id="filter-vault"
            value={vaultId}
            onChange={(value) => {
              setVaultId(value);
              pager.reset();
            }}
            options={[{ value: "", label: "All vaults" }, ...(vaults.data?.vaults.nodes.map((v) => ({ value: v.id, label: v.name })) ?? [])]}
          />
        </div>
        <label>
          State
          <select
            value={state}
            onChange={(e) => {
              setState(e.target.value);
              pager.reset();
            }}
          >
            <option value="">Any state</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {stateWord(s as ManagedKey["state"])}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Alert>{q.error}</Alert>
      <BatchReport result={report} />
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${pending.spec.label} ${plural(pending.eligible.length, "key")}?` : ""}
        confirmLabel={pending ? `${pending.spec.label} ${plural(pending.eligible.length, "key")}` : ""}
        danger={pending?.spec.danger}
        busy={busy}
        onConfirm={() => void runPending()}
        onCancel={() => setPending(undefined)}
      >
        {pending && (
          <>
            <p>{pending.spec.effect.replace("The key is", "Each key is")}</p>
            {pending.skipped.length > 0 && (
              <p>
                {plural(pending.skipped.length, "selected key")} {pending.skipped.length === 1 ? "is" : "are"} skipped: {pending.skipped.map((k) => `${k.label} (${stateWord(k.state)})`).join(", ")}.
              </p>
            )}
          </>
        )}
      </ConfirmDialog>
      {!page && q.loading && <Loading what="managed keys" />}
      {page && page.totalCount === 0 && (
        <p className="empty">
          No managed key here. Keys are made from a <Link to="/templates">key template</Link>: create one, then <Link to="/keys/new">create a key</Link>.
        </p>
      )}
      {page && page.totalCount > 0 && (
        <>
          <ListTable
            caption="Managed keys"
            columns={columns}
            rows={page.nodes}
            rowId={(k) => k.id}
            sort={{ state: sort.sort, onChange: sort.setSort }}
            selection={
              canDeploy
                ? {
                    ...selection,
                    rowLabel: (k) => `Select ${k.label}`,
                    selectable: (k) => !why("keys.deploy", k.vault),
                    actions: BATCH_KEY_ACTIONS.map((spec) => ({ label: spec.label, disabled: busy, run: (rows: ManagedKey[]) => choose(spec, rows) })),
                  }
                : undefined
            }
          />
          <Pager what="keys" page={pager.page} total={page.totalCount} pageSize={PAGE_SIZE} shown={page.nodes.length} hasNext={page.pageInfo.hasNextPage} onNext={() => pager.next(page.pageInfo.endCursor)} onPrevious={pager.previous} />
        </>
      )}
    </>
  );
}

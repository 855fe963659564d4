import { useState } from "react";
import { FirstKeystore } from "./FirstKeystore.tsx";
import { KEYSTORE_STATUS_CHANGED, KEYSTORE_TYPES, KEYSTORES, VAULTS } from "../api/documents.ts";
import { HEALTHS, type Health, type Keystore, type KeystoreType, type Page, type Vault } from "../api/types.ts";
import { useQuery } from "../api/use-query.ts";
import { useLiveQuery } from "../api/use-live.ts";
import { useKeystoreChanges } from "../api/keystore-broadcast.ts";
import { LiveNote } from "../components/LiveNote.tsx";
import { Alert, formatTime, HealthBadge, healthText, Loading } from "../components/Feedback.tsx";
import { Pager, usePager } from "../components/Pager.tsx";
import { Link } from "../router.tsx";
import { useCan } from "../auth/use-can.ts";
import { ActionLink } from "../components/ActionButton.tsx";
import { Combobox } from "../components/Combobox.tsx";
import { ListTable, type Column } from "../components/table/ListTable.tsx";
import { useServerSort } from "../components/table/sort.ts";
import { useSelection } from "../components/table/selection.ts";
import { runBatch, type BatchResult } from "../components/table/batch.ts";
import { BatchReport } from "../components/table/BatchReport.tsx";
import { checkKeystoreStatus } from "./keystore/check-status.ts";

const PAGE_SIZE = 20;

/** Target keystores: every keystore, filterable and paged, with its health. */
export function KeystoreList() {
  const [filter, setFilter] = useState<{ vaultId: string; type: string; health: string; namePrefix: string }>({ vaultId: "", type: "", health: "", namePrefix: "" });
  const pager = usePager();
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const types = useQuery<{ keystoreTypes: KeystoreType[] }>(KEYSTORE_TYPES);
  const apiFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== ""));
  const sort = useServerSort(pager.reset);
  const list = useLiveQuery<{ keystores: Page<Keystore> }>(KEYSTORES, { first: PAGE_SIZE, after: pager.after, filter: apiFilter, ...sort.orderBy }, {
    subscription: KEYSTORE_STATUS_CHANGED,
    // The vaults of the rows shown (or the one filtered on): a status change elsewhere changes no row here.
    vaults: (data) => (filter.vaultId ? [filter.vaultId] : (data?.keystores.nodes.map((k) => k.vault.id) ?? [])),
    apply: (event: { keystoreStatusChanged: Keystore | null }, q) => {
      const changed = event.keystoreStatusChanged;
      // Under a health filter the row may join or leave the list: read the page again.
      if (!changed || filter.health) return void q.reload();
      q.replace((d) => d && { keystores: { ...d.keystores, nodes: d.keystores.nodes.map((k) => (k.id === changed.id ? { ...k, ...changed } : k)) } });
    },
  });
  // A keystore renamed or regrouped in another tab: its row (or whether it matches the filter) may change.
  useKeystoreChanges(() => void list.reload());
  const change = (name: keyof typeof filter) => (e: { target: { value: string } }) => {
    setFilter((f) => ({ ...f, [name]: e.target.value }));
    pager.reset();
  };
  const filtered = Object.keys(apiFilter).length > 0;
  const page = list.data?.keystores;
  const { why } = useCan();
  const typeName = (t: string) => types.data?.keystoreTypes.find((k) => k.type === t)?.displayName ?? t;
  const selection = useSelection(page?.nodes.map((k) => k.id) ?? []);
  // Offered when some vault lets the user check keystores; rows in other vaults cannot be chosen.
  const canCheck = !why("keystores.write");
  const [checking, setChecking] = useState(false);
  const [report, setReport] = useState<BatchResult>();
  const checkSelected = async (rows: Keystore[]) => {
    setChecking(true);
    setReport(undefined);
    try {
      setReport(await runBatch("Check status", rows, (k) => k.name, (k) => checkKeystoreStatus(k.id)));
      selection.clear();
      await list.reload();
    } finally {
      setChecking(false);
    }
  };
  const columns: Column<Keystore>[] = [
    { key: "NAME", header: "Name", serverSort: true, cell: (k) => <Link to={`/keystores/${k.id}`}>{k.name}</Link> },
    { key: "TYPE", header: "Type", serverSort: true, cell: (k) => typeName(k.type) },
    { key: "vault", header: "Vault", cell: (k) => k.vault.name },
    { key: "groups", header: "Groups", cell: (k) => k.groups.join(", ") || "—" },
    { key: "health", header: "Health", cell: (k) => <HealthBadge health={k.status.health} /> },
    { key: "heartbeat", header: "Last heartbeat", cell: (k) => formatTime(k.status.lastHeartbeat) },
    { key: "message", header: "Message", className: "message-cell", cell: (k) => k.status.message },
  ];

  return (
    <>
      <div className="page-head">
        <h1>Target keystores</h1>
        <LiveNote live={list.live} />
        <ActionLink kind="primary" to="/keystores/new" refused={why("keystores.write")}>
          Add keystore
        </ActionLink>
      </div>
      <form className="filters" role="search" aria-label="Filter keystores" onSubmit={(e) => e.preventDefault()}>
        <label>
          Name starts with
          <input type="search" value={filter.namePrefix} onChange={change("namePrefix")} />
        </label>
        <div className="filter">
          <label htmlFor="filter-vault">Vault</label>
          <Combobox
            id="filter-vault"
            value={filter.vaultId}
            onChange={(value) => change("vaultId")({ target: { value } })}
            options={[{ value: "", label: "All vaults" }, ...(vaults.data?.vaults.nodes.map((v) => ({ value: v.id, label: v.name })) ?? [])]}
          />
        </div>
        <div className="filter">
          <label htmlFor="filter-type">Type</label>
          <Combobox
            id="filter-type"
            value={filter.type}
            onChange={(value) => change("type")({ target: { value } })}
            options={[{ value: "", label: "All types" }, ...(types.data?.keystoreTypes.map((t) => ({ value: t.type, label: t.displayName })) ?? [])]}
          />
        </div>
        <label>
          Health
          <select value={filter.health} onChange={change("health")}>
            <option value="">Any health</option>
            {HEALTHS.map((h) => (
              <option key={h} value={h}>
                {healthText(h as Health)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Alert>{list.error}</Alert>
      <BatchReport result={report} />
      {!page && list.loading && <Loading what="keystores" />}
      {page && page.totalCount === 0 && !filtered && (
        <FirstKeystore />
      )}
      {page && page.totalCount === 0 && filtered && <p>No keystore matches these filters.</p>}
      {page && page.totalCount > 0 && (
        <>
          <ListTable
            caption="Keystores"
            columns={columns}
            rows={page.nodes}
            rowId={(k) => k.id}
            sort={{ state: sort.sort, onChange: sort.setSort }}
            selection={canCheck ? { ...selection, rowLabel: (k) => `Select ${k.name}`, selectable: (k) => !why("keystores.write", k.vault), actions: [{ label: "Check status", disabled: checking, run: (rows) => void checkSelected(rows) }] } : undefined}
          />
          <Pager
            what="keystores"
            page={pager.page}
            total={page.totalCount}
            pageSize={PAGE_SIZE}
            shown={page.nodes.length}
            hasNext={page.pageInfo.hasNextPage}
            onNext={() => pager.next(page.pageInfo.endCursor)}
            onPrevious={pager.previous}
          />
        </>
      )}
    </>
  );
}

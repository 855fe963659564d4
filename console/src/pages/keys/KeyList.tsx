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
  const q = useLiveQuery<{ managedKeys: Page<ManagedKey> }>(MANAGED_KEYS, { first: PAGE_SIZE, after: pager.after, filter }, {
    subscription: MANAGED_KEY_CHANGED,
    vaults: (data) => (vaultId ? [vaultId] : (data?.managedKeys.nodes.map((k) => k.vault.id) ?? [])),
    // A change may move a key in or out of the filtered, ordered page: read the page again.
    apply: (_event, query) => void query.reload(),
  });
  const page = q.data?.managedKeys;
  const { why } = useCan();
  usePageTitle("Managed keys");
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
      {!page && q.loading && <Loading what="managed keys" />}
      {page && page.totalCount === 0 && (
        <p className="empty">
          No managed key here. Keys are made from a <Link to="/templates">key template</Link>: create one, then <Link to="/keys/new">create a key</Link>.
        </p>
      )}
      {page && page.totalCount > 0 && (
        <>
          <table className="list" tabIndex={0}>
            <caption className="visually-hidden">Managed keys</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">State</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Vault</th>
                <th scope="col">Template</th>
                <th scope="col">Keystores</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((k) => {
                const drift = k.statusInKeystores.filter((s) => s.syncFlag !== "OK").length;
                return (
                  <tr key={k.id}>
                    <td>
                      <Link to={`/keys/${k.id}`}>{k.label}</Link>
                    </td>
                    <td>
                      <StateBadge state={k.state} copies={k.statusInKeystores} />
                    </td>
                    <td>
                      {k.algorithm.toUpperCase()} {k.size}
                    </td>
                    <td>{k.vault.name}</td>
                    <td>{k.template.name}</td>
                    <td>
                      {plural(k.statusInKeystores.length, "keystore")}
                      {drift > 0 && <span className="badge tone-bad"> {drift} drifted</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager what="keys" page={pager.page} total={page.totalCount} pageSize={PAGE_SIZE} hasNext={page.pageInfo.hasNextPage} onNext={() => pager.next(page.pageInfo.endCursor)} onPrevious={pager.previous} />
        </>
      )}
    </>
  );
}

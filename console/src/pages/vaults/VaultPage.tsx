import { useState } from "react";
import { VAULT } from "../../api/documents.ts";
import { targetsText, type Health, type KeyState, type Page, type VaultDetail } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { useCan } from "../../auth/use-can.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { Alert, formatTime, HealthBadge, Loading } from "../../components/Feedback.tsx";
import { Link } from "../../router.tsx";
import { StateBadge } from "../keys/badges.tsx";
import { DeleteVault } from "./DeleteVault.tsx";
import { VaultForm } from "./VaultForm.tsx";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { byText } from "../../components/table/sort.ts";
import { useTypeNames } from "../../api/use-type-names.ts";
import { plural } from "../../text/words.ts";
import { usePageTitle } from "../../components/use-page-title.ts";
import type { KeyStatusInKeystore } from "../../api/types.ts";
import { Crumbs } from "../../shell/Crumbs.tsx";

interface VaultData {
  vault: VaultDetail | null;
  keystores: Page<{ id: string; name: string; type: string; groups: string[]; status: { health: Health } }>;
  keyTemplates: Page<{ id: string; name: string; archived: boolean; keysCount: number; targets: { keystoreType: string; keystoreGroup: string }[] }>;
  managedKeys: Page<{ id: string; label: string; state: KeyState; template: { id: string; name: string }; statusInKeystores: Pick<KeyStatusInKeystore, "keystoreName" | "status" | "syncFlag">[] }>;
}

/** One vault: what it holds (each list's totalCount is its count), rename and delete for the administrator. */
export function VaultPage({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const q = useQuery<VaultData>(VAULT, { id }, { pollMs: editing ? undefined : POLL_MS });
  const { why } = useCan();
  const [notice, setNotice] = useState<string>();
  const typeName = useTypeNames();
  usePageTitle(q.data?.vault ? `Vault ${q.data.vault.name}` : "Vault");
  if (q.data && !q.data.vault) {
    return (
      <>
        <h1>Vault not found</h1>
        <p>
          It may have been deleted. Back to the <Link to="/vaults">vaults</Link>.
        </p>
      </>
    );
  }
  const vault = q.data?.vault;
  if (!q.data || !vault) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the vault" />;
  const { keystores, keyTemplates, managedKeys } = q.data;
  const refused = why("vaults.write");

  return (
    <>
      <Crumbs parent={{ to: "/vaults", label: "Vaults" }} current={vault.name} />
      <div className="page-head">
        <h1>{vault.name}</h1>
        <div className="actions">
          {!editing && (
            <ActionButton refused={refused} onClick={() => setEditing(true)}>
              Rename
            </ActionButton>
          )}
          <DeleteVault vault={vault} refused={refused ?? notEmptyReason(keystores.totalCount, keyTemplates.totalCount, managedKeys.totalCount)} />
        </div>
      </div>
      <Alert kind="success">{notice}</Alert>
      <Alert>{q.error}</Alert>
      {editing && (
        <VaultForm
          vault={vault}
          onCancel={() => setEditing(false)}
          onDone={async (v) => {
            setEditing(false);
            setNotice(`Saved: the vault is now called ${v.name}.`);
            await q.reload();
          }}
        />
      )}
      <dl className="summary" data-testid="vault-summary">
        <dt>Description</dt>
        <dd>{vault.description || <span className="muted">none</span>}</dd>
        <dt>Holds</dt>
        <dd>
          {plural(keystores.totalCount, "keystore")}, {plural(keyTemplates.totalCount, "key template")}, {plural(managedKeys.totalCount, "managed key")}
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(vault.createdAt)}</dd>
      </dl>

      <section className="panel" aria-labelledby="vault-keystores">
        <h2 id="vault-keystores">Keystores ({keystores.totalCount})</h2>
        <Rows
          caption={`Keystores in ${vault.name}`}
          empty="No keystore in this vault."
          items={keystores.nodes}
          columns={[
            { key: "name", header: "Name", compare: byText((k) => k.name), cell: (k) => <Link to={`/keystores/${k.id}`}>{k.name}</Link> },
            { key: "type", header: "Type", compare: byText((k) => typeName(k.type)), cell: (k) => typeName(k.type) },
            { key: "groups", header: "Groups", cell: (k) => k.groups.join(", ") || "—" },
            { key: "health", header: "Health", cell: (k) => <HealthBadge health={k.status.health} /> },
          ]}
        />
      </section>
      <section className="panel" aria-labelledby="vault-templates">
        <h2 id="vault-templates">Key templates ({keyTemplates.totalCount})</h2>
        <Rows
          caption={`Key templates in ${vault.name}`}
          empty="No key template in this vault."
          items={keyTemplates.nodes}
          columns={[
            { key: "name", header: "Name", compare: byText((t) => t.name), cell: (t) => <Link to={`/templates/${t.id}`}>{t.name}</Link> },
            { key: "target", header: "Target", cell: (t) => `${targetsText(t.targets, typeName)}${t.archived ? " (archived)" : ""}` },
            { key: "keys", header: "Keys", compare: (a, b) => a.keysCount - b.keysCount, cell: (t) => t.keysCount },
          ]}
        />
      </section>
      <section className="panel" aria-labelledby="vault-keys">
        <h2 id="vault-keys">Managed keys ({managedKeys.totalCount})</h2>
        <Rows
          caption={`Managed keys in ${vault.name}`}
          empty="No managed key in this vault."
          items={managedKeys.nodes}
          columns={[
            { key: "label", header: "Label", compare: byText((k) => k.label), cell: (k) => <Link to={`/keys/${k.id}`}>{k.label}</Link> },
            { key: "state", header: "State", cell: (k) => <StateBadge state={k.state} copies={k.statusInKeystores} /> },
            { key: "template", header: "Template", compare: byText((k) => k.template.name), cell: (k) => k.template.name },
          ]}
        />
      </section>
    </>
  );
}

/** Why the API would refuse to delete the vault (it must hold nothing), in words; undefined when it is empty. */
function notEmptyReason(keystores: number, templates: number, keys: number): string | undefined {
  const held = [keystores && plural(keystores, "keystore"), templates && plural(templates, "key template"), keys && plural(keys, "managed key")].filter(Boolean);
  if (!held.length) return undefined;
  return `Only an empty vault can be deleted; this one holds ${held.join(", ")}. Delete the keys, then their templates, and disconnect the keystores first.`;
}

/** A small table of a vault's contents (at most 100 shown; the heading gives the full count), sorted in memory. */
function Rows<T extends { id: string }>({ caption, items, columns, empty }: { caption: string; items: T[]; columns: Column<T>[]; empty: string }) {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return <ListTable caption={caption} columns={columns} rows={items} rowId={(item) => item.id} />;
}

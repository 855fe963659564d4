import { useState } from "react";
import { KEY_TEMPLATE, MANAGED_KEYS } from "../../api/documents.ts";
import type { KeyTemplateDetail, ManagedKey, Page } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { useCan } from "../../auth/use-can.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { Link } from "../../router.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import { StateBadge } from "./badges.tsx";
import { EditTemplate } from "./template/EditTemplate.tsx";
import { TemplateActions } from "./template/TemplateActions.tsx";
import { Crumbs } from "../../shell/Crumbs.tsx";

/** One key template: what its keys look like, where they go, the keys made from it, and its lifecycle. */
export function TemplatePage({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const q = useQuery<{ keyTemplate: KeyTemplateDetail | null }>(KEY_TEMPLATE, { id }, { pollMs: editing ? undefined : POLL_MS });
  const keys = useQuery<{ managedKeys: Page<ManagedKey> }>(MANAGED_KEYS, { first: 100, filter: { templateId: id } }, { pollMs: POLL_MS });
  usePageTitle(q.data?.keyTemplate ? `Key template ${q.data.keyTemplate.name}` : "Key template");
  const { why } = useCan();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();

  if (q.data && !q.data.keyTemplate) return <Alert>This key template does not exist (any more).</Alert>;
  const t = q.data?.keyTemplate;
  if (!t) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the template" />;
  const refused = why("templates.write", t.vault);
  const show = (next: KeyTemplateDetail, message: string) => {
    setError(undefined);
    setNotice(message);
    q.replace(() => ({ keyTemplate: next }));
  };

  return (
    <>
      <Crumbs parent={{ to: "/templates", label: "Key templates" }} current={t.name} />
      <div className="page-head">
        <h1>{t.name}</h1>
        <div className="actions">
          {!editing && (
            // An archived template cannot be edited: say why rather than offer a refused save.
            <ActionButton refused={refused ?? (t.archived ? "An archived template cannot be edited: unarchive it first." : undefined)} onClick={() => setEditing(true)}>
              Edit
            </ActionButton>
          )}
          <TemplateActions template={t} refused={refused} onChanged={show} onError={(m) => (setNotice(undefined), setError(m))} />
        </div>
      </div>
      <Alert kind="success">{notice}</Alert>
      <Alert>{error ?? q.error}</Alert>
      {editing && <EditTemplate template={t} onCancel={() => setEditing(false)} onSaved={(next) => (setEditing(false), show(next, "Saved."))} />}
      <dl className="summary" data-testid="template-summary">
        <dt>State</dt>
        <dd data-testid="template-state">{t.archived ? "Archived: creates no keys" : "In use: creates keys"}</dd>
        <dt>Vault</dt>
        <dd>
          <Link to={`/vaults/${t.vault.id}`}>{t.vault.name}</Link>
        </dd>
        <dt>Description</dt>
        <dd>{t.description || <span className="muted">none</span>}</dd>
        <dt>Key</dt>
        <dd>
          {t.key.algorithm} {t.key.size}, starts {t.key.initialState.replace("_", " ").toLowerCase()}
        </dd>
        <dt>Planned activation / expiration</dt>
        <dd>
          {t.key.activationPeriod || t.key.expirationPeriod ? (
            `${t.key.activationPeriod ?? "—"} / ${t.key.expirationPeriod ?? "—"} after creation`
          ) : (
            <span className="muted">not planned</span>
          )}
        </dd>
        <dt>Naming scheme</dt>
        <dd>
          <code>{t.namingScheme}</code>
          {t.namingSchemePlaceholders.length > 0 && <span className="muted"> (values given at creation: {t.namingSchemePlaceholders.join(", ")})</span>}
        </dd>
        <dt>Targets</dt>
        <dd>
          <ul data-testid="template-targets">
            {t.targets.map((x, i) => (
              <li key={i} data-testid="template-target">
                type {x.keystoreType}, group {x.keystoreGroup}; options: {x.options.map((o) => `${o.name} = ${o.value}`).join("; ") || "none"}
              </li>
            ))}
          </ul>
          <span className="muted" data-testid="template-target-revision">
            revision {t.targetRevision}
          </span>
        </dd>
        <dt>Keys made from it</dt>
        <dd>{t.keysCount}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(t.updatedAt)}</dd>
      </dl>
      <section className="panel" aria-labelledby="template-keys">
        <h2 id="template-keys">Keys made from it</h2>
        <Alert>{keys.error}</Alert>
        {keys.data?.managedKeys.nodes.length === 0 && <p className="muted">No key has been made from this template.</p>}
        {keys.data && keys.data.managedKeys.nodes.length > 0 && (
          <ul data-testid="template-keys-list">
            {keys.data.managedKeys.nodes.map((k) => (
              <li key={k.id}>
                <Link to={`/keys/${k.id}`}>{k.label}</Link> <StateBadge state={k.state} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

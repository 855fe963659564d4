import { useState } from "react";
import { ACCESS_TOKENS, AUDIT_EVENTS } from "../../api/access-documents.ts";
import { VAULTS } from "../../api/documents.ts";
import type { Page, Vault } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { useSession } from "../../auth/use-session.ts";
import { Alert, Badge, formatTime, Loading } from "../../components/Feedback.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import type { TokensData } from "../access/types.ts";
import { ChainStatus } from "./ChainStatus.tsx";
import { Combobox } from "../../components/Combobox.tsx";
import { Button } from "@carbon/react";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";

interface AuditEvent {
  seq: number;
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  vaultId: string | null;
  outcome: string;
  reason: string | null;
  requestId: string;
}

const PAGE_SIZE = 50;
const OUTCOMES = ["success", "refused", "denied", "failed", "requested"];
const OUTCOME_TONE: Record<string, "ok" | "warn" | "bad" | "neutral"> = { success: "ok", refused: "warn", denied: "bad", failed: "bad", requested: "neutral" };

/** The audit log, newest first, filtered by vault, actor, action, outcome and time; the chain check for the administrator. */
export function AuditLog() {
  usePageTitle("Audit log");
  const { me } = useSession();
  const admin = me?.administrator ?? false;
  const [filter, setFilter] = useState({ vaultId: "", actorId: "", action: "", outcome: "", from: "", to: "" });
  // Older pages: the seq each page starts before (the API pages backwards by seq).
  const [before, setBefore] = useState<number[]>([]);
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const tokens = useQuery<TokensData>(ACCESS_TOKENS, {}, { skip: !admin });
  const variables = {
    first: PAGE_SIZE,
    ...(before.length ? { before: before[before.length - 1] } : {}),
    filter: {
      ...(filter.vaultId ? { vaultId: filter.vaultId } : {}),
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.action.trim() ? { action: filter.action.trim() } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
      ...(filter.from ? { from: new Date(filter.from).toISOString() } : {}),
      ...(filter.to ? { to: new Date(filter.to).toISOString() } : {}),
    },
  };
  const q = useQuery<{ auditEvents: AuditEvent[] }>(AUDIT_EVENTS, variables);
  const events = q.data?.auditEvents;
  const vaultName = (id: string | null) => (id ? (vaults.data?.vaults.nodes.find((v) => v.id === id)?.name ?? "a deleted vault") : "—");
  const change = (field: keyof typeof filter) => (e: { target: { value: string } }) => {
    setFilter((f) => ({ ...f, [field]: e.target.value }));
    setBefore([]);
  };
  const columns: Column<AuditEvent>[] = [
    { key: "at", header: "When", cell: (e) => formatTime(e.at) },
    { key: "actor", header: "Actor", cell: (e) => e.actorName ?? <span className="muted">unknown</span> },
    { key: "action", header: "Action", cell: (e) => <code>{e.action}</code> },
    {
      key: "outcome",
      header: "Outcome",
      cell: (e) => (
        <>
          <Badge tone={OUTCOME_TONE[e.outcome] ?? "neutral"}>{e.outcome}</Badge>
          {e.reason && <span className="muted"> {e.reason}</span>}
        </>
      ),
    },
    { key: "vault", header: "Vault", cell: (e) => vaultName(e.vaultId) },
    { key: "target", header: "Target", cell: (e) => (e.targetType ? `${e.targetType.replace(/_/g, " ")} ${e.targetId?.slice(0, 8) ?? ""}` : "—") },
  ];
  // Actors: every token for the administrator; others can pick among those seen on this page.
  const actors = admin
    ? (tokens.data?.accessTokens.map((t) => ({ id: t.id, name: t.name })) ?? [])
    : [...new Map((events ?? []).filter((e) => e.actorId).map((e) => [e.actorId!, { id: e.actorId!, name: e.actorName ?? e.actorId! }])).values()];

  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every request that changes something, or was refused, is recorded here. No record holds a secret or key material.</p>
      {admin && <ChainStatus />}
      <form className="filters" role="search" aria-label="Filter audit events" onSubmit={(e) => e.preventDefault()}>
        <div className="filter">
          <label htmlFor="audit-vault">Vault</label>
          <Combobox
            id="audit-vault"
            value={filter.vaultId}
            onChange={(value) => change("vaultId")({ target: { value } })}
            options={[{ value: "", label: "All vaults" }, ...(vaults.data?.vaults.nodes.map((v) => ({ value: v.id, label: v.name })) ?? [])]}
          />
        </div>
        <div className="filter">
          <label htmlFor="audit-actor">Actor</label>
          <Combobox
            id="audit-actor"
            value={filter.actorId}
            onChange={(value) => change("actorId")({ target: { value } })}
            options={[{ value: "", label: "Anyone" }, ...actors.map((a) => ({ value: a.id, label: a.name }))]}
          />
        </div>
        <label>
          Action
          <input type="search" value={filter.action} onChange={change("action")} placeholder="e.g. managed-keys.activate" />
        </label>
        <label>
          Outcome
          <select value={filter.outcome} onChange={change("outcome")}>
            <option value="">Any outcome</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={filter.from} onChange={change("from")} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={filter.to} onChange={change("to")} />
        </label>
      </form>
      <Alert>{q.error}</Alert>
      {!events && q.loading && <Loading what="audit events" />}
      {events && events.length === 0 && <p className="empty">No audit event matches these filters.</p>}
      {events && events.length > 0 && (
        // Not sortable: the API returns events newest first only (its chain order); the filters narrow it.
        <ListTable caption="Audit events, newest first" testId="audit-events" columns={columns} rows={events} rowId={(e) => e.id} />
      )}
      <nav className="cds--pagination pager" aria-label="Pages of audit events">
        <div className="cds--pagination__left">
          <span className="cds--pagination__text">{events && events.length > 0 ? `Events ${before.length * PAGE_SIZE + 1}–${before.length * PAGE_SIZE + events.length}, newest first` : ""}</span>
        </div>
        <div className="cds--pagination__right">
          <Button kind="ghost" size="md" disabled={before.length === 0} onClick={() => setBefore((b) => b.slice(0, -1))}>
            Newer events
          </Button>
          <Button kind="ghost" size="md" disabled={!events || events.length < PAGE_SIZE} onClick={() => events && setBefore((b) => [...b, events[events.length - 1]!.seq])}>
            Older events
          </Button>
        </div>
      </nav>
    </>
  );
}

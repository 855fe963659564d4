import { Stack, Tile } from "@carbon/react";
import { OVERVIEW } from "../api/access-documents.ts";
import type { Health, KeyState, KeyStatusInKeystore } from "../api/types.ts";
import { HEALTHS } from "../api/types.ts";
import { POLL_MS, useQuery } from "../api/use-query.ts";
import { useTypeNames } from "../api/use-type-names.ts";
import { Alert, formatTime, HealthBadge, healthText, Loading } from "../components/Feedback.tsx";
import { usePageTitle } from "../components/use-page-title.ts";
import { Link } from "../router.tsx";
import { plural, stateWord, timeUntil } from "../text/words.ts";
import { StateBadge } from "./keys/badges.tsx";
import { FirstKeystore } from "./FirstKeystore.tsx";
import { stateSummary } from "./keys/installs.ts";
import { ListTable, type Column } from "../components/table/ListTable.tsx";
import { byText, byTime } from "../components/table/sort.ts";

type Copy = Pick<KeyStatusInKeystore, "keystoreName" | "status" | "syncFlag" | "error"> & { deletionDate: string | null };
interface KeyRow {
  id: string;
  label: string;
  state: KeyState;
  vault: { id: string; name: string };
  statusInKeystores: Copy[];
}
interface OverviewData {
  keystores: { totalCount: number; nodes: { id: string; name: string; type: string; vault: { id: string; name: string }; status: { health: Health; message: string; checkedAt: string | null } }[] };
  pre_activation: { totalCount: number };
  active: { totalCount: number };
  deactivated: { totalCount: number };
  destroyed: { totalCount: number };
  outOfSync: { totalCount: number; nodes: KeyRow[] };
  failing: { totalCount: number; nodes: KeyRow[] };
  activeKeys: { nodes: KeyRow[] };
  waiting: { nodes: (Omit<KeyRow, "statusInKeystores"> & { destroyableAt: string | null })[] };
  destroyedKeys: { nodes: KeyRow[] };
}

const ATTENTION_COLUMNS: Column<{ key: KeyRow; why: string }>[] = [
  { key: "key", header: "Key", compare: byText((x) => x.key.label), cell: (x) => <Link to={`/keys/${x.key.id}`}>{x.key.label}</Link> },
  { key: "state", header: "State", cell: (x) => <StateBadge state={x.key.state} copies={x.key.statusInKeystores} /> },
  { key: "vault", header: "Vault", compare: byText((x) => x.key.vault.name), cell: (x) => x.key.vault.name },
  { key: "why", header: "What is wrong", cell: (x) => x.why },
];

const DATE_COLUMNS: Column<{ key: { id: string; label: string }; at: string; what: string }>[] = [
  { key: "at", header: "When", compare: byTime((x) => x.at), cell: (x) => `${formatTime(x.at)} (in ${timeUntil(x.at)})` },
  { key: "key", header: "Key", compare: byText((x) => x.key.label), cell: (x) => <Link to={`/keys/${x.key.id}`}>{x.key.label}</Link> },
  { key: "what", header: "What happens", cell: (x) => x.what },
];

const STATES: KeyState[] = ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"];

/** The start page: keystore health, keys by state, keys that need attention, and the dates ahead, as Carbon tiles. */
export function Overview() {
  usePageTitle("Overview");
  const q = useQuery<OverviewData>(OVERVIEW, {}, { pollMs: POLL_MS });
  const typeName = useTypeNames();
  if (!q.data) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the overview" />;
  const d = q.data;
  const byHealth = HEALTHS.map((h) => [h, d.keystores.nodes.filter((k) => k.status.health === h).length] as const).filter(([, n]) => n > 0);
  const unhealthy = d.keystores.nodes.filter((k) => k.status.health !== "OK");

  // Keys that need someone: drifted or failed copies, and active keys installed nowhere.
  const attention = new Map<string, { key: KeyRow; why: string }>();
  for (const k of [...d.activeKeys.nodes.filter((k) => stateSummary(k)), ...d.failing.nodes, ...d.outOfSync.nodes]) {
    if (attention.has(k.id)) continue;
    const bad = k.statusInKeystores.filter((s) => s.syncFlag !== "OK");
    const why = bad.map((s) => `${s.syncFlag === "ERROR" ? "Failed" : "Drifted"} in ${s.keystoreName}${s.error ? `: ${s.error}` : ""}`).join("; ");
    attention.set(k.id, { key: k, why: why || "Not installed in any keystore." });
  }

  // Dates ahead: when deactivated keys may be destroyed, and when keystores delete destroyed keys' copies.
  const dates = [
    ...d.waiting.nodes.map((k) => ({ key: k, at: k.destroyableAt, what: "can be destroyed" })),
    ...d.destroyedKeys.nodes.flatMap((k) => k.statusInKeystores.filter((s) => s.deletionDate).map((s) => ({ key: k, at: s.deletionDate, what: `deleted by ${s.keystoreName}` }))),
  ]
    .filter((x): x is typeof x & { at: string } => Boolean(x.at) && Date.parse(x.at!) > Date.now())
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return (
    <Stack gap={5}>
      <h1>Overview</h1>
      <Alert>{q.error}</Alert>
      {d.keystores.totalCount === 0 && <FirstKeystore />}
      <div className="tiles">
        <Tile role="region" className="overview-tile" aria-labelledby="health-title" data-testid="overview-health">
          <h2 id="health-title">Keystore health</h2>
          <p>
            {plural(d.keystores.totalCount, "keystore")}
            {byHealth.length > 0 && ": "}
            {byHealth.map(([h, n]) => `${n} ${h === "OK" ? "healthy" : healthText(h).toLowerCase()}`).join(", ")}
          </p>
          {unhealthy.length > 0 && (
            <ul className="plain">
              {unhealthy.map((k) => (
                <li key={k.id}>
                  <Link to={`/keystores/${k.id}`}>{k.name}</Link> ({typeName(k.type)}, {k.vault.name}) <HealthBadge health={k.status.health} /> {k.status.message}
                </li>
              ))}
            </ul>
          )}
        </Tile>
        <Tile role="region" className="overview-tile" aria-labelledby="states-title" data-testid="overview-states">
          <h2 id="states-title">Managed keys by state</h2>
          <dl className="summary">
            {STATES.map((s) => (
              <div key={s} className="summary-row">
                <dt>
                  <Link to={`/keys?state=${s}`}>{stateWord(s)}</Link>
                </dt>
                <dd>{d[s.toLowerCase() as "active"].totalCount}</dd>
              </div>
            ))}
          </dl>
        </Tile>
      </div>
      <Tile role="region" className="overview-tile" aria-labelledby="attention-title" data-testid="overview-attention">
        <h2 id="attention-title">Keys that need attention ({attention.size})</h2>
        {attention.size === 0 ? (
          <p className="muted">No drift and no failed installation.</p>
        ) : (
          <ListTable caption="Keys that need attention" columns={ATTENTION_COLUMNS} rows={[...attention.values()]} rowId={(x) => x.key.id} />
        )}
      </Tile>
      <Tile role="region" className="overview-tile" aria-labelledby="dates-title" data-testid="overview-dates">
        <h2 id="dates-title">Upcoming destroy dates</h2>
        {dates.length === 0 ? (
          <p className="muted">Nothing scheduled.</p>
        ) : (
          <ListTable caption="Upcoming destroy dates" columns={DATE_COLUMNS} rows={dates} rowId={(x) => `${x.key.id} ${x.what}`} />
        )}
      </Tile>
    </Stack>
  );
}

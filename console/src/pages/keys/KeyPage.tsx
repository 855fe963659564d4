import { useEffect, useState } from "react";
import { gql } from "../../api/client.ts";
import { keyAction, MANAGED_KEY, MANAGED_KEY_CHANGED } from "../../api/documents.ts";
import type { ManagedKey, TypedError } from "../../api/types.ts";
import { useLiveQuery } from "../../api/use-live.ts";
import { LiveNote } from "../../components/LiveNote.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { Link, navigate } from "../../router.tsx";
import { StateBadge, SyncBadge } from "./badges.tsx";
import { useCan } from "../../auth/use-can.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import { holdsWord, patternWords, timeUntil } from "../../text/words.ts";
import { ACTIONS, stateRefusal, type Action } from "./key-actions.ts";
import { actionOutcome } from "./installs.ts";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { byText, byTime } from "../../components/table/sort.ts";

type Copy = ManagedKey["statusInKeystores"][number];

/** A key's copies, one row per keystore; a handful, loaded with the key, so sorted in memory. */
const COPY_COLUMNS: Column<Copy>[] = [
  { key: "keystore", header: "Keystore", compare: byText((s) => s.keystoreName), cell: (s) => (s.keystore ? <Link to={`/keystores/${s.keystore.id}`}>{s.keystoreName}</Link> : `${s.keystoreName} (disconnected)`) },
  { key: "holds", header: "Holds", compare: byText((s) => holdsWord(s.status)), cell: (s) => holdsWord(s.status) },
  // Not sortable: its sort button would be a second "Sync" button beside the key's Sync action.
  { key: "sync", header: "Sync", cell: (s) => <SyncBadge flag={s.syncFlag} /> },
  { key: "version", header: "Version", cell: (s) => s.keyVersion },
  { key: "remote-id", header: "Key id in keystore", cell: (s) => (s.keyIdInKeystore ? <code>{s.keyIdInKeystore}</code> : <span className="muted">none yet</span>) },
  {
    key: "detail",
    header: "Detail",
    cell: (s) => (
      <>
        {s.detail.replace(/_/g, " ")}
        {s.error && <span className="error"> {s.error}</span>}
      </>
    ),
  },
  { key: "checked", header: "Checked", compare: byTime((s) => s.checkedAt), cell: (s) => formatTime(s.checkedAt) },
];
import { Crumbs } from "../../shell/Crumbs.tsx";
import { showToast } from "../../components/toasts.ts";

export function KeyPage({ id }: { id: string }) {
  const q = useLiveQuery<{ managedKey: ManagedKey | null }>(MANAGED_KEY, { id }, {
    subscription: MANAGED_KEY_CHANGED,
    vaults: (data) => (data?.managedKey ? [data.managedKey.vault.id] : []),
    // The event carries the key as this page shows it; another key's change is not ours, a deletion (null) may be.
    apply: (event: { managedKeyChanged: ManagedKey | null }, query) => {
      const changed = event.managedKeyChanged;
      if (changed?.id === id) query.replace(() => ({ managedKey: changed }));
      else if (!changed) void query.reload();
    },
  });
  const [pending, setPending] = useState<(typeof ACTIONS)[number]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // The outcome of the last action: green only when every keystore did it.
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  // Re-rendered every 30 s so a wait counts down; the refusals compare with the time of this render.
  useNow(30_000);
  usePageTitle(q.data?.managedKey ? `Key ${q.data.managedKey.label}` : "Managed key");
  // Sync can only look: drift is shown, nothing is pushed to the keystores.
  const [dryRun, setDryRun] = useState(true);
  const { why } = useCan();

  if (q.data && !q.data.managedKey) return <Alert>This key does not exist (any more).</Alert>;
  const key = q.data?.managedKey;
  if (!key) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the key" />;

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const input = action === "sync" ? { id, dryRun } : { id, expectedVersion: key.version };
      const r = await gql<Record<string, TypedError & { managedKey?: ManagedKey; allowedStates?: string[]; nextRotationAt?: string; keystoreNames?: string[] }>>(keyAction(action), { input });
      const outcome = r[`${action}ManagedKey`]!;
      if (outcome.managedKey && action === "delete") {
        showToast({ kind: "success", title: `Key ${key.label} deleted` });
        return navigate(`/vaults/${key.vault.id}`);
      }
      if (outcome.managedKey) {
        const spec = ACTIONS.find((a) => a.action === action)!;
        // Outcomes are per keystore: a keystore that failed makes the banner red, never green.
        setNotice(action === "sync" && dryRun ? { text: "Checked each keystore; nothing was changed. Drift, if any, is marked below.", failed: false } : actionOutcome(spec.done, outcome.managedKey.statusInKeystores));
        // The answer is the key as it is now: show it at once, without waiting for the next read.
        q.replace(() => ({ managedKey: outcome.managedKey! }));
      }
      else if (outcome.keystoreNames) setError(`${outcome.message} (${outcome.keystoreNames.join(", ")})`);
      // The API's message carries a timestamp; the wait is said in words, as on the disabled button.
      else if (outcome.nextRotationAt) setError(`Rotated less than an hour ago: can be rotated again in ${timeUntil(outcome.nextRotationAt) ?? "a moment"} (${formatTime(outcome.nextRotationAt)}).`);
      else setError(outcome.message);
      setPending(undefined);
      if (!outcome.managedKey) await q.reload();
    } catch (e) {
      // Shown beside the action buttons (e.g. "not allowed"): the dialog would hide it.
      setPending(undefined);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Crumbs parent={{ to: "/keys", label: "Managed keys" }} current={key.label} />
      <div className="page-head">
        <h1>{key.label}</h1>
        <LiveNote live={q.live} />
        <div className="actions">
          {ACTIONS.filter((a) => a.states.includes(key.state)).map((a) => (
            <ActionButton key={a.action} kind={a.danger ? "danger--tertiary" : "tertiary"} refused={why(a.permission, key.vault) ?? stateRefusal(a.action, key, Date.now())} onClick={() => setPending(a)}>
              {a.label}
            </ActionButton>
          ))}
        </div>
      </div>
      <Alert kind={notice?.failed ? "error" : "success"}>{notice?.text}</Alert>
      <Alert>{error}</Alert>
      <dl className="summary">
        <dt>State</dt>
        <dd data-testid="key-state">
          <StateBadge state={key.state} copies={key.statusInKeystores} /> {key.usable ? "usable" : "not usable for encryption yet"}
        </dd>
        <dt>Algorithm</dt>
        <dd>
          {key.algorithm.toUpperCase()} {key.size}
        </dd>
        <dt>Name in keystores</dt>
        <dd>
          <code>{key.nameInKeystores}</code>
        </dd>
        <dt>Vault</dt>
        <dd>
          <Link to={`/vaults/${key.vault.id}`}>{key.vault.name}</Link>
        </dd>
        <dt>Template</dt>
        <dd>
          <Link to={`/templates/${key.template.id}`}>{key.template.name}</Link>
        </dd>
        <dt>Verification pattern</dt>
        <dd data-testid="verification-pattern">
          {key.verificationPattern ? (
            <>
              <code>{key.verificationPattern.value}</code>{" "}
              <span className="muted">
                ({patternWords(key.verificationPattern.method)}). It identifies the key material without revealing it: the same value in a keystore means the same key.
              </span>
            </>
          ) : (
            <span className="muted">none: the material is destroyed</span>
          )}
        </dd>
      </dl>
      <section className="panel" aria-labelledby="where-title">
        <h2 id="where-title">Status in keystores</h2>
        {key.statusInKeystores.length === 0 ? (
          <p>Not installed in any keystore yet.</p>
        ) : (
          <ListTable
            caption={`Status of ${key.label} in keystores`}
            testId="key-keystores"
            columns={COPY_COLUMNS}
            rows={key.statusInKeystores}
            rowId={(s) => s.keystoreName}
            rowClassName={(s) => (s.syncFlag !== "OK" ? "drift" : undefined)}
          />
        )}
      </section>
      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <ol className="versions">
          {key.versions.map((v) => (
            <li key={v.number}>
              Version {v.number}, {formatTime(v.createdAt)}
              {v.verificationPattern && <code> {v.verificationPattern.value}</code>}
            </li>
          ))}
        </ol>
      </section>
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${pending.label} ${key.label}?` : ""}
        confirmLabel={pending?.label ?? ""}
        danger={pending?.danger}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() => pending && void run(pending.action)}
      >
        <p>{pending?.effect}</p>
        {pending?.action === "sync" && (
          <label className="choice">
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
            Only look (dry run): show drift, change nothing in the keystores
          </label>
        )}
      </ConfirmDialog>
    </>
  );
}

/** The time now, again every `ms`: a wait shown in words ("in 12 min") counts down, and a button enables when it is over. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

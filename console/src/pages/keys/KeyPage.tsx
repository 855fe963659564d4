import { useState } from "react";
import { gql } from "../../api/client.ts";
import { keyAction, MANAGED_KEY, MANAGED_KEY_CHANGED } from "../../api/documents.ts";
import type { KeyState, ManagedKey, TypedError } from "../../api/types.ts";
import { useLiveQuery } from "../../api/use-live.ts";
import { LiveNote } from "../../components/LiveNote.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { Link } from "../../router.tsx";
import { StateBadge, SyncBadge } from "./badges.tsx";
import { useCan } from "../../auth/use-can.ts";
import type { Permission } from "../../auth/permissions.ts";
import { ActionButton } from "../../components/ActionButton.tsx";

type Action = "activate" | "deactivate" | "rotate" | "sync" | "destroy";

/** Each action, when the key's state allows it, and what the confirmation says it does. */
const ACTIONS: { action: Action; label: string; states: KeyState[]; permission: Permission; danger?: boolean; effect: string }[] = [
  { action: "activate", permission: "keys.deploy", label: "Activate", states: ["PRE_ACTIVATION", "DEACTIVATED"], effect: "The key is installed and enabled in every keystore its template targets." },
  { action: "deactivate", permission: "keys.deploy", label: "Deactivate", states: ["ACTIVE"], effect: "The key is disabled in every keystore: nothing can encrypt or decrypt with it until it is activated again." },
  { action: "rotate", permission: "keys.rotate", label: "Rotate", states: ["ACTIVE"], effect: "New key material becomes a new version in every keystore that holds the key; the old version keeps decrypting what it encrypted." },
  { action: "sync", permission: "keys.deploy", label: "Sync", states: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"], effect: "The gateway's state for this key is pushed to every keystore where it drifted." },
  {
    action: "destroy",
    permission: "keys.destroy",
    label: "Destroy",
    states: ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED"],
    danger: true,
    effect: "The key material is erased and the key is scheduled for deletion in every keystore. Data encrypted under it becomes unreadable once the keystores delete it. This cannot be undone.",
  },
];

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
  const [notice, setNotice] = useState<string>();
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
      const r = await gql<Record<string, TypedError & { managedKey?: ManagedKey; allowedStates?: string[]; nextRotationAt?: string }>>(keyAction(action), { input });
      const outcome = r[`${action}ManagedKey`]!;
      if (outcome.managedKey) {
        setNotice(action === "sync" && dryRun ? "Checked each keystore; nothing was changed. Drift, if any, is marked below." : `Done: ${action}.`);
        // The answer is the key as it is now: show it at once, without waiting for the next read.
        q.replace(() => ({ managedKey: outcome.managedKey! }));
      }
      else if (outcome.nextRotationAt) setError(`${outcome.message} It can be rotated again at ${formatTime(outcome.nextRotationAt)}.`);
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
      <p className="crumbs">
        <Link to="/keys">Managed keys</Link> › {key.label}
      </p>
      <div className="page-head">
        <h1>{key.label}</h1>
        <LiveNote live={q.live} />
        <div className="actions">
          {ACTIONS.filter((a) => a.states.includes(key.state)).map((a) => (
            <ActionButton key={a.action} className={a.danger ? "danger" : undefined} refused={why(a.permission, key.vault)} onClick={() => setPending(a)}>
              {a.label}
            </ActionButton>
          ))}
        </div>
      </div>
      <Alert kind="success">{notice}</Alert>
      <Alert>{error}</Alert>
      <dl className="summary">
        <dt>State</dt>
        <dd data-testid="key-state">
          <StateBadge state={key.state} /> {key.usable ? "usable" : "not usable for encryption yet"}
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
        <dd>{key.verificationPattern ? <code>{`${key.verificationPattern.method}: ${key.verificationPattern.value}`}</code> : <span className="muted">none</span>}</dd>
      </dl>
      <section className="panel" aria-labelledby="where-title">
        <h2 id="where-title">Status in keystores</h2>
        {key.statusInKeystores.length === 0 ? (
          <p>Not installed in any keystore yet.</p>
        ) : (
          <table className="list" data-testid="key-keystores">
            <thead>
              <tr>
                <th scope="col">Keystore</th>
                <th scope="col">Holds</th>
                <th scope="col">Sync</th>
                <th scope="col">Version</th>
                <th scope="col">Detail</th>
                <th scope="col">Checked</th>
              </tr>
            </thead>
            <tbody>
              {key.statusInKeystores.map((s) => (
                <tr key={s.keystoreName} className={s.syncFlag !== "OK" ? "drift" : undefined}>
                  <td>{s.keystore ? <Link to={`/keystores/${s.keystore.id}`}>{s.keystoreName}</Link> : `${s.keystoreName} (disconnected)`}</td>
                  <td>{s.status}</td>
                  <td>
                    <SyncBadge flag={s.syncFlag} />
                  </td>
                  <td>{s.keyVersion}</td>
                  <td>
                    {s.detail.replace(/_/g, " ")}
                    {s.error && <span className="error"> {s.error}</span>}
                  </td>
                  <td>{formatTime(s.checkedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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

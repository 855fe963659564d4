import { useState } from "react";
import { gql } from "../api/client.ts";
import { KEYSTORE, KEYSTORE_REPAIR_ACTIONS, KEYSTORE_STATUS_CHANGED, KEYSTORE_TYPES, REFRESH_STATUS } from "../api/documents.ts";
import type { ConnectionTest, Keystore, KeystoreType, RepairAction, TypedError } from "../api/types.ts";
import { useQuery } from "../api/use-query.ts";
import { useLiveQuery } from "../api/use-live.ts";
import { useKeystoreChanges } from "../api/keystore-broadcast.ts";
import { Alert, formatTime, HealthBadge, Loading } from "../components/Feedback.tsx";
import { LongValue } from "../components/LongValue.tsx";
import { LockMark } from "../components/PropertyField.tsx";
import { ConnectionTestResult, TestChecks } from "../components/ConnectionTestResult.tsx";
import { Link } from "../router.tsx";
import { EditConnection } from "./keystore/EditConnection.tsx";
import { Disconnect } from "./keystore/Disconnect.tsx";
import { RepairKeystore } from "./keystore/RepairKeystore.tsx";
import { useCan } from "../auth/use-can.ts";
import { ActionButton } from "../components/ActionButton.tsx";
import { usePageTitle } from "../components/use-page-title.ts";
import { Crumbs } from "../shell/Crumbs.tsx";

/** One keystore: its properties, its status (checked on demand), editing and disconnecting. */
export function KeystorePage({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const q = useLiveQuery<{ keystore: (Keystore & { lastConnectionTest: ConnectionTest["checks"] }) | null }>(KEYSTORE, { id }, {
    subscription: KEYSTORE_STATUS_CHANGED,
    vaults: (data) => (data?.keystore ? [data.keystore.vault.id] : []),
    // The page shows more than the event carries (properties, the last test): read it again, but not under an open edit form.
    apply: (event: { keystoreStatusChanged: Keystore | null }, query) => {
      if (!editing && event.keystoreStatusChanged?.id === id) void query.reload();
    },
    poll: !editing,
  });
  const types = useQuery<{ keystoreTypes: KeystoreType[] }>(KEYSTORE_TYPES);
  const repairs = useQuery<{ keystoreTypes: { type: string; capabilities: { repair: RepairAction | null } }[] }>(KEYSTORE_REPAIR_ACTIONS);
  usePageTitle(q.data?.keystore ? `Keystore ${q.data.keystore.name}` : "Keystore");
  const [checking, setChecking] = useState(false);
  const [checkResult, setCheckResult] = useState<ConnectionTest>();
  const [checkError, setCheckError] = useState<string>();
  const [notice, setNotice] = useState<{ text: string; ok: boolean }>();
  // An edit saved in another tab: read the keystore again (an open edit form keeps its input; saving it then meets the new version).
  // A Check now result is about the properties it tested: once they change it no longer applies.
  useKeystoreChanges((changed) => {
    if (changed !== id) return;
    setCheckResult(undefined);
    void q.reload();
  });
  const { why } = useCan();

  if (q.data && !q.data.keystore) {
    return (
      <>
        <h1>Keystore not found</h1>
        <p>
          It may have been disconnected. Back to the <Link to="/keystores">keystores</Link>.
        </p>
      </>
    );
  }
  const keystore = q.data?.keystore;
  if (!keystore) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the keystore" />;
  const type = types.data?.keystoreTypes.find((t) => t.type === keystore.type);
  const refused = why("keystores.write", keystore.vault);
  const repair = repairs.data?.keystoreTypes.find((t) => t.type === keystore.type)?.capabilities.repair;
  const label = (name: string) => type?.properties.find((d) => d.name === name)?.label ?? name;

  const checkNow = async () => {
    setChecking(true);
    setCheckError(undefined);
    try {
      const r = await gql<{ refreshKeystoreStatus: TypedError & { refresh?: { test: ConnectionTest } } }>(REFRESH_STATUS, { input: { id } });
      if (r.refreshKeystoreStatus.refresh) setCheckResult(r.refreshKeystoreStatus.refresh.test);
      else setCheckError(r.refreshKeystoreStatus.message);
      await q.reload();
    } catch (e) {
      setCheckError((e as Error).message);
    } finally {
      setChecking(false);
    }
  };

  return (
    <>
      <Crumbs parent={{ to: "/keystores", label: "Keystores" }} current={keystore.name} />
      <div className="page-head">
        <h1>{keystore.name}</h1>
        <div className="actions">
          {!editing && type && (
            <ActionButton refused={refused} onClick={() => setEditing(true)}>
              Edit connection
            </ActionButton>
          )}
          <Disconnect keystore={keystore} refused={refused} />
        </div>
      </div>
      {/* A save whose connection does not work is not a success: said in red. */}
      <Alert kind={notice?.ok ? "success" : "error"}>{notice?.text}</Alert>
      <Alert>{q.error}</Alert>
      <dl className="summary">
        <dt>Type</dt>
        <dd>{type?.displayName ?? keystore.type}</dd>
        <dt>Vault</dt>
        <dd>
          <Link to={`/vaults/${keystore.vault.id}`}>{keystore.vault.name}</Link>
        </dd>
        <dt>Groups</dt>
        <dd>{keystore.groups.join(", ") || <span className="muted">none</span>}</dd>
        <dt>Description</dt>
        <dd>{keystore.description || <span className="muted">none</span>}</dd>
      </dl>

      <section aria-labelledby="status-title" className="panel">
        <h2 id="status-title">Status</h2>
        <dl className="summary" data-testid="status">
          <dt>Health</dt>
          <dd>
            <HealthBadge health={keystore.status.health} />
          </dd>
          <dt>Message</dt>
          <dd>{keystore.status.message}</dd>
          <dt>Last checked</dt>
          <dd>{formatTime(keystore.status.checkedAt)}</dd>
          <dt>Last heartbeat</dt>
          <dd>{formatTime(keystore.status.lastHeartbeat)}</dd>
        </dl>
        {repair && <RepairKeystore keystore={keystore} repair={repair} refused={refused} onRepaired={() => q.reload()} />}
        <ActionButton refused={refused} onClick={() => void checkNow()} disabled={checking}>
          {checking ? "Checking…" : "Check now"}
        </ActionButton>
        <div aria-live="polite">
          <Alert>{checkError}</Alert>
          {checkResult ? <ConnectionTestResult test={checkResult} /> : <TestChecks checks={keystore.lastConnectionTest} collapsed />}
        </div>
      </section>

      {editing && type ? (
        <EditConnection
          keystore={keystore}
          type={type}
          onCancel={() => setEditing(false)}
          onSaved={async (text, ok) => {
            setEditing(false);
            setCheckResult(undefined);
            setNotice({ text, ok });
            await q.reload();
          }}
        />
      ) : (
        <section aria-labelledby="props-title" className="panel">
          <h2 id="props-title">Connection properties</h2>
          <dl className="summary" data-testid="properties">
            {keystore.properties.map((p) => (
              <div key={p.name} className="summary-row" data-property={p.name}>
                <dt>
                  {label(p.name)}
                  {p.immutable && <LockMark />}
                </dt>
                <dd>{p.secret ? (p.isSet ? "set" : <span className="muted">not set</span>) : p.isSet && p.value !== null ? <LongValue value={p.value} /> : <span className="muted">not set</span>}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </>
  );
}

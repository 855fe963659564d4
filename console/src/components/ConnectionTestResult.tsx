import type { ConnectionCheck, ConnectionTest } from "../api/types.ts";
import { Link } from "../router.tsx";
import { Alert, Badge, HealthBadge } from "./Feedback.tsx";
import { ListTable, type Column } from "./table/ListTable.tsx";

const OUTCOME: Record<ConnectionCheck["outcome"], { text: string; tone: "ok" | "warn" | "bad" | "neutral" }> = {
  PASSED: { text: "Passed", tone: "ok" },
  FAILED: { text: "Failed", tone: "bad" },
  NOT_VERIFIABLE: { text: "Not verifiable", tone: "warn" },
  SKIPPED: { text: "Skipped", tone: "neutral" },
};

/**
 * A connection test: the verdict, the account it found, whether that remote keystore is connected
 * already, the missing permissions, and every check. Only a test that passed and names a keystore
 * not yet connected is shown in green: a keystore that would be refused as a duplicate is not a success.
 * `self` is the keystore being edited: finding itself is not "already connected".
 */
export function ConnectionTestResult({ test, self }: { test: ConnectionTest; self?: string }) {
  const duplicate = test.alreadyConnected && test.alreadyConnected.keystoreId !== self ? test.alreadyConnected : undefined;
  return (
    <div className="test-result" data-ok={test.ok && !duplicate}>
      {/* Working credentials for a keystore connected already: neither a success nor the test's failure. */}
      <Alert kind={!test.ok ? "error" : duplicate ? "info" : "success"}>
        <strong>{!test.ok ? "The connection test failed." : duplicate ? "The credentials work, but this keystore is connected already." : "The connection works."}</strong> {test.message} <HealthBadge health={test.health} />
      </Alert>
      {test.account && (
        <p data-testid="test-account">
          Account found: <code>{test.account}</code>
        </p>
      )}
      {duplicate && (
        <Alert>
          <span data-testid="already-connected">
            <strong>Already connected.</strong>{" "}
            {duplicate.keystoreName ? (
              <>
                This remote keystore is connected as{" "}
                {duplicate.keystoreId ? <Link to={`/keystores/${duplicate.keystoreId}`}>{duplicate.keystoreName}</Link> : duplicate.keystoreName} in vault {duplicate.vaultName}.
              </>
            ) : (
              "This remote keystore is connected in a vault you cannot read."
            )}{" "}
            A remote keystore can be connected only once: connecting it again will be refused.
          </span>
        </Alert>
      )}
      {test.missingPermissions.length > 0 && (
        <div className="missing">
          <h3>Missing permissions</h3>
          <ul>
            {test.missingPermissions.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <TestChecks checks={test.checks} />
    </div>
  );
}

const CHECK_COLUMNS: Column<ConnectionCheck>[] = [
  { key: "check", header: "Check", cell: (c) => c.permission ?? c.kind.toLowerCase() },
  { key: "outcome", header: "Outcome", cell: (c) => <Badge tone={OUTCOME[c.outcome].tone}>{OUTCOME[c.outcome].text}</Badge> },
  { key: "found", header: "Found", cell: (c) => c.message },
];

export function TestChecks({ checks, collapsed = false }: { checks: ConnectionCheck[]; collapsed?: boolean }) {
  if (checks.length === 0) return null;
  const table = (
    <ListTable title="Checks" caption="Checks" className="checks" columns={CHECK_COLUMNS} rows={checks} rowId={(c) => c.name} />
  );
  if (!collapsed) return table;
  const failed = checks.filter((c) => c.outcome === "FAILED").length;
  return (
    <details className="checks-details">
      <summary>
        {checks.length} checks of the last test{failed > 0 ? `, ${failed} failed` : ""}
      </summary>
      {table}
    </details>
  );
}

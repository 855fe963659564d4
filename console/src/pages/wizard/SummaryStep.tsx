import { fieldsFor, type Field } from "../../forms/descriptors.ts";
import { parseGroups } from "../../forms/validate.ts";
import { LockMark } from "../../components/PropertyField.tsx";
import { pemSummary } from "../../components/LongValue.tsx";
import { COUNTRIES } from "./state.ts";
import { CostText, useCostEstimate } from "./CostEstimate.tsx";
import { derivedFromFiles } from "../../forms/key-files.ts";
import { CONNECT_NOTICES } from "./connect-notices.ts";
import type { StepProps } from "./Wizard.tsx";

/** Step 5: everything entered, secrets only as "set", what connecting changes, and the cost, before Connect. */
export function SummaryStep({ state, registerCheck }: StepProps) {
  registerCheck(() => true);
  const type = state.type!;
  const { estimate, error } = useCostEstimate(type.type, state.country);
  const fields = fieldsFor(type, "connect");
  // Derived properties the chosen files imply (a key file's project); others are computed on connect.
  const preview = derivedFromFiles(fields, state.values);
  const notice = CONNECT_NOTICES[type.type];
  const shown = (f: Field) => {
    const v = preview[f.name] ?? state.values[f.name];
    if (v === undefined || v === "") return <span className="muted">not set</span>;
    if (f.secret) return "set";
    // Multi-line text (a PEM chain) is summed up, not printed: it was just pasted and checked.
    if (f.kind === "textarea") return pemSummary(String(v)) ?? `${String(v).trim().split(/\r?\n/).length} lines`;
    return String(v);
  };
  const country = COUNTRIES.find(([c]) => c === state.country)?.[1] ?? state.country;
  return (
    <>
      <dl className="summary">
        <dt>Vault</dt>
        <dd>{state.vault?.name}</dd>
        <dt>Keystore type</dt>
        <dd>{type.displayName}</dd>
        <dt>Name</dt>
        <dd>{state.general.name}</dd>
        <dt>Description</dt>
        <dd>{state.general.description || <span className="muted">none</span>}</dd>
        <dt>Groups</dt>
        <dd>{parseGroups(state.general.groups).join(", ") || <span className="muted">none</span>}</dd>
        {fields
          .filter((f) => !f.derived || preview[f.name] !== undefined)
          .map((f) => (
            <div key={f.name} className="summary-row" data-property={f.name}>
              <dt>
                {f.label}
                {f.locked && <LockMark />}
              </dt>
              <dd>{shown(f)}</dd>
            </div>
          ))}
        <dt>Connection test</dt>
        <dd data-testid="summary-test">
          {!state.test
            ? "not run"
            : state.test.alreadyConnected
              ? `passed, but this remote keystore is already connected${state.test.alreadyConnected.keystoreName ? ` as ${state.test.alreadyConnected.keystoreName} in vault ${state.test.alreadyConnected.vaultName}` : ""}: connecting will be refused`
              : state.test.ok
                ? "passed"
                : `failed: ${state.test.message}`}
          {state.test?.account && ` (account ${state.test.account})`}
        </dd>
        <dt>Estimated cost ({country})</dt>
        <dd data-testid="total-cost">
          {error && `No estimate: ${error}`}
          {estimate && <CostText estimate={estimate} />}
        </dd>
      </dl>
      {notice && (
        <p className="notice" role="note" data-testid="connect-notice">
          <strong>Before you connect:</strong> {notice}
        </p>
      )}
      {state.test && !state.test.ok && <p className="warning">The connection test failed. You can connect anyway; the keystore's status will show the problem until it is fixed.</p>}
    </>
  );
}

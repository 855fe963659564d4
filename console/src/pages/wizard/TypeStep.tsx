import { RadioTile } from "@carbon/react";
import { useId, useState } from "react";
import { KEYSTORE_TYPES } from "../../api/documents.ts";
import type { KeystoreType } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { Combobox } from "../../components/Combobox.tsx";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { initialValues } from "../../forms/descriptors.ts";
import { COUNTRIES } from "./state.ts";
import { CostEstimate } from "./CostEstimate.tsx";
import { firstSentence, holds, needs } from "./type-summary.ts";
import type { StepProps } from "./Wizard.tsx";

/** Step 2: one card per keystore type the gateway has loaded, with what it would cost. */
export function TypeStep({ state, update, registerCheck }: StepProps) {
  const types = useQuery<{ keystoreTypes: KeystoreType[] }>(KEYSTORE_TYPES);
  const [error, setError] = useState<string>();
  const countryId = useId();

  registerCheck(() => {
    if (state.type) return true;
    setError("Choose a keystore type");
    return false;
  });

  const choose = (type: KeystoreType) => {
    setError(undefined);
    // A new type means a new form: start from its defaults, forget the old test.
    if (state.type?.type !== type.type) update({ type, values: initialValues(type, "connect"), test: undefined, serverErrors: {} });
  };

  return (
    <>
      {/* A combobox, not a native select: the list of countries is long, typing finds one. */}
      <div className="country">
        <label htmlFor={countryId}>Prices in the currency of</label>
        <Combobox id={countryId} options={COUNTRIES.map(([code, name]) => ({ value: code, label: name }))} value={state.country} onChange={(country) => update({ country })} />
      </div>
      <Alert>{types.error}</Alert>
      {!types.data && types.loading && <Loading what="keystore types" />}
      {types.data && types.data.keystoreTypes.length === 0 && (
        <Alert kind="info">The gateway has no connector loaded. Set UKO_CONNECTORS and restart it to connect keystores.</Alert>
      )}
      <fieldset className={`field${error ? " field-invalid" : ""}`} aria-describedby={error ? "type-error" : undefined}>
        <legend className="required-label">Keystore type</legend>
        <div className="cards">
          {types.data?.keystoreTypes.map((t) => (
            // Carbon's radio tile: a real radio input (one tab stop for the group, arrows move) and the card as its label.
            <RadioTile
              key={t.type}
              id={`type-${t.type}`}
              name="keystoreType"
              value={t.type}
              checked={state.type?.type === t.type}
              onChange={() => choose(t)}
              className={`card${state.type?.type === t.type ? " selected" : ""}`}
              data-type={t.type}
            >
              <span className="card-title">{t.displayName}</span>
              <span className="card-text">{firstSentence(t.description)}</span>
              <span className="card-text card-needs">
                <strong>Needs:</strong> {needs(t)}
              </span>
              {t.capabilities && (
                <span className="card-text card-holds">
                  <strong>Holds:</strong> {holds(t)}
                </span>
              )}
              <CostEstimate type={t.type} country={state.country} />
            </RadioTile>
          ))}
        </div>
        {error && (
          <p className="error" id="type-error" role="alert">
            {error}
          </p>
        )}
      </fieldset>
    </>
  );
}

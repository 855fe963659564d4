import { useEffect, useRef, useState } from "react";
import { gql } from "../../api/client.ts";
import { CONNECT_KEYSTORE } from "../../api/documents.ts";
import type { TypedError } from "../../api/types.ts";
import { propertiesInput, toPropertyValues } from "../../forms/descriptors.ts";
import { errorToFields, FORM } from "../../forms/issues.ts";
import { parseGroups } from "../../forms/validate.ts";
import { Alert } from "../../components/Feedback.tsx";
import { navigate, Link } from "../../router.tsx";
import { defaultCountry, STEPS, type WizardState } from "./state.ts";
import { VaultStep } from "./VaultStep.tsx";
import { TypeStep } from "./TypeStep.tsx";
import { PropertiesStep } from "./PropertiesStep.tsx";
import { TestStep } from "./TestStep.tsx";
import { SummaryStep } from "./SummaryStep.tsx";

/** What each step needs: the shared state, a way to change it, and its Next check. */
export interface StepProps {
  state: WizardState;
  update(change: Partial<WizardState>): void;
  /** Set by the step: returns true when the step may be left forward; shows its messages otherwise. */
  registerCheck(check: () => boolean | Promise<boolean>): void;
}

/** The add-keystore wizard: one step at a time, each checked before Next. */
export function Wizard() {
  const [step, setStep] = useState(0);
  const [state, setState] = useState<WizardState>({ country: defaultCountry(), general: { name: "", description: "", groups: "" }, values: {}, serverErrors: {} });
  const [connecting, setConnecting] = useState(false);
  const check = useRef<() => boolean | Promise<boolean>>(() => true);
  const heading = useRef<HTMLHeadingElement>(null);
  const update = (change: Partial<WizardState>) => setState((s) => ({ ...s, ...change }));
  const registerCheck = (fn: () => boolean | Promise<boolean>) => (check.current = fn);

  // Each step starts with focus on its heading, so keyboard and screen-reader users know where they are.
  useEffect(() => heading.current?.focus(), [step]);

  const next = async () => {
    if (await check.current()) {
      check.current = () => true;
      setStep((s) => Math.min(s + 1, STEPS.length - 1));
    }
  };
  const back = () => {
    check.current = () => true;
    setStep((s) => Math.max(0, s - 1));
  };

  const connect = async () => {
    const { vault, type, general, values } = state;
    if (!vault || !type) return;
    setConnecting(true);
    try {
      const result = await gql<{ connectKeystore: TypedError & { keystore?: { id: string } } }>(CONNECT_KEYSTORE, {
        input: {
          vaultId: vault.id,
          name: general.name.trim(),
          description: general.description,
          groups: parseGroups(general.groups),
          properties: propertiesInput(type, toPropertyValues(type, values)),
        },
      });
      const outcome = result.connectKeystore;
      if (outcome.keystore) return navigate(`/keystores/${outcome.keystore.id}`);
      const errors = errorToFields(outcome, type);
      update({ serverErrors: errors });
      // Take the person to the step where the field is; a message for no field stays here.
      const fields = Object.keys(errors).filter((k) => k !== FORM);
      if (fields.includes("vaultId")) setStep(0);
      else if (fields.length > 0) setStep(2);
    } catch (e) {
      update({ serverErrors: { [FORM]: (e as Error).message } });
    } finally {
      setConnecting(false);
    }
  };

  const props: StepProps = { state, update, registerCheck };
  return (
    <>
      <p className="crumbs">
        <Link to="/keystores">Keystores</Link> › Add keystore
      </p>
      <h1>Add keystore</h1>
      <ol className="steps" aria-label="Steps">
        {STEPS.map((name, i) => (
          <li key={name} aria-current={i === step ? "step" : undefined} className={i < step ? "done" : undefined}>
            <span className="step-number">{i + 1}</span> {name}
          </li>
        ))}
      </ol>
      <section className="step" aria-labelledby="step-title">
        <h2 id="step-title" ref={heading} tabIndex={-1}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]}
        </h2>
        {state.serverErrors[FORM] && <Alert>{state.serverErrors[FORM]}</Alert>}
        {step === 0 && <VaultStep {...props} />}
        {step === 1 && <TypeStep {...props} />}
        {step === 2 && <PropertiesStep {...props} />}
        {step === 3 && <TestStep {...props} />}
        {step === 4 && <SummaryStep {...props} />}
      </section>
      <div className="wizard-nav">
        <button type="button" onClick={back} disabled={step === 0 || connecting}>
          Back
        </button>
        {step < STEPS.length - 1 ? (
          <button type="button" className="primary" onClick={() => void next()}>
            Next
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void connect()} disabled={connecting}>
            {connecting ? "Connecting…" : "Connect"}
          </button>
        )}
      </div>
    </>
  );
}

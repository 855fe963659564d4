import { Button, ProgressIndicator, ProgressStep } from "@carbon/react";
import { useEffect, useRef, useState } from "react";
import { gql } from "../../api/client.ts";
import { CONNECT_KEYSTORE } from "../../api/documents.ts";
import type { TypedError } from "../../api/types.ts";
import { propertiesInput, toPropertyValues } from "../../forms/descriptors.ts";
import { errorToFields, FORM } from "../../forms/issues.ts";
import { parseGroups } from "../../forms/validate.ts";
import { Alert } from "../../components/Feedback.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { addNavigationGuard, navigate, Link, useLocation } from "../../router.tsx";
import { defaultCountry, STEP_SLUGS, STEPS, stepUrl, type WizardState } from "./state.ts";
import { getSession } from "../../auth/session.ts";
import { clearDraft, hasInput, loadDraft, saveDraft } from "./draft.ts";
import { VaultStep } from "./VaultStep.tsx";
import { TypeStep } from "./TypeStep.tsx";
import { PropertiesStep } from "./PropertiesStep.tsx";
import { TestStep } from "./TestStep.tsx";
import { SummaryStep } from "./SummaryStep.tsx";
import { SecretsNote } from "./SecretsNote.tsx";
import { Crumbs } from "../../shell/Crumbs.tsx";
import { showToast } from "../../components/toasts.ts";

/** What each step needs: the shared state, a way to change it, and its Next check. */
export interface StepProps {
  state: WizardState;
  update(change: Partial<WizardState>): void;
  /** Set by the step: returns true when the step may be left forward; shows its messages otherwise. */
  registerCheck(check: () => boolean | Promise<boolean>): void;
}

const freshState = (): WizardState => ({ country: defaultCountry(), general: { name: "", description: "", groups: "" }, values: {}, serverErrors: {} });

/** The furthest step the state allows: the properties need a type, the type a vault. */
function reachable(state: WizardState): number {
  return !state.vault ? 0 : !state.type ? 1 : STEPS.length - 1;
}

/**
 * The add-keystore wizard: one step at a time, each checked before Next. The step is in the
 * address (so Back and Forward move between steps), the input in sessionStorage without secrets
 * (so a reload keeps it), and leaving with input asks first.
 */
export function Wizard() {
  const { search } = useLocation();
  // The wizard shows only once signed in, so `me` is known.
  const owner = getSession().me?.tokenId ?? "";
  const [draft] = useState(() => loadDraft(owner));
  const [state, setState] = useState<WizardState>(() => draft?.state ?? freshState());
  const [droppedSecrets, setDroppedSecrets] = useState<string[]>(draft?.droppedSecrets ?? []);
  const [connecting, setConnecting] = useState(false);
  const [leavingTo, setLeavingTo] = useState<string>();
  const check = useRef<() => boolean | Promise<boolean>>(() => true);
  const heading = useRef<HTMLHeadingElement>(null);
  const update = (change: Partial<WizardState>) => setState((s) => ({ ...s, ...change }));
  const registerCheck = (fn: () => boolean | Promise<boolean>) => (check.current = fn);

  // The step the address asks for, but never past what the input allows (a stale or typed address).
  const asked = Math.max(0, STEP_SLUGS.indexOf(search.get("step") as (typeof STEP_SLUGS)[number]));
  const step = Math.min(asked, reachable(state));
  useEffect(() => {
    if (search.get("step") !== STEP_SLUGS[step]) navigate(stepUrl(step), { replace: true });
  }, [search, step]);
  const goTo = (target: number) => {
    check.current = () => true;
    // A step pill answers both Enter's keydown and the click it makes: one history entry, not two.
    if (location.pathname + location.search === stepUrl(target)) return;
    navigate(stepUrl(target));
  };

  // Each step starts with focus on its heading, so keyboard and screen-reader users know where they are.
  useEffect(() => heading.current?.focus(), [step]);

  // The input survives a reload (never its secrets); leaving with input asks first.
  const dirty = hasInput(state);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    if (dirty) saveDraft(state, owner);
  }, [state, dirty, owner]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  useEffect(
    () =>
      addNavigationGuard((to) => {
        if (to.startsWith("/keystores/new") || !dirtyRef.current) return true;
        setLeavingTo(to);
        return false;
      }),
    [],
  );
  const leave = (to: string) => {
    clearDraft();
    navigate(to, { force: true });
  };
  const startOver = () => {
    clearDraft();
    setState(freshState());
    setDroppedSecrets([]);
    goTo(0);
  };

  // A check may wait for the API (is the name taken?): a second Next meanwhile must not advance twice.
  const advancing = useRef(false);
  const next = async () => {
    if (advancing.current) return;
    advancing.current = true;
    try {
      if (await check.current()) goTo(Math.min(step + 1, STEPS.length - 1));
    } finally {
      advancing.current = false;
    }
  };
  const back = () => goTo(Math.max(0, step - 1));

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
      if (outcome.keystore) {
        showToast({ kind: "success", title: `Keystore ${general.name.trim()} connected` });
        return leave(`/keystores/${outcome.keystore.id}`);
      }
      const errors = errorToFields(outcome, type);
      update({ serverErrors: errors });
      // Take the person to the step where the field is; a message for no field stays here.
      const fields = Object.keys(errors).filter((k) => k !== FORM);
      if (fields.includes("vaultId")) goTo(0);
      else if (fields.length > 0) goTo(2);
    } catch (e) {
      update({ serverErrors: { [FORM]: (e as Error).message } });
    } finally {
      setConnecting(false);
    }
  };

  const props: StepProps = { state, update, registerCheck };
  // Secrets the reload emptied and that are still empty.
  const missingSecrets = droppedSecrets.filter((name) => (state.values[name] ?? "") === "");
  return (
    <>
      <Crumbs parent={{ to: "/keystores", label: "Keystores" }} current="Add keystore" />
      <h1>Add keystore</h1>
      {/* Carbon's progress indicator: completed steps go back to their step; later ones are reached by Next, which checks each. */}
      <ProgressIndicator className="steps" aria-label="Steps" currentIndex={step} spaceEqually onChange={(i: number) => i < step && goTo(i)}>
        {STEPS.map((name, i) => (
          <ProgressStep
            key={name}
            label={`${i + 1}. ${name}`}
            description={i < step ? `Step ${i + 1}, completed: go back to it` : undefined}
            disabled={i > step}
            aria-current={i === step ? "step" : undefined}
          />
        ))}
      </ProgressIndicator>
      <section className="step" aria-labelledby="step-title">
        <h2 id="step-title" ref={heading} tabIndex={-1}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]}
        </h2>
        {state.serverErrors[FORM] && <Alert>{state.serverErrors[FORM]}</Alert>}
        {missingSecrets.length > 0 && state.type && step >= 2 && <SecretsNote type={state.type} names={missingSecrets} onProperties={step !== 2 ? () => goTo(2) : undefined} />}
        {step === 0 && <VaultStep {...props} />}
        {step === 1 && <TypeStep {...props} />}
        {step === 2 && <PropertiesStep {...props} />}
        {step === 3 && <TestStep {...props} />}
        {step === 4 && <SummaryStep {...props} />}
      </section>
      <div className="wizard-nav">
        <Button kind="secondary" onClick={back} disabled={step === 0 || connecting}>
          Back
        </Button>
        {step < STEPS.length - 1 ? (
          <Button kind="primary" onClick={() => void next()}>
            Next
          </Button>
        ) : (
          <Button kind="primary" onClick={() => void connect()} disabled={connecting}>
            {connecting ? "Connecting…" : "Connect"}
          </Button>
        )}
        {dirty && (
          <Button kind="ghost" onClick={startOver} disabled={connecting}>
            Start over
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={leavingTo !== undefined}
        title="Leave the wizard?"
        confirmLabel="Leave and discard"
        danger
        onCancel={() => setLeavingTo(undefined)}
        onConfirm={() => {
          const to = leavingTo!;
          setLeavingTo(undefined);
          leave(to);
        }}
      >
        <p>The keystore is not connected yet. What you entered in this wizard will be discarded.</p>
      </ConfirmDialog>
    </>
  );
}

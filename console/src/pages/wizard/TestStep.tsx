import { Button } from "@carbon/react";
import { useState } from "react";
import { gql } from "../../api/client.ts";
import { TEST_CONNECTION } from "../../api/documents.ts";
import type { ConnectionTest, TypedError } from "../../api/types.ts";
import { propertiesInput, toPropertyValues } from "../../forms/descriptors.ts";
import { errorToFields } from "../../forms/issues.ts";
import { Alert } from "../../components/Feedback.tsx";
import { ConnectionTestResult } from "../../components/ConnectionTestResult.tsx";
import type { StepProps } from "./Wizard.tsx";

/** Step 4 (optional): test the properties without saving anything; a failure does not block Next. */
export function TestStep({ state, update, registerCheck }: StepProps) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  registerCheck(() => true);
  const type = state.type!;

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const r = await gql<{ testKeystoreConnection: TypedError & { test?: ConnectionTest } }>(TEST_CONNECTION, {
        input: { properties: propertiesInput(type, toPropertyValues(type, state.values)) },
      });
      const outcome = r.testKeystoreConnection;
      if (outcome.test) update({ test: outcome.test });
      else {
        const byField = errorToFields(outcome, type);
        const labels = Object.keys(byField).map((k) => type.properties.find((d) => d.name === k)?.label ?? k);
        setError(`${outcome.message}${labels.length ? ` (${labels.join(", ")}: go back to Properties to fix)` : ""}`);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <p>
        Test reachability, authentication and each permission the gateway needs, without saving anything or changing the remote keystore. This step is
        optional: you may connect even when the test fails, and fix the connection later.
      </p>
      <Button kind="secondary" onClick={() => void run()} disabled={running}>
        {running ? "Testing…" : state.test ? "Test again" : "Test connection"}
      </Button>
      <div aria-live="polite">
        <Alert>{error}</Alert>
        {state.test && <ConnectionTestResult test={state.test} />}
      </div>
    </>
  );
}

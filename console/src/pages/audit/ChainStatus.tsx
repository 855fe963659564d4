import { AUDIT_CHAIN } from "../../api/access-documents.ts";
import { useQuery } from "../../api/use-query.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { plural } from "../../text/words.ts";
import { Button } from "@carbon/react";

interface Verification {
  ok: boolean;
  events: number;
  checkpoints: number;
  firstBadSeq: number | null;
  problem: string | null;
}

/** Whether the audit chain is intact (the administrator's check: every hash, link and signed checkpoint). */
export function ChainStatus() {
  const q = useQuery<{ auditChain: Verification }>(AUDIT_CHAIN);
  const v = q.data?.auditChain;
  return (
    <section className="panel" aria-labelledby="chain-title" data-testid="audit-chain">
      <h2 id="chain-title">Chain verification</h2>
      <Alert>{q.error}</Alert>
      {!v && !q.error && <Loading what="the chain check" />}
      {v?.ok && (
        <Alert kind="success">
          Intact: {plural(v.events, "event")} and {plural(v.checkpoints, "signed checkpoint")} checked; every hash and link holds.
        </Alert>
      )}
      {v && !v.ok && (
        <Alert>
          Broken{v.firstBadSeq !== null ? ` at event ${v.firstBadSeq}` : ""}: {v.problem ?? "a hash or link does not hold"}. {plural(v.events, "event")} checked.
        </Alert>
      )}
      <Button kind="tertiary" size="md" onClick={() => void q.reload()} disabled={q.loading}>
        Check again
      </Button>
    </section>
  );
}

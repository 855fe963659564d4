import { COST_ESTIMATE } from "../../api/documents.ts";
import type { CostEstimate as Estimate, TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { formatMoney } from "../../components/Feedback.tsx";

type Result = { keystoreCostEstimate: TypedError & { estimate?: Estimate } };

export function useCostEstimate(type: string | undefined, country: string) {
  const q = useQuery<Result>(COST_ESTIMATE, { input: { type, country } }, { skip: !type });
  const result = q.data?.keystoreCostEstimate;
  return { estimate: result?.estimate, error: q.error ?? (result && !result.estimate ? result.message : undefined) };
}

/** What connecting one more keystore of this type costs, from the gateway's price list. */
export function CostText({ estimate }: { estimate: Estimate }) {
  if (estimate.free) {
    return (
      <span className="cost">
        <strong>Free</strong> — the first external keystore costs nothing.
        {estimate.startsBaseCharge && ` The base charge of ${formatMoney(estimate.baseHourly)} per hour starts with it.`}
      </span>
    );
  }
  return (
    <span className="cost">
      <strong>{formatMoney(estimate.keystoreMonthly)} per month</strong>
      {estimate.startsBaseCharge ? `, and it starts the base charge of ${formatMoney(estimate.baseHourly)} per hour` : `, plus the base charge of ${formatMoney(estimate.baseHourly)} per hour`}
      {` (about ${formatMoney(estimate.estimatedMonthlyTotal)} a month in all).`}
    </span>
  );
}

export function CostEstimate({ type, country }: { type: string; country: string }) {
  const { estimate, error } = useCostEstimate(type, country);
  if (error) return <span className="cost error">No estimate: {error}</span>;
  if (!estimate) return <span className="cost">Estimating the cost…</span>;
  return <CostText estimate={estimate} />;
}

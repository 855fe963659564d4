import { COST_ESTIMATE } from "../../api/documents.ts";
import type { CostLineItem, CostEstimate as Estimate, TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { formatMoney } from "../../components/Feedback.tsx";

type Result = { keystoreCostEstimate: TypedError & { estimate?: Estimate } };

/** The cloud's charges for one keystore of this type, with the gateway's default assumptions (1 key version, 10,000 operations a month). */
export function useCostEstimate(type: string | undefined, country: string) {
  const q = useQuery<Result>(COST_ESTIMATE, { input: { type, country } }, { skip: !type });
  const result = q.data?.keystoreCostEstimate;
  const estimate = result?.estimate;
  return { estimate, error: q.error ?? (result && !estimate ? result.message : undefined) };
}

const notPerKey = (e: Estimate) => e.lineItems.some((l) => l.kind === "NOT_PER_KEY");
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** One line: what it is, what it adds a month, how that is counted, and its note. */
function Line({ line }: { line: CostLineItem }) {
  const counted = line.quantity !== null && line.unitPrice && line.unit ? ` (${line.quantity.toLocaleString("en-US")} at ${formatMoney(line.unitPrice)} per ${line.unit})` : "";
  return (
    <li data-kind={line.kind}>
      {line.description}: <strong>{line.monthly ? formatMoney(line.monthly) : "not priced per key"}</strong>
      {counted}
      {line.note && <span className="muted"> — {line.note}</span>}
    </li>
  );
}

/** Where the numbers come from: the cloud's public prices as of a date, or the operator's price list. */
function Source({ estimate }: { estimate: Estimate }) {
  const assumed = `Assumes ${plural(estimate.keyVersions, "key version")} and ${plural(estimate.monthlyOperations, "operation")} a month.`;
  const converted = estimate.currency === "USD" ? "" : " Converted from USD at an approximate rate.";
  if (estimate.priceSource === "OPERATOR_PRICE_LIST") {
    return <span className="muted cost-source">Prices from your operator's price list. {assumed}{converted}</span>;
  }
  if (estimate.priceSource === "NONE") {
    return <span className="muted cost-source">This keystore type declares no cloud prices and the operator's price list has none for it, so the cloud's charges are not included.{converted}</span>;
  }
  return (
    <span className="muted cost-source">
      The cloud's public list prices as of {estimate.pricesAsOf} (
      <a href={estimate.sourceUrl ?? undefined} target="_blank" rel="noreferrer">
        pricing page
      </a>
      ), approximate. {assumed}
      {converted}
    </span>
  );
}

/**
 * What the cloud will charge each month for this keystore's keys (this self-hosted orchestrator
 * charges nothing): each line, the "Total estimated cost", and where the numbers come from.
 */
export function CostText({ estimate }: { estimate: Estimate }) {
  return (
    <div className="cost" data-testid="cost-breakdown">
      {estimate.lineItems.length > 0 && (
        <ul className="cost-lines">
          {estimate.lineItems.map((line) => (
            <Line key={line.kind} line={line} />
          ))}
        </ul>
      )}
      <p className="cost-total">
        <strong>Total estimated cost: {formatMoney(estimate.estimatedMonthlyTotal)} per month</strong>
        {notPerKey(estimate) && ", without the charge not priced per key"}.
      </p>
      <Source estimate={estimate} />
    </div>
  );
}

/** The short form for a type's card: the monthly total for one key version, or why there is none. */
function CostSummary({ estimate }: { estimate: Estimate }) {
  if (notPerKey(estimate)) return <span className="cost"><strong>Not priced per key</strong> by the cloud (see the summary).</span>;
  if (estimate.priceSource === "NONE" && estimate.lineItems.length === 0) return <span className="cost">No cloud prices known for this type.</span>;
  return (
    <span className="cost">
      <strong>About {formatMoney(estimate.estimatedMonthlyTotal)} per month</strong> in cloud charges for {plural(estimate.keyVersions, "key version")}
      {estimate.priceSource === "OPERATOR_PRICE_LIST" ? " (your operator's prices)" : ` (list prices as of ${estimate.pricesAsOf})`}.
    </span>
  );
}

export function CostEstimate({ type, country }: { type: string; country: string }) {
  const { estimate, error } = useCostEstimate(type, country);
  if (error) return <span className="cost error">No estimate: {error}</span>;
  if (!estimate) return <span className="cost">Estimating the cost…</span>;
  return <CostSummary estimate={estimate} />;
}

import type { ReactNode } from "react";
import type { Health } from "../api/types.ts";

/** A message for the whole page or form, announced when it appears. */
export function Alert({ kind = "error", children }: { kind?: "error" | "info" | "success"; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

const HEALTH_TEXT: Record<Health, string> = {
  OK: "OK",
  CONFIGURATION_ERROR: "Configuration error",
  NOT_RESPONDING: "Not responding",
  PENDING_CHECK: "Not checked yet",
};

export function healthText(health: Health): string {
  return HEALTH_TEXT[health] ?? health;
}

/** Health as text plus colour: the word carries the meaning, the colour only repeats it. */
export function HealthBadge({ health }: { health: Health }) {
  return <span className={`badge health-${health.toLowerCase()}`}>{healthText(health)}</span>;
}

export function Badge({ tone, children }: { tone: "ok" | "warn" | "bad" | "neutral"; children: ReactNode }) {
  return <span className={`badge tone-${tone}`}>{children}</span>;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatMoney(money: { amount: number; currency: string }): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: money.currency }).format(money.amount);
}

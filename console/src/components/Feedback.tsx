import type { ReactNode } from "react";
import { Tag } from "@carbon/react";
import { CheckmarkFilled, ErrorFilled, InformationFilled, WarningFilled } from "@carbon/icons-react";
import type { Health } from "../api/types.ts";

export type AlertKind = "error" | "warning" | "info" | "success";

/** Words for the kind, read before the message (Carbon puts them in the icon's title). */
const KIND_WORD: Record<AlertKind, string> = { error: "Error", warning: "Warning", info: "Note", success: "Done" };

const KIND_ICON = { error: ErrorFilled, warning: WarningFilled, info: InformationFilled, success: CheckmarkFilled } as const;

/**
 * A message for the whole page or form, announced when it appears: Carbon's inline notification
 * (low contrast, as on a page), red for errors, never green for a failure. An error is an alert,
 * the others a status. It has no close button: it belongs to the page's state and goes with it.
 * Carbon's markup and classes, not its InlineNotification component: that component throws when
 * its message holds a link, and ours may (the keystore a test found connected already, the key a
 * failure is about). The classes `alert alert-<kind>` are hooks for the browser tests;
 * `.alert-text` holds the message.
 */
export function Alert({ kind = "error", children }: { kind?: AlertKind; children: ReactNode }) {
  if (!children) return null;
  const Icon = KIND_ICON[kind];
  return (
    <div
      className={`alert alert-${kind} cds--inline-notification cds--inline-notification--low-contrast cds--inline-notification--${kind} cds--inline-notification--hide-close-button`}
      role={kind === "error" ? "alert" : "status"}
    >
      <div className="cds--inline-notification__details">
        <Icon className="cds--inline-notification__icon" size={20} aria-label={KIND_WORD[kind]} />
        <div className="cds--inline-notification__text-wrapper">
          <div className="cds--inline-notification__subtitle alert-text">{children}</div>
        </div>
      </div>
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

const HEALTH_TONE: Record<Health, Tone> = { OK: "ok", CONFIGURATION_ERROR: "bad", NOT_RESPONDING: "bad", PENDING_CHECK: "warn" };

/** Health as text plus colour: the word carries the meaning, the colour only repeats it. */
export function HealthBadge({ health }: { health: Health }) {
  return (
    <Badge tone={HEALTH_TONE[health] ?? "neutral"} className={`health-${health.toLowerCase()}`}>
      {healthText(health)}
    </Badge>
  );
}

export type Tone = "ok" | "warn" | "bad" | "neutral";

/** Carbon's tag colours by tone; Carbon has no yellow tag, so a warning is warm grey recoloured (shell.css). */
const TAG_TYPE = { ok: "green", bad: "red", warn: "warm-gray", neutral: "gray" } as const;

/** A state word as Carbon's Tag (read-only); the class `badge` is the tests' hook. */
export function Badge({ tone, className, children }: { tone: Tone; className?: string; children: ReactNode }) {
  return (
    <Tag type={TAG_TYPE[tone]} size="sm" className={`badge tone-${tone}${className ? ` ${className}` : ""}`}>
      {children}
    </Tag>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatMoney(money: { amount: number; currency: string }): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: money.currency }).format(money.amount);
}

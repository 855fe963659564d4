import type { AuditInput } from "./audit.js";

/** Longest text an audit field keeps: ids are 36 characters, actions and reasons short. */
export const MAX_AUDIT_FIELD = 200;

/**
 * Caps every text field of an audit event. Some come from the caller (a target id from the
 * arguments, a forwarded client address), and the log must not be a place to store megabytes; a
 * capped value keeps its start and says how long it was.
 */
export function cappedAuditInput(input: AuditInput): AuditInput {
  const capped = { ...input } as Record<string, unknown>;
  for (const [name, value] of Object.entries(capped)) {
    if (typeof value === "string" && value.length > MAX_AUDIT_FIELD) {
      const note = `…(${value.length} chars)`;
      capped[name] = value.slice(0, MAX_AUDIT_FIELD - note.length) + note;
    }
  }
  return capped as unknown as AuditInput;
}

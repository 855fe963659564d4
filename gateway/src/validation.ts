import type { z } from "zod";
import { ValidationError, type FieldIssue } from "./errors.js";

/**
 * Collects the issues of several fields at once, so one failed mutation names every bad field,
 * not just the first.
 */
export class IssueCollector {
  readonly issues: FieldIssue[] = [];

  check<T>(schema: z.ZodType<T>, value: unknown, path: readonly string[]): T | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    // One message per field: the first rule it breaks says enough.
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const full = [...path, ...issue.path.map(String)];
      if (seen.has(full.join("."))) continue;
      seen.add(full.join("."));
      this.issues.push({ path: full, message: issue.message, code: issue.code.toUpperCase() });
    }
    return undefined;
  }

  add(issue: FieldIssue): void {
    this.issues.push(issue);
  }

  /** Throws a ValidationError when anything was reported. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new ValidationError(this.issues);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

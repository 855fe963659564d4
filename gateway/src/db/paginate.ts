import { ValidationError } from "../errors.js";

/**
 * Keyset pagination shared by every list: ordered by one column plus the id as tie-breaker, with
 * an opaque cursor holding both. It costs the same at page 1 and page 1,000, unlike OFFSET.
 */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export type SortValue = string | number | Date;

interface Cursor {
  v: SortValue;
  id: string;
  d?: 1;
}

export function encodeCursor(value: SortValue, id: string): string {
  const cursor: Cursor = value instanceof Date ? { v: value.toISOString(), id, d: 1 } : { v: value, id };
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

const INVALID_CURSOR = () => new ValidationError([{ path: ["after"], message: "The cursor is not one this API gave out", code: "INVALID_CURSOR" }]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Everything in a cursor reaches a query, so it is checked as strictly as any input: ids, dates, text. */
export function decodeCursor(cursor: string): { value: SortValue; id: string } {
  let parsed: Cursor;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
  } catch {
    throw INVALID_CURSOR();
  }
  if (typeof parsed !== "object" || parsed === null || typeof parsed.id !== "string" || !UUID.test(parsed.id)) throw INVALID_CURSOR();
  if (typeof parsed.v === "string") {
    if (parsed.v.length > MAX_FILTER_TEXT || parsed.v.includes("\u0000")) throw INVALID_CURSOR();
  } else if (typeof parsed.v !== "number" || !Number.isFinite(parsed.v)) {
    throw INVALID_CURSOR();
  }
  if (!parsed.d) return { value: parsed.v, id: parsed.id };
  const date = new Date(parsed.v);
  if (Number.isNaN(date.getTime())) throw INVALID_CURSOR();
  return { value: date, id: parsed.id };
}

/** The longest text a list filter takes (the longest name or label is 255 characters). */
export const MAX_FILTER_TEXT = 255;

/** Refuses filter text no stored value could match and a database may choke on (LIKE pattern limits). */
export function checkFilterText(filter: Record<string, unknown> | null | undefined, fields: readonly string[]): void {
  const issues = fields
    .filter((f) => typeof filter?.[f] === "string" && (filter[f] as string).length > MAX_FILTER_TEXT)
    .map((f) => ({ path: ["filter", f], message: `${f} must be at most ${MAX_FILTER_TEXT} characters`, code: "TOO_LONG" }));
  if (issues.length > 0) throw new ValidationError(issues);
}

export function pageSize(args: PageArgs): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new ValidationError([{ path: ["first"], message: `first must be between 0 and ${MAX_PAGE_SIZE}`, code: "OUT_OF_RANGE" }]);
  }
  return first;
}

/**
 * The Prisma `where` and `orderBy` for one page: rows strictly after the cursor in the given order.
 */
export function keysetQuery(field: string, direction: "asc" | "desc", after: string | null | undefined) {
  const orderBy = [{ [field]: direction }, { id: direction }];
  const cursor = keysetCursor(field, after);
  if (!cursor) return { orderBy, where: {} };
  const { value, id } = cursor;
  const beyond = direction === "asc" ? "gt" : "lt";
  return { orderBy, where: { OR: [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: id } }] } };
}

/** The cursor of a list ordered by `field`, checked to be one of that order's; null without one. */
export function keysetCursor(field: string, after: string | null | undefined): { value: SortValue; id: string } | null {
  if (!after) return null;
  const cursor = decodeCursor(after);
  // A cursor from another list's order (a date for a name, a name for a date) is not this list's.
  if (field.endsWith("At") !== cursor.value instanceof Date) throw INVALID_CURSOR();
  return cursor;
}

/** Fetch first+1 rows, then trim: the extra row only tells whether there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], first: number, field: keyof T, after: string | null | undefined): Page<T> {
  const nodes = rows.slice(0, first);
  return {
    nodes,
    cursors: nodes.map((n) => encodeCursor(n[field] as SortValue, n.id)),
    hasNextPage: rows.length > first,
    hasPreviousPage: Boolean(after),
  };
}

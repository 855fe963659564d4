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

export function decodeCursor(cursor: string): { value: SortValue; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
    if (typeof parsed.id !== "string" || (typeof parsed.v !== "string" && typeof parsed.v !== "number")) throw new Error();
    return { value: parsed.d ? new Date(parsed.v) : parsed.v, id: parsed.id };
  } catch {
    throw new ValidationError([{ path: ["after"], message: "The cursor is not one this API gave out", code: "INVALID_CURSOR" }]);
  }
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
  if (!after) return { orderBy, where: {} };
  const { value, id } = decodeCursor(after);
  const beyond = direction === "asc" ? "gt" : "lt";
  return { orderBy, where: { OR: [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: id } }] } };
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

import { useState } from "react";

/** A column sorted one way; `null` is the list's default order (the API's, or as loaded). */
export type SortState = { field: string; direction: "ASC" | "DESC" } | null;

/**
 * The next sort after a click on a header, in Carbon's cycle: another column starts ascending,
 * the same column goes ascending → descending → back to the default order.
 */
export function nextSort(current: SortState, field: string): SortState {
  if (current?.field !== field) return { field, direction: "ASC" };
  return current.direction === "ASC" ? { field, direction: "DESC" } : null;
}

/** Carbon's sortDirection for a header: only the sorted column carries a direction. */
export function headerDirection(current: SortState, field: string): "ASC" | "DESC" | "NONE" {
  return current?.field === field ? current.direction : "NONE";
}

/**
 * Sorting done by the API (`orderBy`). Changing it calls `onChange` first so the caller can go
 * back to the first page: a cursor belongs to the order it was read in.
 */
export function useServerSort(onChange: () => void) {
  const [sort, setSort] = useState<SortState>(null);
  return {
    sort,
    setSort: (next: SortState) => {
      onChange();
      setSort(next);
    },
    /** The `orderBy` variable, omitted for the default order. */
    orderBy: sort ? { orderBy: { field: sort.field, direction: sort.direction } } : {},
  };
}

/** Rows sorted in memory (small lists loaded whole), stable: equal rows keep their order. */
export function sortRows<T>(rows: readonly T[], sort: SortState, compare: ((a: T, b: T) => number) | undefined): T[] {
  if (!sort || !compare) return [...rows];
  const sign = sort.direction === "ASC" ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.i - b.i)
    .map((x) => x.row);
}

/** Text compared as people read it ("key-2" before "key-10"). */
export const byText = <T,>(text: (row: T) => string) => (a: T, b: T) => text(a).localeCompare(text(b), undefined, { numeric: true, sensitivity: "base" });

/** Times compared (ISO strings or null: never comes first). */
export const byTime = <T,>(time: (row: T) => string | null | undefined) => {
  const at = (row: T) => {
    const t = time(row);
    return t ? Date.parse(t) : 0;
  };
  return (a: T, b: T) => at(a) - at(b);
};

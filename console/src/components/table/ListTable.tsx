import { useId, useState, type ReactNode } from "react";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader, TableRow, TableSelectAll, TableSelectRow } from "@carbon/react";
import { headerDirection, nextSort, sortRows, type SortState } from "./sort.ts";
import { BatchBar, type BatchAction } from "./BatchBar.tsx";
import type { Selection } from "./selection.ts";

export interface Column<T> {
  /** Unique in the table; for a column the API orders by, its `orderBy` field. */
  key: string;
  header: string;
  cell(row: T): ReactNode;
  className?: string;
  /** The API can order the list by this column (the key is its order field). */
  serverSort?: boolean;
  /** The rows are all loaded: sorted in memory by this. */
  compare?(a: T, b: T): number;
}

export interface ListTableProps<T> {
  /** The table's accessible name (a visually hidden caption, or the title when there is one). */
  caption: string;
  /** Carbon's table header: a visible title and description above the table. */
  title?: string;
  description?: ReactNode;
  columns: Column<T>[];
  rows: readonly T[];
  rowId(row: T): string;
  rowClassName?(row: T): string | undefined;
  testId?: string;
  /** More classes on the table (`list` is always there). */
  className?: string;
  /** Sorting by the API: the current order and what a click on a header asks for. */
  sort?: { state: SortState; onChange(next: SortState): void };
  /** Row selection for batch actions; leave out where the user may not act on any row. */
  selection?: Selection & {
    /** What the row's checkbox says: "Select aws-prod". */
    rowLabel(row: T): string;
    /** A row the user may not act on has no usable checkbox. */
    selectable?(row: T): boolean;
    actions: BatchAction<T>[];
  };
}

/**
 * Every list in the console: Carbon's DataTable parts, with sorting (by the API, or in memory for
 * a list loaded whole) and, where offered, row selection with Carbon's batch action bar. It
 * scrolls sideways inside its own container in a narrow window; the container takes keyboard
 * focus so it can be scrolled without a mouse.
 */
export function ListTable<T>(props: ListTableProps<T>) {
  const { columns, selection } = props;
  const id = useId();
  const [localSort, setLocalSort] = useState<SortState>(null);
  const sortState = props.sort ? props.sort.state : localSort;
  const setSort = props.sort ? props.sort.onChange : setLocalSort;
  const sortable = (c: Column<T>) => (props.sort ? Boolean(c.serverSort) : Boolean(c.compare));
  const rows = props.sort ? [...props.rows] : sortRows(props.rows, localSort, columns.find((c) => c.key === localSort?.field)?.compare);
  const selectable = rows.filter((r) => selection && (selection.selectable?.(r) ?? true));
  const chosen = selection ? rows.filter((r) => selection.selected.has(props.rowId(r))) : [];
  const toggle = (rowId: string, on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(rowId);
    else next.delete(rowId);
    selection.setSelected(next);
  };
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;

  return (
    <TableContainer title={props.title} description={props.description} className="list-table">
      {selection && <BatchBar caption={props.caption} rows={chosen} actions={selection.actions} onCancel={selection.clear} />}
      <div className="table-scroll" tabIndex={0} role="group" aria-label={props.caption}>
        <Table className={props.className ? `list ${props.className}` : "list"} size="md" isSortable={columns.some(sortable)} data-testid={props.testId}>
          {!props.title && <caption className="visually-hidden">{props.caption}</caption>}
          <TableHead>
            <TableRow>
              {selection && (
                <TableSelectAll
                  id={`${id}-all`}
                  name={`${id}-all`}
                  aria-label={`Select all ${props.caption.toLowerCase()} on this page`}
                  checked={allChosen}
                  indeterminate={chosen.length > 0 && !allChosen}
                  disabled={selectable.length === 0}
                  onSelect={() => selection.setSelected(allChosen ? new Set() : new Set(selectable.map(props.rowId)))}
                />
              )}
              {columns.map((c) =>
                sortable(c) ? (
                  <TableHeader key={c.key} isSortable isSortHeader={sortState?.field === c.key} sortDirection={headerDirection(sortState, c.key)} onClick={() => setSort(nextSort(sortState, c.key))}>
                    {c.header}
                  </TableHeader>
                ) : (
                  <TableHeader key={c.key}>{c.header}</TableHeader>
                ),
              )}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => {
              const rowId = props.rowId(row);
              const isSelected = selection?.selected.has(rowId) ?? false;
              return (
                <TableRow key={rowId} className={props.rowClassName?.(row)} isSelected={isSelected}>
                  {selection && (
                    <TableSelectRow
                      id={`${id}-${rowId}`}
                      name={`${id}-${rowId}`}
                      aria-label={selection.rowLabel(row)}
                      checked={isSelected}
                      disabled={!(selection.selectable?.(row) ?? true)}
                      onSelect={() => toggle(rowId, !isSelected)}
                    />
                  )}
                  {columns.map((c) => (
                    <TableCell key={c.key} className={c.className}>
                      {c.cell(row)}
                    </TableCell>
                  ))}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    </TableContainer>
  );
}

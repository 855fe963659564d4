import { TableBatchAction, TableBatchActions, TableToolbar, TableToolbarContent } from "@carbon/react";

export interface BatchAction<T> {
  label: string;
  /** Runs it on the selected rows (the page asks for confirmation first where it must). */
  run(rows: T[]): void;
  disabled?: boolean;
}

// Carbon's batch action button shows an "Add" icon unless told otherwise; these actions are words.
const NoIcon = () => null;

/**
 * Carbon's toolbar with its batch action bar: it slides in over the toolbar when rows are
 * selected ("2 items selected", the actions, Cancel). While hidden it is aria-hidden, so its
 * buttons leave the tab order too.
 */
export function BatchBar<T>({ caption, rows, actions, onCancel }: { caption: string; rows: T[]; actions: BatchAction<T>[]; onCancel(): void }) {
  const shown = rows.length > 0;
  return (
    <TableToolbar aria-label={`${caption}: batch actions`}>
      <TableBatchActions shouldShowBatchActions={shown} totalSelected={rows.length} onCancel={onCancel}>
        {actions.map((a) => (
          <TableBatchAction key={a.label} renderIcon={NoIcon} tabIndex={shown ? 0 : -1} disabled={a.disabled} onClick={() => a.run(rows)}>
            {a.label}
          </TableBatchAction>
        ))}
      </TableBatchActions>
      <TableToolbarContent aria-hidden={shown}>
        <p className="batch-hint">Select rows to {actions.map((a) => a.label.toLowerCase()).join(" or ")} several at once.</p>
      </TableToolbarContent>
    </TableToolbar>
  );
}

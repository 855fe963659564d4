import { useMemo, useState } from "react";

/**
 * The ids of the selected rows. Only rows on the current page count: a row that left it (another
 * page, a filter, a reload) is dropped, so a batch action never reaches a row the user cannot see.
 */
export function useSelection(visibleIds: readonly string[]) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const key = visibleIds.join(",");
  const selected = useMemo(() => new Set([...chosen].filter((id) => visibleIds.includes(id))), [chosen, key]);
  return { selected: selected as ReadonlySet<string>, setSelected: setChosen, clear: () => setChosen(new Set()) };
}

export type Selection = ReturnType<typeof useSelection>;

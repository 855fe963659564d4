import { KEY_TEMPLATES } from "../../api/documents.ts";
import { targetsText, type KeyTemplate, type Page } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { Link } from "../../router.tsx";
import { useCan } from "../../auth/use-can.ts";
import { ActionLink } from "../../components/ActionButton.tsx";
import { ListTable, type Column } from "../../components/table/ListTable.tsx";
import { useServerSort } from "../../components/table/sort.ts";

const COLUMNS: Column<KeyTemplate>[] = [
  {
    key: "NAME",
    header: "Name",
    serverSort: true,
    cell: (t) => (
      <>
        <Link to={`/templates/${t.id}`}>{t.name}</Link>
        {t.archived && " (archived)"}
      </>
    ),
  },
  { key: "vault", header: "Vault", cell: (t) => t.vault.name },
  { key: "key", header: "Key", cell: (t) => `${t.key.algorithm} ${t.key.size}, starts ${t.key.initialState.replace("_", " ").toLowerCase()}` },
  { key: "target", header: "Target", cell: (t) => targetsText(t.targets) },
  { key: "naming", header: "Naming scheme", cell: (t) => <code>{t.namingScheme}</code> },
  { key: "keys", header: "Keys", cell: (t) => t.keysCount },
];

export function TemplateList() {
  // All templates in one page (at most 100): a new order needs no cursor reset.
  const sort = useServerSort(() => undefined);
  const q = useQuery<{ keyTemplates: Page<KeyTemplate> }>(KEY_TEMPLATES, sort.orderBy, { pollMs: POLL_MS });
  const page = q.data?.keyTemplates;
  const { why } = useCan();
  return (
    <>
      <div className="page-head">
        <h1>Key templates</h1>
        <ActionLink kind="primary" to="/templates/new" refused={why("templates.write")}>
          Create template
        </ActionLink>
      </div>
      <Alert>{q.error}</Alert>
      {!page && <Loading what="templates" />}
      {page && page.totalCount === 0 && <p className="empty">No template yet. A template says what keys look like and which keystores (a type plus a group) they go to.</p>}
      {page && page.totalCount > 0 && (
        <ListTable caption="Key templates" columns={COLUMNS} rows={page.nodes} rowId={(t) => t.id} sort={{ state: sort.sort, onChange: sort.setSort }} />
      )}
    </>
  );
}

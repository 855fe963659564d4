import { KEY_TEMPLATES } from "../../api/documents.ts";
import { targetsText, type KeyTemplate, type Page } from "../../api/types.ts";
import { POLL_MS, useQuery } from "../../api/use-query.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { Link } from "../../router.tsx";
import { useCan } from "../../auth/use-can.ts";
import { ActionLink } from "../../components/ActionButton.tsx";

export function TemplateList() {
  const q = useQuery<{ keyTemplates: Page<KeyTemplate> }>(KEY_TEMPLATES, {}, { pollMs: POLL_MS });
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
        <table className="list" tabIndex={0}>
          <caption className="visually-hidden">Key templates</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Vault</th>
              <th scope="col">Key</th>
              <th scope="col">Target</th>
              <th scope="col">Naming scheme</th>
              <th scope="col">Keys</th>
            </tr>
          </thead>
          <tbody>
            {page.nodes.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/templates/${t.id}`}>{t.name}</Link>
                  {t.archived && " (archived)"}
                </td>
                <td>{t.vault.name}</td>
                <td>
                  {t.key.algorithm} {t.key.size}, starts {t.key.initialState.replace("_", " ").toLowerCase()}
                </td>
                <td>
                  {targetsText(t.targets)}
                </td>
                <td>
                  <code>{t.namingScheme}</code>
                </td>
                <td>{t.keysCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

import { useState } from "react";
import { gql } from "../../api/client.ts";
import { ACCESS_TOKENS, CREATE_ACCESS_TOKEN } from "../../api/access-documents.ts";
import type { TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { ROLE_TEXT, type VaultRole } from "../../auth/me.ts";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { TextField } from "../../components/TextField.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import { Link } from "../../router.tsx";
import { plural } from "../../text/words.ts";
import type { AccessToken, TokensData } from "./types.ts";
import { AdminOnly } from "./AdminOnly.tsx";
import { RoleFields } from "./RoleFields.tsx";
import { Button } from "@carbon/react";

/** Access tokens: every token with its roles, and a new one, whose secret is shown once. */
export function TokenList() {
  usePageTitle("Access tokens");
  return (
    <AdminOnly what="Access tokens">
      <Tokens />
    </AdminOnly>
  );
}

function Tokens() {
  const q = useQuery<TokensData>(ACCESS_TOKENS);
  const [name, setName] = useState("");
  const [administrator, setAdministrator] = useState(false);
  const [role, setRole] = useState<{ vaultId: string; role: VaultRole | "" }>({ vaultId: "", role: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<{ token: string; accessToken: AccessToken }>();

  const create = async () => {
    setBusy(true);
    setError(undefined);
    setNameError(undefined);
    setCreated(undefined);
    try {
      const roles = role.vaultId && role.role ? [{ vaultId: role.vaultId, role: role.role }] : [];
      const r = await gql<{ createAccessToken: TypedError & { created?: { token: string; accessToken: AccessToken } } }>(CREATE_ACCESS_TOKEN, { input: { name, administrator, roles } });
      const outcome = r.createAccessToken;
      if (outcome.created) {
        setCreated(outcome.created);
        setName("");
        setAdministrator(false);
        setRole({ vaultId: "", role: "" });
        await q.reload();
      } else {
        const atName = outcome.issues?.find((i) => i.path.includes("name"));
        if (atName) setNameError(atName.message);
        else setError(outcome.message);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Access tokens</h1>
      <p className="muted">A token is how a person or a program signs in to the console and the API. Its roles say what it may do, vault by vault.</p>
      {created && (
        <section className="panel secret-once" aria-labelledby="created-title">
          <h2 id="created-title">Token {created.accessToken.name} created</h2>
          <p role="status">
            Copy it now: <strong>it is shown this once</strong> and cannot be read again. Give it to whoever will use it over a safe channel.
          </p>
          <p>
            <label htmlFor="created-token">Token</label>
            <input id="created-token" className="token-value" readOnly value={created.token} onFocus={(e) => e.target.select()} />
          </p>
          <Button kind="primary" size="md" onClick={() => setCreated(undefined)}>
            I have copied it
          </Button>
        </section>
      )}
      <form
        className="panel"
        aria-labelledby="new-token-title"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2 id="new-token-title">New token</h2>
        <TextField label="Name" name="name" value={name} onValue={setName} required error={nameError} help="Who or what uses it: letters, digits, spaces, . _ @ -" />
        <label className="choice">
          <input type="checkbox" checked={administrator} onChange={(e) => setAdministrator(e.target.checked)} />
          Instance administrator (every vault, tokens and roles)
        </label>
        {!administrator && <RoleFields legend="A first role (optional; more on the token's page)" vaults={q.data?.vaults.nodes ?? []} value={role} onChange={setRole} />}
        <Alert>{error}</Alert>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
      <Alert>{q.error}</Alert>
      {!q.data && q.loading && <Loading what="access tokens" />}
      {q.data && (
        <table className="list" tabIndex={0} data-testid="tokens">
          <caption className="visually-hidden">Access tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Access</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {q.data.accessTokens.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/tokens/${t.id}`}>{t.name}</Link>
                </td>
                <td>{t.administrator ? "Administrator (every vault)" : t.roles.length ? t.roles.map((r) => `${ROLE_TEXT[r.role]} in ${r.vault?.name ?? "a deleted vault"}`).join("; ") : "No vault roles"}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{formatTime(t.lastUsedAt)}</td>
                <td>{tokenStatus(t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {q.data && <p className="muted">{plural(q.data.accessTokens.length, "token")}</p>}
    </>
  );
}

/** "Revoked on …", "Expired", "Expires on …" or "Active". */
export function tokenStatus(t: Pick<AccessToken, "revokedAt" | "expiresAt">): string {
  if (t.revokedAt) return `Revoked ${formatTime(t.revokedAt)}`;
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return `Expired ${formatTime(t.expiresAt)}`;
  if (t.expiresAt) return `Active, expires ${formatTime(t.expiresAt)}`;
  return "Active";
}

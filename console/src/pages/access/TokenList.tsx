import { Button, Checkbox, Form } from "@carbon/react";
import { useState } from "react";
import { gql } from "../../api/client.ts";
import { ACCESS_TOKENS, CREATE_ACCESS_TOKEN } from "../../api/access-documents.ts";
import type { TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import type { VaultRole } from "../../auth/me.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { TextField } from "../../components/TextField.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import { plural } from "../../text/words.ts";
import type { AccessToken, TokensData } from "./types.ts";
import { AdminOnly } from "./AdminOnly.tsx";
import { RoleFields } from "./RoleFields.tsx";
import { TokenTable } from "./TokenTable.tsx";

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
      <Form
        className="panel"
        aria-labelledby="new-token-title"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2 id="new-token-title">New token</h2>
        <TextField label="Name" name="name" value={name} onValue={setName} required error={nameError} help="Who or what uses it: letters, digits, spaces, . _ @ -" />
        <Checkbox id="new-token-administrator" labelText="Instance administrator (every vault, tokens and roles)" checked={administrator} onChange={(_, { checked }) => setAdministrator(checked)} />
        {!administrator && <RoleFields legend="A first role (optional; more on the token's page)" vaults={q.data?.vaults.nodes ?? []} value={role} onChange={setRole} />}
        <Alert>{error}</Alert>
        <div className="actions">
          <Button type="submit" kind="primary" disabled={busy}>
            {busy ? "Creating…" : "Create token"}
          </Button>
        </div>
      </Form>
      <Alert>{q.error}</Alert>
      {!q.data && q.loading && <Loading what="access tokens" />}
      {q.data && <TokenTable tokens={q.data.accessTokens} onChanged={q.reload} />}
      {q.data && <p className="muted">{plural(q.data.accessTokens.length, "token")}</p>}
    </>
  );
}

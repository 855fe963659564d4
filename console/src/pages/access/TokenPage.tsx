import { useState } from "react";
import { gql } from "../../api/client.ts";
import { ACCESS_TOKENS, GRANT_VAULT_ROLE, REVOKE_ACCESS_TOKEN, REVOKE_VAULT_ROLE } from "../../api/access-documents.ts";
import type { TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { ROLE_TEXT, type VaultRole } from "../../auth/me.ts";
import { useSession } from "../../auth/use-session.ts";
import { ActionButton } from "../../components/ActionButton.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { Alert, formatTime, Loading } from "../../components/Feedback.tsx";
import { usePageTitle } from "../../components/use-page-title.ts";
import { Link } from "../../router.tsx";
import { AdminOnly } from "./AdminOnly.tsx";
import { RoleFields } from "./RoleFields.tsx";
import { tokenStatus } from "./token-status.ts";
import { ListTable } from "../../components/table/ListTable.tsx";
import { byText } from "../../components/table/sort.ts";
import type { AccessToken, TokensData } from "./types.ts";
import { Crumbs } from "../../shell/Crumbs.tsx";

type Answer = TypedError & { accessToken?: AccessToken };

/** One token: its vault roles (grant, revoke) and revoking the token itself. */
export function TokenPage({ id }: { id: string }) {
  return (
    <AdminOnly what="Access tokens">
      <Token id={id} />
    </AdminOnly>
  );
}

function Token({ id }: { id: string }) {
  // The API lists tokens, it has no single-token query: the list is small (one row per person or program).
  const q = useQuery<TokensData>(ACCESS_TOKENS);
  const { me } = useSession();
  const [grant, setGrant] = useState<{ vaultId: string; role: VaultRole | "" }>({ vaultId: "", role: "" });
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState<"token" | { vaultId: string; vaultName: string; role: VaultRole }>();
  const [busy, setBusy] = useState(false);
  const token = q.data?.accessTokens.find((t) => t.id === id);
  usePageTitle(token ? `Token ${token.name}` : "Access token");
  if (!q.data) return q.error ? <Alert>{q.error}</Alert> : <Loading what="the token" />;
  if (!token) return <Alert>This token does not exist.</Alert>;

  const send = async (document: string, field: string, input: object, done: string) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const outcome = (await gql<Record<string, Answer>>(document, { input }))[field]!;
      if (outcome.accessToken) {
        // The page shows the new state before it says it is done.
        await q.reload();
        setNotice(done);
      } else setError(outcome.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setConfirming(undefined);
    }
  };
  const vaultName = (vaultId: string) => q.data!.vaults.nodes.find((v) => v.id === vaultId)?.name ?? "the vault";
  const revoked = token.revokedAt !== null;
  const self = token.id === me?.tokenId;

  return (
    <>
      <Crumbs parent={{ to: "/tokens", label: "Access tokens" }} current={token.name} />
      <div className="page-head">
        <h1>{token.name}</h1>
        <div className="actions">
          {!revoked && (
            <ActionButton kind="danger--tertiary" refused={self ? "This is the token you are signed in with: revoke it from another administrator's session." : undefined} onClick={() => setConfirming("token")}>
              Revoke token
            </ActionButton>
          )}
        </div>
      </div>
      <Alert kind="success">{notice}</Alert>
      <Alert>{error}</Alert>
      <dl className="summary" data-testid="token-summary">
        <dt>Status</dt>
        <dd>{tokenStatus(token)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(token.createdAt)}</dd>
        <dt>Last used</dt>
        <dd>{formatTime(token.lastUsedAt)}</dd>
        <dt>Administrator</dt>
        <dd>{token.administrator ? "Yes: every vault, tokens and roles" : "No"}</dd>
      </dl>
      <section className="panel" aria-labelledby="roles-title">
        <h2 id="roles-title">Vault roles</h2>
        {token.roles.length === 0 ? (
          <p className="muted">No vault role{token.administrator ? ": as the administrator it needs none." : "."}</p>
        ) : (
          <ListTable
            caption={`Vault roles of ${token.name}`}
            testId="token-roles"
            rows={token.roles}
            rowId={(r) => `${r.vault?.id}-${r.role}`}
            columns={[
              { key: "vault", header: "Vault", compare: byText((r) => r.vault?.name ?? ""), cell: (r) => (r.vault ? <Link to={`/vaults/${r.vault.id}`}>{r.vault.name}</Link> : "a deleted vault") },
              { key: "role", header: "Role", compare: byText((r) => ROLE_TEXT[r.role]), cell: (r) => ROLE_TEXT[r.role] },
              {
                key: "actions",
                header: "Actions",
                cell: (r) =>
                  r.vault && (
                    <button type="button" onClick={() => setConfirming({ vaultId: r.vault!.id, vaultName: r.vault!.name, role: r.role })}>
                      Revoke role<span className="visually-hidden"> {`${ROLE_TEXT[r.role]} in ${r.vault.name}`}</span>
                    </button>
                  ),
              },
            ]}
          />
        )}
        {!revoked && (
          <form
            aria-label="Grant a vault role"
            onSubmit={(e) => {
              e.preventDefault();
              if (!grant.vaultId || !grant.role) return setError("Choose a vault and a role to grant.");
              void send(GRANT_VAULT_ROLE, "grantVaultRole", { tokenId: token.id, vaultId: grant.vaultId, role: grant.role }, `Granted: ${ROLE_TEXT[grant.role]} in ${vaultName(grant.vaultId)}.`).then(() => setGrant({ vaultId: "", role: "" }));
            }}
          >
            <RoleFields legend="Grant a role" vaults={q.data.vaults.nodes} value={grant} onChange={setGrant} />
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                Grant role
              </button>
            </div>
          </form>
        )}
      </section>
      <ConfirmDialog
        open={confirming !== undefined}
        title={confirming === "token" ? `Revoke ${token.name}?` : confirming ? `Revoke ${ROLE_TEXT[confirming.role]} in ${confirming.vaultName}?` : ""}
        confirmLabel={confirming === "token" ? "Revoke token" : "Revoke role"}
        danger
        busy={busy}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() => {
          if (confirming === "token") void send(REVOKE_ACCESS_TOKEN, "revokeAccessToken", { id: token.id }, `Revoked: ${token.name} can no longer sign in or call the API.`);
          else if (confirming) void send(REVOKE_VAULT_ROLE, "revokeVaultRole", { tokenId: token.id, vaultId: confirming.vaultId, role: confirming.role }, `Revoked: ${ROLE_TEXT[confirming.role]} in ${confirming.vaultName}.`);
        }}
      >
        <p>{confirming === "token" ? "Every later request with this token is refused, and its open console sessions end. This cannot be undone: create a new token instead." : "The token loses what this role allowed in the vault, from its next request."}</p>
      </ConfirmDialog>
    </>
  );
}

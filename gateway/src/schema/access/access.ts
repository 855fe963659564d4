import type { ObjectRef } from "@pothos/core";
import type { Builder, Types } from "../../builder.js";
import type { Db } from "../../db/client.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { VaultRole } from "../../access/permissions.js";
import type { Common } from "../common.js";
import type { VaultRow } from "../vault/vault.js";

type TokenRow = NonNullable<Awaited<ReturnType<Db["accessToken"]["findUnique"]>>> & { roles: { vaultId: string; role: VaultRole }[] };
type AuditRow = NonNullable<Awaited<ReturnType<Db["auditEvent"]["findUnique"]>>>;

/** Identity, tokens, vault roles and the audit log. */
export function defineAccess(builder: Builder, common: Common, refs: { Vault: ObjectRef<Types, VaultRow>; resultNames: (name: string, dataField: string) => object }) {
  const { Vault, resultNames } = refs;
  const Role = builder.enumType("VaultRole", {
    description: "UKO's roles in a vault.",
    values: {
      READER: { description: "Reads everything in the vault, never a secret." },
      KEY_CUSTODIAN_CREATOR: { description: "Creates and rotates keys." },
      KEY_CUSTODIAN_DEPLOYER: { description: "Activates, deactivates, aligns and syncs keys." },
      VAULT_ADMINISTRATOR: { description: "Connects, edits and disconnects keystores; manages templates; destroys and deletes keys." },
    },
  });
  const RoleBinding = builder.objectRef<{ vaultId: string; role: VaultRole }>("VaultRoleBinding").implement({
    description: "A role in a vault.",
    fields: (t) => ({
      role: t.field({ type: Role, description: "The role.", resolve: (b) => b.role }),
      vault: t.field({ type: Vault, nullable: true, description: "The vault.", resolve: (b, _, ctx) => ctx.loaders.vaultById.load(b.vaultId) }),
    }),
  });
  const Token = builder.objectRef<TokenRow>("AccessToken").implement({
    description: "An API credential. The token itself is shown only once, when it is created.",
    fields: (t) => ({
      id: t.exposeID("id", { description: "UUID." }),
      name: t.exposeString("name", { description: "Who or what uses it." }),
      administrator: t.exposeBoolean("administrator", { description: "The instance administrator: vaults, tokens, roles, and every vault." }),
      roles: t.field({ type: [RoleBinding], description: "Its roles, vault by vault.", resolve: (r) => r.roles }),
      expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "When it stops working." }),
      revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked." }),
      lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "Its last authenticated request." }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    }),
  });
  const Created = builder.objectRef<{ token: string; accessToken: TokenRow }>("CreatedAccessToken").implement({
    description: "A new token. Keep `token`: it is never shown again.",
    fields: (t) => ({
      token: t.exposeString("token", { description: "The bearer token, shown this once." }),
      accessToken: t.field({ type: Token, description: "Its record.", resolve: (c) => c.accessToken }),
    }),
  });
  const Me = builder.objectRef<{ id: string; name: string; administrator: boolean; roles: readonly { vaultId: string; role: VaultRole }[] }>("Me").implement({
    description: "The caller.",
    fields: (t) => ({
      tokenId: t.exposeID("id", { description: "The token's id." }),
      name: t.exposeString("name", { description: "The token's name." }),
      administrator: t.exposeBoolean("administrator", { description: "Whether it is the instance administrator." }),
      roles: t.field({ type: [RoleBinding], description: "Its roles, vault by vault.", resolve: (m) => [...m.roles] }),
    }),
  });
  const AuditEvent = builder.objectRef<AuditRow>("AuditEvent").implement({
    description: "One audited request. Never holds a secret or key material.",
    fields: (t) => ({
      seq: t.exposeInt("seq", { description: "Its place in the chain." }),
      id: t.exposeID("id", { description: "UUID." }),
      at: t.expose("at", { type: "DateTime", description: "When." }),
      actorId: t.exposeString("actorId", { nullable: true, description: "The token's id." }),
      actorName: t.exposeString("actorName", { nullable: true, description: "The token's name." }),
      action: t.exposeString("action", { description: "UKO-style action, e.g. managed-keys.activate." }),
      targetType: t.exposeString("targetType", { nullable: true, description: "The kind of object acted on." }),
      targetId: t.exposeString("targetId", { nullable: true, description: "Its id." }),
      vaultId: t.exposeString("vaultId", { nullable: true, description: "The vault acted in." }),
      outcome: t.exposeString("outcome", { description: "requested, success, refused (a typed error), denied (not allowed) or failed (unexpected)." }),
      reason: t.exposeString("reason", { nullable: true, description: "The error code when refused, denied or failed." }),
      requestId: t.exposeString("requestId", { description: "The request id, shared with the logs." }),
      sourceAddress: t.exposeString("sourceAddress", { nullable: true, description: "The client's address." }),
      hash: t.exposeString("hash", { description: "HMAC-SHA256, under a key derived from the root key, over the event and the previous event's hash." }),
    }),
  });
  const Verification = builder.objectRef<{ ok: boolean; events: number; checkpoints: number; firstBadSeq?: number | null; firstBadId?: string | null; problem?: string }>("AuditChainVerification").implement({
    description: "Whether the audit chain is intact: every hash and link, and every signed checkpoint of its head (none cut off the end).",
    fields: (t) => ({
      ok: t.exposeBoolean("ok", { description: "Every event's hash and link hold, and so does every signed checkpoint." }),
      events: t.exposeInt("events", { description: "Events checked." }),
      checkpoints: t.exposeInt("checkpoints", { description: "Signed checkpoints checked (from the data directory's audit-checkpoints.jsonl)." }),
      firstBadSeq: t.exposeInt("firstBadSeq", { nullable: true, description: "The first event that does not hold (for a cut end: the last one a checkpoint recorded)." }),
      firstBadId: t.exposeString("firstBadId", { nullable: true, description: "Its id." }),
      problem: t.exposeString("problem", { nullable: true, description: "What is wrong with it." }),
    }),
  });
  const Outcome = builder.enumType("AuditOutcome", {
    description: "An audit event's outcome.",
    values: { requested: { description: "About to run." }, success: { description: "Done." }, refused: { description: "A typed error." }, denied: { description: "Not allowed." }, failed: { description: "Failed unexpectedly." } },
  });
  const AuditFilter = builder.inputType("AuditEventFilter", {
    description: "Which audit events to list; all conditions must hold.",
    fields: (t) => ({
      vaultId: t.id({ description: "In this vault." }),
      actorId: t.id({ description: "By this token." }),
      action: t.string({ description: "This action, e.g. managed-keys.activate." }),
      outcome: t.field({ type: Outcome, description: "With this outcome." }),
      from: t.field({ type: "DateTime", description: "At or after." }),
      to: t.field({ type: "DateTime", description: "Before." }),
    }),
  });

  builder.queryFields((t) => ({
    me: t.field({
      type: Me,
      description: "Who you are: your token and its roles.",
      resolve: (_, __, ctx) => ({ id: ctx.actor.tokenId, name: ctx.actor.name, administrator: ctx.actor.administrator, roles: ctx.actor.roles }),
    }),
    accessTokens: t.field({ type: [Token], description: "Every access token (administrator only).", resolve: (_, __, ctx) => ctx.services.access.list() }),
    auditEvents: t.field({
      type: [AuditEvent],
      description: "Audit events, newest first: all of them for the administrator, your vaults' for vault roles.",
      args: {
        filter: t.arg({ type: AuditFilter, description: "Narrows the list." }),
        first: t.arg.int({ description: "At most this many (default 50, at most 500)." }),
        before: t.arg.int({ description: "Events before this seq (the next page)." }),
      },
      resolve: (_, args, ctx) => {
        const f = args.filter ?? {};
        const visible = ctx.actor.vaultsWith("read");
        return ctx.services.db.auditEvent.findMany({
          where: {
            ...(visible ? { vaultId: { in: visible } } : {}),
            ...(f.vaultId ? { AND: [{ vaultId: String(f.vaultId) }] } : {}),
            ...(f.actorId ? { actorId: String(f.actorId) } : {}),
            ...(f.action ? { action: f.action } : {}),
            ...(f.outcome ? { outcome: f.outcome } : {}),
            ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
            ...(args.before ? { seq: { lt: args.before } } : {}),
          },
          orderBy: { seq: "desc" },
          take: Math.min(500, Math.max(1, args.first ?? 50)),
        });
      },
    }),
    auditChain: t.field({ type: Verification, description: "Checks the whole audit chain (administrator only).", resolve: (_, __, ctx) => ctx.services.audit.verify() }),
  }));

  const RoleInput = builder.inputType("VaultRoleInput", {
    description: "A role in a vault.",
    fields: (t) => ({ vaultId: t.id({ required: true, description: "The vault." }), role: t.field({ type: Role, required: true, description: "The role." }) }),
  });
  const bindingInput = (name: string, what: string) =>
    builder.inputType(name, {
      description: what,
      fields: (t) => ({
        tokenId: t.id({ required: true, description: "The token." }),
        vaultId: t.id({ required: true, description: "The vault." }),
        role: t.field({ type: Role, required: true, description: "The role." }),
      }),
    });

  builder.mutationFields((t) => ({
    createAccessToken: t.field({
      type: Created,
      description: "Creates an access token; the token is in the answer, once.",
      args: {
        input: t.arg({
          type: builder.inputType("CreateAccessTokenInput", {
            description: "A new token.",
            fields: (f) => ({
              name: f.string({ required: true, description: "1-100 characters: letters, digits, spaces, . _ @ -." }),
              expiresAt: f.field({ type: "DateTime", description: "When it stops working; none when absent." }),
              administrator: f.boolean({ description: "Makes it an instance administrator." }),
              roles: f.field({ type: [RoleInput], description: "Its roles in vaults." }),
            }),
          }),
          required: true,
          description: "The token.",
        }),
      },
      errors: { types: [ValidationError, NotFoundError], ...resultNames("CreateAccessToken", "created") },
      resolve: (_, { input }, ctx) =>
        ctx.services.access.create({ ...input, roles: input.roles?.map((r) => ({ vaultId: String(r.vaultId), role: r.role })) ?? null }, ctx.actor.tokenId) as Promise<{ token: string; accessToken: TokenRow }>,
    }),
    revokeAccessToken: t.field({
      type: Token,
      description: "Revokes a token: every later request with it is refused.",
      args: { input: t.arg({ type: builder.inputType("RevokeAccessTokenInput", { description: "The token.", fields: (f) => ({ id: f.id({ required: true, description: "The token's id." }) }) }), required: true, description: "The token." }) },
      errors: { types: [NotFoundError], ...resultNames("RevokeAccessToken", "accessToken") },
      resolve: (_, { input }, ctx) => ctx.services.access.revoke(String(input.id)) as Promise<TokenRow>,
    }),
    grantVaultRole: t.field({
      type: Token,
      description: "Gives a token a role in a vault.",
      args: { input: t.arg({ type: bindingInput("GrantVaultRoleInput", "The grant."), required: true, description: "The grant." }) },
      errors: { types: [NotFoundError], ...resultNames("GrantVaultRole", "accessToken") },
      resolve: (_, { input }, ctx) => ctx.services.access.grant({ tokenId: String(input.tokenId), vaultId: String(input.vaultId), role: input.role }) as Promise<TokenRow>,
    }),
    revokeVaultRole: t.field({
      type: Token,
      description: "Takes a role in a vault away from a token.",
      args: { input: t.arg({ type: bindingInput("RevokeVaultRoleInput", "The role to take away."), required: true, description: "The role." }) },
      errors: { types: [NotFoundError], ...resultNames("RevokeVaultRole", "accessToken") },
      resolve: (_, { input }, ctx) => ctx.services.access.revokeRole({ tokenId: String(input.tokenId), vaultId: String(input.vaultId), role: input.role }) as Promise<TokenRow>,
    }),
  }));
}

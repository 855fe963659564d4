import { z } from "zod";
import type { Db } from "../db/client.js";
import type { EventBus } from "../events.js";
import { NotFoundError } from "../errors.js";
import { IssueCollector, isUuid } from "../validation.js";
import type { VaultRole } from "./permissions.js";
import { newToken, tokenHash } from "./tokens.js";

const tokenName = z
  .string()
  .min(1, "Token name must not be empty")
  .max(100, "Token name must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, "Token name may contain letters, digits, spaces and . _ @ -, starting with a letter or digit");

const withRoles = { roles: { orderBy: [{ vaultId: "asc" as const }, { role: "asc" as const }] } };

/** Access tokens and vault role bindings: the instance administrator's tools. */
export class AccessService {
  constructor(
    private readonly db: Db,
    private readonly clock: { now(): Date } = { now: () => new Date() },
    private readonly events?: EventBus,
  ) {}

  /** Creates a token; the returned `token` is the only time it is ever shown. */
  async create(input: { name: string; expiresAt?: Date | null; administrator?: boolean | null; roles?: readonly { vaultId: string; role: VaultRole }[] | null }, createdById: string) {
    const v = new IssueCollector();
    const name = v.check(tokenName, input.name, ["input", "name"]);
    if (input.expiresAt && input.expiresAt <= this.clock.now()) v.add({ path: ["input", "expiresAt"], message: "expiresAt must be in the future", code: "IN_THE_PAST" });
    for (const [i, r] of (input.roles ?? []).entries()) {
      if (!isUuid(r.vaultId)) v.add({ path: ["input", "roles", String(i), "vaultId"], message: "vaultId must be a UUID", code: "INVALID_ID" });
    }
    v.throwIfAny();
    for (const [i, r] of (input.roles ?? []).entries()) {
      if (!(await this.db.vault.findUnique({ where: { id: r.vaultId }, select: { id: true } }))) throw new NotFoundError("vault", r.vaultId, ["input", "roles", String(i), "vaultId"]);
    }
    const token = newToken();
    const row = await this.db.accessToken.create({
      data: {
        name: name!,
        hash: tokenHash(token),
        administrator: input.administrator ?? false,
        expiresAt: input.expiresAt ?? null,
        createdById,
        roles: { create: (input.roles ?? []).map((r) => ({ vaultId: r.vaultId, role: r.role })) },
      },
      include: withRoles,
    });
    return { token, accessToken: row };
  }

  async revoke(id: string) {
    const row = isUuid(id) ? await this.db.accessToken.findUnique({ where: { id } }) : null;
    if (!row) throw new NotFoundError("access token", id);
    const revoked = await this.db.accessToken.update({ where: { id }, data: { revokedAt: row.revokedAt ?? this.clock.now() }, include: withRoles });
    this.events?.publish("access:changed", { tokenId: id });
    return revoked;
  }

  list() {
    return this.db.accessToken.findMany({ orderBy: { createdAt: "asc" }, include: withRoles });
  }

  get(id: string) {
    return this.db.accessToken.findUnique({ where: { id }, include: withRoles });
  }

  async grant(input: { tokenId: string; vaultId: string; role: VaultRole }) {
    await this.requireBoth(input);
    await this.db.vaultRoleBinding.upsert({ where: { tokenId_vaultId_role: input }, create: input, update: {} });
    this.events?.publish("access:changed", { tokenId: input.tokenId });
    return (await this.get(input.tokenId))!;
  }

  async revokeRole(input: { tokenId: string; vaultId: string; role: VaultRole }) {
    await this.requireBoth(input);
    await this.db.vaultRoleBinding.deleteMany({ where: input });
    this.events?.publish("access:changed", { tokenId: input.tokenId });
    return (await this.get(input.tokenId))!;
  }

  private async requireBoth(input: { tokenId: string; vaultId: string }) {
    if (!isUuid(input.tokenId) || !(await this.db.accessToken.findUnique({ where: { id: input.tokenId }, select: { id: true } }))) {
      throw new NotFoundError("access token", input.tokenId, ["input", "tokenId"]);
    }
    if (!isUuid(input.vaultId) || !(await this.db.vault.findUnique({ where: { id: input.vaultId }, select: { id: true } }))) {
      throw new NotFoundError("vault", input.vaultId, ["input", "vaultId"]);
    }
  }
}

import type { Db, DbProvider } from "../db/client.js";
import { namePrefixFilter } from "../db/name-prefix.js";
import { checkFilterText, keysetQuery, pageSize, toPage, type PageArgs } from "../db/paginate.js";
import { NotFoundError, VaultNotEmptyError, VersionConflictError } from "../errors.js";
import { IssueCollector, isUuid } from "../validation.js";
import { description, vaultName } from "./rules.js";

export type VaultOrderField = "name" | "createdAt" | "updatedAt";
export interface VaultListArgs extends PageArgs {
  /** The vaults the caller may read; null or absent means all (access control filters every list). */
  visibleVaults?: readonly string[] | null;
  namePrefix?: string | null;
  orderBy?: { field: VaultOrderField; direction: "asc" | "desc" } | null;
}

/** Vaults: the unit of access control. */
export class VaultService {
  constructor(
    private readonly db: Db,
    private readonly provider: DbProvider,
  ) {}

  async create(input: { name: string; description?: string | null }) {
    const v = new IssueCollector();
    const name = v.check(vaultName, input.name, ["input", "name"]);
    const desc = v.check(description, input.description ?? "", ["input", "description"]);
    v.throwIfAny();
    return this.db.vault.create({ data: { name: name!, description: desc! } });
  }

  async update(input: { id: string; expectedVersion: number; name?: string | null; description?: string | null }) {
    const v = new IssueCollector();
    const name = input.name == null ? undefined : v.check(vaultName, input.name, ["input", "name"]);
    const desc = input.description == null ? undefined : v.check(description, input.description, ["input", "description"]);
    v.throwIfAny();
    // The version is part of the WHERE, so two concurrent updates cannot both succeed.
    const { count } = isUuid(input.id)
      ? await this.db.vault.updateMany({
          where: { id: input.id, version: input.expectedVersion },
          data: { name, description: desc, version: { increment: 1 } },
        })
      : { count: 0 };
    if (count === 0) await this.requireVersion(this.db, input.id, input.expectedVersion);
    return (await this.db.vault.findUnique({ where: { id: input.id } }))!;
  }

  async delete(input: { id: string; expectedVersion: number }) {
    return this.db.$transaction(async (tx) => {
      const vault = await this.requireVersion(tx as Db, input.id, input.expectedVersion);
      const [count, some, templateCount, someTemplates] = await Promise.all([
        tx.keystore.count({ where: { vaultId: input.id } }),
        tx.keystore.findMany({ where: { vaultId: input.id }, select: { name: true }, orderBy: { name: "asc" }, take: 5 }),
        tx.keyTemplate.count({ where: { vaultId: input.id } }),
        tx.keyTemplate.findMany({ where: { vaultId: input.id }, select: { name: true }, orderBy: { name: "asc" }, take: 5 }),
      ]);
      if (count > 0 || templateCount > 0) {
        throw new VaultNotEmptyError(vault.name, some.map((k) => k.name), count, someTemplates.map((k) => k.name), templateCount);
      }
      const { count: deleted } = await tx.vault.deleteMany({ where: { id: input.id, version: input.expectedVersion } });
      if (deleted === 0) await this.requireVersion(tx as Db, input.id, input.expectedVersion);
      return vault;
    });
  }

  async get(id: string) {
    if (!isUuid(id)) return null;
    return this.db.vault.findUnique({ where: { id } });
  }

  async list(args: VaultListArgs) {
    const first = pageSize(args);
    checkFilterText({ namePrefix: args.namePrefix }, ["namePrefix"]);
    const order = args.orderBy ?? { field: "name", direction: "asc" };
    const filter = {
      ...(args.namePrefix ? { name: namePrefixFilter(args.namePrefix, this.provider) } : {}),
      ...(args.visibleVaults ? { id: { in: [...args.visibleVaults] } } : {}),
    };
    const keyset = keysetQuery(order.field, order.direction, args.after);
    const rows = await this.db.vault.findMany({ where: { AND: [filter, keyset.where] }, orderBy: keyset.orderBy, take: first + 1 });
    return { ...toPage(rows, first, order.field, args.after), totalCount: () => this.db.vault.count({ where: filter }) };
  }

  private async requireVersion(tx: Db, id: string, expectedVersion: number) {
    const vault = isUuid(id) ? await tx.vault.findUnique({ where: { id } }) : null;
    if (!vault) throw new NotFoundError("vault", id);
    if (vault.version !== expectedVersion) throw new VersionConflictError("vault", expectedVersion, vault.version);
    return vault;
  }
}

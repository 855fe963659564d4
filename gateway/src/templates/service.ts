import type { ConnectorRegistry } from "../connectors/registry.js";
import type { Db, DbProvider } from "../db/client.js";
import { namePrefixFilter } from "../db/name-prefix.js";
import { checkFilterText, keysetQuery, pageSize, toPage, type PageArgs } from "../db/paginate.js";
import { isUniqueViolation } from "../db/unique.js";
import { DuplicateNameError, NotFoundError, TemplateInUseError, ValidationError, VersionConflictError } from "../errors.js";
import { IssueCollector, isUuid } from "../validation.js";
import { description } from "../vaults/rules.js";
import { checkPeriods, keySize, templateName, type InitialState, type KeyAlgorithm, KEY_ALGORITHMS } from "./rules.js";
import { checkChangedTargets, checkNamingSchemeForTypes, checkNewTargets, checkTargetHolds, sameTargets, targetConnector, targetRows, type TargetInput } from "./targets.js";

export type { GivenOption, InitialState, KeyAlgorithm } from "./rules.js";

const ALGORITHMS = KEY_ALGORITHMS;
const INITIAL_STATES: readonly InitialState[] = ["ACTIVE", "PRE_ACTIVATION"];

export interface CreateTemplateInput {
  vaultId: string;
  name: string;
  description?: string | null;
  key: {
    algorithm: KeyAlgorithm;
    size: string;
    initialState: InitialState;
    activationPeriod?: string | null;
    expirationPeriod?: string | null;
  };
  namingScheme: string;
  /** 1 to 8 places its keys go, each a keystore type and group with that type's options. */
  targets: readonly TargetInput[];
}

/** Omitted (undefined) fields keep their value; a null period clears it. */
export interface UpdateTemplateInput {
  id: string;
  expectedVersion: number;
  name?: string | null;
  description?: string | null;
  key?: {
    algorithm?: KeyAlgorithm | null;
    size?: string | null;
    initialState?: InitialState | null;
    activationPeriod?: string | null;
    expirationPeriod?: string | null;
  } | null;
  namingScheme?: string | null;
  /** Every target, in order, each keeping its type; groups and options may change. */
  targets?: readonly TargetInput[] | null;
}

export type TemplateOrderField = "name" | "createdAt" | "updatedAt";
export interface TemplateListArgs extends PageArgs {
  /** The vaults the caller may read; null or absent means all (access control filters every list). */
  visibleVaults?: readonly string[] | null;
  filter?: {
    vaultId?: string | null;
    namePrefix?: string | null;
    algorithm?: KeyAlgorithm | null;
    keystoreType?: string | null;
    keystoreGroup?: string | null;
    archived?: boolean | null;
  } | null;
  orderBy?: { field: TemplateOrderField; direction: "asc" | "desc" } | null;
}

/** Every read carries the template's targets in order and the number of keys made from it, in the same statement. */
const withKeyCount = { targets: { orderBy: { position: "asc" } }, _count: { select: { keys: true } } } as const;

const path = (...p: string[]) => ["input", ...p];

/**
 * Key templates: what keys look like and where they go. Every mutation checks every field
 * before it touches the database and changes nothing when one is bad.
 */
export class TemplateService {
  constructor(private readonly o: { db: Db; provider: DbProvider; registry: ConnectorRegistry }) {}

  async create(input: CreateTemplateInput) {
    const v = new IssueCollector();
    if (!isUuid(input.vaultId)) v.add({ path: path("vaultId"), message: "vaultId must be a UUID", code: "INVALID_ID" });
    const name = v.check(templateName, input.name, path("name"));
    const desc = v.check(description, input.description ?? "", path("description"));
    if (!ALGORITHMS.includes(input.key.algorithm)) v.add({ path: path("key", "algorithm"), message: `Algorithm must be one of ${ALGORITHMS.join(", ")}`, code: "ENUM" });
    const size = v.check(keySize, input.key.size, path("key", "size"));
    if (!INITIAL_STATES.includes(input.key.initialState)) {
      v.add({ path: path("key", "initialState"), message: `Initial state must be ${INITIAL_STATES.join(" or ")}`, code: "ENUM" });
    }
    const periods = { activation: input.key.activationPeriod ?? null, expiration: input.key.expirationPeriod ?? null };
    checkPeriods(v, periods, { activation: null, expiration: null }, periodPaths);
    const key = size !== undefined && ALGORITHMS.includes(input.key.algorithm) ? { algorithm: input.key.algorithm, size } : undefined;
    const checked = checkNewTargets(v, this.o.registry, input.targets, key, path("targets"));
    const connectors = input.targets.flatMap((t) => this.o.registry.get(t.keystoreType)?.definition ?? []);
    checkNamingSchemeForTypes(v, input.namingScheme, connectors, path("namingScheme"));
    v.throwIfAny();

    const vault = await this.o.db.vault.findUnique({ where: { id: input.vaultId }, select: { id: true } });
    if (!vault) throw new NotFoundError("vault", input.vaultId, path("vaultId"));
    await this.requireUniqueName(vault.id, name!);
    try {
      return await this.o.db.keyTemplate.create({
        data: {
          vaultId: vault.id,
          name: name!,
          description: desc!,
          algorithm: input.key.algorithm,
          size: size!,
          initialState: input.key.initialState,
          activationPeriod: periods.activation,
          expirationPeriod: periods.expiration,
          namingScheme: input.namingScheme,
          targets: { create: targetRows(checked!) },
        },
        include: withKeyCount,
      });
    } catch (error) {
      // Lost a race with a concurrent create of the same name: report it as the check above would.
      if (isUniqueViolation(error)) throw new DuplicateNameError("key template", name!);
      throw error;
    }
  }

  async update(input: UpdateTemplateInput) {
    const v = new IssueCollector();
    const name = input.name == null ? undefined : v.check(templateName, input.name, path("name"));
    const desc = input.description == null ? undefined : v.check(description, input.description, path("description"));
    const key = input.key ?? {};
    const size = key.size == null ? undefined : v.check(keySize, key.size, path("key", "size"));
    if (key.initialState != null && !INITIAL_STATES.includes(key.initialState)) {
      v.add({ path: path("key", "initialState"), message: `Initial state must be ${INITIAL_STATES.join(" or ")}`, code: "ENUM" });
    }

    const current = await this.requireVersion(input.id, input.expectedVersion);
    if (current.archived) {
      throw new ValidationError([
        { path: path("id"), message: `Template "${current.name}" is archived: it can be read, unarchived or deleted only; unarchive it to edit it`, code: "TEMPLATE_ARCHIVED" },
      ]);
    }
    const fixed = (given: string | null | undefined, now: string, at: string[], what: string) => {
      if (given != null && given !== now) {
        v.add({ path: at, message: `${what} is fixed when the template is created (it is ${now}); create another template instead`, code: "IMMUTABLE" });
      }
    };
    fixed(key.algorithm, current.algorithm, path("key", "algorithm"), "The algorithm");
    fixed(input.namingScheme, current.namingScheme, path("namingScheme"), "The naming scheme");
    checkPeriods(
      v,
      { activation: key.activationPeriod, expiration: key.expirationPeriod },
      { activation: current.activationPeriod, expiration: current.expirationPeriod },
      periodPaths,
    );

    if (size !== undefined && size !== current.size) {
      // Needed only to check what depends on the types; name and description stay editable without them.
      current.targets.forEach((target, index) => {
        const connector = targetConnector(v, this.o.registry, target.keystoreType, path("targets", String(index), "keystoreType"));
        if (connector) checkTargetHolds(v, connector, target, { algorithm: current.algorithm, size }, path("key", "size"));
      });
    }
    const targets = input.targets == null ? undefined : checkChangedTargets(v, this.o.registry, current.targets, input.targets, path("targets"));
    v.throwIfAny();
    if (name !== undefined && name !== current.name) await this.requireUniqueName(current.vaultId, name);

    // A new group or new options change where and how keys live: existing keys become unaligned.
    const retarget = targets !== undefined && !sameTargets(targets, current.targets);
    try {
      await this.o.db.$transaction(async (tx) => {
        const { count } = await tx.keyTemplate.updateMany({
          where: { id: current.id, version: input.expectedVersion, archived: false },
          data: {
            name,
            description: desc,
            size,
            initialState: key.initialState ?? undefined,
            activationPeriod: key.activationPeriod,
            expirationPeriod: key.expirationPeriod,
            version: { increment: 1 },
            ...(retarget ? { targetRevision: { increment: 1 } } : {}),
          },
        });
        if (count === 0) await this.requireVersion(current.id, input.expectedVersion, true, tx as Db);
        if (retarget) {
          // Replaced whole, in order: the rows are small and the unique (type, group) pairs may swap places.
          await tx.keyTemplateTarget.deleteMany({ where: { templateId: current.id } });
          await tx.keyTemplateTarget.createMany({ data: targetRows(targets!).map((row) => ({ ...row, templateId: current.id })) });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error) && name !== undefined) throw new DuplicateNameError("key template", name);
      throw error;
    }
    return (await this.get(current.id))!;
  }

  /** Archived templates create no keys and cannot be edited; they can still be read and deleted. */
  archive(input: { id: string; expectedVersion: number }) {
    return this.setArchived(input, true);
  }

  unarchive(input: { id: string; expectedVersion: number }) {
    return this.setArchived(input, false);
  }

  /** Deletes a template that no managed key was made from (UKO: its keys destroyed and removed first). */
  async delete(input: { id: string; expectedVersion: number }) {
    return this.o.db.$transaction(async (tx) => {
      const current = await this.requireVersion(input.id, input.expectedVersion, false, tx as Db);
      const keyCount = await tx.managedKey.count({ where: { templateId: current.id } });
      if (keyCount > 0) throw new TemplateInUseError(current.name, keyCount);
      const { count } = await tx.keyTemplate.deleteMany({ where: { id: current.id, version: input.expectedVersion } });
      if (count === 0) await this.requireVersion(current.id, input.expectedVersion, true, tx as Db);
      return current;
    });
  }

  async get(id: string) {
    if (!isUuid(id)) return null;
    return this.o.db.keyTemplate.findUnique({ where: { id }, include: withKeyCount });
  }

  async list(args: TemplateListArgs) {
    const first = pageSize(args);
    const f = args.filter ?? {};
    checkFilterText(f, ["namePrefix", "keystoreType", "keystoreGroup"]);
    const order = args.orderBy ?? { field: "name", direction: "asc" };
    const where = {
      ...(f.vaultId ? { vaultId: f.vaultId } : {}),
      ...(args.visibleVaults ? { vault: { id: { in: [...args.visibleVaults] } } } : {}),
      ...(f.namePrefix ? { name: namePrefixFilter(f.namePrefix, this.o.provider) } : {}),
      ...(f.algorithm ? { algorithm: f.algorithm } : {}),
      // Any one target matches; both given, one target must match both.
      ...(f.keystoreType || f.keystoreGroup
        ? { targets: { some: { ...(f.keystoreType ? { keystoreType: f.keystoreType } : {}), ...(f.keystoreGroup ? { keystoreGroup: f.keystoreGroup } : {}) } } }
        : {}),
      ...(f.archived != null ? { archived: f.archived } : {}),
    };
    const keyset = keysetQuery(order.field, order.direction, args.after);
    const rows = await this.o.db.keyTemplate.findMany({ where: { AND: [where, keyset.where] }, orderBy: keyset.orderBy, take: first + 1, include: withKeyCount });
    return { ...toPage(rows, first, order.field, args.after), totalCount: () => this.o.db.keyTemplate.count({ where }) };
  }

  private async setArchived(input: { id: string; expectedVersion: number }, archived: boolean) {
    const current = await this.requireVersion(input.id, input.expectedVersion);
    // Already there: nothing changes, not even the version.
    if (current.archived === archived) return current;
    const { count } = await this.o.db.keyTemplate.updateMany({
      where: { id: current.id, version: input.expectedVersion },
      data: { archived, version: { increment: 1 } },
    });
    if (count === 0) await this.requireVersion(current.id, input.expectedVersion, true);
    return (await this.get(current.id))!;
  }

  private async requireUniqueName(vaultId: string, name: string): Promise<void> {
    const taken = await this.o.db.keyTemplate.findUnique({ where: { vaultId_name: { vaultId, name } }, select: { id: true } });
    if (taken) throw new DuplicateNameError("key template", name);
  }

  /**
   * The template at the expected version, or the typed error. After a write that matched no row
   * (`lostRace`), the row changed or went away in between: report what it is now.
   */
  private async requireVersion(id: string, expectedVersion: number, lostRace = false, db: Db = this.o.db) {
    const template = isUuid(id) ? await db.keyTemplate.findUnique({ where: { id }, include: withKeyCount }) : null;
    if (!template) throw new NotFoundError("key template", id);
    if (template.version !== expectedVersion || lostRace) {
      throw new VersionConflictError("key template", expectedVersion, lostRace && template.version === expectedVersion ? expectedVersion + 1 : template.version);
    }
    return template;
  }
}

const periodPaths = { activation: path("key", "activationPeriod"), expiration: path("key", "expirationPeriod") };

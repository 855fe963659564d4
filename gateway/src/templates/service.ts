import type { PropertyValues } from "@uko/connector-sdk";
import type { ConnectorRegistry, LoadedConnector } from "../connectors/registry.js";
import type { Db, DbProvider } from "../db/client.js";
import { namePrefixFilter } from "../db/name-prefix.js";
import { checkFilterText, keysetQuery, pageSize, toPage, type PageArgs } from "../db/paginate.js";
import { isUniqueViolation } from "../db/unique.js";
import { DuplicateNameError, NotFoundError, TemplateInUseError, UnknownKeystoreTypeError, ValidationError, VersionConflictError } from "../errors.js";
import { IssueCollector, isUuid } from "../validation.js";
import { description } from "../vaults/rules.js";
import {
  checkAlgorithm,
  checkNamingScheme,
  checkOptions,
  checkPeriods,
  keySize,
  keystoreGroup,
  templateName,
  type GivenOption,
  type InitialState,
  type KeyAlgorithm,
  KEY_ALGORITHMS,
} from "./rules.js";

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
  target: { keystoreType: string; keystoreGroup: string; options?: readonly GivenOption[] | null };
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
  target?: { keystoreType?: string | null; keystoreGroup?: string | null; options?: readonly GivenOption[] | null } | null;
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

/** Every read carries the number of keys made from the template, in the same statement. */
const withKeyCount = { _count: { select: { keys: true } } } as const;

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
    const group = v.check(keystoreGroup, input.target.keystoreGroup, path("target", "keystoreGroup"));
    const connector = this.connector(input.target.keystoreType);
    if (size !== undefined && ALGORITHMS.includes(input.key.algorithm)) {
      checkAlgorithm(v, connector.definition, input.key.algorithm, size, { algorithm: path("key", "algorithm"), size: path("key", "size") });
    }
    checkNamingScheme(v, input.namingScheme, connector.definition, path("namingScheme"));
    const options = checkOptions(v, connector.definition.templateOptions ?? [], input.target.options ?? [], path("target", "options"), { partial: false });
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
          keystoreType: connector.definition.type,
          keystoreGroup: group!,
          options: JSON.stringify(options),
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
    const target = input.target ?? {};
    const size = key.size == null ? undefined : v.check(keySize, key.size, path("key", "size"));
    const group = target.keystoreGroup == null ? undefined : v.check(keystoreGroup, target.keystoreGroup, path("target", "keystoreGroup"));
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
    fixed(target.keystoreType, current.keystoreType, path("target", "keystoreType"), "The keystore type");
    fixed(input.namingScheme, current.namingScheme, path("namingScheme"), "The naming scheme");
    checkPeriods(
      v,
      { activation: key.activationPeriod, expiration: key.expirationPeriod },
      { activation: current.activationPeriod, expiration: current.expirationPeriod },
      periodPaths,
    );

    let options: PropertyValues | undefined;
    const currentOptions = JSON.parse(current.options) as PropertyValues;
    if ((size !== undefined && size !== current.size) || target.options != null) {
      // Needed only to check what depends on the type; name and description stay editable without it.
      const connector = this.connector(current.keystoreType);
      if (size !== undefined && size !== current.size) {
        checkAlgorithm(v, connector.definition, current.algorithm, size, { algorithm: path("key", "algorithm"), size: path("key", "size") });
      }
      if (target.options != null) {
        const given = checkOptions(v, connector.definition.templateOptions ?? [], target.options, path("target", "options"), { partial: true });
        if (given) options = { ...currentOptions, ...given };
      }
    }
    v.throwIfAny();
    if (name !== undefined && name !== current.name) await this.requireUniqueName(current.vaultId, name);

    // A new group or new options change where and how keys live: existing keys become unaligned.
    const retarget = (group !== undefined && group !== current.keystoreGroup) || (options !== undefined && !sameValues(options, currentOptions));
    let count: number;
    try {
      ({ count } = await this.o.db.keyTemplate.updateMany({
        where: { id: current.id, version: input.expectedVersion, archived: false },
        data: {
          name,
          description: desc,
          size,
          initialState: key.initialState ?? undefined,
          activationPeriod: key.activationPeriod,
          expirationPeriod: key.expirationPeriod,
          keystoreGroup: group,
          options: options === undefined ? undefined : JSON.stringify(options),
          version: { increment: 1 },
          ...(retarget ? { targetRevision: { increment: 1 } } : {}),
        },
      }));
    } catch (error) {
      if (isUniqueViolation(error) && name !== undefined) throw new DuplicateNameError("key template", name);
      throw error;
    }
    if (count === 0) await this.requireVersion(current.id, input.expectedVersion, true);
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
      ...(f.keystoreType ? { keystoreType: f.keystoreType } : {}),
      ...(f.keystoreGroup ? { keystoreGroup: f.keystoreGroup } : {}),
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

  private connector(type: string): LoadedConnector {
    const connector = this.o.registry.get(type);
    if (!connector) throw new UnknownKeystoreTypeError(type);
    return connector;
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

function sameValues(a: PropertyValues, b: PropertyValues): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

import { randomUUID } from "node:crypto";
import { isConnectorError, type ConnectorLogger, type PropertyValue, type PropertyValues } from "@uko/connector-sdk";
import { toConnectorError, withSession } from "../connectors/invoke.js";
import type { ConnectorRegistry, LoadedConnector } from "../connectors/registry.js";
import type { SessionPool } from "../connectors/sessions.js";
import type { RootKey } from "../crypto/seal.js";
import type { Db, DbProvider } from "../db/client.js";
import { checkFilterText, pageSize, toPage, type PageArgs } from "../db/paginate.js";
import { allOf, column, countOf, isIn, keysetSql, namePrefixSql } from "../db/raw-page.js";
import { Prisma, type Vault } from "../generated/prisma/client.js";
import type { KeystoreRow } from "../schema/keystore/keystore.js";
import { isUniqueViolation } from "../db/unique.js";
import {
  DuplicateNameError,
  ImmutablePropertiesError,
  KeystoreAlreadyConnectedError,
  KeystoreRepairError,
  NotFoundError,
  PropertiesChangeRefusedError,
  UnknownKeystoreTypeError,
  VersionConflictError,
} from "../errors.js";
import { IssueCollector, isUuid } from "../validation.js";
import { description } from "../vaults/rules.js";
import { runConnectionTest, runConnectionTestThen, type ConnectionTestResult, type Health, type SessionRunner } from "./connection-test.js";
import type { EventBus } from "../events.js";
import type { DisconnectMode } from "../keys/service.js";
import { openSecrets, propertyPath, remoteIdentity, sealSecrets, secretStrings, splitSecrets } from "./properties.js";
import { keystoreGroups, keystoreName } from "./rules.js";

export interface KeystoreServiceOptions {
  db: Db;
  /** Which database: the few queries that differ between them (a name prefix) need it. */
  provider: DbProvider;
  rootKey: RootKey;
  registry: ConnectorRegistry;
  logger: ConnectorLogger;
  connectorTimeoutMs: number;
  connectorCallTimeoutMs?: number;
  /** The connected keystores' sessions: used for their health checks, closed when their properties change or they go. */
  sessions: SessionPool;
  /** Announces status changes to subscribers. */
  events?: EventBus;
  /** Takes the keys out of a keystore before it is disconnected, per mode; throws to refuse. */
  releaseKeys?: (keystoreId: string, mode: DisconnectMode) => Promise<void>;
}

/** Connection properties as given: the keystore type and values keyed by wire name. */
export interface GivenProperties {
  type: string;
  values: Record<string, PropertyValue | null | undefined>;
}

/** Whether the caller may read a vault. */
export type CanRead = (vaultId: string) => boolean;
const everyVault: CanRead = () => true;

export type KeystoreOrderField = "name" | "type" | "createdAt" | "updatedAt";
export interface KeystoreListArgs extends PageArgs {
  /** The vaults the caller may read; null or absent means all (access control filters every list). */
  visibleVaults?: readonly string[] | null;
  filter?: { vaultId?: string | null; type?: string | null; group?: string | null; health?: Health | null; namePrefix?: string | null } | null;
  orderBy?: { field: KeystoreOrderField; direction: "asc" | "desc" } | null;
}

const withGroups = { groups: { orderBy: { position: "asc" } } } as const;

/**
 * Keystore connections: the rules of connecting, editing, testing and disconnecting. Every
 * remote call happens after the local checks and before the write, so a refused request leaves
 * neither a row nor a remote object behind.
 */
export class KeystoreService {
  constructor(private readonly o: KeystoreServiceOptions) {}

  /**
   * `canRead` says which vaults the caller may read: a refusal names another keystore only when
   * its vault is one of them (absent: every vault, for internal callers).
   */
  async connect(input: { vaultId: string; name: string; description?: string | null; groups?: string[] | null; properties: GivenProperties }, canRead: CanRead = everyVault) {
    const v = new IssueCollector();
    if (!isUuid(input.vaultId)) v.add({ path: ["input", "vaultId"], message: "vaultId must be a UUID", code: "INVALID_ID" });
    const name = v.check(keystoreName, input.name, ["input", "name"]);
    const desc = v.check(description, input.description ?? "", ["input", "description"]);
    const groups = v.check(keystoreGroups, input.groups ?? [], ["input", "groups"]);
    const connector = this.connector(input.properties.type);
    const values = await this.checkProperties(v, connector, input.properties.values, {});
    v.throwIfAny();

    const vault = await this.o.db.vault.findUnique({ where: { id: input.vaultId } });
    if (!vault) throw new NotFoundError("vault", input.vaultId, ["input", "vaultId"]);
    // Checked before and after the test: the test may learn the account, which names the remote keystore better.
    await this.requireUnique({ vaultId: vault.id, name: name! }, remoteIdentity(connector, values!), canRead);

    const { clear, secrets } = splitSecrets(connector, values!);
    const test = await this.test(connector, values!, secrets, true);
    const identity = remoteIdentity(connector, values!, test.account);
    await this.requireUnique(undefined, identity, canRead);
    const id = randomUUID();
    try {
      return await this.o.db.keystore.create({
        data: {
          id,
          vaultId: vault.id,
          name: name!,
          description: desc!,
          type: connector.definition.type,
          remoteIdentity: identity,
          properties: JSON.stringify(clear),
          sealedSecrets: sealSecrets(this.o.rootKey, id, secrets),
          secretNames: JSON.stringify(Object.keys(secrets)),
          groups: { create: groups!.map((g, position) => ({ name: g, position })) },
          ...statusColumns(test),
        },
        include: withGroups,
      });
    } catch (error) {
      // Lost a race with a concurrent connect: report it as the check above would have.
      if (isUniqueViolation(error)) await this.requireUnique({ vaultId: vault.id, name: name! }, identity, canRead);
      throw error;
    }
  }

  async update(input: {
    id: string;
    expectedVersion: number;
    name?: string | null;
    description?: string | null;
    groups?: string[] | null;
    properties?: GivenProperties | null;
  }, canRead: CanRead = everyVault) {
    const v = new IssueCollector();
    const name = input.name == null ? undefined : v.check(keystoreName, input.name, ["input", "name"]);
    const desc = input.description == null ? undefined : v.check(description, input.description, ["input", "description"]);
    const groups = input.groups == null ? undefined : v.check(keystoreGroups, input.groups, ["input", "groups"]);
    const current = await this.requireVersion(input.id, input.expectedVersion);
    const connector = this.connector(current.type);
    const currentValues = { ...JSON.parse(current.properties), ...openSecrets(this.o.rootKey, current.id, current.sealedSecrets) } as PropertyValues;

    let merged: PropertyValues | undefined;
    if (input.properties) {
      if (input.properties.type !== current.type) {
        v.add({
          path: ["input", "properties"],
          message: `This keystore is of type ${current.type}: give its properties as properties.${connector.inputName}`,
          code: "WRONG_KEYSTORE_TYPE",
        });
      } else {
        const given = await this.checkProperties(v, connector, input.properties.values, { partial: true });
        if (given) {
          v.throwIfAny();
          const locked = connector.definition.properties
            .filter((d) => d.immutable && given[d.name] !== undefined && given[d.name] !== currentValues[d.name])
            .map((d) => d.name);
          if (locked.length > 0) throw new ImmutablePropertiesError(locked);
          merged = await this.derive(v, connector, { ...withoutDerived(connector, currentValues), ...given });
        }
      }
    }
    v.throwIfAny();
    if (name !== undefined && name !== current.name) await this.requireUnique({ vaultId: current.vaultId, name }, undefined, canRead);

    let status = {};
    let propertyColumns = {};
    if (merged) {
      const { clear, secrets } = splitSecrets(connector, merged);
      const changed = JSON.stringify(sorted(merged)) !== JSON.stringify(sorted(currentValues));
      // The new properties' session tests them and, when they differ, hears of the change: it may refuse it.
      const { result: test, refusal } = await runConnectionTestThen(this.oneOff(connector, merged, secrets), { connected: true }, async (session, host) => {
        if (changed) await session.onPropertiesChanged?.(currentValues, host);
      });
      if (refusal !== undefined) {
        const error = toConnectorError(refusal, [...secretStrings(secrets), ...secretStrings(splitSecrets(connector, currentValues).secrets)], this.o.logger, current.type);
        throw new PropertiesChangeRefusedError(current.type, error.code, error.message);
      }
      status = statusColumns(test);
      // New credentials may belong to another account: then this is another remote keystore.
      const identity = remoteIdentity(connector, merged, test.account);
      if (identity !== current.remoteIdentity) await this.requireUnique(undefined, identity, canRead, current.id);
      propertyColumns = {
        remoteIdentity: identity,
        properties: JSON.stringify(clear),
        sealedSecrets: sealSecrets(this.o.rootKey, current.id, secrets),
        secretNames: JSON.stringify(Object.keys(secrets)),
      };
    }
    await this.o.db.$transaction(async (tx) => {
      const { count } = await tx.keystore.updateMany({
        where: { id: current.id, version: input.expectedVersion },
        data: { name, description: desc, ...propertyColumns, ...status, version: { increment: 1 } },
      });
      if (count === 0) await this.conflict(current.id, input.expectedVersion);
      if (groups) {
        await tx.keystoreGroup.deleteMany({ where: { keystoreId: current.id } });
        await tx.keystoreGroup.createMany({ data: groups.map((g, position) => ({ keystoreId: current.id, name: g, position })) });
      }
    });
    // Operations still running on the old properties' session finish first; the next one opens a new session.
    if (merged) this.o.sessions.retire(current.id);
    return (await this.get(current.id))!;
  }

  async disconnect(input: { id: string; expectedVersion: number; mode?: DisconnectMode | null }) {
    const current = await this.requireVersion(input.id, input.expectedVersion);
    await this.o.releaseKeys?.(current.id, input.mode ?? "RESTRICT");
    const { count } = await this.o.db.keystore.deleteMany({ where: { id: current.id, version: input.expectedVersion } });
    if (count === 0) await this.conflict(current.id, input.expectedVersion);
    this.o.sessions.retire(current.id);
    return current;
  }

  /**
   * Tests properties that are not saved: nothing is stored, nothing is created remotely. Says when
   * the remote keystore they name (with the account the test learned) is already connected; which
   * keystore and vault only when `visibleVaults` (null: all) holds that vault.
   */
  async testProperties(properties: GivenProperties, visibleVaults: readonly string[] | null = null): Promise<ConnectionTestResult> {
    const v = new IssueCollector();
    const connector = this.connector(properties.type);
    const values = await this.checkProperties(v, connector, properties.values, {});
    v.throwIfAny();
    const result = await this.test(connector, values!, splitSecrets(connector, values!).secrets, false);
    const same = await this.o.db.keystore.findUnique({ where: { remoteIdentity: remoteIdentity(connector, values!, result.account) }, include: { vault: true } });
    if (!same) return result;
    const visible = visibleVaults === null || visibleVaults.includes(same.vaultId);
    return {
      ...result,
      alreadyConnected: visible ? { keystoreId: same.id, keystoreName: same.name, vaultId: same.vault.id, vaultName: same.vault.name } : {},
    };
  }

  /** Tests a connected keystore now and records the outcome as its status. */
  async refreshStatus(id: string): Promise<ConnectionTestResult> {
    const keystore = isUuid(id) ? await this.o.db.keystore.findUnique({ where: { id } }) : null;
    if (!keystore) throw new NotFoundError("keystore", id);
    return this.checkAndRecord(keystore);
  }

  /**
   * The keystore type's repair action (capabilities.repair): the connector makes its connect-time
   * prerequisites ready again (Azure's import key), then the keystore is checked and the outcome
   * recorded as its status. A type without one, or a repair the connector refuses, is a
   * KeystoreRepairError with the connector's reason, and nothing is recorded.
   */
  async repair(id: string) {
    const keystore = isUuid(id) ? await this.o.db.keystore.findUnique({ where: { id } }) : null;
    if (!keystore) throw new NotFoundError("keystore", id);
    const connector = this.o.registry.get(keystore.type);
    if (!connector?.definition.capabilities.repair) throw KeystoreRepairError.unsupported(keystore.type);
    try {
      await this.o.sessions.run(keystore, { ...this.budget, operation: "repair" }, (session, host) => session.repairKeystore!(host));
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      throw new KeystoreRepairError(keystore.type, error.code, error.message);
    }
    this.o.logger.info("keystore repaired", { keystoreId: keystore.id, type: keystore.type });
    await this.checkAndRecord(keystore);
    return (await this.get(keystore.id))!;
  }

  /** Used by the background checker, which already holds the row. */
  async checkAndRecord(keystore: {
    id: string;
    vaultId: string;
    type: string;
    properties: string;
    sealedSecrets: Uint8Array | null;
    health: string;
    statusMessage: string;
  }): Promise<ConnectionTestResult> {
    const connector = this.o.registry.get(keystore.type);
    const result: ConnectionTestResult = connector
      ? await runConnectionTest(this.pooled(keystore), { connected: true })
      : {
          ok: false,
          health: "CONFIGURATION_ERROR",
          message: `No connector for keystore type "${keystore.type}" is loaded; add its package to UKO_CONNECTORS`,
          checks: [],
          missingPermissions: [],
          answered: false,
          testedAt: new Date(),
        };
    // Status is observed, not edited: it does not bump the version users update against.
    await this.o.db.keystore.updateMany({ where: { id: keystore.id }, data: statusColumns(result) });
    if (result.health !== keystore.health || result.message !== keystore.statusMessage) {
      this.o.events?.publish("keystore:status", keystore.vaultId, { id: keystore.id });
    }
    return result;
  }

  async get(id: string) {
    if (!isUuid(id)) return null;
    return this.o.db.keystore.findUnique({ where: { id }, include: withGroups });
  }

  /**
   * A page of keystores with their groups and vaults: two statements (page with the group names,
   * vaults) in raw SQL, and the count when asked. The access rule is here: only rows of `visibleVaults` (null: all).
   */
  async list(args: KeystoreListArgs) {
    const first = pageSize(args);
    const f = args.filter ?? {};
    checkFilterText(f, ["namePrefix", "type", "group"]);
    const order = args.orderBy ?? { field: "name", direction: "asc" };
    const k = (name: string) => column("k", name);
    const where = [
      ...(f.vaultId ? [Prisma.sql`${k("vaultId")} = ${f.vaultId}`] : []),
      ...(args.visibleVaults ? [isIn(k("vaultId"), args.visibleVaults)] : []),
      ...(f.type ? [Prisma.sql`${k("type")} = ${f.type}`] : []),
      ...(f.health ? [Prisma.sql`${k("health")} = ${f.health}`] : []),
      ...(f.namePrefix ? [namePrefixSql(k("name"), f.namePrefix, this.o.provider)] : []),
      ...(f.group ? [Prisma.sql`EXISTS (SELECT 1 FROM "KeystoreGroup" g WHERE g."keystoreId" = ${k("id")} AND g."name" = ${f.group})`] : []),
    ];
    const keyset = keysetSql("k", order.field, order.direction, args.after);
    const db = this.o.db;
    // Each row's group names in order, as JSON text, in the page statement (no statement per table).
    const groupNames =
      this.o.provider === "postgresql"
        ? Prisma.sql`(SELECT coalesce(json_agg(g."name" ORDER BY g."position"), '[]')::text FROM "KeystoreGroup" g WHERE g."keystoreId" = k."id")`
        : Prisma.sql`(SELECT json_group_array(g."name" ORDER BY g."position") FROM "KeystoreGroup" g WHERE g."keystoreId" = k."id")`;
    const rows = await db.$queryRaw<(Omit<KeystoreRow, "groups"> & { groupNames: string })[]>(
      Prisma.sql`SELECT k.*, ${groupNames} AS "groupNames" FROM "Keystore" k WHERE ${allOf(keyset.where ? [...where, keyset.where] : where)} ${keyset.orderBy} LIMIT ${first + 1}`,
    );
    // The page's vaults (a few rows): each keystore's `vault` then resolves without a loader's promise.
    const vaultIds = [...new Set(rows.map((r) => r.vaultId))];
    const vaults = vaultIds.length === 0 ? [] : await db.$queryRaw<Vault[]>(Prisma.sql`SELECT v.* FROM "Vault" v WHERE ${isIn(Prisma.raw('v."id"'), vaultIds)}`);
    const vaultById = new Map(vaults.map((v) => [v.id, v]));
    const withGroupRows = rows.map(({ groupNames: names, ...r }) => ({
      ...r,
      groups: (JSON.parse(names) as string[]).map((name) => ({ name })),
      listedVault: vaultById.get(r.vaultId) ?? null,
    }));
    const totalCount = async () => countOf(await db.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT count(*) AS n FROM "Keystore" k WHERE ${allOf(where)}`));
    return { ...toPage(withGroupRows, first, order.field, args.after), totalCount };
  }

  private connector(type: string): LoadedConnector {
    const connector = this.o.registry.get(type);
    if (!connector) throw new UnknownKeystoreTypeError(type);
    return connector;
  }

  /** Validates given values (and, for a full set, derives); reports issues at their input paths. */
  private async checkProperties(
    v: IssueCollector,
    connector: LoadedConnector,
    given: GivenProperties["values"],
    options: { partial?: boolean },
  ): Promise<PropertyValues | undefined> {
    let result;
    try {
      result = await connector.validateProperties(given, { partial: options.partial, applyDefaults: !options.partial });
    } catch (error) {
      // An isolated connector's process restarting: say so where the properties are, as any other reason they cannot be accepted now.
      if (!isConnectorError(error)) throw error;
      v.add({ path: ["input", "properties", connector.inputName], message: error.message, code: error.code });
      return undefined;
    }
    for (const issue of result.issues) v.add({ path: propertyPath(connector, issue.property), message: issue.message, code: issue.code });
    if (result.issues.length > 0) return undefined;
    return options.partial ? result.values : this.derive(v, connector, result.values);
  }

  private async derive(v: IssueCollector, connector: LoadedConnector, values: PropertyValues): Promise<PropertyValues | undefined> {
    if (!connector.definition.derive) return values;
    try {
      return { ...values, ...(await connector.definition.derive(values)) };
    } catch (error) {
      const properties = isConnectorError(error) && error.properties.length ? error.properties : [];
      const message = isConnectorError(error) ? error.message : "The connector could not read these properties";
      if (properties.length === 0) v.add({ path: ["input", "properties", connector.inputName], message, code: "INVALID" });
      for (const p of properties) v.add({ path: propertyPath(connector, p), message, code: "INVALID" });
      return undefined;
    }
  }

  private test(connector: LoadedConnector, values: PropertyValues, secrets: PropertyValues, firstConnect: boolean) {
    return runConnectionTest(this.oneOff(connector, values, secrets, firstConnect ? "connect" : "test"), { firstConnect });
  }

  private get budget() {
    return { timeoutMs: this.o.connectorTimeoutMs, ...(this.o.connectorCallTimeoutMs ? { callTimeoutMs: this.o.connectorCallTimeoutMs } : {}) };
  }

  /** A session of its own for properties no keystore holds yet (closed after the work). */
  private oneOff(connector: LoadedConnector, values: PropertyValues, secrets: PropertyValues, operation = "test"): SessionRunner {
    return (work) => withSession(connector, values, secretStrings(secrets), { ...this.budget, logger: this.o.logger, operation }, work);
  }

  /** A connected keystore's own, reused session. */
  private pooled(keystore: { id: string; type: string; properties: string; sealedSecrets: Uint8Array | null }): SessionRunner {
    return (work) => this.o.sessions.run(keystore, { ...this.budget, operation: "test" }, work);
  }

  /** Names are unique per vault; a remote keystore is connected once across all vaults. */
  private async requireUnique(named: { vaultId: string; name: string } | undefined, identity: string | undefined, canRead: CanRead, self?: string): Promise<void> {
    if (named !== undefined) {
      const byName = await this.o.db.keystore.findUnique({ where: { vaultId_name: named }, select: { id: true } });
      if (byName) throw new DuplicateNameError("keystore", named.name);
    }
    if (identity === undefined) return;
    const same = await this.o.db.keystore.findUnique({ where: { remoteIdentity: identity }, include: { vault: true } });
    if (!same || same.id === self) return;
    const visible = canRead(same.vaultId);
    throw new KeystoreAlreadyConnectedError(visible ? { keystoreId: same.id, keystoreName: same.name, vaultId: same.vault.id, vaultName: same.vault.name } : null);
  }

  /** Lost a race with another edit: report the version it is at now. */
  private async conflict(id: string, expectedVersion: number): Promise<never> {
    const now = await this.o.db.keystore.findUnique({ where: { id }, select: { version: true } });
    if (!now) throw new NotFoundError("keystore", id);
    throw new VersionConflictError("keystore", expectedVersion, now.version);
  }

  private async requireVersion(id: string, expectedVersion: number) {
    const keystore = isUuid(id) ? await this.o.db.keystore.findUnique({ where: { id } }) : null;
    if (!keystore) throw new NotFoundError("keystore", id);
    if (keystore.version !== expectedVersion) throw new VersionConflictError("keystore", expectedVersion, keystore.version);
    return keystore;
  }
}

function statusColumns(test: ConnectionTestResult) {
  return {
    health: test.health,
    statusMessage: test.message,
    checkedAt: test.testedAt,
    ...(test.answered ? { lastHeartbeat: test.testedAt } : {}),
    lastTest: JSON.stringify({ checks: test.checks, missingPermissions: test.missingPermissions }),
  };
}

/** Values in a stable order, to compare two sets of properties. */
function sorted(values: PropertyValues): [string, unknown][] {
  return Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
}

function withoutDerived(connector: LoadedConnector, values: PropertyValues): PropertyValues {
  const derived = new Set(connector.definition.properties.filter((d) => d.derived).map((d) => d.name));
  return Object.fromEntries(Object.entries(values).filter(([k]) => !derived.has(k)));
}

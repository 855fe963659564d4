import { randomUUID } from "node:crypto";
import type { ConnectorLogger } from "@uko/connector-sdk";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { SessionPool } from "../connectors/sessions.js";
import type { RootKey } from "../crypto/seal.js";
import type { Db } from "../db/client.js";
import type { EventBus } from "../events.js";
import type { Verification } from "../context.js";
import { checkFilterText, pageSize, toPage } from "../db/paginate.js";
import { allOf, column, countOf, isIn, keysetSql } from "../db/raw-page.js";
import { Prisma, type KeyInstance, type ManagedKey } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../db/unique.js";
import { DuplicateNameError, NotFoundError, ValidationError, VersionConflictError } from "../errors.js";
import { keyNameProblem, renderKeyName } from "../templates/naming-scheme.js";
import { IssueCollector, isUuid } from "../validation.js";
import { description } from "../vaults/rules.js";
import { ArchivedTemplateError, KeyNameTakenError, KeyStateError, OperationNotSupportedError, KeyStillInKeystoresError, KeystoreHasKeysError, KeystoreReleaseError, NoTargetKeystoreError, RotationTooSoonError } from "./errors.js";
import { newSealedVersion, specOf } from "./material.js";
import { addPeriod } from "./period.js";
import { KeyReconciler } from "./key-reconciler.js";
import { DEFAULT_INSTALL_BACKOFF, type InstallBackoff } from "./backoff.js";
import type { WorkClaims } from "../db/claims.js";
import { ALLOWED_FROM, DEFAULT_DESTROY_WAIT_MS, keyLabel, ROTATION_INTERVAL_MS, type KeyAction, type KeyState } from "./rules.js";
import { KEY_ALGORITHMS, type KeyAlgorithm } from "../templates/rules.js";
import type { StoredTarget } from "../templates/targets.js";
import { targetKeystores, targetTypes } from "./targets.js";

export interface ManagedKeyServiceOptions {
  db: Db;
  rootKey: RootKey;
  registry: ConnectorRegistry;
  logger: ConnectorLogger;
  connectorTimeoutMs: number;
  connectorCallTimeoutMs?: number;
  sessions: SessionPool;
  /** Announces key changes to subscribers. */
  events?: EventBus;
  /** How long a deactivated key must wait before it can be destroyed. */
  destroyWaitMs?: number;
  /** How long the background sync waits after failed pushes to a keystore. */
  installBackoff?: InstallBackoff;
  clock?: { now(): Date };
  /** Claims on each key in each keystore, shared by live requests and background rounds on every replica. */
  claims: WorkClaims;
}

export interface ManagedKeyListArgs {
  /** The vaults the caller may read; null or absent means all (access control filters every list). */
  visibleVaults?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
  filter?: {
    vaultId?: string | null;
    state?: KeyState | null;
    algorithm?: string | null;
    labelPrefix?: string | null;
    templateId?: string | null;
    keystoreId?: string | null;
    syncFlag?: "OK" | "OUT_OF_SYNC" | "ERROR" | null;
  } | null;
  orderBy?: { field: "label" | "createdAt" | "updatedAt"; direction: "asc" | "desc" } | null;
}

/** What a list page reads beside each key, so its fields need no further statement. */
export interface ListedExtras {
  /** The current version's verification value; null when there is none. */
  verification: Verification | null;
  /** The template's target revision; null when the template is gone. */
  templateTargetRevision: number | null;
}

export type DisconnectMode = "RESTRICT" | "DISCONNECT" | "DEACTIVATE" | "DESTROY";

export interface AlignmentPlan {
  install: { keystoreId: string; keystoreName: string }[];
  remove: { keystoreId: string; keystoreName: string }[];
}

const withInstances = { instances: { orderBy: { keystoreName: "asc" } } } as const;
const withTargets = { targets: { orderBy: { position: "asc" } } } as const;

/**
 * Managed keys: generated here, sealed at rest, and installed by import in every keystore their
 * template targets. A state change is written first, with each affected keystore marked as
 * pending; the remote work follows, all keystores in parallel, and each keystore's outcome is
 * recorded on its own. A crash in between leaves the pending marks, which `resumePending` finishes.
 */
export class ManagedKeyService {
  private readonly reconciler: KeyReconciler;
  private readonly clock: { now(): Date };

  constructor(private readonly o: ManagedKeyServiceOptions) {
    this.clock = o.clock ?? { now: () => new Date() };
    // A live request waits for the operation holding its key and keystore at most that operation's budget, and a margin.
    this.reconciler = new KeyReconciler({ ...o, clock: this.clock, installBackoff: o.installBackoff ?? DEFAULT_INSTALL_BACKOFF, claimWaitMs: o.connectorTimeoutMs * 2 + 5_000 });
  }

  async create(input: { vaultId: string; templateId: string; label: string; description?: string | null; namingValues?: readonly { name: string; value: string }[] | null }) {
    const v = new IssueCollector();
    if (!isUuid(input.vaultId)) v.add({ path: ["input", "vaultId"], message: "vaultId must be a UUID", code: "INVALID_ID" });
    if (!isUuid(input.templateId)) v.add({ path: ["input", "templateId"], message: "templateId must be a UUID", code: "INVALID_ID" });
    const label = v.check(keyLabel, input.label, ["input", "label"]);
    const desc = v.check(description, input.description ?? "", ["input", "description"]);
    v.throwIfAny();

    const vault = await this.o.db.vault.findUnique({ where: { id: input.vaultId } });
    if (!vault) throw new NotFoundError("vault", input.vaultId, ["input", "vaultId"]);
    const template = await this.o.db.keyTemplate.findUnique({ where: { id: input.templateId }, include: withTargets });
    if (!template || template.vaultId !== vault.id) throw new NotFoundError("key template", input.templateId, ["input", "templateId"]);
    if (template.archived) throw new ArchivedTemplateError(template.name);

    const now = this.clock.now();
    const values = Object.fromEntries((input.namingValues ?? []).map((n) => [n.name, n.value]));
    const rendered = renderKeyName(template.namingScheme, values, now);
    if (!rendered.ok) {
      for (const issue of rendered.issues) v.add({ path: ["input", "namingValues", ...(issue.placeholder ? [issue.placeholder] : [])], message: issue.message, code: issue.code });
    } else {
      // One name in every keystore: it must fit each target type's rules.
      for (const type of targetTypes(template.targets)) {
        const rules = this.o.registry.get(type)?.definition.keyNaming;
        const problem = rules ? keyNameProblem(rendered.name, rules) : undefined;
        if (problem) v.add({ path: ["input", "namingValues"], message: `The key's name "${rendered.name}" does not fit ${type}: ${problem}`, code: "NAMING" });
      }
    }
    v.throwIfAny();
    if (await this.o.db.managedKey.findUnique({ where: { vaultId_label: { vaultId: vault.id, label: label! } } })) {
      throw new DuplicateNameError("managed key", label!);
    }
    const activateNow = template.initialState === "ACTIVE";
    const targets = await targetKeystores(this.o.db, template);
    if (activateNow && targets.length === 0) throw new NoTargetKeystoreError(template.targets);
    if (rendered.ok) await this.requireFreeName(rendered.name, template, targets, label!);

    const id = randomUUID();
    try {
      await this.o.db.managedKey.create({
        data: {
          id,
          vaultId: vault.id,
          templateId: template.id,
          label: label!,
          description: desc!,
          state: "PRE_ACTIVATION",
          algorithm: template.algorithm,
          size: template.size,
          nameInKeystores: rendered.ok ? rendered.name : "",
          alignedRevision: template.targetRevision,
          activationDate: template.activationPeriod ? (addPeriod(now, template.activationPeriod) ?? null) : null,
          expirationDate: template.expirationPeriod ? (addPeriod(now, template.expirationPeriod) ?? null) : null,
          versions: { create: newSealedVersion(this.o.rootKey, id, 1, specOf(template)) },
        },
      });
    } catch (error) {
      // A concurrent create took the label between the check above and this write.
      if (isUniqueViolation(error)) throw new DuplicateNameError("managed key", label!);
      throw error;
    }
    if (activateNow) return this.activate({ id, expectedVersion: 1 });
    return (await this.get(id))!;
  }

  async activate(input: { id: string; expectedVersion: number }) {
    const key = await this.requireAction(input, "activate");
    const template = await this.o.db.keyTemplate.findUniqueOrThrow({ where: { id: key.templateId }, include: withTargets });
    const targets = await targetKeystores(this.o.db, template);
    if (targets.length === 0) throw new NoTargetKeystoreError(template.targets);
    const now = this.clock.now();
    await this.o.db.$transaction(async (tx) => {
      await this.bumpVersion(tx, key, { state: "ACTIVE", activatedAt: now, alignedRevision: template.targetRevision });
      await this.setTargets(tx, key.id, targets, now);
    });
    await this.reconciler.run(key.id, "push");
    return (await this.get(key.id))!;
  }

  /** When a deactivated key's destroy wait ends (null: no wait applies); the API and the console read the same rule. */
  destroyableAt(key: { state: string; deactivatedAt: Date | null }): Date | null {
    if (key.state !== "DEACTIVATED" || !key.deactivatedAt) return null;
    return new Date(key.deactivatedAt.getTime() + (this.o.destroyWaitMs ?? DEFAULT_DESTROY_WAIT_MS));
  }

  /** When the key may be rotated again (null: never rotated, so now). */
  rotatableAt(key: { rotatedAt: Date | null }): Date | null {
    return key.rotatedAt ? new Date(key.rotatedAt.getTime() + ROTATION_INTERVAL_MS) : null;
  }

  async deactivate(input: { id: string; expectedVersion: number }) {
    const key = await this.requireAction(input, "deactivate");
    await this.changeState(key, { state: "DEACTIVATED", deactivatedAt: this.clock.now() });
    return (await this.get(key.id))!;
  }

  async destroy(input: { id: string; expectedVersion: number }) {
    const key = await this.requireAction(input, "destroy");
    const wait = this.o.destroyWaitMs ?? DEFAULT_DESTROY_WAIT_MS;
    const from = this.destroyableAt(key);
    if (from && this.clock.now().getTime() < from.getTime()) {
      throw new KeyStateError("destroy", key.state, ALLOWED_FROM.destroy, `The key was deactivated less than ${formatDuration(wait)} ago; it can be destroyed from ${from.toISOString()}`);
    }
    // Destroying erases the material: only the remote copies, pending deletion, remain.
    await this.changeState(key, { state: "DESTROYED", destroyedAt: this.clock.now() }, async (tx) => {
      await tx.managedKeyVersion.updateMany({ where: { managedKeyId: key.id }, data: { sealedMaterial: new Uint8Array(0) } });
    });
    return (await this.get(key.id))!;
  }

  async delete(input: { id: string; expectedVersion: number }) {
    const key = await this.requireAction(input, "delete");
    const unfinished = key.instances.filter((i) => i.keystoreId !== null && (i.pendingAction !== null || (i.status !== "PENDING_DESTRUCTION" && i.status !== "NOT_PRESENT")));
    if (unfinished.length > 0) throw new KeyStillInKeystoresError(unfinished.map((i) => i.keystoreName));
    const { count } = await this.o.db.managedKey.deleteMany({ where: { id: key.id, version: input.expectedVersion } });
    if (count === 0) await this.conflict(key.id, input.expectedVersion);
    this.o.events?.publish("managedKey:changed", key.vaultId, { id: key.id });
    return key;
  }

  /**
   * New material as a new version, installed in every keystore that holds the key (each
   * connector's way: for AWS a new key and the alias moved). At most once an hour.
   */
  async rotate(input: { id: string; expectedVersion: number }) {
    const key = await this.requireAction(input, "rotate");
    // Refused before anything changes, rather than failing in every keystore afterwards.
    // Every type the key may be in must rotate: the types of the keystores holding it and of the template's targets.
    const template = await this.o.db.keyTemplate.findUniqueOrThrow({ where: { id: key.templateId }, include: withTargets });
    const holding = await this.o.db.keystore.findMany({ where: { id: { in: key.instances.flatMap((i) => (i.keystoreId ? [i.keystoreId] : [])) } }, select: { type: true } });
    for (const type of new Set([...targetTypes(template.targets), ...holding.map((k) => k.type)])) {
      const connector = this.o.registry.get(type);
      if (connector && !connector.definition.capabilities.operations.includes("rotate")) throw new OperationNotSupportedError(type, "rotate");
    }
    const now = this.clock.now();
    const from = this.rotatableAt(key);
    if (from && now.getTime() < from.getTime()) throw new RotationTooSoonError(from);
    const next = key.keyVersion + 1;
    const version = newSealedVersion(this.o.rootKey, key.id, next, specOf(key));
    await this.o.db.$transaction(async (tx) => {
      await this.bumpVersion(tx, key, { keyVersion: next, rotatedAt: now });
      await tx.managedKeyVersion.create({ data: { managedKeyId: key.id, ...version } });
      await tx.keyInstance.updateMany({ where: { managedKeyId: key.id, keystoreId: { not: null } }, data: { pendingAction: "reconcile", pendingSince: now } });
    });
    await this.reconciler.run(key.id, "push");
    return (await this.get(key.id))!;
  }

  /** The key's material versions, oldest first, with their verification values. */
  versions(id: string) {
    return this.o.db.managedKeyVersion.findMany({ where: { managedKeyId: id }, orderBy: { number: "asc" }, select: { number: true, verificationValue: true, createdAt: true } });
  }

  /** Installs the key where its template now targets it and deactivates it where it no longer does. */
  async align(input: { id: string; expectedVersion: number; dryRun?: boolean | null }): Promise<{ key: NonNullable<Awaited<ReturnType<ManagedKeyService["get"]>>>; plan: AlignmentPlan }> {
    const key = await this.requireAction(input, "align");
    const template = await this.o.db.keyTemplate.findUniqueOrThrow({ where: { id: key.templateId }, include: withTargets });
    if (template.archived) throw new ArchivedTemplateError(template.name);
    const targets = await targetKeystores(this.o.db, template);
    const targetedNow = new Set(key.instances.filter((i) => i.targeted && i.keystoreId).map((i) => i.keystoreId!));
    const wanted = new Set(targets.map((t) => t.id));
    const plan: AlignmentPlan = {
      install: targets.filter((t) => !targetedNow.has(t.id)).map((t) => ({ keystoreId: t.id, keystoreName: t.name })),
      remove: key.instances.filter((i) => i.targeted && i.keystoreId && !wanted.has(i.keystoreId)).map((i) => ({ keystoreId: i.keystoreId!, keystoreName: i.keystoreName })),
    };
    if (input.dryRun) return { key, plan };
    const now = this.clock.now();
    await this.o.db.$transaction(async (tx) => {
      await this.bumpVersion(tx, key, { alignedRevision: template.targetRevision });
      await this.setTargets(tx, key.id, targets, now);
    });
    await this.reconciler.run(key.id, "push");
    return { key: (await this.get(key.id))!, plan };
  }

  /** Pushes the gateway's state to every keystore, or (dryRun) only looks and records what is there. */
  async sync(input: { id: string; dryRun?: boolean | null }) {
    const key = isUuid(input.id) ? await this.o.db.managedKey.findUnique({ where: { id: input.id } }) : null;
    if (!key) throw new NotFoundError("managed key", input.id);
    if (!input.dryRun) {
      await this.o.db.keyInstance.updateMany({ where: { managedKeyId: key.id, keystoreId: { not: null } }, data: { pendingAction: "reconcile", pendingSince: this.clock.now() } });
    }
    await this.reconciler.run(key.id, input.dryRun ? "observe" : "push");
    return (await this.get(key.id))!;
  }

  /**
   * What disconnecting a keystore does to the keys in it. RESTRICT refuses while a live key
   * (neither pre-active nor destroyed) targets it; DISCONNECT leaves the copies as they are;
   * DEACTIVATE disables them and DESTROY schedules their deletion first, and refuses to
   * disconnect if any copy could not be changed.
   */
  async releaseKeystore(keystoreId: string, mode: DisconnectMode): Promise<void> {
    const live = await this.o.db.keyInstance.findMany({
      where: { keystoreId, managedKey: { state: { in: ["ACTIVE", "DEACTIVATED"] } } },
      include: { managedKey: { select: { id: true, label: true } } },
    });
    if (mode === "DISCONNECT" || live.length === 0) return;
    if (mode === "RESTRICT") throw new KeystoreHasKeysError(live.map((i) => i.managedKey.label));
    const release = mode === "DEACTIVATE" ? "disabled" : "deleted";
    const failed: string[] = [];
    for (const instance of live) {
      await this.reconciler.run(instance.managedKey.id, "push", { keystoreId, release });
      const after = await this.o.db.keyInstance.findUniqueOrThrow({ where: { id: instance.id } });
      if (after.syncFlag === "ERROR" || after.status === "ACTIVE") failed.push(instance.managedKey.label);
    }
    if (failed.length > 0) throw new KeystoreReleaseError(failed);
  }

  /**
   * The background sync round: finishes pending pushes (a keystore that was down, a crash), and
   * looks at every other live key's copies, recording drift and announcing it. It never pushes a
   * key's state over drift: that is syncManagedKey's decision.
   */
  async syncRound(intervalMs = 0): Promise<{ keys: number; drifted: number }> {
    await this.resumePending();
    const keys = await this.o.db.managedKey.findMany({ where: { state: { not: "PRE_ACTIVATION" }, instances: { some: { keystoreId: { not: null } } } }, select: { id: true } });
    // With several replicas each runs the round: a keystore another looked at within (most of) the interval is left alone.
    const observedBefore = intervalMs > 0 ? new Date(this.clock.now().getTime() - intervalMs * 0.9) : undefined;
    let drifted = 0;
    for (const { id } of keys) if (await this.reconciler.run(id, "observe", { background: true, ...(observedBefore ? { observedBefore } : {}) })) drifted++;
    return { keys: keys.length, drifted };
  }

  /**
   * Finishes what a crash interrupted or a keystore refused: every keystore still marked pending
   * is reconciled, except those whose last failure's backoff has not passed.
   */
  async resumePending(): Promise<number> {
    const now = this.clock.now();
    const pending = await this.o.db.keyInstance.findMany({
      where: { pendingAction: { not: null }, OR: [{ retryAfter: null }, { retryAfter: { lte: now } }] },
      select: { managedKeyId: true },
      distinct: ["managedKeyId"],
    });
    for (const { managedKeyId } of pending) await this.reconciler.run(managedKeyId, "push", { onlyPending: true, resuming: true, dueOnly: true, background: true });
    return pending.length;
  }

  async get(id: string) {
    if (!isUuid(id)) return null;
    return this.o.db.managedKey.findUnique({ where: { id }, include: withInstances });
  }

  /**
   * A page of keys with their instances: two statements (page, instances) in raw SQL, and the
   * count when asked. The access rule is here: only keys of `visibleVaults` (null: all).
   */
  async list(args: ManagedKeyListArgs) {
    const first = pageSize(args);
    const f = args.filter ?? {};
    checkFilterText(f, ["labelPrefix", "algorithm"]);
    if (f.algorithm && !KEY_ALGORITHMS.includes(f.algorithm.toUpperCase() as KeyAlgorithm)) {
      throw new ValidationError([{ path: ["filter", "algorithm"], message: `algorithm must be one of ${KEY_ALGORITHMS.map((a) => a.toLowerCase()).join(", ")}`, code: "ENUM" }]);
    }
    const order = args.orderBy ?? { field: "label", direction: "asc" };
    const k = (name: string) => column("k", name);
    const instanceFilter = [
      ...(f.keystoreId ? [Prisma.sql`i."keystoreId" = ${f.keystoreId}`] : []),
      ...(f.syncFlag ? [Prisma.sql`i."syncFlag" = ${f.syncFlag}`] : []),
    ];
    const where = [
      ...(f.vaultId ? [Prisma.sql`${k("vaultId")} = ${f.vaultId}`] : []),
      ...(args.visibleVaults ? [isIn(k("vaultId"), args.visibleVaults)] : []),
      ...(f.state ? [Prisma.sql`${k("state")} = ${f.state}`] : []),
      ...(f.algorithm ? [Prisma.sql`${k("algorithm")} = ${f.algorithm.toUpperCase()}`] : []),
      ...(f.templateId ? [Prisma.sql`${k("templateId")} = ${f.templateId}`] : []),
      // As Prisma's `startsWith` did: a LIKE that escapes nothing.
      ...(f.labelPrefix ? [Prisma.sql`${k("label")} LIKE ${`${f.labelPrefix}%`}`] : []),
      ...(instanceFilter.length ? [Prisma.sql`EXISTS (SELECT 1 FROM "KeyInstance" i WHERE i."managedKeyId" = ${k("id")} AND ${allOf(instanceFilter)})`] : []),
    ];
    const keyset = keysetSql("k", order.field, order.direction, args.after);
    const db = this.o.db;
    // The current version's verification value and the template's target revision ride along, so
    // the page's `verificationPattern` and `aligned` need no statement (and no promise) of their own.
    const rows = await db.$queryRaw<(ManagedKey & { currentVerification: string | null; templateTargetRevision: number | null })[]>(
      Prisma.sql`SELECT k.*,
        (SELECT v."verificationValue" FROM "ManagedKeyVersion" v WHERE v."managedKeyId" = k."id" AND v."number" = k."keyVersion") AS "currentVerification",
        (SELECT t."targetRevision" FROM "KeyTemplate" t WHERE t."id" = k."templateId") AS "templateTargetRevision"
        FROM "ManagedKey" k WHERE ${allOf(keyset.where ? [...where, keyset.where] : where)} ${keyset.orderBy} LIMIT ${first + 1}`,
    );
    const instances = rows.length === 0 ? [] : await db.$queryRaw<KeyInstance[]>(
      Prisma.sql`SELECT i.* FROM "KeyInstance" i WHERE ${isIn(Prisma.raw('i."managedKeyId"'), rows.map((r) => r.id))} ORDER BY i."keystoreName" ASC`,
    );
    const byKey = new Map<string, KeyInstance[]>(rows.map((r) => [r.id, []]));
    // SQLite hands booleans back as 0/1.
    for (const i of instances) byKey.get(i.managedKeyId)!.push({ ...i, targeted: Boolean(i.targeted) });
    const withInstanceRows = rows.map(({ currentVerification, templateTargetRevision, ...r }) => ({
      ...r,
      instances: byKey.get(r.id)!,
      listed: { verification: currentVerification === null ? null : (JSON.parse(currentVerification) as Verification), templateTargetRevision: templateTargetRevision === null ? null : Number(templateTargetRevision) } satisfies ListedExtras,
    }));
    const totalCount = async () => countOf(await db.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT count(*) AS n FROM "ManagedKey" k WHERE ${allOf(where)}`));
    return { ...toPage(withInstanceRows, first, order.field, args.after), totalCount };
  }

  // ---------------------------------------------------------------------------------------------

  private async changeState(
    key: { id: string; version: number; state: string },
    data: { state: KeyState; deactivatedAt?: Date; destroyedAt?: Date },
    more?: (tx: Parameters<Parameters<Db["$transaction"]>[0]>[0]) => Promise<void>,
  ) {
    const now = this.clock.now();
    await this.o.db.$transaction(async (tx) => {
      await this.bumpVersion(tx, key, data);
      await tx.keyInstance.updateMany({ where: { managedKeyId: key.id, keystoreId: { not: null } }, data: { pendingAction: "reconcile", pendingSince: now } });
      await more?.(tx);
    });
    await this.reconciler.run(key.id, "push");
  }

  private async bumpVersion(tx: Parameters<Parameters<Db["$transaction"]>[0]>[0], key: { id: string; version: number }, data: Record<string, unknown>) {
    const { count } = await tx.managedKey.updateMany({ where: { id: key.id, version: key.version }, data: { ...data, version: { increment: 1 } } });
    if (count === 0) await this.conflict(key.id, key.version);
  }

  /** Marks the targets (creating their rows) and un-targets the rest; all marked pending. */
  private async setTargets(tx: Parameters<Parameters<Db["$transaction"]>[0]>[0], keyId: string, targets: { id: string; name: string }[], now: Date) {
    for (const t of targets) {
      await tx.keyInstance.upsert({
        where: { managedKeyId_keystoreId: { managedKeyId: keyId, keystoreId: t.id } },
        create: { managedKeyId: keyId, keystoreId: t.id, keystoreName: t.name, targeted: true, pendingAction: "reconcile", pendingSince: now },
        update: { targeted: true, keystoreName: t.name, pendingAction: "reconcile", pendingSince: now },
      });
    }
    await tx.keyInstance.updateMany({
      where: { managedKeyId: keyId, keystoreId: { notIn: targets.map((t) => t.id) }, NOT: { keystoreId: null } },
      data: { targeted: false, pendingAction: "reconcile", pendingSince: now },
    });
  }

  /**
   * Refuses a name another live managed key already has, or will have, in the new key's target
   * keystores: one that is installed in any of them, or whose template has a target of the same
   * type and group. (A destroyed key's copies are on their way out; the keystore itself says if it still
   * holds the name.)
   */
  private async requireFreeName(name: string, template: { vaultId: string; targets: readonly StoredTarget[] }, targets: { id: string }[], label: string) {
    const other = await this.o.db.managedKey.findFirst({
      where: {
        nameInKeystores: name,
        state: { not: "DESTROYED" },
        OR: [
          ...template.targets.map((t) => ({ template: { vaultId: template.vaultId, targets: { some: { keystoreType: t.keystoreType, keystoreGroup: t.keystoreGroup } } } })),
          ...(targets.length > 0 ? [{ instances: { some: { keystoreId: { in: targets.map((t) => t.id) } } } }] : []),
        ],
      },
      select: { id: true, label: true },
      orderBy: { createdAt: "asc" },
    });
    // A key with this very label took the name since the label was checked (a concurrent create): the label is the conflict.
    if (other?.label === label) throw new DuplicateNameError("managed key", label);
    if (other) throw new KeyNameTakenError(name, other.id, other.label);
  }

  private async requireAction(input: { id: string; expectedVersion: number }, action: KeyAction) {
    const key = isUuid(input.id) ? await this.o.db.managedKey.findUnique({ where: { id: input.id }, include: withInstances }) : null;
    if (!key) throw new NotFoundError("managed key", input.id);
    if (key.version !== input.expectedVersion) throw new VersionConflictError("managed key", input.expectedVersion, key.version);
    if (!ALLOWED_FROM[action].includes(key.state)) throw new KeyStateError(action, key.state, ALLOWED_FROM[action]);
    return key;
  }

  private async conflict(id: string, expected: number): Promise<never> {
    const now = await this.o.db.managedKey.findUnique({ where: { id }, select: { version: true } });
    if (!now) throw new NotFoundError("managed key", id);
    throw new VersionConflictError("managed key", expected, now.version);
  }
}

function formatDuration(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${Math.round(ms / 60_000)} minutes`;
}

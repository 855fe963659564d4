import type { ConnectorLogger } from "@uko/connector-sdk";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { SessionPool } from "../connectors/sessions.js";
import type { RootKey } from "../crypto/seal.js";
import type { Db } from "../db/client.js";
import type { EventBus } from "../events.js";
import { materialAad, specOf } from "./material.js";
import { failedOutcome, reconcile, type KeyView, type Outcome } from "./reconcile.js";
import { KeystoreCaller } from "./remote.js";
import { retryAfter, type InstallBackoff } from "./backoff.js";
import type { WorkClaims } from "../db/claims.js";
import { optionsOf, targetFor } from "./targets.js";
import type { StoredTarget } from "../templates/targets.js";

/**
 * Runs the reconciliation of one managed key against all its keystores and records each outcome:
 * the state the engine persisted first is what every keystore is brought to (or only compared
 * with), in parallel, each keystore under its own deadline.
 */
export class KeyReconciler {
  private readonly caller: KeystoreCaller;

  constructor(
    private readonly o: {
      db: Db;
      rootKey: RootKey;
      registry: ConnectorRegistry;
      logger: ConnectorLogger;
      connectorTimeoutMs: number;
      connectorCallTimeoutMs?: number;
      sessions: SessionPool;
      events?: EventBus;
      clock: { now(): Date };
      installBackoff: InstallBackoff;
      /** One operation per key and keystore at a time, across replicas. */
      claims: WorkClaims;
      /** How long a live request waits for another operation on the same key and keystore. */
      claimWaitMs: number;
    },
  ) {
    this.caller = new KeystoreCaller(o);
  }

  /**
   * Reconciles every keystore of a key in parallel; each outcome is recorded on its own row.
   * Returns whether any keystore's status changed.
   *
   * `resuming`: after a restart, an install still marked pending may have created the remote copy
   * before the crash, so the keystore is searched for it by its tag first. A live request never
   * pays for that search: its install either finished, or failed and cleaned up after itself.
   *
   * `dueOnly` (the background sync): skips keystores whose last push failed until their backoff
   * has passed. `background`: skips a keystore another operation has claimed (a live request waits
   * for it instead); `observedBefore`: only keystores not looked at since then (once per interval
   * however many replicas run the round). An observation never touches a keystore with a push
   * pending: that push owns its status and keeps its last error visible until it succeeds.
   */
  async run(
    keyId: string,
    mode: "push" | "observe",
    options: { onlyPending?: boolean; resuming?: boolean; dueOnly?: boolean; keystoreId?: string; release?: "disabled" | "deleted"; background?: boolean; observedBefore?: Date } = {},
  ) {
    const now = this.o.clock.now();
    const instanceFilter = {
      keystoreId: options.keystoreId ?? { not: null },
      ...(options.onlyPending ? { pendingAction: { not: null } } : {}),
      ...(mode === "observe" ? { pendingAction: null } : {}),
      AND: [
        ...(options.dueOnly ? [{ OR: [{ retryAfter: null }, { retryAfter: { lte: now } }] }] : []),
        ...(options.observedBefore ? [{ OR: [{ checkedAt: null }, { checkedAt: { lte: options.observedBefore } }] }] : []),
      ],
    };
    const candidates = await this.o.db.keyInstance.findMany({ where: { managedKeyId: keyId, ...instanceFilter }, select: { id: true } });
    let changed = false;
    let vaultId: string | undefined;
    await Promise.all(
      candidates.map(async ({ id }) => {
        // One operation per key and keystore, across replicas: the background skips what is taken
        // (and what stopped matching its filter meanwhile); a live request waits its turn.
        const claim = options.background
          ? await this.o.claims.tryClaim("keyInstance", id, instanceFilter)
          : await this.o.claims.claim("keyInstance", id, this.o.claimWaitMs);
        if (!claim) {
          if (!options.background) this.o.logger.warn("another operation held the key in this keystore too long; left pending", { managedKeyId: keyId, instanceId: id });
          return;
        }
        try {
          const result = await this.runClaimed(keyId, id, mode, options);
          if (result) {
            vaultId = result.vaultId;
            changed ||= result.changed;
          }
        } finally {
          await this.o.claims.release(claim);
        }
      }),
    );
    // A push follows a change of the key itself; a look only matters when a keystore differs from before.
    vaultId ??= (await this.o.db.managedKey.findUnique({ where: { id: keyId }, select: { vaultId: true } }))?.vaultId;
    if (vaultId && (mode === "push" || changed)) this.o.events?.publish("managedKey:changed", vaultId, { id: keyId });
    return changed;
  }

  /** One keystore of the key, read after its claim was taken, so it works on what is true now. */
  private async runClaimed(
    keyId: string,
    instanceId: string,
    mode: "push" | "observe",
    options: { resuming?: boolean; release?: "disabled" | "deleted" },
  ): Promise<{ vaultId: string; changed: boolean } | undefined> {
    const key = await this.o.db.managedKey.findUnique({
      where: { id: keyId },
      include: {
        template: { include: { targets: true } },
        versions: true,
        instances: { where: { id: instanceId, keystoreId: { not: null } }, include: { keystore: { include: { groups: { select: { name: true } } } } } },
      },
    });
    const instance = key?.instances[0];
    if (!key || !instance) return key ? { vaultId: key.vaultId, changed: false } : undefined;
    const view = this.viewOf(key, instance.keystore!);
    const before = `${instance.status}/${instance.syncFlag}/${instance.keyIdInKeystore}`;
    const differs = (o: { status: string; syncFlag: string; keyIdInKeystore: string | null }) => before !== `${o.status}/${o.syncFlag}/${o.keyIdInKeystore}`;
    const iv = {
      targeted: instance.targeted,
      keyIdInKeystore: instance.keyIdInKeystore,
      keyVersion: instance.keyVersion,
      resuming: options.resuming === true && instance.pendingAction !== null,
      replacedKeyIds: JSON.parse(instance.replacedKeyIds) as string[],
      ...(options.release ? { release: options.release } : {}),
    };
    let outcome: Outcome;
    try {
      outcome = await this.caller.run(instance.keystore!, (keys, host) => reconcile(view, iv, mode, keys, host), iv.resuming ? "resume" : mode);
    } catch (error) {
      this.o.logger.warn("managed key operation failed in a keystore", { managedKeyId: key.id, keystoreId: instance.keystoreId, error });
      const failed = failedOutcome(iv, error);
      await this.o.db.keyInstance.update({
        where: { id: instance.id },
        // A push that failed stays pending, for the next sync or restart to finish.
        data: {
          status: failed.status,
          syncFlag: failed.syncFlag,
          detail: failed.detail,
          error: failed.error,
          checkedAt: this.o.clock.now(),
          // A failed push waits longer before the background sync tries it again.
          ...(mode === "push" ? { failedAttempts: instance.failedAttempts + 1, retryAfter: retryAfter(this.o.installBackoff, instance.failedAttempts + 1, this.o.clock.now()) } : {}),
        },
      });
      return { vaultId: key.vaultId, changed: differs(failed) };
    }
    const { replacedKeyId, ...columns } = outcome;
    await this.o.db.keyInstance.update({
      where: { id: instance.id },
      data: {
        ...columns,
        ...(replacedKeyId ? { replacedKeyIds: JSON.stringify([...iv.replacedKeyIds, replacedKeyId]) } : {}),
        checkedAt: this.o.clock.now(),
        ...(mode === "push" ? { pendingAction: null, pendingSince: null, failedAttempts: 0, retryAfter: null } : {}),
      },
    });
    return { vaultId: key.vaultId, changed: differs(outcome) };
  }

  /** The key as one keystore sees it: the type's rotation model and its target's options are each keystore's own. */
  private viewOf(
    key: {
      id: string;
      vaultId: string;
      state: KeyView["state"];
      keyVersion: number;
      nameInKeystores: string;
      description: string;
      algorithm: string;
      size: string;
      template: { targets: readonly StoredTarget[] };
      versions: { number: number; sealedMaterial: Uint8Array }[];
    },
    keystore: { type: string; groups: readonly { name: string }[] },
  ): KeyView {
    const connector = this.o.registry.get(keystore.type)?.definition;
    return {
      id: key.id,
      vaultId: key.vaultId,
      state: key.state,
      keyVersion: key.keyVersion,
      nameInKeystores: key.nameInKeystores,
      description: key.description,
      templateOptions: optionsOf(connector, targetFor(key.template.targets, keystore)),
      rotation: connector?.rotation ?? "new_key",
      material: (number = key.keyVersion) => {
        const version = key.versions.find((ver) => ver.number === number);
        if (!version || version.sealedMaterial.length === 0) throw new Error("The key's material is gone (destroyed)");
        return {
          spec: specOf(key),
          bytes: this.o.rootKey.open(Buffer.from(version.sealedMaterial), materialAad(key.id, version.number)),
        };
      },
      verifiesMaterial: (connector?.capabilities.operations ?? []).includes("verify_material"),
    };
  }
}

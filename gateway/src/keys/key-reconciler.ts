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
import { optionsOf, targetFor } from "./targets.js";

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
   * has passed. An observation never touches a keystore with a push pending: that push owns its
   * status and keeps its last error visible until it succeeds.
   */
  async run(
    keyId: string,
    mode: "push" | "observe",
    options: { onlyPending?: boolean; resuming?: boolean; dueOnly?: boolean; keystoreId?: string; release?: "disabled" | "deleted" } = {},
  ) {
    const now = this.o.clock.now();
    const key = await this.o.db.managedKey.findUnique({
      where: { id: keyId },
      include: {
        template: { include: { targets: true } },
        versions: true,
        instances: {
          where: {
            keystoreId: options.keystoreId ?? { not: null },
            ...(options.onlyPending ? { pendingAction: { not: null } } : {}),
            ...(mode === "observe" ? { pendingAction: null } : {}),
            ...(options.dueOnly ? { OR: [{ retryAfter: null }, { retryAfter: { lte: now } }] } : {}),
          },
          include: { keystore: { include: { groups: { select: { name: true } } } } },
        },
      },
    });
    if (!key) return;
    // What is common to every keystore; the type's rotation model and the target's options are each keystore's own.
    const common: Omit<KeyView, "templateOptions" | "rotation" | "verifiesMaterial"> = {
      id: key.id,
      vaultId: key.vaultId,
      state: key.state,
      keyVersion: key.keyVersion,
      nameInKeystores: key.nameInKeystores,
      description: key.description,
      material: (number = key.keyVersion) => {
        const version = key.versions.find((ver) => ver.number === number);
        if (!version || version.sealedMaterial.length === 0) throw new Error("The key's material is gone (destroyed)");
        return {
          spec: specOf(key),
          bytes: this.o.rootKey.open(Buffer.from(version.sealedMaterial), materialAad(key.id, version.number)),
        };
      },
    };
    const viewIn = (keystore: { type: string; groups: { name: string }[] }): KeyView => {
      const connector = this.o.registry.get(keystore.type)?.definition;
      return {
        ...common,
        templateOptions: optionsOf(connector, targetFor(key.template.targets, keystore)),
        rotation: connector?.rotation ?? "new_key",
        verifiesMaterial: (connector?.capabilities.operations ?? []).includes("verify_material"),
      };
    };
    const before = new Map(key.instances.map((i) => [i.id, `${i.status}/${i.syncFlag}/${i.keyIdInKeystore}`]));
    let changed = false;
    const note = (id: string, o: { status: string; syncFlag: string; keyIdInKeystore: string | null }) => {
      if (before.get(id) !== `${o.status}/${o.syncFlag}/${o.keyIdInKeystore}`) changed = true;
    };
    await Promise.all(
      key.instances.map(async (instance) => {
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
          const view = viewIn(instance.keystore!);
          outcome = await this.caller.run(instance.keystore!, (keys, host) => reconcile(view, iv, mode, keys, host), iv.resuming ? "resume" : mode);
        } catch (error) {
          this.o.logger.warn("managed key operation failed in a keystore", { managedKeyId: key.id, keystoreId: instance.keystoreId, error });
          const failed = failedOutcome(iv, error);
          note(instance.id, failed);
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
          return;
        }
        note(instance.id, outcome);
        const { replacedKeyId, ...columns } = outcome;
        await this.o.db.keyInstance.update({
          where: { id: instance.id },
          data: {
            ...columns,
            ...(replacedKeyId ? { replacedKeyIds: JSON.stringify([...(JSON.parse(instance.replacedKeyIds) as string[]), replacedKeyId]) } : {}),
            checkedAt: this.o.clock.now(),
            ...(mode === "push" ? { pendingAction: null, pendingSince: null, failedAttempts: 0, retryAfter: null } : {}),
          },
        });
      }),
    );
    // A push follows a change of the key itself; a look only matters when a keystore differs from before.
    if (mode === "push" || changed) this.o.events?.publish("managedKey:changed", key.vaultId, { id: key.id });
    return changed;
  }
}

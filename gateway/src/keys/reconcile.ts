import {
  ConnectorError,
  isAdoptableCopy,
  isConnectorError,
  type ConnectorHost,
  type InstallKeyRequest,
  type KeyMaterial,
  type KeyOperations,
  type ManagedCopyRef,
  type PropertyValues,
  type RemoteKey,
  type RotationModel,
} from "@uko/connector-sdk";
import type { KeyState } from "./rules.js";

/**
 * Brings one keystore's copy of a managed key to the state the gateway wants, or only looks at
 * it. Idempotent, so an interrupted run is finished by running it again: a copy created before a
 * crash is found again by its tag, never created twice.
 */
export type InstanceStatus = "ACTIVE" | "NOT_ACTIVE" | "NOT_PRESENT" | "WRONG_KEY" | "ERROR" | "PENDING_DESTRUCTION";
export type SyncFlag = "OK" | "OUT_OF_SYNC" | "ERROR";

export interface KeyView {
  id: string;
  vaultId: string;
  state: KeyState;
  keyVersion: number;
  nameInKeystores: string;
  description: string;
  /** Opens the sealed material of a version (default: the current one); only called when it must be imported or verified. */
  material: (version?: number) => KeyMaterial;
  /** The keystore type proves a copy's material without exporting it (`verify_material`): a copy with other material is WRONG_KEY. */
  verifiesMaterial?: boolean;
  /** The template's options for this keystore type, defaults applied (opaque to the gateway). */
  templateOptions: PropertyValues;
  rotation: RotationModel;
}

export interface InstanceView {
  targeted: boolean;
  keyIdInKeystore: string | null;
  /** The material version the keystore's copy holds. */
  keyVersion: number;
  /**
   * An operation here may have been interrupted (a restart): before creating a copy, for an
   * install or a rotation, ask the connector for one it may already have created.
   */
  resuming: boolean;
  /** The keystore is being disconnected and takes the key's copy out of use this way. */
  release?: "disabled" | "deleted";
  /** Copies earlier `new_key` rotations replaced: they follow the key's state (enabled, disabled, deleted) so old ciphertext stays readable while the key is. */
  replacedKeyIds?: readonly string[];
}

export interface Outcome {
  /** The material version the copy holds after this run. */
  keyVersion: number;
  /** Set when a rotation replaced the copy: the id it replaced. */
  replacedKeyId?: string;
  status: InstanceStatus;
  syncFlag: SyncFlag;
  detail: string;
  error: string | null;
  keyIdInKeystore: string | null;
  resourceName: string | null;
  /** The keystore's id of the version holding the material (RemoteKey.materialVersion). */
  materialVersion: string | null;
  deletionDate: Date | null;
}

type Desired = "enabled" | "disabled" | "deleted" | "absent";

function desiredFor(state: KeyState, targeted: boolean): Desired {
  if (state === "DESTROYED") return "deleted";
  if (state === "PRE_ACTIVATION") return "absent";
  return state === "ACTIVE" && targeted ? "enabled" : "disabled";
}

export async function reconcile(key: KeyView, instance: InstanceView, mode: "push" | "observe", keys_: KeyOperations, host: ConnectorHost): Promise<Outcome> {
  const keys = searchingOnce(keys_);
  const desired = instance.release ?? desiredFor(key.state, instance.targeted);
  let remote = instance.keyIdInKeystore ? await describeOrNull(keys, instance.keyIdInKeystore, host) : null;
  // A copy an interrupted install created but never recorded.
  const lost = !remote && instance.resuming ? await keys.findManagedCopy(copyRef(key), host) : null;
  if (mode === "observe") {
    const seen = remote ?? lost;
    return judge(key, instance, desired, seen, await holdsOtherMaterial(keys, key, seen, seen && seen.keyId !== instance.keyIdInKeystore ? key.keyVersion : instance.keyVersion, host));
  }

  let wrongKey = false;
  let replacedKeyId: string | undefined;
  let rotated = false;
  let gaveMaterial = false;
  // A copy of older material, in a keystore that should hold the key: rotate it first.
  if (remote && instance.keyVersion < key.keyVersion && (desired === "enabled" || desired === "disabled") && remote.state !== "pending_deletion") {
    const resumed = instance.resuming ? await keys.findManagedCopy(copyRef(key), host) : null;
    // A new key replaces the copy (its id is kept to disable and destroy it with the key); a new version does not.
    if (key.rotation === "new_key") replacedKeyId = remote.keyId;
    remote = await optional(keys, "rotateKey")(remote.keyId, installRequest(key), host, resumed?.keyId);
    rotated = true;
    gaveMaterial = true;
  }
  if (desired !== "enabled") remote ??= lost;
  switch (desired) {
    case "enabled":
      if (!remote) {
        remote = await install(keys, key, host, lost?.keyId);
        gaveMaterial = true;
      } else {
        if (remote.state === "pending_deletion") remote = await optional(keys, "cancelKeyDeletion")(remote.keyId, host, materialIfKept(key));
        if (remote.state === "pending_import") {
          try {
            remote = await optional(keys, "reimportKeyMaterial")(remote.keyId, key.material(), host);
          } catch (error) {
            if (!(isConnectorError(error) && error.code === "CONFLICT")) throw error;
            wrongKey = true;
          }
        }
        if (remote.state === "disabled") remote = await keys.enableKey(remote.keyId, host);
      }
      break;
    case "disabled":
      if (remote?.state === "pending_deletion") remote = await optional(keys, "cancelKeyDeletion")(remote.keyId, host, materialIfKept(key));
      if (remote?.state === "enabled") remote = await keys.disableKey(remote.keyId, host);
      break;
    case "deleted":
      if (remote && remote.state !== "pending_deletion") remote = await keys.scheduleKeyDeletion(remote.keyId, key.templateOptions, host);
      break;
    case "absent":
      break;
  }
  if (desired !== "absent") for (const replaced of instance.replacedKeyIds ?? []) await follow(keys, replaced, desired, key, host);
  const heldVersion = rotated || (remote && remote.keyId !== instance.keyIdInKeystore) ? key.keyVersion : instance.keyVersion;
  // A copy installed or rotated by this very push holds the material it was just given: proving it
  // again would only cost a call. A resumed push may have adopted a copy made before a crash: proven.
  if (!gaveMaterial || instance.resuming) wrongKey ||= await holdsOtherMaterial(keys, key, remote, heldVersion, host);
  const outcome = judge(key, instance, desired, remote, wrongKey, rotated);
  return replacedKeyId ? { ...outcome, replacedKeyId } : outcome;
}

/** The key's material, unless it was destroyed (some keystores restore a deleted copy only with it). */
function materialIfKept(key: KeyView): KeyMaterial | undefined {
  try {
    return key.material();
  } catch {
    return undefined;
  }
}

/**
 * The keystore's operations with `findManagedCopy` answered once per copy: it may list a whole
 * remote account, and one run may ask twice (a resumed install that then meets its own name).
 * A copy that may not be adopted (pending deletion, or left by a failed attempt) counts as none,
 * whatever the connector's own search skipped.
 */
function searchingOnce(keys: KeyOperations): KeyOperations {
  const found = new Map<string, Promise<RemoteKey | null>>();
  const findManagedCopy = (copy: ManagedCopyRef, host: ConnectorHost) => {
    const ref = `${copy.managedKeyId}/${copy.version}`;
    if (!found.has(ref)) found.set(ref, keys.findManagedCopy(copy, host).then((key) => (key && isAdoptableCopy(key) ? key : null)));
    return found.get(ref)!;
  };
  // Every other method runs on the connector's own object, as it was written to.
  return new Proxy(keys, {
    get(target, property, receiver) {
      if (property === "findManagedCopy") return findManagedCopy;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function copyRef(key: KeyView) {
  return { managedKeyId: key.id, vaultId: key.vaultId, version: key.keyVersion };
}

function installRequest(key: KeyView): InstallKeyRequest {
  return { name: key.nameInKeystores, description: key.description, material: key.material(), copy: copyRef(key), options: key.templateOptions };
}

type OptionalMethod = "rotateKey" | "reimportKeyMaterial" | "cancelKeyDeletion" | "verifyKeyMaterial";

/** An optional operation, or UNSUPPORTED when this keystore type does not have it. */
function optional<M extends OptionalMethod>(keys: KeyOperations, method: M): NonNullable<KeyOperations[M]> {
  const fn = keys[method];
  if (!fn) throw new ConnectorError("UNSUPPORTED", `This keystore type cannot ${method.replace(/Key(Material)?$/, "").replace(/([A-Z])/g, " $1").toLowerCase()} keys`);
  return fn.bind(keys) as NonNullable<KeyOperations[M]>;
}

/** Installs the key; when its name is taken by the gateway's own earlier copy (a crash between steps), adopts that copy. */
async function install(keys: KeyOperations, key: KeyView, host: ConnectorHost, resumeKeyId: string | undefined): Promise<RemoteKey> {
  try {
    return await keys.installKey(installRequest(key), host, resumeKeyId);
  } catch (error) {
    if (!(isConnectorError(error) && error.code === "CONFLICT")) throw error;
    const ours = await keys.findManagedCopy(copyRef(key), host);
    if (!ours) throw new ConnectorError("CONFLICT", `${error.message}; it is not a copy of this managed key`);
    return ours.state === "pending_import" ? optional(keys, "reimportKeyMaterial")(ours.keyId, key.material(), host) : ours;
  }
}

/**
 * Whether the copy provably holds other material than the key's version `version` (only for a
 * type that declares `verify_material`, a copy that has material, and a key whose material still
 * exists). A connector that cannot prove it for this kind of key answers UNSUPPORTED: not a finding.
 */
async function holdsOtherMaterial(keys: KeyOperations, key: KeyView, remote: RemoteKey | null, version: number, host: ConnectorHost): Promise<boolean> {
  if (!key.verifiesMaterial || !keys.verifyKeyMaterial || !remote || key.state === "DESTROYED") return false;
  if (remote.state !== "enabled" && remote.state !== "disabled") return false;
  try {
    return !(await keys.verifyKeyMaterial(remote.keyId, key.material(version), host));
  } catch (error) {
    if (isConnectorError(error) && error.code === "UNSUPPORTED") return false;
    throw error;
  }
}

/** Brings a copy an earlier rotation replaced to the key's state; one already gone is left alone. */
async function follow(keys: KeyOperations, keyId: string, desired: "enabled" | "disabled" | "deleted", key: KeyView, host: ConnectorHost): Promise<void> {
  const copy = await describeOrNull(keys, keyId, host);
  if (!copy || copy.state === "pending_deletion") return;
  if (desired === "enabled" && copy.state === "disabled") await keys.enableKey(keyId, host);
  if (desired === "disabled" && copy.state === "enabled") await keys.disableKey(keyId, host);
  if (desired === "deleted") await keys.scheduleKeyDeletion(keyId, key.templateOptions, host);
}

async function describeOrNull(keys: KeyOperations, keyId: string, host: ConnectorHost): Promise<RemoteKey | null> {
  try {
    return await keys.describeKey(keyId, host);
  } catch (error) {
    if (isConnectorError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

function judge(key: KeyView, instance: InstanceView, desired: Desired, remote: RemoteKey | null, wrongKey = false, rotated = false): Outcome {
  const base = {
    error: null,
    keyIdInKeystore: remote?.keyId ?? instance.keyIdInKeystore,
    resourceName: remote?.resourceName ?? null,
    materialVersion: remote?.materialVersion ?? null,
    deletionDate: remote?.deletionDate ?? null,
    // A copy found, made or rotated by this run holds the current material; an old one keeps its version.
    keyVersion: rotated || (remote && remote.keyId !== instance.keyIdInKeystore) ? key.keyVersion : instance.keyVersion,
  };
  if (wrongKey) return { ...base, status: "WRONG_KEY", syncFlag: "OUT_OF_SYNC", detail: "key_in_keystore_has_other_material" };
  const status: InstanceStatus = !remote
    ? "NOT_PRESENT"
    : remote.state === "enabled"
      ? "ACTIVE"
      : remote.state === "pending_deletion"
        ? "PENDING_DESTRUCTION"
        : remote.state === "unavailable"
          ? "ERROR"
          : "NOT_ACTIVE";
  const [ok, detail] = verdict(key.state, instance.targeted, desired, status);
  return { ...base, status, syncFlag: ok ? "OK" : "OUT_OF_SYNC", detail };
}

/** Whether the copy is as the key's state wants it, in UKO's keystore_sync_flag_detail words. */
function verdict(state: KeyState, targeted: boolean, desired: Desired, status: InstanceStatus): [boolean, string] {
  switch (desired) {
    case "enabled":
      return status === "ACTIVE" ? [true, "active_key_is_active_in_keystore"] : [false, "active_key_is_not_active_in_keystore"];
    case "disabled":
      if (state === "ACTIVE" && !targeted) {
        return status === "ACTIVE" ? [false, "target_keystore_removed_by_user_contains_an_active_key"] : [true, "target_keystore_removed_by_user"];
      }
      return status === "ACTIVE" || status === "PENDING_DESTRUCTION"
        ? [false, "deactivated_key_is_not_deactivated_in_keystore"]
        : [true, "deactivated_key_is_deactivated_in_keystore"];
    case "deleted":
      if (status === "NOT_PRESENT") return [true, "destroyed_key_is_not_present_in_keystore"];
      return status === "PENDING_DESTRUCTION" ? [true, "destroyed_pending_key_is_pending_destruction_in_keystore"] : [false, "destroyed_key_is_present_in_keystore"];
    case "absent":
      return status === "NOT_PRESENT" ? [true, "pre_active_key_is_not_present_in_keystore"] : [false, "pre_active_key_is_present_in_keystore"];
  }
}

/** A keystore that could not be reached or refused: recorded, never thrown past the engine. */
export function failedOutcome(instance: InstanceView, error: unknown): Outcome {
  const message = isConnectorError(error) ? error.message : "The keystore call failed unexpectedly";
  const unreachable = isConnectorError(error) && (error.code === "UNREACHABLE" || error.code === "THROTTLED");
  return {
    keyVersion: instance.keyVersion,
    status: "ERROR",
    syncFlag: "ERROR",
    detail: unreachable ? "connection_error" : "error",
    error: message,
    keyIdInKeystore: instance.keyIdInKeystore,
    resourceName: null,
    materialVersion: null,
    deletionDate: null,
  };
}

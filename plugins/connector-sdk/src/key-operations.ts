import type { KeyAlgorithm } from "./definition.js";
import type { ConnectorHost } from "./host.js";
import type { PropertyValues } from "./properties.js";

/**
 * The key operations the managed-key engine calls on a session. The gateway generates key
 * material and imports it into each keystore (BYOK), so a keystore never generates a managed key.
 */

/** A key's kind and size, as UKO spells sizes: "256" for AES/HMAC bits, "2048" for RSA, "P-256" for EC. */
export interface KeySpec {
  readonly algorithm: KeyAlgorithm;
  readonly size: string;
}

/**
 * Key material in the one format every cloud imports: the raw bytes of an AES or HMAC key, or the
 * PKCS#8 `PrivateKeyInfo` DER of an RSA or EC private key.
 */
export interface KeyMaterial {
  readonly spec: KeySpec;
  readonly bytes: Uint8Array;
}

/** A remote key's state, in one vocabulary across keystores. */
export type RemoteKeyState = "pending_import" | "enabled" | "disabled" | "pending_deletion" | "unavailable";

export interface RemoteKey {
  /** The keystore's own id for the key (for AWS, the key id, not the ARN). */
  readonly keyId: string;
  /** The key's full resource name where the keystore has one (an ARN, a URL). */
  readonly resourceName?: string;
  /** The human name it carries in the keystore (an AWS alias without `alias/`, an Azure key name). */
  readonly name?: string;
  readonly state: RemoteKeyState;
  /** Null when the keystore reports a kind this contract does not model. */
  readonly spec: KeySpec | null;
  /**
   * The keystore's id for the version of the key that holds the current material (Azure's
   * version, Google's crypto key version, IBM's key version id; for `new_key` rotation, the key
   * id itself or the material id). Lets the gateway record which remote version holds which
   * material version after an in-place rotation.
   */
  readonly materialVersion?: string;
  readonly description?: string;
  readonly createdAt?: Date;
  /** When a scheduled deletion happens. */
  readonly deletionDate?: Date;
  /** The key's tags or labels as the keystore holds them (read-only to the gateway). */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Which managed key, and which of its material versions, a remote copy holds. The connector
 * marks every copy it installs with it, in its keystore's own way (AWS tags, Azure tags, Google
 * labels with their character rules, IBM key aliases or descriptions), so `findManagedCopy` can
 * find a copy an interrupted operation created but never reported.
 */
export interface ManagedCopyRef {
  readonly managedKeyId: string;
  readonly vaultId: string;
  /** The managed key's material version (1, 2, ... one per rotation). */
  readonly version: number;
}

export interface InstallKeyRequest {
  /** The key's name in the keystore; the caller has checked it against the type's naming rules. */
  readonly name: string;
  readonly description?: string;
  readonly material: KeyMaterial;
  /** What to mark the copy with (see ManagedCopyRef). */
  readonly copy: ManagedCopyRef;
  /** The key template's options for this keystore type, validated against `templateOptions`. */
  readonly options: Readonly<PropertyValues>;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string;
}

export interface PageRequest {
  readonly cursor?: string;
  /** An upper bound; a keystore may return fewer. */
  readonly limit?: number;
}

/** Key operations a connector may leave out; it declares the ones it has in `capabilities.operations`. */
export type OptionalKeyOperation = "rotate" | "reimport" | "cancel_deletion" | "verify_material";
export const OPTIONAL_KEY_OPERATIONS: readonly OptionalKeyOperation[] = ["rotate", "reimport", "cancel_deletion", "verify_material"];

/** The session method behind each optional operation. */
export const OPTIONAL_OPERATION_METHODS: Readonly<Record<OptionalKeyOperation, keyof KeyOperations>> = {
  rotate: "rotateKey",
  reimport: "reimportKeyMaterial",
  cancel_deletion: "cancelKeyDeletion",
  verify_material: "verifyKeyMaterial",
};

/**
 * Every operation is idempotent where the cloud allows it and leaves nothing behind when it fails:
 * a key it created on the way is scheduled for deletion before the error is thrown.
 */
export interface KeyOperations {
  /**
   * Creates a key for imported material, imports `material` into it, names it and marks it with
   * `request.copy`. Either the key ends up installed and enabled, or nothing is left behind. With
   * `resumeKeyId` (a copy an interrupted installation created, found by `findManagedCopy`),
   * finishes with that key: imports the material if it waits for it, and names it.
   */
  installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey>;
  /**
   * The copy of `copy.managedKeyId` at material version `copy.version`, however this connector
   * marked it, or null. Must ignore copies pending deletion and copies a failed attempt left
   * disabled or waiting for material that this connector already gave up on.
   */
  findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null>;
  describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  /**
   * Starts the keystore's deletion of the key. `options` are the template's options: the window
   * is read from the connector's own `deletionWindowOption`, within the keystore's bounds.
   */
  scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey>;
  /** Every key in the keystore, a page at a time, with names and tags. */
  listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>>;

  /**
   * `rotate`. With rotation `new_version`: imports `request.material` as a new version of
   * `currentKeyId` (the returned key has the same id and a new `materialVersion`). With `new_key`:
   * installs it as a new key and moves `request.name` to it; `currentKeyId` keeps its material.
   * With `resumeKeyId` (found by `findManagedCopy` for the new version), finishes that one.
   */
  rotateKey?(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey>;
  /**
   * `reimport`. Imports `material` again into a key that lost it (or re-confirms it); the
   * keystore refuses material that is not the key's own with a CONFLICT.
   */
  reimportKeyMaterial?(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<RemoteKey>;
  /**
   * `cancel_deletion`. Cancels a pending deletion; the key comes back (disabled on most clouds).
   * `material` is given when the gateway still holds it: some keystores (IBM Key Protect) restore
   * an imported key only with its material.
   */
  cancelKeyDeletion?(keyId: string, host: ConnectorHost, material?: KeyMaterial): Promise<RemoteKey>;
  /**
   * `verify_material`. Whether the key holds `material`, proven without exporting it (a MAC or a
   * ciphertext round trip, a public key compared): the gateway reports `WRONG_KEY` when false.
   */
  verifyKeyMaterial?(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean>;
}

import type { KeyAlgorithm } from "./definition.js";
import type { ConnectorHost } from "./host.js";

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
  readonly description?: string;
  readonly createdAt?: Date;
  /** When a scheduled deletion happens. */
  readonly deletionDate?: Date;
  readonly tags: Readonly<Record<string, string>>;
}

export interface InstallKeyRequest {
  /** The key's name in the keystore; the caller has checked it against the type's naming rules. */
  readonly name: string;
  readonly description?: string;
  readonly material: KeyMaterial;
  /** Recorded on the remote key so that keys this gateway manages, and its orphans, can be found. */
  readonly tags: Readonly<Record<string, string>>;
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

export interface KeyOperations {
  /**
   * Creates a key for imported material, imports `material` into it, names it and tags it. Either
   * the key ends up installed and enabled, or nothing is left behind: a key created on the way is
   * scheduled for deletion before the error is thrown. With `resumeKeyId` (a key an interrupted
   * installation created, found by its tags), finishes with that key: imports the material if it
   * waits for it, and names it.
   */
  installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey>;
  /**
   * Imports `material` again into a key that lost it (or re-confirms it); the keystore refuses
   * material that is not the key's own with a CONFLICT.
   */
  reimportKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<RemoteKey>;
  /**
   * Rotation: installs `request.material` as a new key and moves `request.name` to it; the key
   * `currentKeyId` keeps its old material under its id (to decrypt what it protected). With
   * `resumeKeyId` (a key an interrupted rotation created, found by its tags), finishes with that
   * key instead of creating another. A key left behind by a failure is scheduled for deletion.
   */
  rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey>;
  describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  /** `pendingWindowDays` within the keystore's own bounds (AWS: 7–30). */
  scheduleKeyDeletion(keyId: string, pendingWindowDays: number, host: ConnectorHost): Promise<RemoteKey>;
  /** Cancels a pending deletion; the key comes back disabled, as every cloud does. */
  cancelKeyDeletion(keyId: string, host: ConnectorHost): Promise<RemoteKey>;
  /** Every key in the keystore, a page at a time, with names and tags. */
  listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>>;
}

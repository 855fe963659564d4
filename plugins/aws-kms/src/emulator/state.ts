import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { aliasNotFound, incorrectKeyMaterial, invalidState, KmsError, keyNotFound, unsupported, validation } from "./errors.js";
import { keyFamily, type KeySpec, type KeyUsage } from "./key-specs.js";

/**
 * The emulator's accounts: keys, aliases and tags, and the key state machine of AWS KMS
 * (Enabled, Disabled, PendingImport, PendingDeletion, Unavailable). Nothing here knows the wire
 * protocol; every refusal is the KmsError AWS would answer.
 *
 * Time only moves when someone looks: `sweep(now)` runs before every request and deletes the keys
 * whose deletion date has passed and the imported material whose ValidTo has passed, which is what
 * AWS does in the background.
 */
export type KeyState = "Enabled" | "Disabled" | "PendingDeletion" | "PendingImport" | "Unavailable";
export type Origin = "AWS_KMS" | "EXTERNAL";
export type ExpirationModel = "KEY_MATERIAL_EXPIRES" | "KEY_MATERIAL_DOES_NOT_EXPIRE";
/** CUSTOMER keys are the caller's; AWS keys are the ones AWS services create in every account (alias/aws/*). */
export type KeyManager = "CUSTOMER" | "AWS";

export interface KmsKey {
  /** Creation order; ListKeys pages in this order. */
  readonly seq: number;
  readonly keyId: string;
  readonly accountId: string;
  readonly arn: string;
  readonly creationDate: Date;
  /** Changed by UpdateKeyDescription. */
  description: string;
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: Origin;
  readonly keyManager: KeyManager;
  readonly policy: string;
  state: KeyState;
  deletionDate?: Date;
  pendingWindowInDays?: number;
  /** The current key material (raw bytes, or PKCS#8 DER for asymmetric keys). */
  material?: Buffer;
  /**
   * SHA-256 of the first material imported into an EXTERNAL key. It outlives the material
   * (DeleteImportedKeyMaterial, expiry), because a key accepts only that material ever again.
   */
  importedFingerprint?: Buffer;
  expirationModel?: ExpirationModel;
  validTo?: Date;
  readonly tags: Map<string, string>;
}

export interface KmsAlias {
  readonly accountId: string;
  readonly name: string;
  readonly arn: string;
  /** Undefined for an AWS-managed alias whose service has not created its key yet (as AWS lists alias/aws/rds in a fresh account). */
  targetKeyId?: string;
  readonly creationDate: Date;
  lastUpdatedDate: Date;
}

export interface NewKey {
  accountId: string;
  description: string;
  keyUsage: KeyUsage;
  keySpec: KeySpec;
  origin: Origin;
  keyManager?: KeyManager;
  policy?: string;
  tags: readonly (readonly [string, string])[];
  material?: Buffer;
  now: Date;
}

/**
 * The AWS-managed aliases a caller meets in a fresh account: some point to an AWS managed key
 * (a service has used it), some to nothing yet. The connector must pass over all of them.
 */
export const AWS_MANAGED_ALIASES: readonly { name: string; description?: string }[] = [
  { name: "alias/aws/ebs", description: "Default key that protects my EBS volumes when no other key is defined" },
  { name: "alias/aws/s3", description: "Default key that protects my S3 objects when no other key is defined" },
  { name: "alias/aws/rds" },
  { name: "alias/aws/secretsmanager" },
];

/** AWS's limits that the emulator enforces. */
export const MAX_TAGS_PER_KEY = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class KmsStore {
  private readonly keys = new Map<string, KmsKey>();
  /** Per account, by alias name. */
  private readonly aliases = new Map<string, Map<string, KmsAlias>>();
  private seq = 0;
  private readonly openedAccounts = new Set<string>();

  constructor(readonly region: string) {}

  /**
   * Gives an account, on its first request, what AWS has in every account: the AWS-managed
   * aliases, with AWS managed keys behind some of them.
   */
  openAccount(accountId: string, now: Date): void {
    if (this.openedAccounts.has(accountId)) return;
    this.openedAccounts.add(accountId);
    const aliases = this.aliasMapOf(accountId);
    for (const { name, description } of AWS_MANAGED_ALIASES) {
      const key = description
        ? this.createKey({ accountId, description, keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT", origin: "AWS_KMS", keyManager: "AWS", tags: [], material: randomBytes(32), now })
        : undefined;
      aliases.set(name, { accountId, name, arn: this.aliasArn(accountId, name), ...(key ? { targetKeyId: key.keyId } : {}), creationDate: now, lastUpdatedDate: now });
    }
  }

  private aliasMapOf(accountId: string): Map<string, KmsAlias> {
    let aliases = this.aliases.get(accountId);
    if (!aliases) this.aliases.set(accountId, (aliases = new Map()));
    return aliases;
  }

  /** AWS manages its own keys: a caller may use them, not change them. */
  requireCustomerManaged(key: KmsKey): void {
    if (key.keyManager === "AWS") throw unsupported(`${key.arn} is an AWS managed key; it cannot be changed.`);
  }

  keyArn(accountId: string, keyId: string): string {
    return `arn:aws:kms:${this.region}:${accountId}:key/${keyId}`;
  }

  aliasArn(accountId: string, aliasName: string): string {
    return `arn:aws:kms:${this.region}:${accountId}:${aliasName}`;
  }

  /** Carries out what AWS would have done in the background by `now`. */
  sweep(now: Date): void {
    for (const key of this.keys.values()) {
      if (key.state === "PendingDeletion" && key.deletionDate && key.deletionDate.getTime() <= now.getTime()) {
        this.keys.delete(key.keyId);
        const aliases = this.aliases.get(key.accountId);
        for (const alias of aliases?.values() ?? []) if (alias.targetKeyId === key.keyId) aliases!.delete(alias.name);
        continue;
      }
      if (key.expirationModel === "KEY_MATERIAL_EXPIRES" && key.validTo && key.validTo.getTime() <= now.getTime() && key.material) {
        // Expired imported material is deleted; the key waits for the same material again.
        key.material = undefined;
        key.validTo = undefined;
        key.expirationModel = undefined;
        if (key.state !== "PendingDeletion") key.state = "PendingImport";
      }
    }
  }

  /** Customer managed keys only: the AWS managed keys an account is born with are not the caller's. */
  count(): number {
    return [...this.keys.values()].filter((k) => k.keyManager === "CUSTOMER").length;
  }

  /** A key by id in any account, for the test-only inspection API. */
  peek(keyId: string): KmsKey | undefined {
    return this.keys.get(keyId);
  }

  createKey(request: NewKey): KmsKey {
    const keyId = randomUUID();
    const key: KmsKey = {
      seq: ++this.seq,
      keyId,
      accountId: request.accountId,
      arn: this.keyArn(request.accountId, keyId),
      creationDate: request.now,
      description: request.description,
      keyUsage: request.keyUsage,
      keySpec: request.keySpec,
      origin: request.origin,
      keyManager: request.keyManager ?? "CUSTOMER",
      policy: request.policy ?? defaultKeyPolicy(request.accountId),
      state: request.origin === "EXTERNAL" ? "PendingImport" : "Enabled",
      ...(request.material ? { material: request.material } : {}),
      tags: new Map(request.tags),
    };
    this.keys.set(keyId, key);
    return key;
  }

  /** The caller's keys in creation order. */
  keysOf(accountId: string): KmsKey[] {
    return [...this.keys.values()].filter((k) => k.accountId === accountId);
  }

  /**
   * Finds the key a KeyId parameter names, in the caller's account: a key id, a key ARN, and, where
   * the operation takes them (`allowAlias`), an alias name or alias ARN. Another account's key is
   * not found, exactly as if it did not exist.
   */
  resolve(accountId: string, keyRef: string, options: { allowAlias: boolean }): KmsKey {
    const ref = this.parseRef(accountId, keyRef);
    if (ref.kind === "alias") {
      if (!options.allowAlias) throw new KmsError("NotFoundException", `Invalid keyId ${keyRef}`);
      const alias = ref.accountId === accountId ? this.aliases.get(accountId)?.get(ref.name) : undefined;
      if (!alias) throw aliasNotFound(this.aliasArn(ref.accountId, ref.name));
      const key = alias.targetKeyId ? this.keys.get(alias.targetKeyId) : undefined;
      if (!key) throw aliasNotFound(alias.arn);
      return key;
    }
    const key = this.keys.get(ref.keyId);
    if (!key || key.accountId !== accountId || ref.accountId !== accountId) throw keyNotFound(this.keyArn(ref.accountId, ref.keyId));
    return key;
  }

  /**
   * The resource an AccessDeniedException names for a KeyId parameter, worked out without looking
   * the key up (authorisation comes first): the key ARN, or for an alias the ARN of the key it
   * points to when the alias exists.
   */
  resourceArn(accountId: string, keyRef: string | undefined): string {
    if (keyRef === undefined || keyRef === "") return `arn:aws:kms:${this.region}:${accountId}:key/*`;
    try {
      const ref = this.parseRef(accountId, keyRef);
      if (ref.kind === "key") return this.keyArn(ref.accountId, ref.keyId);
      const alias = this.aliases.get(ref.accountId)?.get(ref.name);
      return alias?.targetKeyId && ref.accountId === accountId ? this.keyArn(accountId, alias.targetKeyId) : this.aliasArn(ref.accountId, ref.name);
    } catch {
      return `arn:aws:kms:${this.region}:${accountId}:key/${keyRef}`;
    }
  }

  private parseRef(accountId: string, keyRef: string): { kind: "key"; accountId: string; keyId: string } | { kind: "alias"; accountId: string; name: string } {
    if (keyRef.startsWith("arn:")) {
      const m = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/.exec(keyRef);
      if (!m) throw new KmsError("InvalidArnException", `Invalid arn ${keyRef}`);
      const [, region, account, type, rest] = m as unknown as [string, string, string, string, string];
      // A key in another region lives in another KMS; this endpoint cannot see it.
      if (region !== this.region) throw type === "key" ? keyNotFound(keyRef) : aliasNotFound(keyRef);
      return type === "key" ? { kind: "key", accountId: account, keyId: rest } : { kind: "alias", accountId: account, name: `alias/${rest}` };
    }
    if (keyRef.startsWith("alias/")) return { kind: "alias", accountId, name: keyRef };
    if (!UUID.test(keyRef)) throw new KmsError("NotFoundException", `Invalid keyId ${keyRef}`);
    return { kind: "key", accountId, keyId: keyRef.toLowerCase() };
  }

  // --- the state machine ---------------------------------------------------------------------

  /** Throws KMSInvalidStateException unless the key is in one of `allowed`, with AWS's wording. */
  requireState(key: KmsKey, allowed: readonly KeyState[]): void {
    if (allowed.includes(key.state)) return;
    const why: Record<KeyState, string> = {
      Enabled: "is enabled.",
      Disabled: "is disabled.",
      PendingDeletion: "is pending deletion.",
      PendingImport: "is pending import.",
      Unavailable: "is unavailable.",
    };
    throw invalidState(`${key.arn} ${why[key.state]}`);
  }

  enable(key: KmsKey): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled"]);
    key.state = "Enabled";
  }

  disable(key: KmsKey): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled"]);
    key.state = "Disabled";
  }

  scheduleDeletion(key: KmsKey, days: number, now: Date): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    key.state = "PendingDeletion";
    key.pendingWindowInDays = days;
    key.deletionDate = new Date(now.getTime() + days * DAY_MS);
  }

  /** A key whose deletion is cancelled comes back disabled, or pending import if it has no material. */
  cancelDeletion(key: KmsKey): void {
    if (key.state !== "PendingDeletion") throw invalidState(`${key.arn} is not pending deletion.`);
    key.state = key.material ? "Disabled" : "PendingImport";
    key.deletionDate = undefined;
    key.pendingWindowInDays = undefined;
  }

  /**
   * Installs unwrapped, spec-checked material into an EXTERNAL key. Once a key has had material,
   * only the same material is accepted again, as on AWS.
   */
  importMaterial(key: KmsKey, material: Buffer, expiration: { model: ExpirationModel; validTo?: Date }): void {
    const fingerprint = materialFingerprint(material);
    if (key.importedFingerprint && !timingSafeEqual(key.importedFingerprint, fingerprint)) {
      throw incorrectKeyMaterial("This KMS key already had different key material; only that material can be imported into it.");
    }
    key.importedFingerprint = fingerprint;
    key.material = Buffer.from(material);
    key.expirationModel = expiration.model;
    key.validTo = expiration.validTo;
    if (key.state === "PendingImport") key.state = "Enabled";
  }

  /** AWS allows it while the key is pending deletion too; that key stays pending deletion. */
  deleteMaterial(key: KmsKey): void {
    this.requireState(key, ["Enabled", "Disabled", "PendingDeletion"]);
    key.material?.fill(0);
    key.material = undefined;
    key.validTo = undefined;
    key.expirationModel = undefined;
    if (key.state !== "PendingDeletion") key.state = "PendingImport";
  }

  describe(key: KmsKey, description: string): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    key.description = description;
  }

  // --- aliases -------------------------------------------------------------------------------

  aliasesOf(accountId: string, targetKeyId?: string): KmsAlias[] {
    return [...(this.aliases.get(accountId)?.values() ?? [])].filter((a) => targetKeyId === undefined || a.targetKeyId === targetKeyId).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  createAlias(accountId: string, name: string, target: KmsKey, now: Date): void {
    this.requireCustomerManaged(target);
    this.requireState(target, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    const aliases = this.aliasMapOf(accountId);
    const arn = this.aliasArn(accountId, name);
    if (aliases.has(name)) throw new KmsError("AlreadyExistsException", `An alias with the name ${arn} already exists`);
    aliases.set(name, { accountId, name, arn, targetKeyId: target.keyId, creationDate: now, lastUpdatedDate: now });
  }

  deleteAlias(accountId: string, name: string): void {
    if (!this.aliases.get(accountId)?.delete(name)) throw aliasNotFound(this.aliasArn(accountId, name));
  }

  /** An alias moves only between keys of the same kind and usage, and never onto a key pending deletion. */
  updateAlias(accountId: string, name: string, target: KmsKey, now: Date): void {
    const alias = this.aliases.get(accountId)?.get(name);
    if (!alias) throw aliasNotFound(this.aliasArn(accountId, name));
    this.requireCustomerManaged(target);
    this.requireState(target, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    const current = alias.targetKeyId ? this.keys.get(alias.targetKeyId) : undefined;
    if (current && (keyFamily(current.keySpec) !== keyFamily(target.keySpec) || current.keyUsage !== target.keyUsage)) {
      throw validation(
        `${alias.arn} points to a ${current.keySpec} key with KeyUsage ${current.keyUsage}; it cannot point to a ${target.keySpec} key with KeyUsage ${target.keyUsage}. The current and new KMS key must be the same type and have the same key usage.`,
      );
    }
    alias.targetKeyId = target.keyId;
    alias.lastUpdatedDate = now;
  }

  // --- tags ----------------------------------------------------------------------------------

  tag(key: KmsKey, tags: readonly (readonly [string, string])[]): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    const after = new Map(key.tags);
    for (const [k, v] of tags) after.set(k, v);
    if (after.size > MAX_TAGS_PER_KEY) throw new KmsError("LimitExceededException", `A KMS key can have at most ${MAX_TAGS_PER_KEY} tags.`);
    for (const [k, v] of tags) key.tags.set(k, v);
  }

  untag(key: KmsKey, tagKeys: readonly string[]): void {
    this.requireCustomerManaged(key);
    this.requireState(key, ["Enabled", "Disabled", "PendingImport", "Unavailable"]);
    for (const k of tagKeys) key.tags.delete(k);
  }
}

/** SHA-256 of key material: the emulator's KeyMaterialId and its same-material check. */
export function materialFingerprint(material: Uint8Array): Buffer {
  return createHash("sha256").update(material).digest();
}

/** The policy AWS gives a key created without one: the account's IAM policies decide. */
export function defaultKeyPolicy(accountId: string): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [
        {
          Sid: "Enable IAM User Permissions",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    },
    null,
    2,
  );
}

import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  type AliasListEntry,
  type KeyMetadata,
  type Tag,
} from "@aws-sdk/client-kms";
import {
  ConnectorError,
  mapConcurrently,
  findManagedCopyByListing,
  loadWrappingKey,
  managedCopyTags,
  rsaAesKeyWrap,
  rsaOaepWrap,
  type ConnectorHost,
  type InstallKeyRequest,
  type KeyMaterial,
  type KeyOperations,
  type ManagedCopyRef,
  type Page,
  type PageRequest,
  type RemoteKey,
  type PropertyValues,
  type RemoteKeyState,
} from "@uko/connector-sdk";
import { awsKindFor, specForAwsKeySpec, WRAPPING_KEY_SPEC, type AwsKeyKind } from "./key-specs.js";
import type { Kms } from "./kms-client.js";
import { verifyKeyMaterial } from "./verify-material.js";

/** AWS's bounds for ScheduleKeyDeletion's waiting period, in days. */
export const PENDING_WINDOW_DAYS = { min: 7, max: 30 } as const;
/** How a failed installation cleans up the key it created: the shortest waiting period. */
const CLEANUP_WINDOW_DAYS = PENDING_WINDOW_DAYS.min;
/** How many AWS calls run at once when a page of keys is described. */
const DESCRIBE_CONCURRENCY = 8;

const STATES: Record<string, RemoteKeyState> = {
  Enabled: "enabled",
  Disabled: "disabled",
  PendingImport: "pending_import",
  PendingDeletion: "pending_deletion",
  PendingReplicaDeletion: "pending_deletion",
  Unavailable: "unavailable",
  Creating: "unavailable",
  Updating: "unavailable",
};

/**
 * The managed-key operations on AWS KMS. Keys are created for imported material (Origin
 * EXTERNAL); the gateway's material is wrapped with the import parameters AWS hands out and
 * imported without expiry.
 */
export class AwsKeyOperations implements KeyOperations {
  constructor(private readonly kms: Kms) {}

  async installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const kind = this.kindFor(request.material);
    const aliasName = `alias/${request.name}`;
    const resumed = resumeKeyId ? await this.finishInstall(resumeKeyId, kind, request, host) : undefined;
    if (resumed) return resumed;
    // Refuse a taken name before creating anything, so the common conflict leaves nothing to clean up.
    await this.requireFreeAlias(aliasName, host);
    const created = await this.createForImport(kind, request, host);
    const keyId = created.KeyId;
    let aliased = false;
    try {
      await this.importMaterial(keyId, kind, request.material, host);
      await this.kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }), "kms:CreateAlias", host);
      aliased = true;
      // Everything a DescribeKey would say is known: importing material enables an EXTERNAL key.
      return toRemoteKey({ ...created, KeyState: "Enabled", Enabled: true }, request.name, managedCopyTags(request.copy));
    } catch (error) {
      await this.undoInstall(keyId, aliased ? aliasName : undefined, host);
      throw error;
    }
  }

  /** Completes a key an interrupted installation left (unless it is on its way out): material, then alias. */
  private async finishInstall(keyId: string, kind: AwsKeyKind, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey | undefined> {
    const key = await this.leftover(keyId, host);
    if (!key) return undefined;
    if (key.state === "pending_import") await this.importMaterial(keyId, kind, request.material, host);
    if (key.name !== request.name) {
      const aliasName = `alias/${request.name}`;
      await this.requireFreeAlias(aliasName, host);
      await this.kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }), "kms:CreateAlias", host);
    }
    return this.describeKey(keyId, host);
  }

  /** A key an interrupted operation left, unless it is gone or on its way out (then start afresh). */
  private async leftover(keyId: string, host: ConnectorHost): Promise<RemoteKey | undefined> {
    try {
      const key = await this.describeKey(keyId, host);
      return key.state === "pending_deletion" ? undefined : key;
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
  }

  /** A new key waiting for imported material, tagged from the start so that it can always be found. */
  private async createForImport(kind: AwsKeyKind, request: InstallKeyRequest, host: ConnectorHost): Promise<KeyMetadata & { KeyId: string }> {
    const out = await this.kms.send(
      new CreateKeyCommand({
        Origin: "EXTERNAL",
        KeySpec: kind.keySpec,
        KeyUsage: kind.keyUsage,
        ...(request.description ? { Description: request.description } : {}),
        Tags: toTags(managedCopyTags(request.copy)),
      }),
      "kms:CreateKey",
      host,
    );
    const keyId = out.KeyMetadata?.KeyId;
    if (!keyId) throw new ConnectorError("REMOTE_ERROR", "AWS KMS created a key but did not say its id");
    return { ...out.KeyMetadata, KeyId: keyId };
  }

  /**
   * AWS rotates imported material in place only for single-Region symmetric keys, and not for
   * HMAC or asymmetric keys at all; so every kind rotates the same way: a new key with the new
   * material, and the alias moved to it (UpdateAlias). The old key keeps decrypting what it encrypted.
   */
  async rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const kind = this.kindFor(request.material);
    const aliasName = `alias/${request.name}`;
    const next = resumeKeyId ? await this.leftover(resumeKeyId, host) : undefined;
    const created = next ? undefined : await this.createForImport(kind, request, host);
    const keyId = next?.keyId ?? created!.KeyId;
    try {
      if (created || next?.state === "pending_import") await this.importMaterial(keyId, kind, request.material, host);
      await this.kms.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }), "kms:UpdateAlias", host);
    } catch (error) {
      if (created) await this.undoInstall(keyId, undefined, host);
      throw error;
    }
    void currentKeyId; // stays as it is: AWS keys are not versioned, the old one keeps the old material
    return this.describeKey(keyId, host);
  }

  async reimportKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<RemoteKey> {
    await this.importMaterial(keyId, this.kindFor(material), material, host);
    return this.describeKey(keyId, host);
  }

  /** See verify-material.ts: HMAC, RSA and ECC keys are proven; AES keys answer UNSUPPORTED. */
  verifyKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean> {
    return verifyKeyMaterial(this.kms, keyId, material, host);
  }

  async describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return this.withNameAndTags(await this.metadataOf(keyId, host), host);
  }

  private async metadataOf(keyId: string, host: ConnectorHost): Promise<KeyMetadata & { KeyId: string }> {
    const metadata = (await this.kms.send(new DescribeKeyCommand({ KeyId: keyId }), "kms:DescribeKey", host)).KeyMetadata;
    if (!metadata?.KeyId) throw new ConnectorError("REMOTE_ERROR", "AWS KMS described a key without its id");
    return { ...metadata, KeyId: metadata.KeyId };
  }

  private async withNameAndTags(metadata: KeyMetadata & { KeyId: string }, host: ConnectorHost): Promise<RemoteKey> {
    const [aliases, tags] = await Promise.all([this.aliasesOf(metadata.KeyId, host), this.tagsOf(metadata.KeyId, host)]);
    return toRemoteKey(metadata, aliases[0], tags);
  }

  async enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.kms.send(new EnableKeyCommand({ KeyId: keyId }), "kms:EnableKey", host);
    return this.describeKey(keyId, host);
  }

  async disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.kms.send(new DisableKeyCommand({ KeyId: keyId }), "kms:DisableKey", host);
    return this.describeKey(keyId, host);
  }

  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    return findManagedCopyByListing(this, copy, host);
  }

  async scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    const pendingWindowDays = Number(options.aws_pending_window_days ?? PENDING_WINDOW_DAYS.min);
    const { min, max } = PENDING_WINDOW_DAYS;
    if (!Number.isInteger(pendingWindowDays) || pendingWindowDays < min || pendingWindowDays > max) {
      throw new ConnectorError("UNSUPPORTED", `AWS KMS deletes a key after ${min} to ${max} days, not ${pendingWindowDays}`);
    }
    await this.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowDays }), "kms:ScheduleKeyDeletion", host);
    return this.describeKey(keyId, host);
  }

  async cancelKeyDeletion(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }), "kms:CancelKeyDeletion", host);
    return this.describeKey(keyId, host);
  }

  async listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>> {
    const listed = await this.kms.send(
      new ListKeysCommand({ Limit: clampLimit(page.limit, 1000), ...(page.cursor ? { Marker: page.cursor } : {}) }),
      "kms:ListKeys",
      host,
    );
    const ids = (listed.Keys ?? []).flatMap((k) => (k.KeyId ? [k.KeyId] : []));
    // AWS managed keys (alias/aws/*, in every account) are AWS's, not keys the gateway could manage: passed over.
    const described = await mapConcurrently(ids, DESCRIBE_CONCURRENCY, async (id) => {
      const metadata = await this.metadataOf(id, host);
      return metadata.KeyManager === "AWS" ? undefined : this.withNameAndTags(metadata, host);
    });
    const items = described.filter((k): k is RemoteKey => k !== undefined);
    return listed.Truncated && listed.NextMarker ? { items, nextCursor: listed.NextMarker } : { items };
  }

  /** Every alias of a key (AWS allows several), following AWS's pagination. */
  async aliasesOf(keyId: string, host: ConnectorHost): Promise<string[]> {
    const entries = await collectPages<AliasListEntry>(async (Marker) => {
      const out = await this.kms.send(new ListAliasesCommand({ KeyId: keyId, Limit: 100, ...(Marker ? { Marker } : {}) }), "kms:ListAliases", host);
      return { items: out.Aliases ?? [], next: out.Truncated ? out.NextMarker : undefined };
    });
    return entries.flatMap((a) => (a.AliasName ? [a.AliasName.replace(/^alias\//, "")] : []));
  }

  /** Every tag of a key, following AWS's pagination (at most 50 a page). */
  async tagsOf(keyId: string, host: ConnectorHost): Promise<Record<string, string>> {
    const tags = await collectPages<Tag>(async (Marker) => {
      const out = await this.kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50, ...(Marker ? { Marker } : {}) }), "kms:ListResourceTags", host);
      return { items: out.Tags ?? [], next: out.Truncated ? out.NextMarker : undefined };
    });
    return Object.fromEntries(tags.map((t) => [t.TagKey ?? "", t.TagValue ?? ""]));
  }

  private kindFor(material: KeyMaterial): AwsKeyKind {
    const kind = awsKindFor(material.spec);
    if (!kind) throw new ConnectorError("UNSUPPORTED", `AWS KMS cannot hold ${material.spec.algorithm} ${material.spec.size} keys`);
    return kind;
  }

  private async requireFreeAlias(aliasName: string, host: ConnectorHost): Promise<void> {
    try {
      await this.kms.send(new DescribeKeyCommand({ KeyId: aliasName }), "kms:DescribeKey", host);
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "NOT_FOUND") return;
      throw error;
    }
    throw new ConnectorError("CONFLICT", `An alias named ${aliasName} already exists in this account and region`);
  }

  /** Fetches fresh import parameters, wraps the material for them and imports it, without expiry. */
  private async importMaterial(keyId: string, kind: AwsKeyKind, material: KeyMaterial, host: ConnectorHost): Promise<void> {
    const params = await this.kms.send(
      new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: kind.wrappingAlgorithm, WrappingKeySpec: WRAPPING_KEY_SPEC }),
      "kms:GetParametersForImport",
      host,
    );
    if (!params.PublicKey || !params.ImportToken) throw new ConnectorError("REMOTE_ERROR", "AWS KMS returned import parameters without a public key or token");
    const wrappingKey = loadWrappingKey(params.PublicKey);
    const wrapped =
      kind.wrappingAlgorithm === "RSA_AES_KEY_WRAP_SHA_256" ? rsaAesKeyWrap(wrappingKey, material.bytes, "sha256") : rsaOaepWrap(wrappingKey, material.bytes, "sha256");
    await this.kms.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: wrapped,
        ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE",
      }),
      "kms:ImportKeyMaterial",
      host,
    );
  }

  /** Leaves nothing behind from a failed installation; a cleanup that fails too is logged with the key id, for the orphan finder. */
  private async undoInstall(keyId: string, aliasName: string | undefined, host: ConnectorHost): Promise<void> {
    try {
      if (aliasName) await this.kms.send(new DeleteAliasCommand({ AliasName: aliasName }), "kms:DeleteAlias", host);
      await this.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: CLEANUP_WINDOW_DAYS }), "kms:ScheduleKeyDeletion", host);
    } catch (cleanupError) {
      host.logger.error("could not clean up a key after a failed installation; it is tagged for the orphan finder", {
        keyId,
        error: cleanupError,
      });
    }
  }
}

function toRemoteKey(m: KeyMetadata, alias: string | undefined, tags: Record<string, string>): RemoteKey {
  return {
    keyId: m.KeyId!,
    ...(m.Arn ? { resourceName: m.Arn } : {}),
    ...(alias ? { name: alias } : {}),
    state: STATES[m.KeyState ?? ""] ?? "unavailable",
    spec: specForAwsKeySpec(m.KeySpec),
    ...(m.Description ? { description: m.Description } : {}),
    ...(m.CreationDate ? { createdAt: m.CreationDate } : {}),
    ...(m.DeletionDate ? { deletionDate: m.DeletionDate } : {}),
    tags,
  };
}

function toTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

function clampLimit(limit: number | undefined, max: number): number {
  return Math.min(max, Math.max(1, Math.floor(limit ?? 100)));
}

async function collectPages<T>(fetchPage: (marker: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    all.push(...page.items);
    marker = page.next;
  } while (marker);
  return all;
}

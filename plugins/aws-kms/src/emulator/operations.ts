import { createHmac, randomBytes } from "node:crypto";
import { authorize, type Principal } from "./access.js";
import { KmsError, serialization, unsupported, validation } from "./errors.js";
import {
  ALGORITHM_ENUM,
  checkWrappingAlgorithm,
  IMPORT_PARAMETERS_TTL_MS,
  unwrapKeyMaterial,
  WRAPPING_KEY_SPEC_ENUM,
  freshWrappingKeyPair,
  type ImportTokens,
  type WrappingAlgorithm,
  type WrappingKeySpec,
} from "./import.js";
import { CRYPTO_OPERATIONS } from "./crypto-operations.js";
import { Input, KEY_ID_RULES } from "./input.js";
import { algorithmsOf, checkMaterial, checkUsage, DEFAULT_KEY_USAGE, generateMaterial, KEY_SPECS, KEY_USAGES, type KeySpec, type KeyUsage } from "./key-specs.js";
import type { Paginator } from "./pagination.js";
import { materialFingerprint, type ExpirationModel, type KmsKey, type KmsStore } from "./state.js";

/**
 * The KMS operations the emulator serves, each as AWS's JSON 1.1 API defines its input and output
 * (PascalCase members, epoch-second timestamps, base64 blobs). The dispatcher authorises every
 * request with `kms:<Operation>` on the resource named by `resource` before `run` reads anything.
 */
export interface OperationContext {
  principal: Principal;
  store: KmsStore;
  tokens: ImportTokens;
  paginator: Paginator;
  /** The emulator's clock, read once per request. */
  now: Date;
}

export interface Operation {
  /** The body member naming the key (or alias) the action is on; none means `key/*`. */
  resourceMember?: string;
  run(context: OperationContext, input: Input): Promise<object | undefined> | object | undefined;
}

/** AWS's full enums, so that a value AWS knows but the emulator does not serve is told apart from a typo. */
const KEY_SPEC_ENUM = [...KEY_SPECS, "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024", "SM2"] as const;
const KEY_USAGE_ENUM = [...KEY_USAGES, "ENCAPSULATE_DECAPSULATE"] as const;
const ORIGIN_ENUM = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] as const;
const EXPIRATION_MODELS = ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"] as const;
const ALIAS_NAME_RULES = { required: true, min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ } as const;
const MARKER_RULES = { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ } as const;
/** Imported material may be valid for at most 365 days. */
const MAX_VALID_TO_MS = 365 * 24 * 60 * 60 * 1000;

const ALL_STATES_BUT_DELETION = ["Enabled", "Disabled", "PendingImport", "Unavailable"] as const;

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  ...CRYPTO_OPERATIONS,

  CreateKey: {
    async run({ principal, store, now }, input) {
      const policy = input.string("Policy", { min: 1, max: 32768 });
      const description = input.string("Description", { max: 8192 }) ?? "";
      const usage = input.string("KeyUsage", { oneOf: KEY_USAGE_ENUM });
      const spec = keySpecOf(input);
      const origin = input.string("Origin", { oneOf: ORIGIN_ENUM }) ?? "AWS_KMS";
      input.boolean("BypassPolicyLockoutSafetyCheck");
      const tags = readTags(input, "Tags") ?? [];
      if (input.has("CustomKeyStoreId") || input.has("XksKeyId") || origin === "AWS_CLOUDHSM" || origin === "EXTERNAL_KEY_STORE") {
        throw unsupported("Custom key stores (AWS CloudHSM and external key stores) are not available in this emulator.");
      }
      if (input.boolean("MultiRegion")) throw unsupported("Multi-Region keys are not available in this emulator.");
      if (!(KEY_SPECS as readonly string[]).includes(spec)) throw unsupported(`KeySpec ${spec} is not available in this emulator.`);
      if (usage === "ENCAPSULATE_DECAPSULATE") throw unsupported("KeyUsage ENCAPSULATE_DECAPSULATE is not available in this emulator.");
      const keySpec = spec as KeySpec;
      const keyUsage = (usage ?? DEFAULT_KEY_USAGE) as KeyUsage;
      checkUsage(keySpec, keyUsage);
      if (policy !== undefined) checkPolicy(policy);
      const material = origin === "AWS_KMS" ? await generateMaterial(keySpec) : undefined;
      const key = store.createKey({
        accountId: principal.accountId,
        description,
        keyUsage,
        keySpec,
        origin: origin as "AWS_KMS" | "EXTERNAL",
        ...(policy !== undefined ? { policy } : {}),
        tags,
        ...(material ? { material } : {}),
        now,
      });
      return { KeyMetadata: keyMetadata(key) };
    },
  },

  DescribeKey: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      input.list("GrantTokens", (t) => t);
      const key = store.resolve(principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: true });
      return { KeyMetadata: keyMetadata(key) };
    },
  },

  ListKeys: {
    run({ principal, store, paginator }, input) {
      const { limit, marker } = pageRequest(input, { max: 1000, default: 100 });
      const page = paginator.page(store.keysOf(principal.accountId), (k) => seqKey(k.seq), { limit, marker, listing: `ListKeys/${principal.accountId}` });
      return { Keys: page.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), ...pageTail(page) };
    },
  },

  UpdateKeyDescription: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const key = store.resolve(principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: false });
      const description = input.string("Description", { required: true, max: 8192 }) ?? "";
      store.describe(key, description);
      return undefined;
    },
  },

  EnableKey: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      store.enable(store.resolve(principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: false }));
      return undefined;
    },
  },

  DisableKey: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      store.disable(store.resolve(principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: false }));
      return undefined;
    },
  },

  ScheduleKeyDeletion: {
    resourceMember: "KeyId",
    run({ principal, store, now }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const days = input.integer("PendingWindowInDays", { min: 7, max: 30 }) ?? 30;
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      store.scheduleDeletion(key, days, now);
      return { KeyId: key.arn, DeletionDate: epoch(key.deletionDate!), KeyState: key.state, PendingWindowInDays: days };
    },
  },

  CancelKeyDeletion: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const key = store.resolve(principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: false });
      store.cancelDeletion(key);
      return { KeyId: key.arn };
    },
  },

  GetParametersForImport: {
    resourceMember: "KeyId",
    async run({ principal, store, tokens, now }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const algorithm = input.string("WrappingAlgorithm", { required: true, oneOf: ALGORITHM_ENUM });
      const wrappingKeySpec = input.string("WrappingKeySpec", { required: true, oneOf: WRAPPING_KEY_SPEC_ENUM });
      if (algorithm === "RSAES_PKCS1_V1_5") throw validation("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported for importing key material.");
      if (algorithm === "SM2PKE" || wrappingKeySpec === "SM2") throw validation("SM2 wrapping is supported only in China Regions.");
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      requireExternal(key);
      store.requireState(key, ["PendingImport", "Enabled", "Disabled"]);
      checkWrappingAlgorithm(key.keySpec, algorithm as WrappingAlgorithm);
      const wrappingKey = await freshWrappingKeyPair(wrappingKeySpec as WrappingKeySpec);
      const validTo = new Date(now.getTime() + IMPORT_PARAMETERS_TTL_MS);
      const token = tokens.issue({ keyId: key.keyId, accountId: key.accountId, algorithm: algorithm as WrappingAlgorithm, wrappingKey, validTo }, now);
      return {
        KeyId: key.arn,
        ImportToken: token.toString("base64"),
        PublicKey: wrappingKey.publicKeyDer.toString("base64"),
        ParametersValidTo: epoch(validTo),
      };
    },
  },

  ImportKeyMaterial: {
    resourceMember: "KeyId",
    run({ principal, store, tokens, now }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const importToken = input.blob("ImportToken", { required: true, min: 1, max: 6144 });
      const encrypted = input.blob("EncryptedKeyMaterial", { required: true, min: 1, max: 6144 });
      const validTo = input.timestamp("ValidTo");
      // AWS's default is KEY_MATERIAL_EXPIRES, which then needs ValidTo: a client must ask for material that does not expire.
      const model = (input.string("ExpirationModel", { oneOf: EXPIRATION_MODELS }) ?? "KEY_MATERIAL_EXPIRES") as ExpirationModel;
      const importType = input.string("ImportType", { oneOf: ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"] });
      input.string("KeyMaterialDescription", { max: 256 });
      input.string("KeyMaterialId", { min: 64, max: 64, pattern: /^[a-f0-9]+$/ });
      if (model === "KEY_MATERIAL_EXPIRES" && !validTo) throw validation("A ValidTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES.");
      if (model === "KEY_MATERIAL_DOES_NOT_EXPIRE" && validTo) throw validation("A ValidTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.");
      if (validTo && validTo.getTime() <= now.getTime()) throw validation("The ValidTo date must be in the future.");
      if (validTo && validTo.getTime() > now.getTime() + MAX_VALID_TO_MS) throw validation("The ValidTo date must be no more than 365 days in the future.");

      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      requireExternal(key);
      // Reimport only into a key that waits for material or is enabled; a disabled key must be enabled first.
      store.requireState(key, ["PendingImport", "Enabled"]);
      if (importType === "NEW_KEY_MATERIAL" && key.importedFingerprint) {
        throw unsupported("Importing new key material for on-demand rotation is not available in this emulator.");
      }
      const token = tokens.redeem(importToken, key.keyId, key.accountId, now);
      const material = unwrapKeyMaterial(token, encrypted);
      try {
        checkMaterial(key.keySpec, material);
        store.importMaterial(key, material, { model, ...(validTo ? { validTo } : {}) });
        tokens.spend(importToken);
      } finally {
        material.fill(0);
      }
      return { KeyId: key.arn, KeyMaterialId: keyMaterialId(key) };
    },
  },

  DeleteImportedKeyMaterial: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      input.string("KeyMaterialId", { min: 64, max: 64, pattern: /^[a-f0-9]+$/ });
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      requireExternal(key);
      const materialId = keyMaterialId(key);
      store.deleteMaterial(key);
      return { KeyId: key.arn, ...(materialId ? { KeyMaterialId: materialId } : {}) };
    },
  },

  CreateAlias: {
    resourceMember: "TargetKeyId",
    run({ principal, store, now }, input) {
      const name = aliasName(input);
      const key = store.resolve(principal.accountId, input.string("TargetKeyId", KEY_ID_RULES), { allowAlias: false });
      store.createAlias(principal.accountId, name, key, now);
      return undefined;
    },
  },

  UpdateAlias: {
    resourceMember: "TargetKeyId",
    run({ principal, store, now }, input) {
      const name = aliasName(input);
      const key = store.resolve(principal.accountId, input.string("TargetKeyId", KEY_ID_RULES), { allowAlias: false });
      store.updateAlias(principal.accountId, name, key, now);
      return undefined;
    },
  },

  DeleteAlias: {
    resourceMember: "AliasName",
    run({ principal, store }, input) {
      const name = input.string("AliasName", ALIAS_NAME_RULES);
      if (name.startsWith("alias/aws/")) throw validation(`Alias name '${name}' is reserved for AWS managed keys; it cannot be deleted.`);
      store.deleteAlias(principal.accountId, name);
      return undefined;
    },
  },

  ListAliases: {
    run({ principal, store, paginator }, input) {
      const keyRef = input.string("KeyId", { min: 1, max: 2048 });
      const { limit, marker } = pageRequest(input, { max: 100, default: 50 });
      const key = keyRef === undefined ? undefined : store.resolve(principal.accountId, keyRef, { allowAlias: false });
      const page = paginator.page(store.aliasesOf(principal.accountId, key?.keyId), (a) => a.name, {
        limit,
        marker,
        listing: `ListAliases/${principal.accountId}/${key?.keyId ?? "*"}`,
      });
      return {
        Aliases: page.items.map((a) => ({
          AliasName: a.name,
          AliasArn: a.arn,
          // An AWS-managed alias whose key AWS has not created yet has no target, and AWS gives no dates for it.
          ...(a.targetKeyId ? { TargetKeyId: a.targetKeyId, CreationDate: epoch(a.creationDate), LastUpdatedDate: epoch(a.lastUpdatedDate) } : {}),
        })),
        ...pageTail(page),
      };
    },
  },

  TagResource: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const tags = readTags(input, "Tags");
      if (tags === undefined) throw new KmsError("ValidationException", "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
      store.tag(store.resolve(principal.accountId, keyId, { allowAlias: false }), tags);
      return undefined;
    },
  },

  UntagResource: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const tagKeys = input.list("TagKeys", (k) => {
        if (typeof k !== "string") throw serialization("Expected a string in TagKeys.");
        if (k.length < 1 || k.length > 128) throw new KmsError("TagException", `Tag keys must be 1 to 128 characters long: '${k}'.`);
        return k;
      });
      if (tagKeys === undefined) throw new KmsError("ValidationException", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
      store.untag(store.resolve(principal.accountId, keyId, { allowAlias: false }), tagKeys);
      return undefined;
    },
  },

  ListResourceTags: {
    resourceMember: "KeyId",
    run({ principal, store, paginator }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const { limit, marker } = pageRequest(input, { max: 50, default: 50 });
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      const tags = [...key.tags].sort(([a], [b]) => (a < b ? -1 : 1));
      const page = paginator.page(tags, ([k]) => k, { limit, marker, listing: `ListResourceTags/${key.keyId}` });
      return { Tags: page.items.map(([TagKey, TagValue]) => ({ TagKey, TagValue })), ...pageTail(page) };
    },
  },

  GetKeyPolicy: {
    resourceMember: "KeyId",
    run({ principal, store }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const policyName = input.string("PolicyName", { min: 1, max: 128, pattern: /^[\w]+$/ }) ?? "default";
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      if (policyName !== "default") throw new KmsError("NotFoundException", `Key policy ${policyName} does not exist for ${key.arn}. The only key policy name is "default".`);
      return { Policy: key.policy, PolicyName: "default" };
    },
  },

  ListKeyPolicies: {
    resourceMember: "KeyId",
    run({ principal, store, paginator }, input) {
      const keyId = input.string("KeyId", KEY_ID_RULES);
      const { limit, marker } = pageRequest(input, { max: 1000, default: 100 });
      const key = store.resolve(principal.accountId, keyId, { allowAlias: false });
      const page = paginator.page(["default"], (n) => n, { limit, marker, listing: `ListKeyPolicies/${key.keyId}` });
      return { PolicyNames: page.items, ...pageTail(page) };
    },
  },
};

/** Runs an operation for an authenticated principal: authorisation first, then the operation. */
export async function runOperation(name: string, context: OperationContext, input: Input): Promise<object | undefined> {
  const operation = OPERATIONS[name];
  if (!operation) throw new KmsError("UnknownOperationException", "");
  const named = operation.resourceMember ? input.raw(operation.resourceMember) : undefined;
  const accountId = context.principal.accountId;
  const resource =
    operation.resourceMember === "AliasName" && typeof named === "string"
      ? context.store.aliasArn(accountId, named)
      : context.store.resourceArn(accountId, typeof named === "string" ? named : undefined);
  authorize(context.principal, `kms:${name}`, resource);
  context.store.openAccount(accountId, context.now);
  return operation.run(context, input);
}

/** DescribeKey's KeyMetadata, with the members AWS includes for this kind and state of key. */
export function keyMetadata(key: KmsKey): Record<string, unknown> {
  const materialId = keyMaterialId(key);
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epoch(key.creationDate),
    Enabled: key.state === "Enabled",
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    ...(key.deletionDate ? { DeletionDate: epoch(key.deletionDate), PendingDeletionWindowInDays: key.pendingWindowInDays } : {}),
    ...(key.validTo ? { ValidTo: epoch(key.validTo) } : {}),
    Origin: key.origin,
    ...(key.origin === "EXTERNAL" && key.expirationModel ? { ExpirationModel: key.expirationModel } : {}),
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    ...algorithmsOf(key.keySpec, key.keyUsage),
    MultiRegion: false,
    // AWS reports the current material's id for symmetric encryption keys only.
    ...(key.keySpec === "SYMMETRIC_DEFAULT" && materialId ? { CurrentKeyMaterialId: materialId } : {}),
  };
}

/**
 * The emulator's KeyMaterialId: 64 hex digits, opaque like AWS's. An HMAC of the key's ARN and
 * fingerprint under a secret of this process, so it names the material of one key without being
 * a hash of the plaintext anyone could compute (a bare SHA-256 would confirm a guessed key).
 */
function keyMaterialId(key: KmsKey): string | undefined {
  return key.material ? createHmac("sha256", MATERIAL_ID_SECRET).update(key.arn).update(materialFingerprint(key.material)).digest("hex") : undefined;
}
const MATERIAL_ID_SECRET = randomBytes(32);

function keySpecOf(input: Input): string {
  const spec = input.string("KeySpec", { oneOf: KEY_SPEC_ENUM });
  const legacy = input.string("CustomerMasterKeySpec", { oneOf: KEY_SPEC_ENUM });
  if (spec !== undefined && legacy !== undefined) {
    throw validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec.");
  }
  return spec ?? legacy ?? "SYMMETRIC_DEFAULT";
}

function requireExternal(key: KmsKey): void {
  if (key.origin !== "EXTERNAL") throw unsupported(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
}

function checkPolicy(policy: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new KmsError("MalformedPolicyDocumentException", "The new key policy is not valid JSON.");
  }
}

/** An alias name: `alias/` and 1–250 of [A-Za-z0-9/_-]; the `alias/aws/` prefix is AWS's own. */
function aliasName(input: Input): string {
  const name = input.string("AliasName", ALIAS_NAME_RULES);
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
    throw validation(`Alias name '${name}' is not valid: it must begin with 'alias/' followed by 1 to 250 letters, digits, slashes, underscores or hyphens.`);
  }
  if (name.startsWith("alias/aws/")) throw validation(`Alias name '${name}' is not valid: names beginning with 'alias/aws/' are reserved for AWS managed keys.`);
  return name;
}

/**
 * Tags as CreateKey and TagResource take them. AWS rejects the whole request if any tag is
 * invalid: a key of 1–128 characters, a value of 0–256, letters, digits, spaces and `_.:/=+-@`,
 * no `aws:` prefix (AWS's own), no key twice.
 */
function readTags(input: Input, member: string): [string, string][] | undefined {
  const tags = input.list(member, (element) => {
    if (typeof element !== "object" || element === null) throw serialization(`Expected a Tag object in ${member}.`);
    const { TagKey, TagValue } = element as Record<string, unknown>;
    if (typeof TagKey !== "string" || typeof TagValue !== "string") throw new KmsError("TagException", "Each tag needs a TagKey and a TagValue string.");
    if (TagKey.length < 1 || TagKey.length > 128) throw new KmsError("TagException", `Tag keys must be 1 to 128 characters long: '${TagKey}'.`);
    if (TagValue.length > 256) throw new KmsError("TagException", `Tag values must be at most 256 characters long (tag '${TagKey}').`);
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(TagKey) || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(TagValue)) {
      throw new KmsError("TagException", `Tag '${TagKey}' contains characters that are not allowed in tags.`);
    }
    if (TagKey.toLowerCase().startsWith("aws:")) throw new KmsError("TagException", `Tags beginning with aws: are reserved: '${TagKey}'.`);
    return [TagKey, TagValue] as [string, string];
  });
  if (tags && new Set(tags.map(([k]) => k)).size !== tags.length) throw new KmsError("TagException", "The request contains the same tag key more than once.");
  return tags;
}

function pageRequest(input: Input, bounds: { max: number; default: number }): { limit: number; marker: string | undefined } {
  const limit = input.integer("Limit", { min: 1, max: bounds.max }) ?? bounds.default;
  return { limit, marker: input.string("Marker", MARKER_RULES) };
}

function pageTail(page: { truncated: boolean; nextMarker?: string }): { Truncated: boolean; NextMarker?: string } {
  return page.nextMarker ? { Truncated: true, NextMarker: page.nextMarker } : { Truncated: false };
}

/** Sequence numbers as strings that sort like the numbers. */
function seqKey(seq: number): string {
  return seq.toString().padStart(12, "0");
}

/** AWS JSON 1.1 timestamps: epoch seconds, fractional. */
function epoch(date: Date): number {
  return date.getTime() / 1000;
}

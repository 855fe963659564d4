import type { InterfaceRef, ObjectRef } from "@pothos/core";
import type { Builder, Types } from "../../builder.js";
import type { Db } from "../../db/client.js";
import { DuplicateNameError, NotFoundError, ValidationError, VersionConflictError } from "../../errors.js";
import { ArchivedTemplateError, KeyNameTakenError, KeyStateError, OperationNotSupportedError, KeyStillInKeystoresError, NoTargetKeystoreError, RotationTooSoonError } from "../../keys/errors.js";
import type { AlignmentPlan, ListedExtras, ManagedKeyService } from "../../keys/service.js";
import type { StoredTarget } from "../../templates/targets.js";
import { connectionType, pageArgs, type Common } from "../common.js";
import type { KeystoreRow } from "../keystore/keystore.js";
import type { VaultRow } from "../vault/vault.js";

export type ManagedKeyRow = NonNullable<Awaited<ReturnType<ManagedKeyService["get"]>>>;
type InstanceRow = ManagedKeyRow["instances"][number];
/** What a list page read beside the key (see ManagedKeyService.list); absent on a key read otherwise. */
const listed = (k: ManagedKeyRow): ListedExtras | undefined => (k as { listed?: ListedExtras }).listed;
type TemplateRow = NonNullable<Awaited<ReturnType<Db["keyTemplate"]["findUnique"]>>>;
type MutationFields = Parameters<Parameters<Builder["mutationFields"]>[0]>[0];

const STATES = { PRE_ACTIVATION: "Generated, not installed anywhere.", ACTIVE: "Installed and enabled in its target keystores.", DEACTIVATED: "Disabled in its keystores; can be reactivated.", DESTROYED: "Material erased; the keystores' copies are pending deletion." };

/** Managed keys: type, status in keystores, queries and lifecycle mutations. */
export function defineManagedKeys(
  builder: Builder,
  common: Common,
  refs: {
    Vault: ObjectRef<Types, VaultRow>;
    Keystore: InterfaceRef<Types, KeystoreRow>;
    KeyTemplate: ObjectRef<Types, TemplateRow>;
    KeyTemplateTarget: ObjectRef<Types, StoredTarget>;
    resultNames: (name: string, dataField: string) => object;
  },
) {
  const { Vault, Keystore, KeyTemplate, KeyTemplateTarget, resultNames } = refs;

  common.errorType(KeyStateError, "KeyStateError", "The key's state does not allow the action; `allowedStates` says which would.", (t) => ({
    action: t.exposeString("action", { description: "The refused action." }),
    state: t.exposeString("state", { description: "The key's state now." }),
    allowedStates: t.exposeStringList("allowedStates", { description: "The states from which the action is allowed." }),
  }));
  common.errorType(NoTargetKeystoreError, "NoTargetKeystoreError", "No connected keystore in the vault matches any of the template's targets.", (t) => ({
    targets: t.field({ type: [KeyTemplateTarget], description: "The template's targets, none of which a connected keystore matches.", resolve: (e: NoTargetKeystoreError) => [...e.targets] }),
  }));
  common.errorType(KeyStillInKeystoresError, "KeyStillInKeystoresError", "Some keystores do not yet hold the key pending deletion.", (t) => ({
    keystoreNames: t.exposeStringList("keystoreNames", { description: "Those keystores." }),
  }));
  common.errorType(ArchivedTemplateError, "ArchivedTemplateError", "An archived template creates and aligns no keys.", (t) => ({
    templateName: t.exposeString("templateName", { description: "The template." }),
  }));

  common.errorType(KeyNameTakenError, "KeyNameTakenError", "Another managed key already has this name in the keystores the new key targets.", (t) => ({
    nameInKeystores: t.exposeString("nameInKeystores", { description: "The name the naming scheme gave the new key." }),
    otherKeyId: t.exposeID("otherKeyId", { description: "The managed key that has it (in the same vault)." }),
    otherKeyLabel: t.exposeString("otherKeyLabel", { description: "That key's label." }),
  }));
  common.errorType(OperationNotSupportedError, "OperationNotSupportedError", "The key's keystore type cannot do what the request needs (see keystoreTypes.capabilities.operations).", (t) => ({
    keystoreType: t.exposeString("keystoreType", { description: "The keystore type." }),
    operation: t.exposeString("operation", { description: "The optional operation it lacks, e.g. rotate." }),
  }));
  common.errorType(RotationTooSoonError, "RotationTooSoonError", "A key is rotated at most once an hour.", (t) => ({
    nextRotationAt: t.expose("nextRotationAt", { type: "DateTime", description: "When it can be rotated again." }),
  }));

  const KeyState = builder.enumType("KeyState", {
    description: "UKO's key states (NIST SP 800-57).",
    values: Object.fromEntries(Object.entries(STATES).map(([k, description]) => [k, { value: k, description }])) as Record<keyof typeof STATES, { value: keyof typeof STATES; description: string }>,
  });
  const InstanceStatus = builder.enumType("KeyStatusInKeystoreValue", {
    description: "What a keystore holds of the key.",
    values: {
      ACTIVE: { description: "Present and enabled, with the gateway's material." },
      NOT_ACTIVE: { description: "Present but disabled (or waiting for its material)." },
      NOT_PRESENT: { description: "Not in the keystore." },
      WRONG_KEY: { description: "A key of that name is there, with other material." },
      ERROR: { description: "The keystore could not be asked, or refused." },
      PENDING_DESTRUCTION: { description: "Scheduled for deletion in the keystore." },
    },
  });
  const SyncFlag = builder.enumType("KeystoreSyncFlag", {
    description: "Whether the keystore's copy is as the key's state wants it.",
    values: { OK: { description: "As wanted." }, OUT_OF_SYNC: { description: "Not as wanted; `detail` says how. syncManagedKey pushes the gateway's state." }, ERROR: { description: "Could not be checked or changed; `error` says why." } },
  });

  const Verification = builder.objectRef<{ method: string; value: string }>("VerificationPattern").implement({
    description: "A value that identifies the key material without revealing it (UKO's verification pattern).",
    fields: (t) => ({
      method: t.exposeString("method", { description: "kcv-aes-zero (AES key check value), hmac-sha256-empty (HMAC) or spki-sha256 (RSA, EC public key hash)." }),
      value: t.exposeString("value", { description: "The value, in hex." }),
    }),
  });

  const KeyVersionRef = builder.objectRef<{ number: number; createdAt: Date; verification: { method: string; value: string } | null }>("ManagedKeyVersion").implement({
    description: "One generation of a key's material.",
    fields: (t) => ({
      number: t.exposeInt("number", { description: "1, then one more per rotation." }),
      verificationPattern: t.field({ type: Verification, nullable: true, description: "Identifies this material; null once destroyed.", resolve: (v) => v.verification }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was generated." }),
    }),
  });

  const StatusInKeystore = builder.objectRef<InstanceRow>("KeyStatusInKeystore").implement({
    description: "The key in one target keystore: what is there and whether it is as wanted.",
    fields: (t) => ({
      keystore: t.field({ type: Keystore, nullable: true, description: "The keystore; null once disconnected.", resolve: (i, _, ctx) => (i.keystoreId ? (ctx.loaders.keystoreById.load(i.keystoreId) as Promise<KeystoreRow | null>) : null) }),
      keystoreName: t.exposeString("keystoreName", { description: "The keystore's name (kept after it is disconnected)." }),
      targeted: t.exposeBoolean("targeted", { description: "Whether the key's template still targets this keystore." }),
      status: t.field({ type: InstanceStatus, description: "What the keystore holds.", resolve: (i) => i.status }),
      syncFlag: t.field({ type: SyncFlag, description: "Whether that is as wanted.", resolve: (i) => i.syncFlag }),
      detail: t.exposeString("detail", { description: "UKO's keystore_sync_flag_detail, e.g. active_key_is_active_in_keystore." }),
      error: t.exposeString("error", { nullable: true, description: "Why the last operation in this keystore failed; kept until an operation there succeeds." }),
      failedAttempts: t.exposeInt("failedAttempts", { description: "Pushes to this keystore that failed in a row (0 after a success)." }),
      retryAfter: t.expose("retryAfter", { type: "DateTime", nullable: true, description: "The background sync does not retry the failed push before this time (exponential backoff); syncManagedKey retries at once." }),
      keyIdInKeystore: t.exposeString("keyIdInKeystore", { nullable: true, description: "The keystore's own id for the key." }),
      keyVersion: t.exposeInt("keyVersion", { description: "The material version this keystore's copy holds." }),
      materialVersion: t.exposeString("materialVersion", { nullable: true, description: "The keystore's own id of the version that holds that material (Azure's key version, Google's crypto key version; for a keystore that rotates to a new key, that key's id), when it reports one." }),
      replacedKeyIds: t.stringList({ description: "The keystore's ids of the copies that earlier rotations replaced, oldest first; they keep decrypting what they encrypted.", resolve: (i) => JSON.parse(i.replacedKeyIds) as string[] }),
      resourceName: t.exposeString("resourceName", { nullable: true, description: "The key's full name in the keystore (an ARN)." }),
      pending: t.boolean({ description: "An operation in this keystore has not finished; sync or a restart completes it.", resolve: (i) => i.pendingAction !== null }),
      deletionDate: t.expose("deletionDate", { type: "DateTime", nullable: true, description: "When the keystore deletes it." }),
      checkedAt: t.expose("checkedAt", { type: "DateTime", nullable: true, description: "When the keystore was last asked." }),
    }),
  });

  const ManagedKey = builder.objectRef<ManagedKeyRow>("ManagedKey").implement({
    description: "A key the gateway generated and installs, by import, in the keystores its template targets.",
    fields: (t) => ({
      id: t.exposeID("id", { description: "UUID." }),
      vault: t.field({ type: Vault, description: "Its vault.", resolve: (k, _, ctx) => ctx.loaders.vaultById.load(k.vaultId) as Promise<VaultRow> }),
      template: t.field({ type: KeyTemplate, description: "The template it was made from.", resolve: async (k, _, ctx) => (await ctx.loaders.templateById.load(k.templateId))! }),
      label: t.exposeString("label", { description: "Unique in the vault." }),
      description: t.exposeString("description", { description: "Up to 200 characters." }),
      state: t.field({ type: KeyState, description: "Its state.", resolve: (k) => k.state }),
      algorithm: t.string({ description: "aes, rsa, ec or hmac.", resolve: (k) => k.algorithm.toLowerCase() }),
      size: t.exposeString("size", { description: "Bits, or the curve for EC." }),
      nameInKeystores: t.exposeString("nameInKeystores", { description: "Its name in its keystores, from the template's naming scheme." }),
      keyVersion: t.exposeInt("keyVersion", { description: "The material's version: 1, then one more per rotation." }),
      version: t.exposeInt("version", { description: "Incremented on every change; pass it as expectedVersion." }),
      verificationPattern: t.field({ type: Verification, nullable: true, description: "Identifies the material without revealing it; null once destroyed.", resolve: (k, _, ctx) => (k.state === "DESTROYED" ? null : listed(k) ? listed(k)!.verification : ctx.loaders.verification.load(`${k.id}/${k.keyVersion}`)) }),
      usable: t.boolean({ description: "Active, and active in at least one keystore.", resolve: (k) => k.state === "ACTIVE" && k.instances.some((i) => i.status === "ACTIVE") }),
      aligned: t.boolean({ description: "Whether its keystores were set from the template's current target.", resolve: (k, _, ctx) => (listed(k) ? listed(k)!.templateTargetRevision === k.alignedRevision : ctx.loaders.templateById.load(k.templateId).then((t) => t?.targetRevision === k.alignedRevision)) }),
      versions: t.field({
        type: [KeyVersionRef],
        description: "Its material versions, oldest first (rotation adds one).",
        resolve: async (k, _, ctx) => (await ctx.services.keys.versions(k.id)).map((v) => ({ number: v.number, createdAt: v.createdAt, verification: k.state === "DESTROYED" ? null : (JSON.parse(v.verificationValue) as { method: string; value: string }) })),
      }),
      rotatedAt: t.expose("rotatedAt", { type: "DateTime", nullable: true, description: "Last rotation." }),
      statusInKeystores: t.field({ type: [StatusInKeystore], description: "The key in each keystore it was installed in or targeted at.", resolve: (k) => k.instances }),
      activationDate: t.expose("activationDate", { type: "DateTime", nullable: true, description: "Planned activation (from the template's period)." }),
      expirationDate: t.expose("expirationDate", { type: "DateTime", nullable: true, description: "Planned expiration (from the template's period)." }),
      activatedAt: t.expose("activatedAt", { type: "DateTime", nullable: true, description: "Last activation." }),
      deactivatedAt: t.expose("deactivatedAt", { type: "DateTime", nullable: true, description: "Last deactivation." }),
      destroyableAt: t.field({ type: "DateTime", nullable: true, description: "When a deactivated key's waiting time ends and it can be destroyed; null when no wait applies.", resolve: (k, _, ctx) => ctx.services.keys.destroyableAt(k) }),
      rotatableAt: t.field({ type: "DateTime", nullable: true, description: "When it can be rotated again (at most once an hour); null when it was never rotated.", resolve: (k, _, ctx) => ctx.services.keys.rotatableAt(k) }),
      destroyedAt: t.expose("destroyedAt", { type: "DateTime", nullable: true, description: "When it was destroyed." }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
      updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    }),
  });

  const Connection = connectionType<ManagedKeyRow>(builder, common, "ManagedKey", ManagedKey, "managed key");
  const OrderField = builder.enumType("ManagedKeyOrderField", {
    description: "What managed keys can be ordered by.",
    values: { LABEL: { value: "label", description: "Label." }, CREATED_AT: { value: "createdAt", description: "Creation." }, UPDATED_AT: { value: "updatedAt", description: "Last change." } },
  });
  const Order = builder.inputType("ManagedKeyOrder", {
    description: "Order of a managed key list.",
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true, description: "The field." }),
      direction: t.field({ type: common.SortDirection, defaultValue: "asc", description: "The direction." }),
    }),
  });
  const Filter = builder.inputType("ManagedKeyFilter", {
    description: "Which managed keys to list; all conditions must hold.",
    fields: (t) => ({
      vaultId: t.id({ description: "In this vault." }),
      state: t.field({ type: KeyState, description: "In this state." }),
      algorithm: t.string({ description: "aes, rsa, ec or hmac." }),
      labelPrefix: t.string({ description: "Labels that begin with this text." }),
      templateId: t.id({ description: "Made from this template." }),
      keystoreId: t.id({ description: "Installed in or targeted at this keystore." }),
      syncFlag: t.field({ type: SyncFlag, description: "With this sync flag in at least one keystore." }),
    }),
  });

  builder.interfaceField(Keystore, "managedKeys", (t) =>
    t.field({
      type: Connection,
      description: "The managed keys installed in or targeted at this keystore, a page at a time.",
      args: { ...pageArgs(t), state: t.arg({ type: KeyState, description: "Only keys in this state." }) },
      resolve: (k, args, ctx) => ctx.services.keys.list({ first: args.first, after: args.after, filter: { keystoreId: k.id, state: args.state ?? null } }),
    }),
  );

  builder.queryFields((t) => ({
    managedKey: t.field({
      type: ManagedKey,
      nullable: true,
      description: "One managed key by id; null when there is none.",
      args: { id: t.arg.id({ required: true, description: "The key's id." }) },
      resolve: (_, { id }, ctx) => ctx.services.keys.get(String(id)),
    }),
    managedKeys: t.field({
      type: Connection,
      description: "Managed keys across the vaults, a page at a time.",
      args: { ...pageArgs(t), filter: t.arg({ type: Filter, description: "Narrows the list." }), orderBy: t.arg({ type: Order, description: "Default: by label." }) },
      resolve: (_, args, ctx) =>
        ctx.services.keys.list({
          visibleVaults: ctx.actor.vaultsWith("read"),
          first: args.first,
          after: args.after,
          filter: args.filter
            ? {
                ...args.filter,
                vaultId: args.filter.vaultId == null ? null : String(args.filter.vaultId),
                templateId: args.filter.templateId == null ? null : String(args.filter.templateId),
                keystoreId: args.filter.keystoreId == null ? null : String(args.filter.keystoreId),
              }
            : null,
          orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? "asc" } : null,
        }),
    }),
  }));

  const NamingValue = builder.inputType("NamingValueInput", {
    description: "A value for one custom placeholder of the template's naming scheme.",
    fields: (t) => ({
      name: t.string({ required: true, description: "The placeholder, without < >." }),
      value: t.string({ required: true, description: "At least 2 letters, digits or spaces." }),
    }),
  });
  const byId = (name: string, what: string) =>
    builder.inputType(`${name}Input`, {
      description: what,
      fields: (t) => ({
        id: t.id({ required: true, description: "The managed key." }),
        expectedVersion: t.int({ required: true, description: "The version you read; a stale one is refused." }),
      }),
    });
  const lifecycle = (
    t: MutationFields,
    name: string,
    description: string,
    run: (s: ManagedKeyService, input: { id: string; expectedVersion: number }) => Promise<ManagedKeyRow>,
    extra: (new (...args: any[]) => Error)[] = [],
  ) => {
    const Name = name.charAt(0).toUpperCase() + name.slice(1);
    return t.field({
      type: ManagedKey,
      description,
      args: { input: t.arg({ type: byId(Name, `The key to ${name.replace(/ManagedKey$/, "")}.`), required: true, description: "The key." }) },
      errors: { types: [NotFoundError, VersionConflictError, KeyStateError, ...extra], ...resultNames(Name, "managedKey") },
      resolve: (_, { input }, ctx) => run(ctx.services.keys, { id: String(input.id), expectedVersion: input.expectedVersion }),
    });
  };

  const Plan = builder.objectRef<AlignmentPlan>("AlignmentPlan").implement({
    description: "What aligning a key with its template does.",
    fields: (t) => ({
      installIn: t.stringList({ description: "Keystores (names) the key is installed in or activated in.", resolve: (p) => p.install.map((k) => k.keystoreName) }),
      deactivateIn: t.stringList({ description: "Keystores (names) the key is deactivated in, as the template no longer targets them.", resolve: (p) => p.remove.map((k) => k.keystoreName) }),
    }),
  });
  const AlignResult = builder.objectRef<{ key: ManagedKeyRow; plan: AlignmentPlan; dryRun: boolean }>("ManagedKeyAlignment").implement({
    description: "A key aligned with its template (or, with dryRun, what would happen).",
    fields: (t) => ({
      managedKey: t.field({ type: ManagedKey, description: "The key (unchanged with dryRun).", resolve: (r) => r.key }),
      plan: t.field({ type: Plan, description: "The changes.", resolve: (r) => r.plan }),
      dryRun: t.exposeBoolean("dryRun", { description: "Whether only the plan was computed." }),
    }),
  });

  builder.mutationFields((t) => ({
    createManagedKey: t.field({
      type: ManagedKey,
      description: "Generates a key from a template (material from a CSPRNG, sealed at rest). A template whose initial state is ACTIVE activates it at once.",
      args: {
        input: t.arg({
          type: builder.inputType("CreateManagedKeyInput", {
            description: "A new managed key.",
            fields: (f) => ({
              vaultId: f.id({ required: true, description: "Its vault." }),
              templateId: f.id({ required: true, description: "The template (in the same vault)." }),
              label: f.string({ required: true, description: "1-255 characters: letters, digits, spaces, . _ / -. Unique in the vault." }),
              description: f.string({ description: "Up to 200 characters." }),
              namingValues: f.field({ type: [NamingValue], description: "Values of the naming scheme's custom placeholders." }),
            }),
          }),
          required: true,
          description: "The key.",
        }),
      },
      errors: { types: [ValidationError, NotFoundError, DuplicateNameError, KeyNameTakenError, ArchivedTemplateError, NoTargetKeystoreError, KeyStateError, VersionConflictError], ...resultNames("CreateManagedKey", "managedKey") },
      resolve: (_, { input }, ctx) => ctx.services.keys.create({ ...input, vaultId: String(input.vaultId), templateId: String(input.templateId) }),
    }),
    activateManagedKey: lifecycle(t, "activateManagedKey", "Activates (or reactivates) a key: installs it in every target keystore, all in parallel. A keystore that fails does not undo the others; its status says why.", (s, i) => s.activate(i), [NoTargetKeystoreError]),
    deactivateManagedKey: lifecycle(t, "deactivateManagedKey", "Deactivates a key: disables it in every keystore.", (s, i) => s.deactivate(i)),
    destroyManagedKey: lifecycle(t, "destroyManagedKey", "Destroys a key: erases its material and schedules its deletion in every keystore (each keystore's waiting period). A deactivated key only after the waiting time.", (s, i) => s.destroy(i)),
    rotateManagedKey: lifecycle(
      t,
      "rotateManagedKey",
      "Rotates a key: new material as a new version, installed in every keystore that holds it (for AWS, a new key with the alias moved to it; the old key keeps decrypting). At most once an hour.",
      (s, i) => s.rotate(i),
      [RotationTooSoonError, OperationNotSupportedError],
    ),
    deleteManagedKey: lifecycle(t, "deleteManagedKey", "Removes a destroyed key from the vault, once every keystore holds it pending deletion. Returns it as it was.", (s, i) => s.delete(i), [KeyStillInKeystoresError]),
    alignManagedKeyWithTemplate: t.field({
      type: AlignResult,
      description: "Installs the key where its template now targets it and deactivates it where it no longer does; dryRun shows the plan only.",
      args: {
        input: t.arg({
          type: builder.inputType("AlignManagedKeyWithTemplateInput", {
            description: "The key to align.",
            fields: (f) => ({
              id: f.id({ required: true, description: "The managed key." }),
              expectedVersion: f.int({ required: true, description: "The version you read." }),
              dryRun: f.boolean({ defaultValue: false, description: "Only compute the plan." }),
            }),
          }),
          required: true,
          description: "The key.",
        }),
      },
      errors: { types: [NotFoundError, VersionConflictError, KeyStateError, ArchivedTemplateError], ...resultNames("AlignManagedKeyWithTemplate", "alignment") },
      resolve: async (_, { input }, ctx) => ({ ...(await ctx.services.keys.align({ ...input, id: String(input.id) })), dryRun: input.dryRun ?? false }),
    }),
    syncManagedKey: t.field({
      type: ManagedKey,
      description: "Pushes the key's state to every keystore (re-installing, enabling, disabling or scheduling deletion where they drifted); with dryRun, only looks and records what each keystore holds.",
      args: {
        input: t.arg({
          type: builder.inputType("SyncManagedKeyInput", {
            description: "The key to sync.",
            fields: (f) => ({
              id: f.id({ required: true, description: "The managed key." }),
              dryRun: f.boolean({ defaultValue: false, description: "Only look; change nothing remotely." }),
            }),
          }),
          required: true,
          description: "The key.",
        }),
      },
      errors: { types: [NotFoundError], ...resultNames("SyncManagedKey", "managedKey") },
      resolve: (_, { input }, ctx) => ctx.services.keys.sync({ id: String(input.id), dryRun: input.dryRun }),
    }),
  }));

  return { ManagedKey };
}

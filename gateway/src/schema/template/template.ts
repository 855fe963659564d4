import type { ObjectRef } from "@pothos/core";
import type { PropertyValues } from "@uko/connector-sdk";
import type { Builder, Types } from "../../builder.js";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import { DuplicateNameError, NotFoundError, TemplateInUseError, ValidationError, VersionConflictError } from "../../errors.js";
import { parseNamingScheme } from "../../templates/naming-scheme.js";
import { optionsAsText, type GivenOption } from "../../templates/rules.js";
import type { TemplateService } from "../../templates/service.js";
import { MAX_TARGETS, type StoredTarget } from "../../templates/targets.js";
import { connectionType, pageArgs, type Common } from "../common.js";
import type { VaultRow } from "../vault/vault.js";

export type TemplateRow = NonNullable<Awaited<ReturnType<TemplateService["get"]>>>;

const NAME_RULE = "1 to 30 characters: a letter, then letters, digits and -. Unique in the vault.";
const PERIOD_RULE = "ISO 8601 period after the key's creation (years, months, weeks, days), e.g. P1Y6M; for planning only.";
const SCHEME_RULE =
  "Fixed text with <placeholders> (1 to 20 characters each) that makes each key's name in its keystores: <yyyy>, <yy> and <mm> take the key's creation date (UTC); any other placeholder of letters and digits takes a value (at least 2 letters, digits or spaces) given when a key is created. The fixed text must fit the key name rules of every target's type (see keystoreTypes.keyNaming): a key has one name in all its keystores.";

/** Key templates: type, queries, mutations. Returns the object refs the managed-key schema uses. */
export function defineKeyTemplates(builder: Builder, common: Common, registry: ConnectorRegistry, Vault: ObjectRef<Types, VaultRow>) {
  const KeyAlgorithm = builder.enumType("KeyAlgorithm", {
    description: "A key algorithm (UKO's aes, rsa, ec, hmac).",
    values: {
      AES: { description: "AES, a symmetric key; size in bits (128, 192, 256)." },
      RSA: { description: "RSA, a key pair; size is the modulus in bits (2048, 3072, 4096)." },
      EC: { description: "Elliptic curve, a key pair; size is the curve (P-256, P-384, P-521, secp256k1)." },
      HMAC: { description: "HMAC, a symmetric signing key; size in bits." },
    },
  });
  const InitialState = builder.enumType("KeyTemplateInitialState", {
    description: "The state a key made from a template starts in.",
    values: {
      ACTIVE: { description: "Installed and active in the target keystores at once." },
      PRE_ACTIVATION: { description: "Created, not installed in any keystore until it is activated." },
    },
  });

  const TemplateKey = builder.objectRef<TemplateRow>("KeyTemplateKey").implement({
    description: "What the keys made from a template look like.",
    fields: (t) => ({
      algorithm: t.field({ type: KeyAlgorithm, description: "The algorithm; fixed after creation.", resolve: (r) => r.algorithm }),
      size: t.exposeString("size", { description: 'The size as UKO spells it: "256", "2048", "P-256".' }),
      initialState: t.field({ type: InitialState, description: "The state new keys start in.", resolve: (r) => r.initialState as "ACTIVE" | "PRE_ACTIVATION" }),
      activationPeriod: t.string({ nullable: true, description: `When keys are planned to become active. ${PERIOD_RULE}`, resolve: (r) => r.activationPeriod }),
      expirationPeriod: t.string({ nullable: true, description: `When keys are planned to expire. ${PERIOD_RULE}`, resolve: (r) => r.expirationPeriod }),
    }),
  });

  const TemplateOption = builder.objectRef<GivenOption>("TemplateOption").implement({
    description: "One option of the target keystore type (see keystoreTypes.templateOptions), as text.",
    fields: (t) => ({
      name: t.exposeString("name", { description: "Wire name, e.g. aws_pending_window_days." }),
      value: t.exposeString("value", { description: "The value as text, e.g. 7 or true." }),
    }),
  });

  const Target = builder.objectRef<StoredTarget>("KeyTemplateTarget").implement({
    description:
      "One place the keys of a template go: every keystore of one type in one keystore group of the template's vault, with that type's options. (UKO's v4 API calls these the template's keystores.)",
    fields: (t) => ({
      keystoreType: t.exposeString("keystoreType", { description: "The keystore type, e.g. aws_kms; fixed after creation." }),
      keystoreGroup: t.exposeString("keystoreGroup", { description: "The keystore group; editable." }),
      options: t.field({
        type: [TemplateOption],
        description: "The type's template options, defaults included, in the order the type declares them; editable.",
        resolve: (r) => optionsAsText(registry.get(r.keystoreType)?.definition.templateOptions, JSON.parse(r.options) as PropertyValues),
      }),
    }),
  });

  const KeyTemplate = builder.objectRef<TemplateRow>("KeyTemplate").implement({
    description: `What keys look like (algorithm, size, naming scheme, initial state) and where they go (1 to ${MAX_TARGETS} targets, each a keystore type plus a keystore group).`,
    fields: (t) => ({
      id: t.exposeID("id", { description: "UUID." }),
      vault: t.field({ type: Vault, description: "The vault it belongs to.", resolve: (r, _, ctx) => ctx.loaders.vaultById.load(r.vaultId) as Promise<VaultRow> }),
      name: t.exposeString("name", { description: NAME_RULE }),
      description: t.exposeString("description", { description: "Up to 200 characters." }),
      key: t.field({ type: TemplateKey, description: "The properties of its keys.", resolve: (r) => r }),
      namingScheme: t.exposeString("namingScheme", { description: `Makes each key's name; fixed after creation. ${SCHEME_RULE}` }),
      namingSchemePlaceholders: t.stringList({
        description: "The custom placeholders of the naming scheme, each once: the values a key's creator gives.",
        resolve: (r) => {
          const parsed = parseNamingScheme(r.namingScheme);
          return parsed.ok ? [...parsed.customPlaceholders] : [];
        },
      }),
      targets: t.field({
        type: [Target],
        description:
          "Where its keys go, in the order given: a key is installed in every keystore any target matches (the union). When one keystore matches two targets, the first one's options apply.",
        // Rows from the template service carry their targets; a plain row (another domain's relation) reads them here.
        resolve: (r, _, ctx) =>
          (r as Partial<TemplateRow>).targets ?? ctx.services.db.keyTemplateTarget.findMany({ where: { templateId: r.id }, orderBy: { position: "asc" } }),
      }),
      archived: t.exposeBoolean("archived", { description: "An archived template creates no keys and cannot be edited; it can be read, unarchived or deleted." }),
      version: t.exposeInt("version", { description: "Incremented on every change; pass it as expectedVersion." }),
      targetRevision: t.exposeInt("targetRevision", {
        description: "Incremented when a target's keystore group or options change; keys set up at an older revision are unaligned.",
      }),
      keysCount: t.int({
        description: "How many managed keys were made from it.",
        // Rows from the template service carry the count; a plain row (another domain's relation) is counted here.
        resolve: (r, _, ctx) => (r as Partial<TemplateRow>)._count?.keys ?? ctx.services.db.managedKey.count({ where: { templateId: r.id } }),
      }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
      updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    }),
  });

  builder.objectType(TemplateInUseError, {
    name: "TemplateInUseError",
    description: "Managed keys were made from the template; it is deleted only once they are gone.",
    interfaces: [common.ErrorInterface],
    isTypeOf: (value) => value instanceof TemplateInUseError,
    fields: (t) => ({
      templateName: t.exposeString("templateName", { description: "The template's name." }),
      keyCount: t.exposeInt("keyCount", { description: "How many managed keys it still has." }),
    }),
  });

  const Connection = connectionType<TemplateRow>(builder, common, "KeyTemplate", KeyTemplate, "key template");
  const OrderField = builder.enumType("KeyTemplateOrderField", {
    description: "What key templates can be ordered by.",
    values: {
      NAME: { value: "name", description: "Name." },
      CREATED_AT: { value: "createdAt", description: "Creation time." },
      UPDATED_AT: { value: "updatedAt", description: "Last change." },
    },
  });
  const Order = builder.inputType("KeyTemplateOrder", {
    description: "Order of a key template list.",
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true, description: "The field." }),
      direction: t.field({ type: common.SortDirection, defaultValue: "asc", description: "The direction." }),
    }),
  });
  const Filter = builder.inputType("KeyTemplateFilter", {
    description: "Which key templates to list; all conditions must hold.",
    fields: (t) => ({
      vaultId: t.id({ description: "In this vault." }),
      namePrefix: t.string({ description: "Names that begin with this text (case-sensitive)." }),
      algorithm: t.field({ type: KeyAlgorithm, description: "Of this algorithm." }),
      keystoreType: t.string({ description: "With a target of this keystore type, e.g. aws_kms." }),
      keystoreGroup: t.string({ description: "With a target in this keystore group (with keystoreType: one target of that type in that group)." }),
      archived: t.boolean({ description: "Archived (true) or not (false); both when absent." }),
    }),
  });

  builder.queryFields((t) => ({
    keyTemplate: t.field({
      type: KeyTemplate,
      nullable: true,
      description: "One key template by id; null when there is none.",
      args: { id: t.arg.id({ required: true, description: "The template's id." }) },
      resolve: (_, { id }, ctx) => ctx.services.templates.get(String(id)),
    }),
    keyTemplates: t.field({
      type: Connection,
      description: "Key templates across the vaults, a page at a time.",
      args: { ...pageArgs(t), filter: t.arg({ type: Filter, description: "Narrows the list." }), orderBy: t.arg({ type: Order, description: "Default: by name, ascending." }) },
      resolve: (_, args, ctx) =>
        ctx.services.templates.list({
          visibleVaults: ctx.actor.vaultsWith("read"),
          first: args.first,
          after: args.after,
          filter: args.filter ? { ...args.filter, vaultId: args.filter.vaultId == null ? null : String(args.filter.vaultId) } : null,
          orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? "asc" } : null,
        }),
    }),
  }));

  const OptionInput = builder.inputType("TemplateOptionInput", {
    description:
      "One option of the target keystore type, by wire name, with its value as text (a whole number like 7, true or false, or text), converted by the option's value type. keystoreTypes.templateOptions lists each type's options and rules.",
    fields: (t) => ({
      name: t.string({ required: true, description: "Wire name, e.g. aws_pending_window_days." }),
      value: t.string({ required: true, description: "The value as text." }),
    }),
  });
  const KeyInput = builder.inputType("KeyTemplateKeyInput", {
    description: "What the keys made from a template look like.",
    fields: (t) => ({
      algorithm: t.field({ type: KeyAlgorithm, required: true, description: "The algorithm; every target's type must hold it. Fixed after creation." }),
      size: t.string({ required: true, description: 'The size as UKO spells it ("256", "2048", "P-256"); every target\'s type must hold it (see keystoreTypes.capabilities).' }),
      initialState: t.field({ type: InitialState, required: true, description: "The state new keys start in." }),
      activationPeriod: t.string({ description: `When keys are planned to become active. ${PERIOD_RULE}` }),
      expirationPeriod: t.string({ description: `When keys are planned to expire; after the activation period. ${PERIOD_RULE}` }),
    }),
  });
  const TargetInput = builder.inputType("KeyTemplateTargetInput", {
    description: "One place the keys of a template go: every keystore of one type in one keystore group of the vault.",
    fields: (t) => ({
      keystoreType: t.string({ required: true, description: "The keystore type, e.g. aws_kms (see keystoreTypes). Fixed after creation." }),
      keystoreGroup: t.string({ required: true, description: "The keystore group: 2 to 128 characters, letters, digits, spaces, - and _." }),
      options: t.field({ type: [OptionInput], description: "The type's template options; omitted ones take their defaults." }),
    }),
  });
  const CreateInput = builder.inputType("CreateKeyTemplateInput", {
    description: "A new key template.",
    fields: (t) => ({
      vaultId: t.id({ required: true, description: "The vault it will belong to." }),
      name: t.string({ required: true, description: NAME_RULE }),
      description: t.string({ description: "Up to 200 characters." }),
      key: t.field({ type: KeyInput, required: true, description: "The properties of its keys." }),
      namingScheme: t.string({ required: true, description: `Up to 200 characters; fixed after creation. ${SCHEME_RULE}` }),
      targets: t.field({
        type: [TargetInput],
        required: true,
        description: `Where its keys go: 1 to ${MAX_TARGETS} targets, each (type, group) pair once. Every type must hold the key's algorithm and size and take the naming scheme's names; issues name the target, e.g. input.targets.1.keystoreGroup.`,
      }),
    }),
  });

  const UpdateKeyInput = builder.inputType("UpdateKeyTemplateKeyInput", {
    description: "Changes to the properties of a template's keys; omitted fields keep their value. They apply to keys made afterwards.",
    fields: (t) => ({
      algorithm: t.field({ type: KeyAlgorithm, description: "Fixed after creation: only the current value is accepted." }),
      size: t.string({ description: "New size; every target's type must hold it." }),
      initialState: t.field({ type: InitialState, description: "New initial state." }),
      activationPeriod: t.string({ description: `New activation period; null clears it. ${PERIOD_RULE}` }),
      expirationPeriod: t.string({ description: `New expiration period; null clears it. ${PERIOD_RULE}` }),
    }),
  });
  const UpdateInput = builder.inputType("UpdateKeyTemplateInput", {
    description: "Changes to a key template; omitted fields keep their value. An archived template cannot be edited.",
    fields: (t) => ({
      id: t.id({ required: true, description: "The template." }),
      expectedVersion: t.int({ required: true, description: "The version you read; a stale one is refused." }),
      name: t.string({ description: `New name. ${NAME_RULE}` }),
      description: t.string({ description: "New description." }),
      key: t.field({ type: UpdateKeyInput, description: "Changes to the properties of its keys." }),
      namingScheme: t.string({ description: "Fixed after creation: only the current value is accepted." }),
      targets: t.field({
        type: [TargetInput],
        description:
          "All its targets again, in order, each with its current keystore type (types are fixed after creation, like UKO's); groups may change, and options listed change (options not listed keep their value). A new group or option value makes existing keys unaligned (targetRevision is incremented).",
      }),
    }),
  });
  const versioned = (name: string, description: string) =>
    builder.inputType(name, {
      description,
      fields: (t) => ({
        id: t.id({ required: true, description: "The template." }),
        expectedVersion: t.int({ required: true, description: "The version you read." }),
      }),
    });
  const ArchiveInput = versioned("ArchiveKeyTemplateInput", "The template to archive: it will create no keys and cannot be edited until unarchived.");
  const UnarchiveInput = versioned("UnarchiveKeyTemplateInput", "The archived template to bring back into use.");
  const DeleteInput = versioned("DeleteKeyTemplateInput", "The template to delete; no managed key may have been made from it.");

  const resultNames = (name: string) => ({
    result: { name: `${name}Success`, description: `${name} succeeded.` },
    union: { name: `${name}Result`, description: `The outcome of ${name.charAt(0).toLowerCase() + name.slice(1)}.` },
    dataField: { name: "keyTemplate", description: "The key template." },
  });
  const byId = <T extends { id: string | number }>(input: T) => ({ ...input, id: String(input.id) });

  builder.mutationFields((t) => ({
    createKeyTemplate: t.field({
      type: KeyTemplate,
      description: "Creates a key template, checked against what each target's keystore type accepts (algorithm, size, key names, options).",
      args: { input: t.arg({ type: CreateInput, required: true, description: "The template." }) },
      errors: { types: [ValidationError, NotFoundError, DuplicateNameError], ...resultNames("CreateKeyTemplate") },
      resolve: (_, { input }, ctx) => ctx.services.templates.create({ ...input, vaultId: String(input.vaultId) }),
    }),
    updateKeyTemplate: t.field({
      type: KeyTemplate,
      description: "Edits a key template. The algorithm, the targets' keystore types and the naming scheme are fixed; a new group or options make existing keys unaligned.",
      args: { input: t.arg({ type: UpdateInput, required: true, description: "The changes." }) },
      errors: { types: [ValidationError, NotFoundError, VersionConflictError, DuplicateNameError], ...resultNames("UpdateKeyTemplate") },
      resolve: (_, { input }, ctx) => ctx.services.templates.update(byId(input)),
    }),
    archiveKeyTemplate: t.field({
      type: KeyTemplate,
      description: "Archives a key template: it creates no keys and cannot be edited; its keys are unchanged. Archiving an archived template changes nothing.",
      args: { input: t.arg({ type: ArchiveInput, required: true, description: "The template." }) },
      errors: { types: [NotFoundError, VersionConflictError], ...resultNames("ArchiveKeyTemplate") },
      resolve: (_, { input }, ctx) => ctx.services.templates.archive(byId(input)),
    }),
    unarchiveKeyTemplate: t.field({
      type: KeyTemplate,
      description: "Brings an archived key template back into use. Unarchiving a template in use changes nothing.",
      args: { input: t.arg({ type: UnarchiveInput, required: true, description: "The template." }) },
      errors: { types: [NotFoundError, VersionConflictError], ...resultNames("UnarchiveKeyTemplate") },
      resolve: (_, { input }, ctx) => ctx.services.templates.unarchive(byId(input)),
    }),
    deleteKeyTemplate: t.field({
      type: KeyTemplate,
      description: "Deletes a key template no managed key was made from (archived or not). Returns the template as it was.",
      args: { input: t.arg({ type: DeleteInput, required: true, description: "The template." }) },
      errors: { types: [NotFoundError, VersionConflictError, TemplateInUseError], ...resultNames("DeleteKeyTemplate") },
      resolve: (_, { input }, ctx) => ctx.services.templates.delete(byId(input)),
    }),
  }));

  return { KeyTemplate, KeyTemplateTarget: Target, KeyAlgorithm, KeyTemplateInitialState: InitialState };
}

import type { ConnectorCapabilities, KeyNamingRules, PropertyDefinition, RepairCapability, RequiredPermission, RotationModel } from "@uko/connector-sdk";
import { camelCase, REPAIR_MUTATION } from "@uko/connector-sdk";
import type { Builder } from "../../builder.js";
import type { LoadedConnector } from "../../connectors/registry.js";

/** `keystoreTypes`: each loaded connector described well enough to render a connect form for it. */
export function defineKeystoreTypes(builder: Builder) {
  const ValueType = builder.enumType("PropertyValueType", {
    description: "How a property's value is written.",
    values: {
      STRING: { value: "string", description: "Text." },
      INTEGER: { value: "integer", description: "A whole number." },
      BOOLEAN: { value: "boolean", description: "true or false." },
      ENUM: { value: "enum", description: "One of enumValues." },
      FILE: { value: "file", description: "A file's content in base64 (see accept, maxBytes)." },
    },
  });

  const PropertyDescriptor = builder.objectRef<PropertyDefinition & { identifying: boolean }>("PropertyDescriptor").implement({
    description: "One connection property of a keystore type, with its rules.",
    fields: (t) => ({
      name: t.exposeString("name", { description: "Wire name (UKO's snake_case), e.g. aws_secret_access_key." }),
      graphqlName: t.string({ description: "The field name in GraphQL inputs and types (camelCase).", resolve: (p) => camelCase(p.name) }),
      label: t.exposeString("label", { description: "Short label for a form." }),
      description: t.exposeString("description", { description: "Help text." }),
      valueType: t.expose("valueType", { type: ValueType, description: "How the value is written." }),
      required: t.exposeBoolean("required", { description: "Must be given when connecting." }),
      secret: t.exposeBoolean("secret", { description: "Write-only: sealed at rest, never returned." }),
      immutable: t.exposeBoolean("immutable", { description: "Locked once connected." }),
      derived: t.exposeBoolean("derived", { description: "Computed by the connector from other properties; read-only." }),
      identifying: t.exposeBoolean("identifying", { description: "Part of what names the remote keystore; one remote keystore is connected once." }),
      minLength: t.int({ nullable: true, description: "Fewest characters.", resolve: (p) => p.minLength ?? null }),
      maxLength: t.int({ nullable: true, description: "Most characters.", resolve: (p) => p.maxLength ?? null }),
      pattern: t.string({ nullable: true, description: "A regular expression the whole value must match.", resolve: (p) => p.pattern ?? null }),
      patternMessage: t.string({ nullable: true, description: "What the pattern allows, in words.", resolve: (p) => p.patternMessage ?? null }),
      enumValues: t.stringList({ nullable: true, description: "Allowed values of an enum.", resolve: (p) => (p.enumValues ? [...p.enumValues] : null) }),
      default: t.string({ nullable: true, description: "Default value, as text.", resolve: (p) => (p.default === undefined ? null : String(p.default)) }),
      minimum: t.int({ nullable: true, description: "Smallest integer.", resolve: (p) => p.minimum ?? null }),
      maximum: t.int({ nullable: true, description: "Largest integer.", resolve: (p) => p.maximum ?? null }),
      accept: t.stringList({ nullable: true, description: "Accepted file name suffixes.", resolve: (p) => (p.accept ? [...p.accept] : null) }),
      maxBytes: t.int({ nullable: true, description: "Largest file size in bytes.", resolve: (p) => p.maxBytes ?? null }),
    }),
  });

  const Permission = builder.objectRef<RequiredPermission>("RequiredPermission").implement({
    description: "A permission the credentials need in the remote system.",
    fields: (t) => ({
      name: t.exposeString("name", { description: "The remote system's name for it." }),
      description: t.exposeString("description", { description: "What the gateway uses it for." }),
    }),
  });

  const AlgorithmCapability = builder.objectRef<ConnectorCapabilities["algorithms"][number]>("AlgorithmCapability").implement({
    description: "A key algorithm a keystore type can hold, with its sizes.",
    fields: (t) => ({
      algorithm: t.exposeString("algorithm", { description: "aes, rsa, ec or hmac." }),
      sizes: t.stringList({ description: "Sizes, as UKO spells them.", resolve: (a) => [...a.sizes] }),
    }),
  });

  const RotationModelEnum = builder.enumType("RotationModel", {
    description: "How a keystore type rotates a key.",
    values: {
      NEW_VERSION: { value: "new_version", description: "The new material becomes a new version of the same key (Azure, Google, IBM)." },
      NEW_KEY: { value: "new_key", description: "The new material goes into a new key and the name moves to it; the old key keeps its material (AWS aliases)." },
    },
  });

  const Repair = builder.objectRef<RepairCapability>("KeystoreRepairAction").implement({
    description: `A keystore type's repair action, run with the ${REPAIR_MUTATION} mutation: it makes what connecting set up in the remote system ready again.`,
    fields: (t) => ({
      label: t.exposeString("label", { description: "The console's label for it, e.g. Recreate import key." }),
      description: t.exposeString("description", { description: "What it does in the remote system." }),
    }),
  });

  const Capabilities = builder.objectRef<ConnectorCapabilities & { rotation: RotationModel | null }>("KeystoreCapabilities").implement({
    description: "What a keystore type can do.",
    fields: (t) => ({
      algorithms: t.field({ type: [AlgorithmCapability], description: "Key algorithms and sizes.", resolve: (c) => [...c.algorithms] }),
      operations: t.stringList({ description: "Optional key operations the connector implements (rotate, reimport, cancel_deletion, verify_material); every session is checked for them.", resolve: (c) => [...c.operations] }),
      rotation: t.field({ type: RotationModelEnum, nullable: true, description: "How keys rotate; null when the type cannot rotate.", resolve: (c) => c.rotation }),
      repair: t.field({ type: Repair, nullable: true, description: `Its repair action (the ${REPAIR_MUTATION} mutation); null when it has none.`, resolve: (c) => c.repair ?? null }),
    }),
  });

  const KeyNaming = builder.objectRef<KeyNamingRules>("KeyNamingRules").implement({
    description: "What a key's name in a keystore type may be; a key template's naming scheme must make such names.",
    fields: (t) => ({
      minLength: t.exposeInt("minLength", { description: "Fewest characters." }),
      maxLength: t.exposeInt("maxLength", { description: "Most characters." }),
      pattern: t.exposeString("pattern", { description: "A regular expression the whole name must match." }),
      patternMessage: t.exposeString("patternMessage", { description: "What the pattern allows, in words." }),
      reservedPrefixes: t.stringList({ description: "Prefixes a name may not start with, compared case-insensitively.", resolve: (k) => [...(k.reservedPrefixes ?? [])] }),
    }),
  });

  const KeystoreType = builder.objectRef<LoadedConnector>("KeystoreType").implement({
    description: "A loaded connector: one kind of keystore the gateway can connect.",
    fields: (t) => ({
      type: t.string({ description: "Stable id, e.g. aws_kms.", resolve: (c) => c.definition.type }),
      displayName: t.string({ description: "Name for people.", resolve: (c) => c.definition.displayName }),
      description: t.string({ description: "What it connects to.", resolve: (c) => c.definition.description }),
      propertiesInputField: t.string({ description: "The member of KeystorePropertiesInput for this type.", resolve: (c) => c.inputName }),
      graphqlTypeName: t.string({ description: "The GraphQL object type of its keystores.", resolve: (c) => `${c.typeName}Keystore` }),
      packageName: t.string({ description: "The npm package that provides it.", resolve: (c) => c.packageName }),
      properties: t.field({
        type: [PropertyDescriptor],
        description: "Its connection properties, in form order.",
        resolve: (c) => c.definition.properties.map((p) => ({ ...p, identifying: c.definition.identifyingProperties.includes(p.name) })),
      }),
      requiredPermissions: t.field({ type: [Permission], description: "What the credentials must be allowed to do.", resolve: (c) => [...c.definition.requiredPermissions] }),
      capabilities: t.field({ type: Capabilities, description: "What it can hold and do.", resolve: (c) => ({ ...c.definition.capabilities, rotation: c.definition.capabilities.operations.includes("rotate") ? (c.definition.rotation ?? null) : null }) }),
      keyNaming: t.field({
        type: KeyNaming,
        nullable: true,
        description: "The rules for key names in this type; null when it holds no managed keys.",
        resolve: (c) => c.definition.keyNaming ?? null,
      }),
      templateOptions: t.field({
        type: [PropertyDescriptor],
        description: "The options a key template targeting this type may set (give them as TemplateOptionInput, by wire name), in form order.",
        resolve: (c) => (c.definition.templateOptions ?? []).map((p) => ({ ...p, identifying: false })),
      }),
    }),
  });

  builder.queryFields((t) => ({
    keystoreTypes: t.field({
      type: [KeystoreType],
      description: "Every keystore type a loaded connector provides.",
      resolve: (_, __, ctx) => ctx.services.registry.all(),
    }),
  }));
}

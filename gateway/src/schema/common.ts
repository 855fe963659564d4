import { GraphQLError } from "graphql";
import type { ArgBuilder, InterfaceRef, ObjectRef } from "@pothos/core";
import type { Builder, Types } from "../builder.js";
import {
  DomainError,
  DuplicateNameError,
  ImmutablePropertiesError,
  KeystoreAlreadyConnectedError,
  KeystoreRepairError,
  NotFoundError,
  PropertiesChangeRefusedError,
  UnknownKeystoreTypeError,
  ValidationError,
  VaultNotEmptyError,
  VersionConflictError,
  type FieldIssue,
} from "../errors.js";
import type { Page } from "../db/paginate.js";
import { KeystoreHasKeysError, KeystoreReleaseError } from "../keys/errors.js";

/** Types every domain's schema uses: scalars, the typed errors, connections. */
export function defineCommon(builder: Builder) {
  builder.scalarType("DateTime", {
    description: "A point in time, as an ISO 8601 string in UTC.",
    serialize: (value) => (value as Date).toISOString(),
    parseValue: (value) => {
      const date = typeof value === "string" ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime must be an ISO 8601 string");
      return date;
    },
  });

  builder.queryType({ description: "Reads. Lists are cursor connections with totalCount." });
  builder.mutationType({ description: "Changes. Each takes one `input` and returns its success type or a typed error; a failed mutation changes nothing." });

  const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
    description: "An expected failure: the request was understood and refused. Nothing was changed.",
    fields: (t) => ({
      message: t.exposeString("message", { description: "What went wrong, for a person." }),
      code: t.exposeString("code", { description: "A stable machine-readable code." }),
    }),
  });

  const FieldIssueRef = builder.objectRef<FieldIssue>("FieldIssue").implement({
    description: "One bad field of an input.",
    fields: (t) => ({
      path: t.exposeStringList("path", { description: 'Where the field is in the request, e.g. ["input", "properties", "awsKms", "awsRegion"].' }),
      message: t.exposeString("message", { description: "What is wrong with it, for a person." }),
      code: t.exposeString("code", { description: "Which rule it breaks, e.g. REQUIRED, TOO_LONG, PATTERN." }),
    }),
  });

  // Registered by class: the errors plugin finds a thrown error's GraphQL type through it.
  const errorType = (cls: new (...args: any[]) => DomainError, name: string, description: string, extra?: (t: any) => object) =>
    builder.objectType(cls, {
      name,
      description,
      interfaces: [ErrorInterface],
      isTypeOf: (value) => value instanceof cls,
      fields: (t) => (extra ? extra(t) : {}) as never,
    });

  errorType(ValidationError, "ValidationError", "Some fields of the input break their rules; `issues` names each one.", (t) => ({
    issues: t.field({ type: [FieldIssueRef], description: "Every bad field, with its path.", resolve: (e: ValidationError) => e.issues }),
  }));
  errorType(NotFoundError, "NotFoundError", "The resource does not exist (or is not visible to you).", (t) => ({
    resource: t.exposeString("resource", { description: "The kind of resource, e.g. vault." }),
    id: t.exposeString("id", { description: "The id that was not found." }),
    path: t.exposeStringList("path", { description: "The input field that held the id." }),
  }));
  errorType(VersionConflictError, "VersionConflictError", "Someone else changed the resource since you read it; read it again.", (t) => ({
    expectedVersion: t.exposeInt("expectedVersion", { description: "The version the request expected." }),
    currentVersion: t.exposeInt("currentVersion", { description: "The version the resource is at now." }),
  }));
  errorType(DuplicateNameError, "DuplicateNameError", "The name is taken.", (t) => ({
    name: t.exposeString("takenName", { description: "The name that is taken." }),
  }));
  errorType(ImmutablePropertiesError, "ImmutablePropertiesError", "The request changes properties that are locked after connecting.", (t) => ({
    properties: t.exposeStringList("properties", { description: "Every locked property the request tried to change (wire names)." }),
  }));
  errorType(KeystoreAlreadyConnectedError, "KeystoreAlreadyConnectedError", "This remote keystore is already connected; a keystore belongs to one vault only. Where it is connected is given only to a caller who can read that vault.", (t) => ({
    keystoreId: t.id({ nullable: true, description: "The keystore it is connected as; null when you cannot read its vault.", resolve: (e: KeystoreAlreadyConnectedError) => e.connectedAs?.keystoreId ?? null }),
    keystoreName: t.string({ nullable: true, description: "That keystore's name; null when you cannot read its vault.", resolve: (e: KeystoreAlreadyConnectedError) => e.connectedAs?.keystoreName ?? null }),
    vaultId: t.id({ nullable: true, description: "The vault that keystore is in; null when you cannot read it.", resolve: (e: KeystoreAlreadyConnectedError) => e.connectedAs?.vaultId ?? null }),
    vaultName: t.string({ nullable: true, description: "That vault's name; null when you cannot read it.", resolve: (e: KeystoreAlreadyConnectedError) => e.connectedAs?.vaultName ?? null }),
  }));
  errorType(PropertiesChangeRefusedError, "PropertiesChangeRefusedError", "The keystore's connector refused the new properties (e.g. credentials for another account); nothing was changed.", (t) => ({
    keystoreType: t.exposeString("keystoreType", { description: "The keystore's type." }),
    connectorCode: t.exposeString("connectorCode", { description: "The connector's error code, e.g. INVALID_PROPERTIES." }),
    reason: t.exposeString("reason", { description: "The connector's message, for a person." }),
  }));
  errorType(KeystoreRepairError, "KeystoreRepairError", "The keystore's repair action failed or its type has none; nothing was changed and its status was not recorded.", (t) => ({
    keystoreType: t.exposeString("keystoreType", { description: "The keystore's type." }),
    connectorCode: t.exposeString("connectorCode", { description: "The connector's error code (UNSUPPORTED: the type has no repair action)." }),
    reason: t.exposeString("reason", { description: "Why, for a person." }),
  }));
  errorType(VaultNotEmptyError, "VaultNotEmptyError", "A vault is deleted only when empty.", (t) => ({
    keystoreCount: t.exposeInt("keystoreCount", { description: "How many keystores are left in it." }),
    keystoreNames: t.exposeStringList("keystoreNames", { description: "The first few of them, by name." }),
    templateCount: t.exposeInt("templateCount", { description: "How many key templates are left in it (archived ones too)." }),
    templateNames: t.exposeStringList("templateNames", { description: "The first few of them, by name." }),
  }));
  errorType(UnknownKeystoreTypeError, "UnknownKeystoreTypeError", "No connector for that keystore type is loaded.", (t) => ({
    type: t.exposeString("type", { description: "The type asked for." }),
  }));

  errorType(KeystoreHasKeysError, "KeystoreHasKeysError", "Live keys (neither pre-active nor destroyed) target the keystore; disconnect with another mode, or deal with the keys first.", (t) => ({
    keyLabels: t.exposeStringList("keyLabels", { description: "Those keys." }),
  }));
  errorType(KeystoreReleaseError, "KeystoreReleaseError", "Disconnecting with DEACTIVATE or DESTROY failed for some keys, so the keystore stays connected.", (t) => ({
    keyLabels: t.exposeStringList("keyLabels", { description: "The keys whose copies could not be changed." }),
  }));

  const SortDirection = builder.enumType("SortDirection", {
    description: "Order of a list.",
    values: { ASC: { value: "asc", description: "Smallest first." }, DESC: { value: "desc", description: "Largest first." } },
  });

  const PageInfo = builder.objectRef<Page<unknown>>("PageInfo").implement({
    description: "Where this page sits in the list.",
    fields: (t) => ({
      hasNextPage: t.exposeBoolean("hasNextPage", { description: "Whether there is a page after this one." }),
      hasPreviousPage: t.exposeBoolean("hasPreviousPage", { description: "Whether this page was asked for with a cursor." }),
      startCursor: t.string({ nullable: true, description: "Cursor of the first item.", resolve: (p) => p.cursors[0] ?? null }),
      endCursor: t.string({ nullable: true, description: "Cursor of the last item; pass it as `after` for the next page.", resolve: (p) => p.cursors.at(-1) ?? null }),
    }),
  });

  return { ErrorInterface, SortDirection, PageInfo, errorType };
}

export type Common = ReturnType<typeof defineCommon>;

export type Listed<T> = Page<T> & { totalCount: () => Promise<number> };

/** A cursor connection type (`edges`, `nodes`, `pageInfo`, `totalCount`) for a node type. */
export function connectionType<T>(builder: Builder, common: Common, name: string, node: ObjectRef<Types, T> | InterfaceRef<Types, T>, what: string) {
  const Edge = builder.objectRef<{ node: T; cursor: string }>(`${name}Edge`).implement({
    description: `One ${what} and its cursor.`,
    fields: (t) => ({
      cursor: t.exposeString("cursor", { description: "Opaque position of this item." }),
      node: t.field({ type: node, description: `The ${what}.`, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Listed<T>>(`${name}Connection`).implement({
    description: `A page of ${what}s.`,
    fields: (t) => ({
      edges: t.field({
        type: [Edge],
        description: "The items with their cursors.",
        resolve: (p) => p.nodes.map((n, i) => ({ node: n, cursor: p.cursors[i]! })),
      }),
      nodes: t.field({ type: [node], description: "The items.", resolve: (p) => p.nodes as never }),
      pageInfo: t.field({ type: common.PageInfo, description: "Cursors of this page.", resolve: (p) => p }),
      totalCount: t.int({ description: "How many items match the filter, across all pages.", resolve: (p) => p.totalCount() }),
    }),
  });
}

/** Arguments every list takes. */
export function pageArgs(t: { arg: ArgBuilder<Types> }) {
  return {
    first: t.arg.int({ description: "Page size, 0 to 100 (default 20)." }),
    after: t.arg.string({ description: "The endCursor of the previous page." }),
  };
}

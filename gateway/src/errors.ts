/**
 * The expected failures of the domain. Services throw them; the GraphQL layer turns each into a
 * typed member of the mutation's result union. None of them ever carries a secret.
 */
export interface FieldIssue {
  /** Path of the bad field inside the mutation's input, e.g. ["input", "properties", "awsRegion"]. */
  readonly path: readonly string[];
  readonly message: string;
  readonly code: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly code = "VALIDATION_FAILED";
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.length === 1 ? issues[0]!.message : `${issues.length} fields are not valid: ${issues.map((i) => i.path.at(-1)).join(", ")}`);
  }
}

export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
  constructor(
    readonly resource: string,
    readonly id: string,
    readonly path: readonly string[] = ["input", "id"],
  ) {
    super(`No ${resource} with id ${id}`);
  }
}

export class VersionConflictError extends DomainError {
  readonly code = "VERSION_CONFLICT";
  constructor(
    readonly resource: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`The ${resource} was changed by someone else: you expected version ${expectedVersion}, it is at version ${currentVersion}. Read it again and retry.`);
  }
}

export class DuplicateNameError extends DomainError {
  readonly code = "DUPLICATE_NAME";
  constructor(
    readonly resource: string,
    readonly takenName: string,
  ) {
    super(`A ${resource} named "${takenName}" already exists`);
  }
}

export class ImmutablePropertiesError extends DomainError {
  readonly code = "IMMUTABLE_PROPERTIES";
  constructor(readonly properties: readonly string[]) {
    super(`These properties are locked after connecting and cannot be changed: ${properties.join(", ")}`);
  }
}

/** Where a remote keystore is connected already; only given to a caller who can read that vault. */
export interface ConnectedAs {
  keystoreId: string;
  keystoreName: string;
  vaultId: string;
  vaultName: string;
}

/** The connector refused new properties (its onPropertiesChanged hook): the keystore keeps its old ones. */
export class PropertiesChangeRefusedError extends DomainError {
  readonly code = "PROPERTIES_CHANGE_REFUSED";
  constructor(
    readonly keystoreType: string,
    readonly connectorCode: string,
    readonly reason: string,
  ) {
    super(`The ${keystoreType} connector refused the new properties: ${reason}. The keystore keeps its previous properties.`);
  }
}

/** A keystore's repair action (repairKeystore) was refused by its connector, or its type has none; nothing was changed. */
export class KeystoreRepairError extends DomainError {
  readonly code = "KEYSTORE_REPAIR_FAILED";
  constructor(
    readonly keystoreType: string,
    readonly connectorCode: string,
    readonly reason: string,
  ) {
    super(`The ${keystoreType} keystore could not be repaired: ${reason}`);
  }

  /** The keystore's type declares no repair action (capabilities.repair). */
  static unsupported(keystoreType: string): KeystoreRepairError {
    return new KeystoreRepairError(keystoreType, "UNSUPPORTED", `its connector has no repair action`);
  }
}

export class KeystoreAlreadyConnectedError extends DomainError {
  readonly code = "KEYSTORE_ALREADY_CONNECTED";
  /**
   * `connectedAs` is null when the caller cannot read the vault it is connected in: then the
   * error says only that it is connected elsewhere, so it is no oracle for other vaults.
   */
  constructor(readonly connectedAs: ConnectedAs | null) {
    super(
      connectedAs
        ? `This remote keystore is already connected as "${connectedAs.keystoreName}" in vault "${connectedAs.vaultName}"`
        : "This remote keystore is already connected elsewhere, in a vault you cannot see",
    );
  }
}

export class VaultNotEmptyError extends DomainError {
  readonly code = "VAULT_NOT_EMPTY";
  constructor(
    readonly vaultName: string,
    readonly keystoreNames: readonly string[],
    readonly keystoreCount: number,
    readonly templateNames: readonly string[] = [],
    readonly templateCount: number = 0,
  ) {
    const some = (count: number, names: readonly string[], what: string) =>
      `${count} ${what}${count === 1 ? "" : "s"} (${names.join(", ")}${count > names.length ? ", …" : ""})`;
    const left = [
      ...(keystoreCount > 0 ? [some(keystoreCount, keystoreNames, "keystore")] : []),
      ...(templateCount > 0 ? [some(templateCount, templateNames, "key template")] : []),
    ];
    const todo = [...(keystoreCount > 0 ? ["disconnect"] : []), ...(templateCount > 0 ? ["delete"] : [])].join(" or ");
    super(`Vault "${vaultName}" still contains ${left.join(" and ")}; ${todo} them first`);
  }
}

export class UnknownKeystoreTypeError extends DomainError {
  readonly code = "UNKNOWN_KEYSTORE_TYPE";
  constructor(readonly type: string) {
    super(`No connector for keystore type "${type}" is loaded`);
  }
}

export class TemplateInUseError extends DomainError {
  readonly code = "TEMPLATE_IN_USE";
  constructor(
    readonly templateName: string,
    readonly keyCount: number,
  ) {
    super(`Template "${templateName}" still has ${keyCount} managed key${keyCount === 1 ? "" : "s"}; destroy and delete ${keyCount === 1 ? "it" : "them"} first`);
  }
}

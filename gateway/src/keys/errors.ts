import { DomainError } from "../errors.js";
import type { StoredTarget } from "../templates/targets.js";
import type { KeyAction, KeyState } from "./rules.js";

/** An action the key's state does not allow, with the states that would. */
export class KeyStateError extends DomainError {
  readonly code = "KEY_STATE_CONFLICT";
  constructor(
    readonly action: KeyAction,
    readonly state: KeyState,
    readonly allowedStates: readonly KeyState[],
    reason?: string,
  ) {
    super(reason ?? `A key in state ${state} cannot be ${pastTense(action)}; it must be ${allowedStates.join(" or ")}`);
  }
}

/** No connected keystore matches any of the template's targets in the key's vault. */
export class NoTargetKeystoreError extends DomainError {
  readonly code = "NO_TARGET_KEYSTORE";
  constructor(readonly targets: readonly StoredTarget[]) {
    super(
      `No keystore the template targets is connected in this vault (${targets.map((t) => `${t.keystoreType} in group "${t.keystoreGroup}"`).join("; ")}); connect one or change the template's targets`,
    );
  }
}

/** Keystores still hold copies that must reach pending deletion before the key can be deleted. */
export class KeyStillInKeystoresError extends DomainError {
  readonly code = "KEY_STILL_IN_KEYSTORES";
  constructor(readonly keystoreNames: readonly string[]) {
    super(`The key is not yet pending deletion in: ${keystoreNames.join(", ")}; run syncManagedKey, then delete`);
  }
}

export class ArchivedTemplateError extends DomainError {
  readonly code = "TEMPLATE_ARCHIVED";
  constructor(readonly templateName: string) {
    super(`Template "${templateName}" is archived and creates no keys; unarchive it first`);
  }
}

function pastTense(action: KeyAction): string {
  return { activate: "activated", deactivate: "deactivated", destroy: "destroyed", delete: "deleted", align: "aligned", sync: "synced", rotate: "rotated" }[action];
}

/** A keystore is disconnected (RESTRICT mode) only when no live key targets it. */
export class KeystoreHasKeysError extends DomainError {
  readonly code = "KEYSTORE_HAS_KEYS";
  constructor(readonly keyLabels: readonly string[]) {
    super(
      `Keys that are neither pre-active nor destroyed target this keystore: ${keyLabels.join(", ")}. Deactivate or destroy them, or disconnect with mode DISCONNECT, DEACTIVATE or DESTROY`,
    );
  }
}

/** Disconnecting with DEACTIVATE or DESTROY needs every copy changed first; some could not be. */
export class KeystoreReleaseError extends DomainError {
  readonly code = "KEYSTORE_RELEASE_FAILED";
  constructor(readonly keyLabels: readonly string[]) {
    super(`The keystore could not take these keys out of use, so it stays connected: ${keyLabels.join(", ")}; see each key's status in keystores`);
  }
}

/** UKO rotates a key at most once an hour. */
export class RotationTooSoonError extends DomainError {
  readonly code = "ROTATION_TOO_SOON";
  constructor(readonly nextRotationAt: Date) {
    super(`The key was rotated less than an hour ago; it can be rotated again from ${nextRotationAt.toISOString()}`);
  }
}

/**
 * Another managed key already goes by this name in the keystores the new key would be installed in:
 * both could never hold it. The other key is always in the same vault (keystores and templates
 * belong to one vault), so a caller who may create keys there may see it.
 */
export class KeyNameTakenError extends DomainError {
  readonly code = "KEY_NAME_TAKEN";
  constructor(
    readonly nameInKeystores: string,
    readonly otherKeyId: string,
    readonly otherKeyLabel: string,
  ) {
    super(`The name "${nameInKeystores}" is already used in these keystores by managed key "${otherKeyLabel}"; choose other naming values`);
  }
}

/** The key's keystore type does not declare an optional operation the request needs (e.g. "rotate"). */
export class OperationNotSupportedError extends DomainError {
  readonly code = "OPERATION_NOT_SUPPORTED";
  constructor(
    readonly keystoreType: string,
    readonly operation: string,
  ) {
    super(`Keys in ${keystoreType} keystores cannot be handled this way: the connector does not support "${operation}"`);
  }
}

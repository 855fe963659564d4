/**
 * AWS KMS's error responses. On the wire an error is an HTTP status (400 for anything the caller
 * did, 5xx for the service) and a JSON body `{"__type": code, "message": text}`; the SDK takes the
 * code from `__type` and, for codes KMS models, throws the typed exception (sdk-loopback §2.4).
 * Messages copy AWS's wording where it is known, because callers (and the connector) read them.
 */
export class KmsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }

  toBody(): string {
    return JSON.stringify({ __type: this.code, message: this.message });
  }
}

/**
 * A constraint of the API model was violated. AWS words these as Coral does, naming the member in
 * camelCase: `1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy
 * constraint: Member must have value greater than or equal to 7`.
 */
export function constraintViolation(member: string, value: unknown, constraint: string): KmsError {
  const shown = value === undefined || value === null ? "null" : `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
  return new KmsError("ValidationException", `1 validation error detected: Value ${shown} at '${camel(member)}' failed to satisfy constraint: ${constraint}`);
}

export function validation(message: string): KmsError {
  return new KmsError("ValidationException", message);
}

/** A body member of the wrong JSON type: AWS's deserializer answers before validation runs. */
export function serialization(message: string): KmsError {
  return new KmsError("SerializationException", message);
}

export function keyNotFound(keyArn: string): KmsError {
  return new KmsError("NotFoundException", `Key '${keyArn}' does not exist`);
}

export function aliasNotFound(aliasArn: string): KmsError {
  return new KmsError("NotFoundException", `Alias ${aliasArn} is not found.`);
}

export function invalidState(message: string): KmsError {
  return new KmsError("KMSInvalidStateException", message);
}

export function unsupported(message: string): KmsError {
  return new KmsError("UnsupportedOperationException", message);
}

export const INCORRECT_KEY_MATERIAL =
  "The key material in the request is expired, invalid, or is not the same key material that was previously imported into this KMS key.";

export function incorrectKeyMaterial(detail?: string): KmsError {
  return new KmsError("IncorrectKeyMaterialException", detail ? `${INCORRECT_KEY_MATERIAL} ${detail}` : INCORRECT_KEY_MATERIAL);
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

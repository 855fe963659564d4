import { constraintViolation, serialization, validation } from "./errors.js";

/**
 * Reads members of a JSON 1.1 request body the way AWS's front end does: a member of the wrong
 * JSON type is a SerializationException, a value outside the API model's constraints (null for a
 * required member, length, range, enum, pattern) a ValidationException. The SDK does not validate
 * anything client side, so these are the only checks a request gets.
 */
export class Input {
  constructor(private readonly body: Record<string, unknown>) {}

  static parse(raw: string): Input {
    if (raw.trim() === "") return new Input({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw serialization("Unable to parse the request body as JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw serialization("The request body must be a JSON object.");
    return new Input(parsed as Record<string, unknown>);
  }

  /** A member as sent, unchecked: for naming the resource in an AccessDeniedException before validation. */
  raw(name: string): unknown {
    return this.body[name];
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  string(name: string, rules: StringRules & { required: true }): string;
  string(name: string, rules?: StringRules): string | undefined;
  string(name: string, rules: StringRules = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      if (rules.required) throw constraintViolation(name, null, "Member must not be null");
      return undefined;
    }
    if (typeof value !== "string") throw serialization(`Expected a string for ${name}.`);
    const min = rules.min ?? 0;
    if (value.length < min) throw constraintViolation(name, value, `Member must have length greater than or equal to ${min}`);
    if (rules.max !== undefined && value.length > rules.max) {
      throw constraintViolation(name, value, `Member must have length less than or equal to ${rules.max}`);
    }
    if (rules.oneOf && !rules.oneOf.includes(value)) throw constraintViolation(name, value, `Member must satisfy enum value set: [${rules.oneOf.join(", ")}]`);
    if (rules.pattern && !rules.pattern.test(value)) throw constraintViolation(name, value, `Member must satisfy regular expression pattern: ${rules.pattern.source}`);
    return value;
  }

  integer(name: string, rules: { min?: number; max?: number } = {}): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw serialization(`Expected a number for ${name}.`);
    if (!Number.isInteger(value)) throw constraintViolation(name, value, "Member must be an integer");
    if (rules.min !== undefined && value < rules.min) throw constraintViolation(name, value, `Member must have value greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value > rules.max) throw constraintViolation(name, value, `Member must have value less than or equal to ${rules.max}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw serialization(`Expected a boolean for ${name}.`);
    return value;
  }

  /** Blobs travel as base64 strings (sdk-loopback §2.2). */
  blob(name: string, rules: { required: true; min?: number; max?: number }): Buffer;
  blob(name: string, rules?: { required?: boolean; min?: number; max?: number }): Buffer | undefined;
  blob(name: string, rules: { required?: boolean; min?: number; max?: number } = {}): Buffer | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      if (rules.required) throw constraintViolation(name, null, "Member must not be null");
      return undefined;
    }
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw serialization(`Expected a base64 string for ${name}.`);
    const bytes = Buffer.from(value, "base64");
    // AWS never echoes a blob's contents in a validation message.
    if (bytes.length < (rules.min ?? 0)) throw blobViolation(name, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && bytes.length > rules.max) throw blobViolation(name, `Member must have length less than or equal to ${rules.max}`);
    return bytes;
  }

  /** Timestamps travel as epoch seconds (JSON numbers). */
  timestamp(name: string): Date | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw serialization(`Expected epoch seconds for ${name}.`);
    return new Date(value * 1000);
  }

  /** A list member; each element is checked by `read`. */
  list<T>(name: string, read: (element: unknown, index: number) => T): T[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw serialization(`Expected a list for ${name}.`);
    return value.map(read);
  }
}

export interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  oneOf?: readonly string[];
  pattern?: RegExp;
}

/** The KeyIdType of the API model: a key id, key ARN, alias name or alias ARN. */
export const KEY_ID_RULES = { required: true, min: 1, max: 2048 } as const;

function blobViolation(member: string, constraint: string) {
  return validation(`1 validation error detected: Value at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: ${constraint}`);
}

import type { FieldIssue, KeystoreType, TypedError } from "../api/types.ts";
import type { FieldErrors } from "./validate.ts";

/** The key for messages that concern no one field: shown at the top of the form. */
export const FORM = "_form";

/**
 * Where an API issue belongs in the form. Paths name input fields, e.g.
 * ["input", "properties", "awsKms", "awsRegion"] -> "aws_region" (the property's wire name),
 * ["input", "name"] -> "name", ["input", "groups", "1"] -> "groups".
 */
export function fieldOfPath(path: readonly string[], type?: KeystoreType): string {
  const rest = path[0] === "input" ? path.slice(1) : [...path];
  const [head, member, property] = rest;
  if (head === undefined) return FORM;
  if (head === "properties") {
    if (type && member === type.propertiesInputField && property !== undefined) {
      return type.properties.find((d) => d.graphqlName === property || d.name === property)?.name ?? FORM;
    }
    return FORM;
  }
  return head;
}

export function issuesToErrors(issues: readonly FieldIssue[], type?: KeystoreType): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = fieldOfPath(issue.path, type);
    errors[key] = errors[key] ? `${errors[key]}; ${issue.message}` : issue.message;
  }
  return errors;
}

/**
 * A mutation's typed error as messages next to the fields it concerns: a taken name at the name,
 * "already connected" at the identifying properties, locked properties at themselves, validation
 * issues at their path. Anything else goes to the top of the form.
 */
export function errorToFields(error: TypedError, type?: KeystoreType): FieldErrors {
  switch (error.__typename) {
    case "ValidationError":
      return issuesToErrors(error.issues ?? [], type);
    case "DuplicateNameError":
      return { name: error.message };
    case "KeystoreAlreadyConnectedError": {
      const identifying = type?.properties.filter((d) => d.identifying).map((d) => d.name) ?? [];
      const errors: FieldErrors = { [FORM]: error.message };
      for (const name of identifying) errors[name] = "This keystore is already connected (see the message above)";
      return errors;
    }
    case "ImmutablePropertiesError": {
      const errors: FieldErrors = { [FORM]: error.message };
      for (const name of (error.properties as string[] | undefined) ?? []) errors[name] = "Locked after connect: it cannot be changed";
      return errors;
    }
    case "NotFoundError": {
      const path = error.path as string[] | undefined;
      return path ? { [fieldOfPath(path, type)]: error.message } : { [FORM]: error.message };
    }
    default:
      return { [FORM]: error.message };
  }
}

import type { KeystoreType, PropertyDescriptor } from "../api/types.ts";

/** Descriptors as the API returns them, for the unit tests (shaped like aws_kms plus one of each kind). */
const base: Omit<PropertyDescriptor, "name" | "graphqlName" | "label" | "valueType"> = {
  description: "",
  required: false,
  secret: false,
  immutable: false,
  derived: false,
  identifying: false,
  minLength: null,
  maxLength: null,
  pattern: null,
  patternMessage: null,
  enumValues: null,
  default: null,
  accept: null,
  maxBytes: null,
  minimum: null,
  maximum: null,
};

export const testType: KeystoreType = {
  type: "test_kms",
  displayName: "Test KMS",
  description: "For tests",
  propertiesInputField: "testKms",
  requiredPermissions: [],
  properties: [
    { ...base, name: "region", graphqlName: "region", label: "Region", valueType: "STRING", required: true, immutable: true, identifying: true, minLength: 9, maxLength: 32, pattern: "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", patternMessage: "Region must be an AWS region name such as us-east-1" },
    { ...base, name: "api_secret", graphqlName: "apiSecret", label: "API secret", valueType: "STRING", required: true, secret: true, minLength: 1, pattern: "[A-Za-z0-9/+=_-]+", patternMessage: "Only letters and digits" },
    { ...base, name: "tier", graphqlName: "tier", label: "Tier", valueType: "ENUM", enumValues: ["standard", "premium"], default: "standard" },
    { ...base, name: "retries", graphqlName: "retries", label: "Retries", valueType: "INTEGER", minimum: 0, maximum: 5 },
    { ...base, name: "fips", graphqlName: "fips", label: "FIPS", valueType: "BOOLEAN", default: "false" },
    { ...base, name: "key_file", graphqlName: "keyFile", label: "Key file", valueType: "FILE", accept: [".json"], maxBytes: 4096 },
    { ...base, name: "project_id", graphqlName: "projectId", label: "Project", valueType: "STRING", derived: true },
  ],
};

/**
 * A loopback emulator of AWS KMS for tests and demos: the real AWS SDK talks to it with real
 * SigV4, and imported key material is really unwrapped and checked. See emulator.ts.
 */
export { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_IDENTITY, DEFAULT_REGION, startAwsKmsEmulator } from "./emulator.js";
export type { AwsKmsEmulator, AwsKmsEmulatorOptions, EmulatorIdentity, Fault, RequestRecord, WrappingKeySpecName } from "./types.js";

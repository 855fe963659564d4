/**
 * A loopback emulator of Google Cloud KMS for tests and demos: gRPC over TLS to the real
 * `@google-cloud/kms` client, with real JWT authentication and real unwrapping. See emulator.ts.
 */
export { DEFAULT_KEY_RING, DEFAULT_LOCATION, DEFAULT_PROJECT_ID, DEFAULT_SERVICE_ACCOUNT, startGoogleKmsEmulator } from "./emulator.js";
export { openSymmetric as openEmulatorCiphertext } from "./crypto.js";
export type { EmulatorInspection, EmulatorServiceAccount, Fault, GoogleKmsEmulator, GoogleKmsEmulatorOptions, RequestRecord, ServiceAccountKeyFile } from "./types.js";
export { emulatorProperties, startGoogleKmsTarget, type GoogleKmsTarget } from "./target.js";

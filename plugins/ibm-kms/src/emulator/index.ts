export { startIbmKmsEmulator, type IbmKmsEmulator } from "./emulator.js";
export type { ApiKeyIdentity, Fault, IbmKmsEmulatorOptions, InstanceSpec, RecordedRequest, Variant } from "./types.js";
export { describeIbmEmulator } from "./cli.js";

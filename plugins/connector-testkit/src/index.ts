/**
 * The conformance kit for UKO connectors: `runConnectorSuite` registers, in the calling vitest
 * file, a static lint of the definition and (with a target) a live suite against the connector's
 * emulator or a real cloud. See README.md.
 */
export { runConnectorSuite } from "./suite.js";
export { lintConnectorDefinition, SECRET_LOOKING_NAME } from "./lint.js";
export { createTestHost } from "./test-host.js";
export { closedPort } from "./network.js";
export type { TestHost } from "./test-host.js";
export { materialFor, otherMaterial } from "./materials.js";
export { proveByReimport, proveByVerifyMaterial } from "./proofs.js";
export type {
  ConnectorSuiteOptions,
  ConnectorTarget,
  EmulatorHandle,
  LintOptions,
  LiveCheck,
  NegativeCases,
  ProveMaterial,
  SuiteFaultKind,
  TestHostOptions,
} from "./types.js";

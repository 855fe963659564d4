export { createTestTls, type TestTlsMaterial, type TestTlsOptions } from "./tls.js";
export { SettableClock } from "./clock.js";
export { FaultPlan, type FaultBase, type FaultDecision, type LatencyFault } from "./faults.js";
export { closeOnSignals, parsePort, runIfEntryPoint, UsageError } from "./cli.js";

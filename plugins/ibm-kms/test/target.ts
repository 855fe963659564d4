import { randomBytes } from "node:crypto";
import type { ConnectorHost, ConnectorLogger, KeyMaterial, PropertyValues } from "@uko/connector-sdk";
import { startIbmKmsEmulator, type IbmKmsEmulator } from "../src/emulator/index.js";

export interface Target {
  emulator: IbmKmsEmulator;
  /** Properties of a keystore in the emulator's Key Protect (or HPCS) instance. */
  properties(variant: "key_protect" | "hpcs", overrides?: PropertyValues): PropertyValues;
  instanceId(variant: "key_protect" | "hpcs"): string;
  close(): Promise<void>;
}

const PUBLIC_FORM = { key_protect: "https://us-south.kms.cloud.ibm.com", hpcs: "https://api.us-south.hs-crypto.cloud.ibm.com:9730" };

/** The emulator, and properties that name its instances by IBM's public endpoint forms with loopback overrides. */
export async function openTarget(): Promise<Target> {
  const emulator = await startIbmKmsEmulator();
  const instanceId = (variant: "key_protect" | "hpcs") => emulator.instances.find((i) => i.variant === variant)!.id;
  return {
    emulator,
    instanceId,
    properties: (variant, overrides = {}) => ({
      ibm_api_endpoint: PUBLIC_FORM[variant],
      ibm_iam_endpoint: "https://iam.cloud.ibm.com",
      ibm_instance_id: instanceId(variant),
      ibm_key_ring: "default",
      ibm_api_key: emulator.identities[0]!.apiKey,
      ibm_api_url_override: emulator.endpoint,
      ibm_iam_url_override: emulator.endpoint,
      ibm_ca_certificate: emulator.caPem,
      ...overrides,
    }),
    close: () => emulator.close(),
  };
}

export interface TestHost extends ConnectorHost {
  lines: string[];
}

export function testHost(options: { timeoutMs?: number; callTimeoutMs?: number; maxAttempts?: number } = {}): TestHost {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: ConnectorLogger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    lines,
    logger,
    clock: { now: () => new Date() },
    signal: AbortSignal.timeout(timeoutMs),
    deadline: new Date(Date.now() + timeoutMs),
    callTimeoutMs: options.callTimeoutMs ?? timeoutMs,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
  };
}

export function aesMaterial(bits: 128 | 192 | 256 = 256): KeyMaterial {
  return { spec: { algorithm: "aes", size: String(bits) }, bytes: randomBytes(bits / 8) };
}

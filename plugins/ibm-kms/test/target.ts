import { randomBytes, randomUUID } from "node:crypto";
import type { KeyMaterial, PropertyValues } from "@uko/connector-sdk";
import { startIbmKmsEmulator, type ApiKeyIdentity, type IbmKmsEmulator, type InstanceSpec } from "../src/emulator/index.js";
import { IBM_PERMISSIONS } from "../src/permissions.js";

export type Variant = "key_protect" | "hpcs";

export interface Target {
  emulator: IbmKmsEmulator;
  /** Properties of a keystore in the emulator's Key Protect (or HPCS) instance, as the Manager. */
  properties(variant: Variant, overrides?: PropertyValues): PropertyValues;
  /** The API key of a service ID with every action the connector needs but `permission`, on both instances. */
  apiKeyWithout(permission: string): string;
  instanceId(variant: Variant): string;
  close(): Promise<void>;
}

const PUBLIC_FORM = { key_protect: "https://us-south.kms.cloud.ibm.com", hpcs: "https://api.us-south.hs-crypto.cloud.ibm.com:9730" };

/**
 * The emulator, and properties that name its instances by IBM's public endpoint forms with
 * loopback overrides. Besides the Manager, it knows one service ID per required permission that
 * lacks exactly that one (for the connection test's negative cases).
 */
export async function openTarget(): Promise<Target> {
  const instances: InstanceSpec[] = [
    { id: randomUUID(), variant: "key_protect" },
    { id: randomUUID(), variant: "hpcs" },
  ];
  const everywhere = (granted: readonly string[] | "*") => Object.fromEntries(instances.map((i) => [i.id, granted]));
  const manager: ApiKeyIdentity = { apiKey: `emulator-${randomBytes(20).toString("hex")}`, iamId: `iam-ServiceId-${randomUUID()}`, permissions: everywhere("*") };
  const lacking = new Map(
    IBM_PERMISSIONS.map((missing) => [
      missing.name,
      {
        apiKey: `lacks-${missing.name.replace(/\W/g, "-")}-${randomBytes(12).toString("hex")}`,
        iamId: `iam-ServiceId-${randomUUID()}`,
        permissions: everywhere(IBM_PERMISSIONS.map((p) => p.name).filter((name) => name !== missing.name)),
      } satisfies ApiKeyIdentity,
    ]),
  );
  const emulator = await startIbmKmsEmulator({ instances, identities: [manager, ...lacking.values()] });
  const instanceId = (variant: Variant) => instances.find((i) => i.variant === variant)!.id;
  return {
    emulator,
    instanceId,
    apiKeyWithout(permission) {
      const identity = lacking.get(permission);
      if (!identity) throw new Error(`${permission} is not one of the connector's required permissions`);
      return identity.apiKey;
    },
    properties: (variant, overrides = {}) => ({
      ibm_api_endpoint: PUBLIC_FORM[variant],
      ibm_iam_endpoint: "https://iam.cloud.ibm.com",
      ibm_instance_id: instanceId(variant),
      ibm_key_ring: "default",
      ibm_api_key: manager.apiKey,
      ibm_api_url_override: emulator.endpoint,
      ibm_iam_url_override: emulator.endpoint,
      ibm_ca_certificate: emulator.caPem,
      ...overrides,
    }),
    close: () => emulator.close(),
  };
}

/**
 * Acceptance runs against a real instance: `UKO_ACC_IBM_KP=1` (Key Protect) or
 * `UKO_ACC_IBM_HPCS=1` (HPCS), with the instance's API endpoint, instance id and a service ID's
 * API key (Manager role) in the environment, and optionally the key ring (default "default") and
 * the IAM endpoint (default https://iam.cloud.ibm.com).
 */
const ACCEPTANCE = {
  key_protect: { flag: "UKO_ACC_IBM_KP", prefix: "IBM_KP" },
  hpcs: { flag: "UKO_ACC_IBM_HPCS", prefix: "IBM_HPCS" },
} as const;

export const onRealIbm = (variant: Variant): boolean => process.env[ACCEPTANCE[variant].flag] === "1";

/** The environment variables a real run of `variant` needs and does not have. */
export function realIbmMissing(variant: Variant): string[] {
  const { prefix } = ACCEPTANCE[variant];
  return [`${prefix}_API_ENDPOINT`, `${prefix}_INSTANCE_ID`, `${prefix}_API_KEY`].filter((name) => !process.env[name]);
}

for (const variant of ["key_protect", "hpcs"] as const) {
  const { flag, prefix } = ACCEPTANCE[variant];
  if (!onRealIbm(variant)) {
    console.info(`ibm_${variant} suite: against the loopback emulator; the real-instance run is skipped (set ${flag}=1 with ${prefix}_API_ENDPOINT, ${prefix}_INSTANCE_ID and ${prefix}_API_KEY)`);
  }
}

/** Properties of the real instance named by the environment; throws naming what is missing. */
export function realProperties(variant: Variant): PropertyValues {
  const { flag, prefix } = ACCEPTANCE[variant];
  const missing = realIbmMissing(variant);
  if (missing.length) throw new Error(`${flag}=1 needs ${missing.join(", ")}`);
  const env = (name: string) => process.env[`${prefix}_${name}`];
  return {
    ibm_api_endpoint: env("API_ENDPOINT")!,
    ibm_iam_endpoint: process.env.IBM_IAM_ENDPOINT ?? "https://iam.cloud.ibm.com",
    ibm_instance_id: env("INSTANCE_ID")!,
    ibm_key_ring: env("KEY_RING") ?? "default",
    ibm_api_key: env("API_KEY")!,
  };
}

/** A host as the gateway gives one: deadline, abort signal, a capturing redacting logger, and a fast retry policy. */
export { createTestHost as testHost } from "@uko/connector-testkit";

export function aesMaterial(bits: 128 | 192 | 256 = 256): KeyMaterial {
  return { spec: { algorithm: "aes", size: String(bits) }, bytes: randomBytes(bits / 8) };
}

import type { PropertyValues } from "@uko/connector-sdk";
import { startAwsKmsEmulator, type AwsKmsEmulator, type EmulatorIdentity } from "../src/emulator/index.js";

/**
 * Where the connector suite runs: the loopback emulator by default, or a real AWS account when
 * UKO_ACC_AWS=1 and credentials are in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_REGION). Tests that need the emulator's powers (identities, faults, inspection) skip on AWS.
 */
export const onRealAws = process.env.UKO_ACC_AWS === "1";

export const realAwsMissing = onRealAws
  ? ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"].filter((name) => !process.env[name])
  : [];

if (!onRealAws) {
  console.info("aws_kms suite: against the loopback emulator; the real-AWS run is skipped (set UKO_ACC_AWS=1 with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION)");
}

export interface Target {
  /** Connection properties of the default identity, allowed everything. */
  properties: PropertyValues;
  emulator?: AwsKmsEmulator;
  close(): Promise<void>;
}

export const ADMIN: EmulatorIdentity = { accessKeyId: "EMUKUKOTESTADMIN0001", secretAccessKey: "uko/test+Admin=Secret0000000000000000001", userName: "uko-admin" };

export async function openTarget(): Promise<Target> {
  if (onRealAws) {
    if (realAwsMissing.length) throw new Error(`UKO_ACC_AWS=1 needs ${realAwsMissing.join(", ")}`);
    return {
      properties: {
        aws_region: process.env.AWS_REGION!,
        aws_access_key_id: process.env.AWS_ACCESS_KEY_ID!,
        aws_secret_access_key: process.env.AWS_SECRET_ACCESS_KEY!,
      },
      close: async () => {},
    };
  }
  const emulator = await startAwsKmsEmulator({ region: "eu-central-1", identities: [ADMIN] });
  return {
    properties: propertiesFor(emulator, ADMIN),
    emulator,
    close: () => emulator.close(),
  };
}

export function propertiesFor(emulator: AwsKmsEmulator, identity: Pick<EmulatorIdentity, "accessKeyId" | "secretAccessKey">): PropertyValues {
  return {
    aws_region: emulator.region,
    aws_access_key_id: identity.accessKeyId,
    aws_secret_access_key: identity.secretAccessKey,
    aws_endpoint: emulator.endpoint,
  };
}

/** A host as the gateway gives one: deadline, abort signal, a capturing redacting logger, and a fast retry policy. */
export { createTestHost as testHost } from "@uko/connector-testkit";

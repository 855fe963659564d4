import { readFileSync } from "node:fs";
import type { PropertyValues } from "@uko/connector-sdk";
import { createTestHost, type TestHost, type TestHostOptions } from "@uko/connector-testkit";
import { emulatorProperties, startGoogleKmsTarget, type GoogleKmsEmulator, type ServiceAccountKeyFile } from "../src/emulator/index.js";

/**
 * Where the connector suite runs: the loopback emulator by default, or real Cloud KMS when
 * UKO_ACC_GOOGLE=1 with GOOGLE_KMS_KEY_FILE (a service-account JSON key file holding Cloud KMS
 * Admin and Cloud KMS Crypto Operator on the key ring), GOOGLE_KMS_LOCATION and GOOGLE_KMS_KEY_RING.
 * Tests that need the emulator's powers (accounts, faults, the clock, inspection) skip on Google.
 */
export const onRealGoogle = process.env.UKO_ACC_GOOGLE === "1";

export const realGoogleMissing = onRealGoogle ? ["GOOGLE_KMS_KEY_FILE", "GOOGLE_KMS_LOCATION", "GOOGLE_KMS_KEY_RING"].filter((name) => !process.env[name]) : [];

if (!onRealGoogle) {
  console.info(
    "google_kms suite: against the loopback emulator; the real Cloud KMS run is skipped (set UKO_ACC_GOOGLE=1 with GOOGLE_KMS_KEY_FILE, GOOGLE_KMS_LOCATION and GOOGLE_KMS_KEY_RING)",
  );
}

export interface Target {
  /** Connection properties of a service account allowed everything, derived properties included. */
  properties: PropertyValues;
  emulator?: GoogleKmsEmulator;
  close(): Promise<void>;
}

/** Starts the emulator (or points at real Cloud KMS) and returns the properties to connect with. */
export async function openTarget(): Promise<Target> {
  if (onRealGoogle) {
    if (realGoogleMissing.length) throw new Error(`UKO_ACC_GOOGLE=1 needs ${realGoogleMissing.join(", ")}`);
    const file = readFileSync(process.env.GOOGLE_KMS_KEY_FILE!);
    const key = JSON.parse(file.toString("utf8")) as ServiceAccountKeyFile;
    return {
      properties: {
        google_credentials: file.toString("base64"),
        google_project_id: key.project_id,
        google_private_key_id: key.private_key_id,
        google_location: process.env.GOOGLE_KMS_LOCATION!,
        google_key_ring: process.env.GOOGLE_KMS_KEY_RING!,
      },
      close: async () => {},
    };
  }
  return startGoogleKmsTarget();
}

export function keyFileBase64(keyFile: object): string {
  return Buffer.from(JSON.stringify(keyFile, null, 2)).toString("base64");
}

/** The properties of another service account of the emulator. */
export const propertiesFor = emulatorProperties;

/** A host as the gateway gives one (the kit's), with a longer default budget for RSA imports on a busy machine. */
export function testHost(options: TestHostOptions = {}): TestHost {
  return createTestHost({ timeoutMs: 10_000, ...options });
}

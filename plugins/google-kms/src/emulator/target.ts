import type { PropertyValues } from "@uko/connector-sdk";
import { DEFAULT_KEY_RING, startGoogleKmsEmulator } from "./emulator.js";
import type { GoogleKmsEmulator, GoogleKmsEmulatorOptions, ServiceAccountKeyFile } from "./types.js";

/**
 * What a connector suite (this package's, or the shared connector kit) needs to run against the
 * emulator: a started emulator and the `google_kms` properties of its default service account
 * (allowed everything), derived properties included.
 */
export interface GoogleKmsTarget {
  readonly properties: PropertyValues;
  readonly emulator: GoogleKmsEmulator;
  close(): Promise<void>;
}

export async function startGoogleKmsTarget(options: GoogleKmsEmulatorOptions = {}): Promise<GoogleKmsTarget> {
  const emulator = await startGoogleKmsEmulator({ projectId: "uko-test-project", location: "europe-west3", ...options });
  return { properties: emulatorProperties(emulator, emulator.keyFile), emulator, close: () => emulator.close() };
}

/** The connection properties for `keyFile` (a service account of the emulator) and one of its key rings. */
export function emulatorProperties(emulator: GoogleKmsEmulator, keyFile: ServiceAccountKeyFile, keyRing = DEFAULT_KEY_RING): PropertyValues {
  return {
    google_credentials: Buffer.from(JSON.stringify(keyFile, null, 2)).toString("base64"),
    google_project_id: keyFile.project_id,
    google_private_key_id: keyFile.private_key_id,
    google_location: emulator.location,
    google_key_ring: keyRing,
    google_api_endpoint: emulator.endpoint,
    google_trusted_ca: emulator.caPem,
  };
}

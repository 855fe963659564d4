import { isConnectorError, type ConnectorSession, type KeyMaterial, type RemoteKey } from "@uko/connector-sdk";
import { createTestHost } from "./test-host.js";
import type { ProveMaterial } from "./types.js";

/**
 * `proveMaterial` for a connector with the `reimport` operation whose keystore refuses material
 * that is not the key's own (as AWS KMS does): importing the same bytes again succeeds, other
 * bytes fail with CONFLICT.
 */
export const proveByReimport: ProveMaterial = async (session: ConnectorSession, key: RemoteKey, material: KeyMaterial) => {
  if (!session.keys?.reimportKeyMaterial) throw new Error("proveByReimport needs the reimport operation");
  try {
    await session.keys.reimportKeyMaterial(key.keyId, material, createTestHost({ timeoutMs: 30_000 }));
    return true;
  } catch (error) {
    if (isConnectorError(error) && error.code === "CONFLICT") return false;
    throw error;
  }
};

/** `proveMaterial` for a connector with the `verify_material` operation. */
export const proveByVerifyMaterial: ProveMaterial = async (session: ConnectorSession, key: RemoteKey, material: KeyMaterial) => {
  if (!session.keys?.verifyKeyMaterial) throw new Error("proveByVerifyMaterial needs the verify_material operation");
  return session.keys.verifyKeyMaterial(key.keyId, material, createTestHost({ timeoutMs: 30_000 }));
};

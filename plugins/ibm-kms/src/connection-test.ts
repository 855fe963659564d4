import { randomUUID } from "node:crypto";
import { ConnectorError, type ConnectionCheck, type ConnectionTestReport, type ConnectorHost } from "@uko/connector-sdk";
import type { KpCollection } from "./key-model.js";
import type { IbmConnection, KeyProtectClient, KmsRequest } from "./kms-client.js";
import { IBM_PERMISSIONS } from "./permissions.js";

/**
 * Actions probed without side effects: each is aimed at a key that cannot exist (a fresh UUID).
 * Key Protect authorises before it looks the key up, so 403 means denied and 404 means allowed.
 * Creating keys and import tokens, and reading a token (which spends a retrieval), have no such
 * probe: they are reported as not verifiable rather than tried.
 */
const PROBES: Record<string, ((id: string) => KmsRequest) | undefined> = {
  "kms.secrets.readmetadata": (id) => ({ method: "GET", path: `/api/v2/keys/${id}/metadata` }),
  "kms.secrets.rotate": (id) => ({ method: "POST", path: `/api/v2/keys/${id}/actions/rotate`, body: {} }),
  "kms.secrets.enable": (id) => ({ method: "POST", path: `/api/v2/keys/${id}/actions/enable` }),
  "kms.secrets.disable": (id) => ({ method: "POST", path: `/api/v2/keys/${id}/actions/disable` }),
  "kms.secrets.delete": (id) => ({ method: "DELETE", path: `/api/v2/keys/${id}` }),
  "kms.secrets.restore": (id) => ({ method: "POST", path: `/api/v2/keys/${id}/restore`, body: {} }),
  "kms.secrets.createalias": (id) => ({ method: "POST", path: `/api/v2/keys/${id}/aliases/uko-permission-probe` }),
};

export async function testConnection(kms: KeyProtectClient, connection: IbmConnection, host: ConnectorHost): Promise<ConnectionTestReport> {
  const checks: ConnectionCheck[] = [];
  // Reachability and authentication: an IAM token, then one call the instance must answer.
  await kms.token(host);
  checks.push({ name: "authentication", kind: "authentication", outcome: "passed", message: "IBM Cloud IAM accepted the API key" });
  let rings: KpCollection<{ id: string }>;
  try {
    rings = await kms.call<KpCollection<{ id: string }>>({ method: "GET", path: "/api/v2/key_rings" }, "list the key rings", host);
  } catch (error) {
    if (error instanceof ConnectorError && (error.code === "NOT_FOUND" || error.code === "REMOTE_ERROR")) {
      throw new ConnectorError("INVALID_PROPERTIES", `The instance ${connection.instanceId} was not found at this endpoint: check the instance ID and the API endpoint's region`, {
        properties: ["ibm_instance_id", "ibm_api_endpoint"],
      });
    }
    if (error instanceof ConnectorError && error.code === "PERMISSION_DENIED") {
      throw new ConnectorError("PERMISSION_DENIED", "The service ID has no access to this instance: give it the Manager role on the instance", { properties: ["ibm_api_key"] });
    }
    throw error;
  }
  checks.push({ name: "reachability", kind: "reachability", outcome: "passed", message: "The instance answered" });
  const ringFound = (rings?.resources ?? []).some((r) => r.id === connection.keyRing);
  checks.push({
    name: "configuration:key_ring",
    kind: "configuration",
    outcome: ringFound ? "passed" : "failed",
    message: ringFound ? `Key ring ${connection.keyRing} exists` : `The instance has no key ring ${connection.keyRing}: create it, or use "default"`,
  });

  const probeId = randomUUID();
  for (const permission of IBM_PERMISSIONS) {
    checks.push(await probe(kms, permission.name, probeId, host));
  }
  return { checks };
}

async function probe(kms: KeyProtectClient, permission: string, probeId: string, host: ConnectorHost): Promise<ConnectionCheck> {
  const base = { name: `permission:${permission}`, kind: "permission" as const, permission };
  // Listing the key rings is how the test reached the instance at all.
  if (permission === "kms.keyrings.list") return { ...base, outcome: "passed", message: "May list key rings" };
  if (permission === "kms.secrets.list") {
    try {
      await kms.call({ method: "GET", path: "/api/v2/keys", query: { limit: 1 } }, "list the keys", host);
      return { ...base, outcome: "passed", message: "May list keys" };
    } catch (error) {
      return denied(base, error);
    }
  }
  const request = PROBES[permission];
  if (!request) return { ...base, outcome: "not_verifiable", message: "Cannot be checked without creating something; it is needed to install keys" };
  try {
    await kms.call(request(probeId), permission, host);
    return { ...base, outcome: "passed", message: "Allowed" };
  } catch (error) {
    if (error instanceof ConnectorError && (error.code === "NOT_FOUND" || error.code === "REMOTE_ERROR" || error.code === "CONFLICT")) {
      return { ...base, outcome: "passed", message: "Allowed" };
    }
    return denied(base, error);
  }
}

function denied(base: { name: string; kind: "permission"; permission: string }, error: unknown): ConnectionCheck {
  if (error instanceof ConnectorError && error.code === "PERMISSION_DENIED") return { ...base, outcome: "failed", message: `Denied: the service ID needs ${base.permission}` };
  throw error;
}

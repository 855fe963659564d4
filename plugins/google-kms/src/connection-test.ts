import { ConnectorError, type ConnectionCheck, type ConnectionTestReport, type ConnectorHost } from "@uko/connector-sdk";
import type { Kms } from "./kms-client.js";
import { GOOGLE_PERMISSIONS } from "./permissions.js";
import type { GoogleConnection } from "./properties.js";

/**
 * The connection test, without side effects: reading the key ring proves reachability and
 * authentication and that the key ring exists; testIamPermissions on the key ring then lists
 * which of the permissions behind Cloud KMS Admin and Cloud KMS Crypto Operator the service
 * account holds there (it needs no permission itself, and changes nothing).
 */
export async function testConnection(kms: Kms, connection: GoogleConnection, host: ConnectorHost): Promise<ConnectionTestReport> {
  const where = connection.apiEndpoint ? `Cloud KMS at ${connection.apiEndpoint.host}:${connection.apiEndpoint.port}` : "Cloud KMS";
  const ring = connection.keyRingName;
  const checks: ConnectionCheck[] = [];
  let keyRing: ConnectionCheck;
  try {
    await kms.call("cloudkms.keyRings.get", host, (o) => kms.client.getKeyRing({ name: ring }, o));
    keyRing = { name: "key_ring", kind: "configuration", outcome: "passed", message: `Key ring ${connection.keyRing} exists in ${connection.location}` };
  } catch (error) {
    // Unreachable, or credentials Google refuses: nothing else can be checked, and the error says why.
    if (!(error instanceof ConnectorError) || (error.code !== "NOT_FOUND" && error.code !== "PERMISSION_DENIED")) throw error;
    keyRing =
      error.code === "NOT_FOUND"
        ? {
            name: "key_ring",
            kind: "configuration",
            outcome: "failed",
            message: `Key ring ${connection.keyRing} does not exist in location ${connection.location} of project ${connection.projectId}; create it first (the gateway does not create key rings, and Google cannot delete them)`,
          }
        : {
            name: "key_ring",
            kind: "configuration",
            outcome: "not_verifiable",
            message: `The service account ${connection.keyFile.client_email} may not read key ring ${ring}, or it does not exist: ${error.message}`,
          };
  }
  checks.push(
    { name: "reachability", kind: "reachability", outcome: "passed", message: `${where} answered` },
    { name: "authentication", kind: "authentication", outcome: "passed", message: `Google accepted the key ${connection.keyFile.private_key_id} of ${connection.keyFile.client_email}` },
    keyRing,
  );
  if (keyRing.outcome === "failed") {
    checks.push(...GOOGLE_PERMISSIONS.map(({ name }) => permissionCheck(name, "skipped", "Not checked: the key ring does not exist")));
    return { checks, account: connection.projectId };
  }
  const [answer] = await kms.call("testIamPermissions", host, (o) =>
    kms.client.testIamPermissions({ resource: ring, permissions: GOOGLE_PERMISSIONS.map((p) => p.name) } as Parameters<typeof kms.client.testIamPermissions>[0], o),
  );
  const granted = new Set(answer.permissions ?? []);
  for (const { name } of GOOGLE_PERMISSIONS) {
    checks.push(
      granted.has(name)
        ? permissionCheck(name, "passed", `Granted on key ring ${connection.keyRing}`)
        : permissionCheck(
            name,
            "failed",
            `Missing on key ring ${connection.keyRing}: grant ${connection.keyFile.client_email} the roles Cloud KMS Admin and Cloud KMS Crypto Operator there`,
          ),
    );
  }
  return { checks, account: connection.projectId };
}

function permissionCheck(permission: string, outcome: ConnectionCheck["outcome"], message: string): ConnectionCheck {
  return { name: `permission:${permission}`, kind: "permission", permission, outcome, message };
}

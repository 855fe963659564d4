import { createHash } from "node:crypto";
import {
  ConnectorError,
  defineConnector,
  property,
  type ConnectionCheck,
  type ConnectorHost,
  type PropertyValues,
  type RotationModel,
} from "@uko/connector-sdk";
import { referenceBackend } from "./backend.js";
import { ReferenceKeyStore } from "./key-store.js";

export const SIMULATIONS = ["none", "bad_credentials", "missing_permissions", "unreachable", "slow", "hang", "throw"] as const;

const PERMISSIONS = [
  { name: "keys.list", description: "List the keys in the instance" },
  { name: "keys.import", description: "Import key material into a new key" },
  { name: "keys.update", description: "Enable, disable and tag keys" },
  { name: "keys.delete", description: "Schedule the deletion of keys" },
];

interface Variant {
  type: string;
  displayName: string;
  description: string;
  rotation: RotationModel;
}

/**
 * The smallest complete connector, and the one the gateway's own tests use. Read it first when
 * writing a connector: declare the properties once, derive what can be derived, and let every
 * failure leave as a ConnectorError. It comes in two variants that differ only in how they rotate
 * a key, so the gateway's tests cover both of the contract's rotation models.
 */
function referenceConnector(variant: Variant) {
  return defineConnector({
    type: variant.type,
    displayName: variant.displayName,
    description: variant.description,
    properties: [
      property.string("reference_instance", {
        label: "Instance name",
        description: "Names the in-memory instance to connect to.",
        required: true,
        immutable: true,
        minLength: 2,
        maxLength: 64,
        pattern: "[a-z0-9][a-z0-9-]*",
        patternMessage: "Instance name may contain lowercase letters, digits and hyphens, starting with a letter or digit",
      }),
      property.enumeration("reference_location", {
        label: "Location",
        description: "Where the instance runs.",
        immutable: true,
        enumValues: ["local", "eu", "us"],
        default: "local",
      }),
      property.string("reference_api_key", {
        label: "API key",
        description: "The key that authenticates the gateway to the instance.",
        required: true,
        secret: true,
        minLength: 8,
        maxLength: 128,
      }),
      property.enumeration("reference_simulate", {
        label: "Simulated failure",
        description: "Makes every call fail in the chosen way, to try the gateway's error handling.",
        enumValues: SIMULATIONS,
        default: "none",
      }),
      property.integer("reference_latency_ms", {
        label: "Added latency (ms)",
        description: "Delay added to every call, to try deadlines and parallelism.",
        minimum: 0,
        maximum: 600_000,
        default: 0,
      }),
      property.string("reference_instance_id", {
        label: "Instance id",
        description: "Stable id of the instance, derived from its name and location.",
        derived: true,
      }),
    ],
    identifyingProperties: ["reference_instance", "reference_location"],
    requiredPermissions: PERMISSIONS,
    capabilities: {
      algorithms: [
        { algorithm: "aes", sizes: ["128", "256"] },
        { algorithm: "hmac", sizes: ["256"] },
        { algorithm: "rsa", sizes: ["2048", "3072"] },
        { algorithm: "ec", sizes: ["P-256", "P-384"] },
      ],
      operations: ["rotate", "reimport", "cancel_deletion", "verify_material"],
    },
    keyNaming: {
      minLength: 2,
      maxLength: 64,
      pattern: "[A-Za-z0-9][A-Za-z0-9_-]*",
      patternMessage: "Key names in the reference keystore are letters, digits, '-' and '_', starting with a letter or digit",
    },
    rotation: variant.rotation,
    deletionWindowOption: "reference_pending_window_days",
    templateOptions: [
      property.integer("reference_pending_window_days", {
        label: "Deletion waiting period (days)",
        description: "How long a destroyed key stays pending deletion in the reference keystore.",
        minimum: 1,
        maximum: 30,
        default: 1,
      }),
    ],
    derive(properties: Readonly<PropertyValues>): PropertyValues {
      const seed = `${String(properties.reference_location ?? "local")}/${String(properties.reference_instance)}`;
      return { reference_instance_id: `ri-${createHash("sha256").update(seed).digest("hex").slice(0, 16)}` };
    },
    connect(properties: Readonly<PropertyValues>) {
      const instance = String(properties.reference_instance);
      const simulate = String(properties.reference_simulate ?? "none");
      const latencyMs = Number(properties.reference_latency_ms ?? 0);
      const call = async (host: ConnectorHost) => {
        await delay(simulate === "slow" ? Math.max(latencyMs, 5_000) : latencyMs, host.signal);
        switch (simulate) {
          case "hang":
            // Ignores the abort signal on purpose: the gateway must survive a connector that never answers.
            return new Promise<never>(() => {});
          case "throw":
            // Carries the key on purpose, as careless SDK errors do: the gateway must scrub it.
            throw new TypeError(`reference connector crashed (simulated) using key ${String(properties.reference_api_key)}`);
          case "unreachable":
            throw new ConnectorError("UNREACHABLE", `Instance ${instance} does not answer (simulated)`);
          case "bad_credentials":
            throw new ConnectorError("AUTHENTICATION_FAILED", `Instance ${instance} refused the API key (simulated)`, {
              properties: ["reference_api_key"],
            });
        }
        const remote = referenceBackend.get(instance);
        if (remote.apiKey !== undefined && remote.apiKey !== properties.reference_api_key) {
          throw new ConnectorError("AUTHENTICATION_FAILED", `Instance ${instance} refused the API key`, { properties: ["reference_api_key"] });
        }
        return remote;
      };
      const keys = new ReferenceKeyStore(async (host, permission) => {
        const remote = await call(host);
        if (remote.deniedPermissions.has(permission) || (simulate === "missing_permissions" && permission === "keys.import")) {
          throw new ConnectorError("PERMISSION_DENIED", `The API key may not ${permission} on instance ${instance}`);
        }
        return remote;
      }, variant.rotation);
      return {
        keys,
        async test(host: ConnectorHost) {
          const remote = await call(host);
          host.logger.debug("tested reference instance", { instance });
          const denied = new Set(remote.deniedPermissions);
          if (simulate === "missing_permissions") denied.add("keys.import");
          const checks: ConnectionCheck[] = [
            { name: "reachability", kind: "reachability", outcome: "passed", message: `Instance ${instance} answered` },
            { name: "authentication", kind: "authentication", outcome: "passed", message: "The API key was accepted" },
            ...PERMISSIONS.map(
              (p): ConnectionCheck => ({
                name: `permission:${p.name}`,
                kind: "permission",
                permission: p.name,
                outcome: denied.has(p.name) ? "failed" : "passed",
                message: denied.has(p.name) ? `${p.name} is not granted` : `${p.name} is granted`,
              }),
            ),
          ];
          return { checks };
        },
      };
    },
  });
}

/** Rotates as AWS does: a new key with the new material, and the key's name moved to it. */
export default referenceConnector({
  type: "reference",
  displayName: "Reference keystore",
  description: "An in-memory keystore for tests and demonstrations, with switchable failures. Holds nothing after a restart.",
  rotation: "new_key",
});

/** Rotates as Azure, Google and IBM do: the new material becomes a new version of the same key. */
export const referenceVersioned = referenceConnector({
  type: "reference_versioned",
  displayName: "Reference keystore (versioned keys)",
  description: "The reference keystore, rotating keys in place: new material becomes a new version of the same key. For tests and demonstrations.",
  rotation: "new_version",
});

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new ConnectorError("UNREACHABLE", "The call was abandoned at its deadline"));
      },
      { once: true },
    );
  });
}

import type { KeySpec, RemoteKeyState } from "@uko/connector-sdk";

/**
 * The "remote system" behind the reference connector: named in-memory instances with an API key
 * and a set of granted permissions. Tests in the same process configure it directly; a gateway
 * process is steered through the `reference_simulate` property instead.
 */
export interface ReferenceInstance {
  apiKey?: string;
  deniedPermissions: Set<string>;
  /** The keys the instance holds, by key id. */
  keys: Map<string, StoredKey>;
}

export interface StoredKey {
  keyId: string;
  name: string;
  spec: KeySpec;
  /** The current material (the newest version's). */
  material: Buffer;
  /** The id of the version holding `material`: "1", then one more per in-place rotation. */
  materialVersion: string;
  /** Earlier versions after in-place (`new_version`) rotations, oldest first; they stay usable to decrypt. */
  previousVersions: { materialVersion: string; material: Buffer }[];
  state: RemoteKeyState;
  tags: Record<string, string>;
  description?: string;
  createdAt: Date;
  deletionDate?: Date;
}

const instances = new Map<string, ReferenceInstance>();

// A gateway process is configured from outside: UKO_REFERENCE_INSTANCES='{"name":"api-key",...}'
// makes those instances accept only their key (used by the end-to-end tests and the demo).
for (const [name, apiKey] of Object.entries(parseInstances(process.env.UKO_REFERENCE_INSTANCES))) {
  instances.set(name, { apiKey, deniedPermissions: new Set(), keys: new Map() });
}

function parseInstances(text: string | undefined): Record<string, string> {
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new Error("UKO_REFERENCE_INSTANCES must be a JSON object of instance name to API key");
  }
  return parsed as Record<string, string>;
}

export const referenceBackend = {
  /** Makes `name` accept only `apiKey` and deny the given permissions. */
  configure(name: string, options: { apiKey?: string; deniedPermissions?: readonly string[] }): void {
    const keys = instances.get(name)?.keys ?? new Map<string, StoredKey>();
    instances.set(name, { apiKey: options.apiKey, deniedPermissions: new Set(options.deniedPermissions ?? []), keys });
  },
  /** An instance comes into being on first use; unconfigured, it accepts any API key and grants everything. */
  get(name: string): ReferenceInstance {
    let instance = instances.get(name);
    if (!instance) instances.set(name, (instance = { deniedPermissions: new Set(), keys: new Map() }));
    return instance;
  },
  reset(): void {
    instances.clear();
  },
};

/**
 * The "remote system" behind the reference connector: named in-memory instances with an API key
 * and a set of granted permissions. Tests in the same process configure it directly; a gateway
 * process is steered through the `reference_simulate` property instead.
 */
export interface ReferenceInstance {
  apiKey?: string;
  deniedPermissions: Set<string>;
}

const instances = new Map<string, ReferenceInstance>();

// A gateway process is configured from outside: UKO_REFERENCE_INSTANCES='{"name":"api-key",...}'
// makes those instances accept only their key (used by the end-to-end tests and the demo).
for (const [name, apiKey] of Object.entries(parseInstances(process.env.UKO_REFERENCE_INSTANCES))) {
  instances.set(name, { apiKey, deniedPermissions: new Set() });
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
    instances.set(name, { apiKey: options.apiKey, deniedPermissions: new Set(options.deniedPermissions ?? []) });
  },
  /** An unconfigured instance accepts any API key and grants everything. */
  get(name: string): ReferenceInstance {
    return instances.get(name) ?? { deniedPermissions: new Set() };
  },
  reset(): void {
    instances.clear();
  },
};

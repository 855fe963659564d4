import type { PropertyValues } from "@uko/connector-sdk";
import { createTestHost, type TestHost, type TestHostOptions } from "@uko/connector-testkit";
import { startAzureKeyVaultEmulator, type AzureKeyVaultEmulator, type AzureKeyVaultEmulatorOptions, type EmulatorPrincipal } from "../src/emulator/index.js";

/**
 * Where the connector suite runs: the loopback emulator by default, or a real Premium vault when
 * UKO_ACC_AZURE=1 and its details are in the environment (AZURE_KEY_VAULT_NAME, AZURE_RESOURCE_GROUP,
 * AZURE_LOCATION, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET;
 * optional AZURE_ENVIRONMENT). Tests that need the emulator's powers (principals, faults, clock,
 * inspection) skip on Azure. `openTarget` is what a shared connector kit can reuse.
 */
export const onRealAzure = process.env.UKO_ACC_AZURE === "1";

const REAL_VARIABLES = ["AZURE_KEY_VAULT_NAME", "AZURE_RESOURCE_GROUP", "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"];
export const realAzureMissing = onRealAzure ? REAL_VARIABLES.filter((name) => !process.env[name]) : [];

if (!onRealAzure) {
  console.info(`azure_key_vault suite: against the loopback emulator; the real-Azure run is skipped (set UKO_ACC_AZURE=1 with ${REAL_VARIABLES.join(", ")})`);
}

export interface Target {
  /** Connection properties of a principal allowed every key permission. */
  properties: PropertyValues;
  emulator?: AzureKeyVaultEmulator;
  close(): Promise<void>;
}

export async function openTarget(options: AzureKeyVaultEmulatorOptions = {}): Promise<Target> {
  if (onRealAzure) {
    if (realAzureMissing.length) throw new Error(`UKO_ACC_AZURE=1 needs ${realAzureMissing.join(", ")}`);
    const env = process.env;
    return {
      properties: {
        azure_service_name: env.AZURE_KEY_VAULT_NAME!,
        azure_resource_group: env.AZURE_RESOURCE_GROUP!,
        azure_location: env.AZURE_LOCATION!,
        azure_environment: env.AZURE_ENVIRONMENT ?? "azure",
        azure_tenant: env.AZURE_TENANT_ID!,
        azure_subscription_id: env.AZURE_SUBSCRIPTION_ID!,
        azure_service_principal_client_id: env.AZURE_CLIENT_ID!,
        azure_service_principal_password: env.AZURE_CLIENT_SECRET!,
      },
      close: async () => {},
    };
  }
  const emulator = await startAzureKeyVaultEmulator(options);
  return { properties: propertiesFor(emulator), emulator, close: () => emulator.close() };
}

/** The properties a user would give for the emulator: the advanced endpoint and CA overrides set. */
export function propertiesFor(emulator: AzureKeyVaultEmulator, principal: Pick<EmulatorPrincipal, "clientId" | "clientSecret"> = emulator.principals[0]!): PropertyValues {
  return {
    azure_service_name: emulator.vaultName,
    azure_resource_group: "uko-emulator-rg",
    azure_location: "westeurope",
    azure_environment: "azure",
    azure_tenant: emulator.tenantId,
    azure_subscription_id: "00000000-0000-4000-a000-00000000505b",
    azure_service_principal_client_id: principal.clientId,
    azure_service_principal_password: principal.clientSecret,
    azure_vault_url: emulator.endpoint,
    azure_authority_host: emulator.authorityHost,
    azure_trusted_ca: emulator.caPem,
  };
}

export type { TestHost } from "@uko/connector-testkit";

/** A host as the gateway gives one (the conformance kit's), with this package's 10 s operation budget unless told otherwise. */
export function testHost(options: TestHostOptions = {}): TestHost {
  return createTestHost({ timeoutMs: 10_000, ...options });
}

import { validateProperties } from "@uko/connector-sdk";
import { createTestTls } from "@uko/emulator-kit";
import { describe, expect, it } from "vitest";
import azure from "../src/index.js";
import { accessPolicyCommand } from "../src/permissions.js";
import { azureConnection } from "../src/vault-client.js";

const valid = {
  azure_service_name: "contoso-keys-1",
  azure_resource_group: "rg-keys_(prod).eu",
  azure_location: "westeurope",
  azure_tenant: "00000000-0000-4000-a000-0000000000aa",
  azure_subscription_id: "00000000-0000-4000-a000-0000000000bb",
  azure_service_principal_client_id: "00000000-0000-4000-a000-0000000000cc",
  azure_service_principal_password: "test~Secret.value_0000-0001",
};
const check = (given: Record<string, string>) => validateProperties(azure.properties, { ...valid, ...given }, { applyDefaults: true });
const problems = (given: Record<string, string>) => check(given).issues.map((i) => i.property);

describe("azure_key_vault properties", () => {
  it("accepts a valid set, defaults the environment to the public cloud, and locks what UKO locks", () => {
    const result = check({});
    expect(result.issues).toEqual([]);
    expect(result.values.azure_environment).toBe("azure");
    const locked = azure.properties.filter((p) => p.immutable).map((p) => p.name).sort();
    expect(locked).toEqual(["azure_resource_group", "azure_service_name", "azure_subscription_id", "azure_tenant"]);
    expect(azure.properties.filter((p) => p.secret).map((p) => p.name)).toEqual(["azure_service_principal_password"]);
  });

  it("applies the Key Vault name rules", () => {
    for (const bad of ["ab", "1vault", "vault--name", "vault-", "a".repeat(25), "vault_name"]) expect(problems({ azure_service_name: bad }), bad).toEqual(["azure_service_name"]);
    for (const good of ["abc", "Vault-1-x", "a".repeat(24)]) expect(problems({ azure_service_name: good }), good).toEqual([]);
  });

  it("refuses a resource group ending with a dot, and names each bad property", () => {
    expect(problems({ azure_resource_group: "rg." })).toEqual(["azure_resource_group"]);
    expect(problems({ azure_tenant: "not a guid!", azure_subscription_id: "" }).sort()).toEqual(["azure_subscription_id", "azure_tenant"]);
    expect(problems({ azure_environment: "azure_mars" })).toEqual(["azure_environment"]);
  });

  it("normalises UKO's location spellings to Azure's", () => {
    for (const [given, stored] of [
      ["europe_west", "westeurope"],
      ["us_east_2", "eastus2"],
      ["US_GOV_VIRGINIA", "usgovvirginia"],
      ["East US 2", "eastus2"],
      ["westeurope", "westeurope"],
    ]) {
      const result = check({ azure_location: given! });
      expect(result.issues).toEqual([]);
      expect(result.values.azure_location).toBe(stored);
    }
  });

  it("takes overrides over https only (never plain http, even on loopback) and a CA certificate as PEM", () => {
    expect(problems({ azure_vault_url: "http://127.0.0.1:8443" })).toEqual(["azure_vault_url"]);
    expect(problems({ azure_authority_host: "https://login.example/tenant" })).toEqual(["azure_authority_host"]);
    expect(problems({ azure_vault_url: "https://contoso.privatelink.vaultcore.azure.net", azure_authority_host: "https://127.0.0.1:9443" })).toEqual([]);
    expect(problems({ azure_trusted_ca: "not a certificate" })).toEqual(["azure_trusted_ca"]);
    expect(problems({ azure_trusted_ca: createTestTls().caPem })).toEqual([]);
  });

  it("derives the vault URL and authority host from the environment unless overridden", () => {
    const china = azureConnection({ ...valid, azure_environment: "azure_china" });
    expect(china).toMatchObject({ vaultUrl: "https://contoso-keys-1.vault.azure.cn", authorityHost: "https://login.chinacloudapi.cn", vaultUrlOverridden: false });
    const gov = azureConnection({ ...valid, azure_environment: "azure_us_government" });
    expect(gov.vaultUrl).toBe("https://contoso-keys-1.vault.usgovcloudapi.net");
    const privateEndpoint = azureConnection({ ...valid, azure_vault_url: "https://contoso.privatelink.vaultcore.azure.net/" });
    expect(privateEndpoint).toMatchObject({ vaultUrl: "https://contoso.privatelink.vaultcore.azure.net", vaultUrlOverridden: true, authorityHostOverridden: false });
  });

  it("prints the access policy command with the ten permissions", () => {
    expect(accessPolicyCommand("contoso-keys-1", "app-id")).toBe(
      "az keyvault set-policy --name contoso-keys-1 --spn app-id --key-permissions create import update list delete get recover purge backup restore",
    );
  });
});

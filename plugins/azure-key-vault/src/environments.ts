/**
 * Azure's national clouds: where Entra ID (the authority host) and Key Vault (the vault DNS suffix)
 * live in each. UKO's `azure_environment` values are the keys.
 */
export interface AzureEnvironment {
  readonly label: string;
  readonly authorityHost: string;
  readonly vaultDnsSuffix: string;
}

export const AZURE_ENVIRONMENTS = {
  azure: { label: "Azure (public)", authorityHost: "https://login.microsoftonline.com", vaultDnsSuffix: "vault.azure.net" },
  azure_china: { label: "Azure China (21Vianet)", authorityHost: "https://login.chinacloudapi.cn", vaultDnsSuffix: "vault.azure.cn" },
  azure_germany: { label: "Azure Germany", authorityHost: "https://login.microsoftonline.de", vaultDnsSuffix: "vault.microsoftazure.de" },
  azure_us_government: { label: "Azure US Government", authorityHost: "https://login.microsoftonline.us", vaultDnsSuffix: "vault.usgovcloudapi.net" },
} as const satisfies Record<string, AzureEnvironment>;

export type AzureEnvironmentName = keyof typeof AZURE_ENVIRONMENTS;
export const AZURE_ENVIRONMENT_NAMES = Object.keys(AZURE_ENVIRONMENTS) as AzureEnvironmentName[];

export function environmentOf(name: unknown): AzureEnvironment {
  return AZURE_ENVIRONMENTS[(typeof name === "string" && name in AZURE_ENVIRONMENTS ? name : "azure") as AzureEnvironmentName];
}

/**
 * UKO's location spellings (≤4.12 enum, `us_east_2`) and the names Azure uses (`eastus2`) differ in
 * word order for most regions; this table maps every UKO value. Anything else is taken as Azure's
 * own spelling, lower-cased with spaces, hyphens and underscores removed ("East US 2" → "eastus2").
 */
const UKO_LOCATIONS: Record<string, string> = {
  asia_east: "eastasia",
  asia_southeast: "southeastasia",
  australia_central: "australiacentral",
  australia_central_2: "australiacentral2",
  australia_east: "australiaeast",
  australia_southeast: "australiasoutheast",
  brazil_south: "brazilsouth",
  canada_central: "canadacentral",
  canada_east: "canadaeast",
  china_east: "chinaeast",
  china_east_2: "chinaeast2",
  china_north: "chinanorth",
  china_north_2: "chinanorth2",
  europe_north: "northeurope",
  europe_west: "westeurope",
  france_central: "francecentral",
  france_south: "francesouth",
  germany_central: "germanycentral",
  germany_northeast: "germanynortheast",
  india_central: "centralindia",
  india_south: "southindia",
  india_west: "westindia",
  japan_east: "japaneast",
  japan_west: "japanwest",
  korea_central: "koreacentral",
  korea_south: "koreasouth",
  south_africa_north: "southafricanorth",
  south_africa_west: "southafricawest",
  uk_south: "uksouth",
  uk_west: "ukwest",
  us_central: "centralus",
  us_dod_central: "usdodcentral",
  us_dod_east: "usdodeast",
  us_east: "eastus",
  us_east_2: "eastus2",
  us_gov_arizona: "usgovarizona",
  us_gov_iowa: "usgoviowa",
  us_gov_texas: "usgovtexas",
  us_gov_virginia: "usgovvirginia",
  us_north_central: "northcentralus",
  us_south_central: "southcentralus",
  us_west: "westus",
  us_west_2: "westus2",
  us_west_central: "westcentralus",
};

export function normalizeLocation(value: string): string {
  const trimmed = value.trim().toLowerCase();
  return UKO_LOCATIONS[trimmed] ?? trimmed.replace(/[\s_-]+/g, "");
}

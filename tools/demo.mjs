// `npm run demo`: every emulator, and the gateway (built output) on a fresh data directory under
// ./data/demo, with a vault and one connected keystore per emulator. Ctrl-C stops everything.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { EMULATORS, startEmulator } from "./emulators.mjs";

const port = Number(process.env.PORT ?? 4000);
const dataDir = join(process.cwd(), "data", "demo");
rmSync(dataDir, { recursive: true, force: true });

const emulators = [];
for (const type of Object.keys(EMULATORS)) emulators.push([type, await startEmulator(type)]);

// The demo's own database and root key, and the built-in connectors, whatever the shell has set.
const adminToken = `demo_${randomBytes(24).toString("hex")}`;
const env = { ...process.env, PORT: String(port), UKO_DATA_DIR: dataDir, UKO_HEALTH_INTERVAL_S: "30", UKO_ADMIN_TOKEN: adminToken };
for (const name of ["DATABASE_URL", "UKO_ROOT_KEY", "UKO_ROOT_KEY_FILE", "UKO_CONNECTORS"]) delete env[name];
const gateway = spawn(process.execPath, ["gateway/dist/main.js"], {
  env,
  stdio: ["ignore", "inherit", "inherit"],
});
const stop = async (code) => {
  gateway.kill("SIGTERM");
  await Promise.all(emulators.map(([, e]) => e.close()));
  process.exit(code);
};
process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));
gateway.once("exit", (code) => void stop(code ?? 1));

const url = `http://localhost:${port}/graphql`;
async function gql(query, variables) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://localhost:${port}/readyz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 100) throw new Error("the gateway did not become ready in 10 s");
  await new Promise((r) => setTimeout(r, 100));
}

const vault = await gql(`mutation { createVault(input: { name: "Demo", description: "Created by npm run demo" }) { ... on CreateVaultSuccess { vault { id } } } }`);
const vaultId = vault.createVault.vault.id;
const PROPERTIES = {
  aws_kms: (e) => ({ awsKms: { awsRegion: e.region, awsAccessKeyId: e.identities[0].accessKeyId, awsSecretAccessKey: e.identities[0].secretAccessKey, awsEndpoint: e.endpoint } }),
  azure_key_vault: (e) => ({
    azureKeyVault: {
      azureServiceName: e.vaultName,
      azureResourceGroup: "demo-rg",
      azureLocation: "westeurope",
      azureEnvironment: "azure",
      azureTenant: e.tenantId,
      azureSubscriptionId: "00000000-0000-4000-a000-00000000d3e0",
      azureServicePrincipalClientId: e.principals[0].clientId,
      azureServicePrincipalPassword: e.principals[0].clientSecret,
      azureVaultUrl: e.endpoint,
      azureAuthorityHost: e.authorityHost,
      azureTrustedCa: e.caPem,
    },
  }),
  ibm_key_protect: (e) => ({ ibmKeyProtect: ibmProperties(e, "key_protect", "https://us-south.kms.cloud.ibm.com") }),
  ibm_hpcs: (e) => ({ ibmHpcs: ibmProperties(e, "hpcs", "https://api.us-south.hs-crypto.cloud.ibm.com:9730") }),
  google_kms: (e) => ({
    googleKms: {
      googleCredentials: Buffer.from(JSON.stringify(e.keyFile)).toString("base64"),
      googleLocation: e.location,
      googleKeyRing: "uko",
      googleApiEndpoint: e.endpoint,
      googleTrustedCa: e.caPem,
    },
  }),
};
function ibmProperties(e, variant, publicEndpoint) {
  return {
    ibmApiEndpoint: publicEndpoint,
    ibmIamEndpoint: "https://iam.cloud.ibm.com",
    ibmInstanceId: e.instances.find((i) => i.variant === variant).id,
    ibmApiKey: e.identities[0].apiKey,
    ibmApiUrlOverride: e.endpoint,
    ibmIamUrlOverride: e.endpoint,
    ibmCaCertificate: e.caPem,
  };
}
for (const [type, emulator] of emulators) {
  // A gateway built without this type's connector refuses its input type: say so and go on.
  const result = await gql(
    `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) {
      __typename ... on ConnectKeystoreSuccess { keystore { name status { health message } } } ... on Error { message } } }`,
    { input: { vaultId, name: `demo-${type.replace(/_/g, "-")}`, groups: ["demo"], properties: PROPERTIES[type](emulator) } },
  ).catch((error) => ({ connectKeystore: { message: error.message } }));
  const r = result.connectKeystore;
  console.log(r.keystore ? `connected ${r.keystore.name} (${type} emulator at ${emulator.endpoint}): ${r.keystore.status.health}` : `could not connect the ${type} emulator: ${r.message}`);
}
console.log(`\nDemo ready. Administrator token: ${adminToken}
  console:  http://localhost:${port}/  (sign in with the token)
  GraphiQL: ${url}  (Headers: {"Authorization": "Bearer ${adminToken}"}), try { keystores { nodes { name type status { health message } } } }
Ctrl-C stops the gateway and the emulators.`);

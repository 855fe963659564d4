import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startAwsKmsEmulator, type AwsKmsEmulator, type EmulatorIdentity } from "@uko/connector-aws-kms/emulator";
import type { AzureKeyVaultEmulator } from "@uko/connector-azure-key-vault/emulator";
import type { GoogleKmsEmulator } from "@uko/connector-google-kms/emulator";
import type { IbmKmsEmulator } from "@uko/connector-ibm-kms/emulator";
import { chromium, type Browser, type Page } from "playwright-core";
// The repository's own helper for the built gateway process (start on PORT=0, read the port, stop).
import { gatewayEnv, startGateway, type GatewayProcess } from "../../../test/e2e/process.ts";

/**
 * One stack per test file: the AWS KMS emulator in this process (and, when a file asks for them,
 * the Azure, Google and IBM ones), the built gateway as a child process on a fresh data directory
 * with its five built-in connectors, and headless Debian Chromium driven by playwright-core at a
 * 1366x768 viewport.
 */
export const CHROMIUM = "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(here, "..", "..", "test-output");

/** Why the browser suites cannot run here, or undefined. With CI set, a missing browser is a failure. */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` to run the console's browser tests`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`skipping the console's browser tests: ${reason}`);
  return reason;
}

export const REGION = "eu-central-1";
/**
 * The API wants a bearer token: the gateway's bootstrap administrator token, given by the
 * environment. Suites that do not test signing in put it in sessionStorage before any page script
 * runs (`signedIn`), as the sign-in page would; the others sign in through the page (`signIn`).
 */
export const ADMIN_TOKEN = "console-e2e-admin-token-0123456789abcdef";
const TOKEN_KEY = "uko.accessToken";
export const ACCOUNTS = {
  a: { accessKeyId: "EMUKCONSOLEA00000001", secretAccessKey: "console/Account+A0000000000000000000001", accountId: "111111111111", userName: "uko-a" },
  b: { accessKeyId: "EMUKCONSOLEB00000001", secretAccessKey: "console/Account+B0000000000000000000001", accountId: "222222222222", userName: "uko-b" },
  c: { accessKeyId: "EMUKCONSOLEC00000001", secretAccessKey: "console/Account+C0000000000000000000001", accountId: "333333333333", userName: "uko-c" },
} satisfies Record<string, EmulatorIdentity>;

/** The other emulators a test file may ask for; each is imported and started only then. */
export type ExtraEmulator = "azure" | "google" | "ibm";

export interface Stack {
  emulator: AwsKmsEmulator;
  /** Started when asked for (`startStack({ emulators })`); reading one not asked for throws. */
  azure: AzureKeyVaultEmulator;
  google: GoogleKmsEmulator;
  ibm: IbmKmsEmulator;
  gateway: GatewayProcess;
  browser: Browser;
  page: Page;
  url(path: string): string;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export const GOOGLE_PROJECT = "uko-console-e2e";

/** Starts one of the other emulators, as tools/emulators.mjs and the gateway's every-type test do (TLS, a CA of its own). */
async function startExtra(name: ExtraEmulator): Promise<{ close(): Promise<void> }> {
  switch (name) {
    case "azure":
      return (await import("@uko/connector-azure-key-vault/emulator")).startAzureKeyVaultEmulator();
    case "google":
      return (await import("@uko/connector-google-kms/emulator")).startGoogleKmsEmulator({ projectId: GOOGLE_PROJECT, location: "europe-west3" });
    case "ibm":
      return (await import("@uko/connector-ibm-kms/emulator")).startIbmKmsEmulator();
  }
}

export async function startStack(options: { signedIn?: boolean; env?: Record<string, string>; emulators?: ExtraEmulator[] } = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), "uko-console-e2e-"));
  mkdirSync(OUTPUT, { recursive: true });
  const emulator = await startAwsKmsEmulator({ region: REGION, identities: Object.values(ACCOUNTS), wrappingKeyBits: { RSA_3072: true } });
  const extras = new Map<ExtraEmulator, { close(): Promise<void> }>();
  const closeEmulators = () => Promise.all([emulator.close(), ...[...extras.values()].map((e) => e.close())]);
  const extra = <T>(name: ExtraEmulator): T => {
    const e = extras.get(name);
    if (!e) throw new Error(`the ${name} emulator was not started: pass emulators: ["${name}"] to startStack`);
    return e as T;
  };
  let gateway: GatewayProcess | undefined;
  let browser: Browser | undefined;
  try {
    for (const name of options.emulators ?? []) extras.set(name, await startExtra(name));
    // The five built-in connectors (UKO_CONNECTORS unset), so the wizard offers every type; the
    // emulators a test does not use are never started.
    gateway = await startGateway(
      gatewayEnv({ PORT: "0", UKO_DATA_DIR: dataDir, UKO_HEALTH_INTERVAL_S: "0", LOG_LEVEL: "warn", UKO_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env }),
      dataDir,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-US" });
    // Only into a tab that has none yet: a sign-out or another token must survive page loads.
    if (options.signedIn ?? true) await context.addInitScript(([key, token]) => sessionStorage.getItem(key) ?? sessionStorage.setItem(key, token), [TOKEN_KEY, ADMIN_TOKEN] as const);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const g = gateway;
    const b = browser;
    return {
      emulator,
      get azure() {
        return extra<AzureKeyVaultEmulator>("azure");
      },
      get google() {
        return extra<GoogleKmsEmulator>("google");
      },
      get ibm() {
        return extra<IbmKmsEmulator>("ibm");
      },
      gateway: g,
      browser: b,
      page,
      url: (path) => new URL(path, g.url).toString(),
      gql: async (query, variables) => {
        const { status, text } = await g.request("/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query, variables }),
        });
        const json = JSON.parse(text) as { data?: any; errors?: unknown };
        if (status !== 200 || json.errors) throw new Error(`POST /graphql answered ${status}: ${text}`);
        return json.data;
      },
      screenshot: async (name) => {
        await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
      },
      close: async () => {
        await b.close().catch(() => {});
        await g.stop();
        await closeEmulators();
        rmSync(dataDir, { recursive: true, force: true });
        if (pageErrors.length) throw new Error(`The console threw in the browser: ${pageErrors.join("; ")}`);
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await gateway?.kill();
    await closeEmulators();
    throw error;
  }
}

/** Connects an AWS keystore through the API (test setup), returning its id. */
export async function connectViaApi(stack: Stack, input: { vaultId: string; name: string; account: EmulatorIdentity; secret?: string; groups?: string[] }): Promise<string> {
  const r = await stack.gql(
    `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`,
    {
      input: {
        vaultId: input.vaultId,
        name: input.name,
        groups: input.groups ?? ["prod"],
        properties: { awsKms: { awsRegion: REGION, awsAccessKeyId: input.account.accessKeyId, awsSecretAccessKey: input.secret ?? input.account.secretAccessKey, awsEndpoint: stack.emulator.endpoint } },
      },
    },
  );
  if (!r.connectKeystore.keystore) throw new Error(`connectKeystore: ${r.connectKeystore.message}`);
  return r.connectKeystore.keystore.id;
}

export async function createVaultViaApi(stack: Stack, name: string): Promise<string> {
  const r = await stack.gql(`mutation($name: String!) { createVault(input: { name: $name }) { ... on CreateVaultSuccess { vault { id } } } }`, { name });
  return r.createVault.vault.id;
}

/** A second tab-like page (its own context) already signed in with `token`: another caller beside the administrator's page. */
export async function pageWithToken(stack: Stack, token: string): Promise<Page> {
  const context = await stack.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-US" });
  await context.addInitScript(([key, t]) => sessionStorage.setItem(key, t), [TOKEN_KEY, token] as const);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signs in through the sign-in page (it must be showing) and waits for the header to name the token. */
export async function signIn(page: Page, token: string, name: string): Promise<void> {
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("account").getByText(name, { exact: true }).waitFor();
}

/** Creates a token through the API (test setup), returning the bearer token. */
export async function createTokenViaApi(stack: Stack, input: { name: string; administrator?: boolean; roles?: { vaultId: string; role: string }[] }): Promise<string> {
  const r = await stack.gql(
    `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { __typename ... on CreateAccessTokenSuccess { created { token } } ... on Error { message } } }`,
    { input },
  );
  if (!r.createAccessToken.created) throw new Error(`createAccessToken: ${r.createAccessToken.message}`);
  return r.createAccessToken.created.token;
}

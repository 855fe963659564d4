import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, createVaultViaApi, GOOGLE_PROJECT, startStack, type Stack } from "./support/stack.ts";
import { createKeyViaApi, createTemplateViaApi, getKeyViaApi } from "./support/keys.ts";
import { fillKeystore, openAdvanced, testAndConnect, toProperties } from "./support/wizard.ts";

/**
 * The wizard for the keystore types beyond AWS, in Chromium against the gateway process (its five
 * built-in connectors) and each type's loopback emulator over TLS: the five cards; an Azure Key
 * Vault connected with the KEK notice on the summary and an RSA key activated in it; a Google
 * Cloud KMS key ring connected with its JSON key file uploaded (each refusal of a wrong file at the
 * field, the derived project shown before the test, the key's content never on the page) and an
 * AES key activated in it; an IBM Key Protect key ring connected and an AES key activated in it.
 * The emulators' CA and endpoints go in the advanced properties. Templates and keys are made
 * through the API (the template form is not what is under test here).
 */
const skip = browserUnavailable();
const VAULT = "Clouds";

describe.skipIf(skip !== undefined)("keystore types in the wizard", () => {
  let s: Stack;
  let vaultId: string;
  beforeAll(async () => {
    s = await startStack({ emulators: ["azure", "google", "ibm"] });
    vaultId = await createVaultViaApi(s, VAULT);
  });
  afterAll(async () => s?.close());

  /**
   * A template for `type` at `group` and a key of it (through the API), activated on the key's
   * page: the page shows it active and in sync in `keystore`. Returns its id in that keystore.
   */
  const activateKeyIn = async (keystore: string, key: { type: string; group: string; algorithm: string; size: string; label: string }): Promise<string> => {
    const { page } = s;
    const templateId = await createTemplateViaApi(s, {
      vaultId,
      name: `${key.label}-t`,
      group: key.group,
      keystoreType: key.type,
      algorithm: key.algorithm,
      size: key.size,
      namingScheme: "uko-<app>",
      initialState: "PRE_ACTIVATION",
    });
    const created = await createKeyViaApi(s, { vaultId, templateId, label: key.label });
    await page.goto(s.url(`/keys/${created.id}`));
    await page.getByRole("heading", { name: key.label, level: 1 }).waitFor();
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Activate", exact: true }).click();
    await expect.poll(() => page.getByTestId("key-state").textContent(), { timeout: 60_000 }).toMatch(/^active usable/);
    const row = page.getByTestId("key-keystores").getByRole("row", { name: new RegExp(keystore) });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`${keystore}\\s*active\\s*in sync`));
    return (await getKeyViaApi(s, created.id)).statusInKeystores.find((k) => k.keystoreName === keystore)!.keyIdInKeystore!;
  };

  it("offers UKO's five external keystore types, each with what it is, what it needs and what it holds", async () => {
    const { page } = s;
    await page.goto(s.url("/keystores/new"));
    await page.getByRole("radio", { name: VAULT }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /Step 2 of 5: Keystore type/ }).waitFor();
    const card = (type: string) => page.locator(`[data-type="${type}"]`);
    await card("ibm_hpcs").waitFor();
    expect(await page.locator(".cards [data-type]").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-type")))).toEqual([
      "aws_kms",
      "azure_key_vault",
      "google_kms",
      "ibm_key_protect",
      "ibm_hpcs",
    ]);
    const azure = (await card("azure_key_vault").textContent()) ?? "";
    expect(azure).toContain("Azure Key Vault (Premium)");
    expect(azure).toContain("An Azure Key Vault of the Premium tier, reached as a service principal.");
    // One line, not the whole description: the KEK and AES sentences are for the next steps.
    expect(azure).not.toContain("Managed HSM");
    expect(azure).toMatch(/Needs:\s*Key Vault name, Resource group, Location, Service principal client ID, Service principal client secret, Tenant ID, Subscription ID/);
    expect(azure).toMatch(/Holds:\s*RSA and EC keys/);
    expect(await card("google_kms").textContent()).toMatch(/Needs:\s*JSON key file, Location, Key ring/);
    expect(await card("ibm_key_protect").textContent()).toMatch(/Needs:\s*API endpoint, Service instance ID, Service ID API key.*Holds:\s*AES keys/s);
    expect(await card("ibm_hpcs").textContent()).toMatch(/KMS keystore in another instance \(HPCS\).*Hyper Protect Crypto Services/s);
    expect(await card("aws_kms").textContent()).toMatch(/Needs:\s*Region, Access key ID, Secret access key/);
    await s.screenshot("types-cards");
  });

  it("connects an Azure Key Vault through the wizard, warns of the KEK before connecting, and activates an RSA key in it", async () => {
    const { page } = s;
    const azure = s.azure;
    const principal = azure.principals[0]!;
    await toProperties(s, VAULT, "azure_key_vault");
    await fillKeystore(page, "azure-prod", "azure");
    await page.getByLabel("Key Vault name").fill(azure.vaultName);
    await page.getByLabel("Resource group").fill("uko-emulator-rg");
    await page.getByLabel("Location").fill("westeurope");
    expect(await page.getByLabel("Environment").inputValue()).toBe("azure");
    await page.getByLabel("Service principal client ID").fill(principal.clientId);
    expect(await page.getByLabel("Service principal client secret").getAttribute("type")).toBe("password");
    await page.getByLabel("Service principal client secret").fill(principal.clientSecret);
    await page.getByLabel("Tenant ID").fill(azure.tenantId);
    await page.getByLabel("Subscription ID").fill("00000000-0000-4000-a000-00000000505b");
    // Private-endpoint overrides are folded away until asked for; the CA is multi-line.
    expect(await page.getByLabel("Vault URL").isVisible()).toBe(false);
    await openAdvanced(page);
    await page.getByLabel("Vault URL").fill(azure.endpoint);
    await page.getByLabel("Authority host").fill(azure.authorityHost);
    const ca = page.getByLabel("Trusted CA certificate");
    expect(await ca.evaluate((el) => el.tagName)).toBe("TEXTAREA");
    await ca.fill(azure.caPem);
    await s.screenshot("types-azure-properties");

    // The KEK does not exist before Connect; the summary says it will be created and must stay.
    expect(azure.inspect.keyVersions("EKMF-BYOK-KEK-FOR-IMPORT")).toHaveLength(0);
    await testAndConnect(s, "azure-prod", async (summary) => {
      const notice = (await page.getByTestId("connect-notice").textContent()) ?? "";
      expect(notice).toMatch(/creates a key named EKMF-BYOK-KEK-FOR-IMPORT in the vault.*must not be deleted/);
      expect(summary).not.toContain(principal.clientSecret);
      expect(await page.locator('[data-property="azure_service_principal_password"] dd').textContent()).toBe("set");
      expect(await page.locator('[data-property="azure_trusted_ca"] dd').textContent()).toBe("1 PEM certificate");
      await s.screenshot("types-azure-summary");
    });
    expect(azure.inspect.keyVersions("EKMF-BYOK-KEK-FOR-IMPORT")).toHaveLength(1);

    const copy = await activateKeyIn("azure-prod", { type: "azure_key_vault", group: "azure", algorithm: "RSA", size: "2048", label: "azure-signer" });
    // The vault holds the key the page shows, beside the KEK.
    expect(azure.inspect.keyVersions(copy)).toHaveLength(1);
    await s.screenshot("types-azure-key-active");
  });

  it("connects a Google Cloud KMS key ring with its JSON key file uploaded: wrong files refused at the field, the project shown before the test, the key never shown; an AES key activates in it", async () => {
    const { page } = s;
    const google = s.google;
    const keyJson = JSON.stringify(google.keyFile, null, 2);
    // Lines of the private key and of the file's base64: neither may ever reach the page or storage.
    const secretMarks = [google.keyFile.private_key.split("\n")[1]!, Buffer.from(keyJson).toString("base64").slice(40, 100)];
    const neverShown = async () => {
      const html = await page.content();
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
      for (const mark of secretMarks) {
        expect(html.includes(mark), "key content in the page").toBe(false);
        expect(stored.includes(mark), "key content in storage").toBe(false);
      }
    };
    await toProperties(s, VAULT, "google_kms");
    await fillKeystore(page, "google-prod", "google");
    const file = page.getByLabel("JSON key file");
    expect(await file.getAttribute("type")).toBe("file");
    expect(await file.getAttribute("accept")).toBe(".json");
    const message = page.locator('[data-field="google_credentials"] .error');
    const upload = (name: string, content: string) => file.setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(content) });

    await upload("key.txt", keyJson);
    await expect.poll(() => message.textContent()).toBe('JSON key file must be a file whose name ends in .json ("key.txt" does not)');
    const big = JSON.stringify({ ...google.keyFile, padding: "x".repeat(4096) });
    await upload("big.json", big);
    await expect.poll(() => message.textContent()).toBe(`JSON key file must be at most 4 KB (4096 bytes); this file has ${Buffer.byteLength(big)} bytes`);
    await upload("user.json", JSON.stringify({ type: "authorized_user", client_id: "x.apps.googleusercontent.com", refresh_token: "r" }));
    await expect.poll(() => message.textContent()).toMatch(/^JSON key file cannot be used: "type" must be "service_account": this is not a service account's key; "project_id" is missing; "private_key_id" is missing/);
    await upload("broken.json", "{ not json");
    await expect.poll(() => message.textContent()).toBe("JSON key file cannot be used: the file is not valid JSON");
    // A refused file is not kept: Next stops here.
    expect(await page.locator('[data-field="google_project_id"] input').inputValue()).toBe("");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /Step 3 of 5/ }).waitFor();
    await s.screenshot("types-google-file-refused");

    await upload("uko-console-e2e-key.json", keyJson);
    await expect.poll(() => message.count()).toBe(0);
    // Derived from the file in the browser, before any test: the project and the key's id, read-only.
    const project = page.locator('[data-field="google_project_id"] input');
    expect(await project.inputValue()).toBe(GOOGLE_PROJECT);
    expect(await project.getAttribute("readonly")).not.toBeNull();
    expect(await page.locator('[data-field="google_private_key_id"] input').inputValue()).toBe(google.keyFile.private_key_id);
    expect(await page.locator('[data-field="google_credentials"] .help').textContent()).toContain(`Loaded uko-console-e2e-key.json (${Buffer.byteLength(keyJson)} bytes).`);
    await page.getByLabel("Location").fill("europe-west3");
    await page.getByLabel("Key ring").fill("uko");
    await openAdvanced(page);
    await page.getByLabel("API endpoint").fill(google.endpoint);
    await page.getByLabel("Trusted CA certificate").fill(google.caPem);
    await neverShown();
    await s.screenshot("types-google-properties");

    const id = await testAndConnect(s, "google-prod", async (summary) => {
      expect(summary).toContain(GOOGLE_PROJECT);
      expect(await page.locator('[data-property="google_credentials"] dd').textContent()).toBe("set");
      await neverShown();
    });
    // The gateway derived the same project from the file it was sent.
    expect(await page.locator('[data-property="google_project_id"] dd').textContent()).toBe(GOOGLE_PROJECT);
    expect(await page.locator('[data-property="google_private_key_id"] dd').textContent()).toBe(google.keyFile.private_key_id);
    // The CA is summed up on the page, its PEM one click away.
    expect(await page.locator('[data-property="google_trusted_ca"] summary').textContent()).toBe("1 PEM certificate");
    await neverShown();
    const stored = await s.gql(`query($id: ID!) { keystore(id: $id) { status { health } properties { name value isSet } } }`, { id });
    expect(stored.keystore.status.health).toBe("OK");
    expect(stored.keystore.properties.find((p: { name: string }) => p.name === "google_credentials")).toEqual({ name: "google_credentials", value: null, isSet: true });
    await s.screenshot("types-google-connected");

    expect(google.inspect.counts().cryptoKeys).toBe(0);
    await activateKeyIn("google-prod", { type: "google_kms", group: "google", algorithm: "AES", size: "256", label: "google-aes" });
    expect(google.inspect.counts().cryptoKeys).toBe(1);
    await s.screenshot("types-google-key-active");
  });

  it("connects an IBM Key Protect key ring through the wizard and activates an AES key in it", async () => {
    const { page } = s;
    const ibm = s.ibm;
    const instance = ibm.instances.find((i) => i.variant === "key_protect")!.id;
    await toProperties(s, VAULT, "ibm_key_protect");
    await fillKeystore(page, "key-protect-prod", "ibm");
    await page.getByLabel("API endpoint").fill("https://us-south.kms.cloud.ibm.com");
    // Defaults from the connector: IBM's public IAM endpoint and the "default" key ring.
    expect(await page.getByLabel("IAM endpoint").inputValue()).toBe("https://iam.cloud.ibm.com");
    expect(await page.getByLabel("Key ring").inputValue()).toBe("default");
    await page.getByLabel("Service instance ID").fill(instance);
    await page.getByLabel("Service ID API key").fill(ibm.identities[0]!.apiKey);
    await openAdvanced(page);
    await page.getByLabel("API URL override").fill(ibm.endpoint);
    await page.getByLabel("IAM URL override").fill(ibm.endpoint);
    await page.getByLabel("Trusted CA certificate").fill(ibm.caPem);
    await s.screenshot("types-key-protect-properties");
    await testAndConnect(s, "key-protect-prod", (summary) => {
      expect(summary).not.toContain(ibm.identities[0]!.apiKey);
    });
    // The region the connector read off the endpoint.
    expect(await page.locator('[data-property="ibm_region"] dd').textContent()).toBe("us-south");
    await s.screenshot("types-key-protect-connected");

    const keyId = await activateKeyIn("key-protect-prod", { type: "ibm_key_protect", group: "ibm", algorithm: "AES", size: "256", label: "kp-aes" });
    expect(ibm.inspect.versions(instance, keyId)).toBe(1);
    await s.screenshot("types-key-protect-key-active");
  });

  it("HPCS: an endpoint of the wrong form is refused by the API at its field, and nothing is connected", async () => {
    const { page } = s;
    const ibm = s.ibm;
    await toProperties(s, VAULT, "ibm_hpcs");
    expect(await page.locator('[data-field="ibm_api_endpoint"] .help').textContent()).toContain("hs-crypto.cloud.ibm.com");
    await fillKeystore(page, "hpcs-wrong", "ibm");
    // A Key Protect endpoint: the connector's own rule (code, not a pattern) refuses it.
    await page.getByLabel("API endpoint").fill("https://us-south.kms.cloud.ibm.com");
    await page.getByLabel("Service instance ID").fill(ibm.instances.find((i) => i.variant === "hpcs")!.id);
    await page.getByLabel("Service ID API key").fill(ibm.identities[0]!.apiKey);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByRole("heading", { name: /Step 3 of 5/ }).waitFor();
    await expect.poll(() => page.locator('[data-field="ibm_api_endpoint"] .error').textContent()).toMatch(/HPCS instance's key management endpoint is https:\/\/api\.<region>\.hs-crypto/);
    const list = await s.gql(`{ keystores(first: 50) { nodes { name } } }`);
    expect(list.keystores.nodes.map((k: { name: string }) => k.name)).not.toContain("hpcs-wrong");
    await s.screenshot("types-hpcs-refused");
  });
});

import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { startAzureKeyVaultEmulator, type AzureKeyVaultEmulator } from "@uko/connector-azure-key-vault/emulator";
import { emulatorProperties, startGoogleKmsTarget, type GoogleKmsTarget } from "@uko/connector-google-kms/emulator";
import { startIbmKmsEmulator, type IbmKmsEmulator } from "@uko/connector-ibm-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RootKey } from "../src/crypto/seal.js";
import { materialAad } from "../src/keys/material.js";
import { azureKeystoreProperties } from "./azure-admin.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { byKeystore, CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/**
 * One gateway with every keystore type's real connector loaded isolated, as in production, each
 * keystore connected to its package's loopback emulator through GraphQL. Every check that a
 * keystore holds a key compares what the emulator unwrapped with the gateway's sealed material,
 * opened here with the test's root key. SQLite only: the database is not what is under test.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) {
  __typename ... on ConnectKeystoreSuccess { keystore { id status { health message } } } ... on Error { message } } }`;
const IBM_PUBLIC = { key_protect: "https://us-south.kms.cloud.ibm.com", hpcs: "https://api.us-south.hs-crypto.cloud.ibm.com:9730" } as const;

/** snake_case connector properties (as the packages' emulator helpers spell them) to the GraphQL input's camelCase. */
const camel = (properties: Readonly<Record<string, unknown>>, drop: string[] = []) =>
  Object.fromEntries(Object.entries(properties).filter(([name]) => !drop.includes(name)).map(([name, value]) => [name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), value]));

describe("every keystore type, through its isolated connector and its emulator", () => {
  let t: TestGateway;
  let aws: AwsKmsEmulator;
  let azure: AzureKeyVaultEmulator;
  let google: GoogleKmsTarget;
  let ibm: IbmKmsEmulator;
  let vaultId: string;
  let rootKey: RootKey;

  const materialOf = async (keyId: string, number = 1) => {
    const v = await t.gateway.database.db.managedKeyVersion.findFirstOrThrow({ where: { managedKeyId: keyId, number } });
    return rootKey.open(Buffer.from(v.sealedMaterial), materialAad(keyId, number));
  };
  const act = async (name: "activate" | "rotate", key: { id: string; version: number }) => {
    const r = (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`];
    expect(r.__typename, r.message).toBe(`${name.charAt(0).toUpperCase()}${name.slice(1)}ManagedKeySuccess`);
    return r.managedKey;
  };
  /**
   * A template for `types` (one or several), each at the keystore group of the same name as its
   * keystore, and an active key of it.
   */
  const activeKey = async (types: string | string[], algorithm: string, size: string, label: string) => {
    const targets = [types].flat().map((type) => ({ type, group: type.replace(/_/g, "-") }));
    const templateId = await createTemplate(t, { vaultId, name: `${label}-template`, targets, algorithm, size, namingScheme: `uko-<app>` });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: label.replace(/[^A-Za-z0-9]/g, "") }] } })).data.createManagedKey;
    expect(created.__typename, created.message).toBe("CreateManagedKeySuccess");
    const key = await act("activate", created.managedKey);
    expect(key).toMatchObject({ state: "ACTIVE", usable: true });
    return key;
  };
  const connect = async (type: string, properties: Record<string, unknown>) => {
    const r = (await t.gql(CONNECT, { input: { vaultId, name: type.replace(/_/g, "-"), groups: [type.replace(/_/g, "-")], properties } })).data.connectKeystore;
    expect(r.__typename, r.message).toBe("ConnectKeystoreSuccess");
    expect(r.keystore.status.health, r.keystore.status.message).toBe("OK");
  };
  const ibmInstance = (variant: "key_protect" | "hpcs") => ibm.instances.find((i) => i.variant === variant)!.id;
  const ibmProperties = (variant: "key_protect" | "hpcs") => ({
    ibmApiEndpoint: IBM_PUBLIC[variant],
    ibmIamEndpoint: "https://iam.cloud.ibm.com",
    ibmInstanceId: ibmInstance(variant),
    ibmApiKey: ibm.identities[0]!.apiKey,
    ibmApiUrlOverride: ibm.endpoint,
    ibmIamUrlOverride: ibm.endpoint,
    ibmCaCertificate: ibm.caPem,
  });

  beforeAll(async () => {
    [aws, azure, google, ibm] = await Promise.all([startAwsKmsEmulator({ region: "eu-central-1" }), startAzureKeyVaultEmulator(), startGoogleKmsTarget(), startIbmKmsEmulator()]);
    t = await startTestGateway("sqlite", { destroyWaitSeconds: 0, connectorTimeoutMs: 15_000 }, {
      extraConnectors: [{ name: "@uko/connector-azure-key-vault" }, { name: "@uko/connector-google-kms" }, { name: "@uko/connector-ibm-kms/key-protect" }, { name: "@uko/connector-ibm-kms/hpcs" }],
    });
    rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    vaultId = (await t.gql(`mutation { createVault(input: { name: "every-type" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const awsIdentity = aws.identities[0]!;
    await connect("aws_kms", { awsKms: { awsRegion: "eu-central-1", awsAccessKeyId: awsIdentity.accessKeyId, awsSecretAccessKey: awsIdentity.secretAccessKey, awsEndpoint: aws.endpoint } });
    await connect("azure_key_vault", azureKeystoreProperties(azure));
    // The project and private key id are derived from the key file, not given.
    await connect("google_kms", { googleKms: camel(emulatorProperties(google.emulator, google.emulator.keyFile), ["google_project_id", "google_private_key_id"]) });
    await connect("ibm_key_protect", { ibmKeyProtect: ibmProperties("key_protect") });
    await connect("ibm_hpcs", { ibmHpcs: ibmProperties("hpcs") });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([aws?.close(), azure?.close(), google?.close(), ibm?.close()]);
  });

  it("AES-256 activates in AWS KMS, the imported key holding the gateway's bytes", async () => {
    const key = await activeKey("aws_kms", "AES", "256", "aws-aes");
    const status = byKeystore(key)["aws-kms"];
    expect(status).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect(aws.inspect.keyHoldsMaterial(status.keyIdInKeystore, await materialOf(key.id))).toBe(true);
  });

  it("RSA-2048 activates in Azure Key Vault, the vault's copy holding the gateway's private key, beside the import KEK made on connect", async () => {
    expect(azure.inspect.keyVersions("EKMF-BYOK-KEK-FOR-IMPORT")).toHaveLength(1);
    const key = await activeKey("azure_key_vault", "RSA", "2048", "azure-rsa");
    const status = byKeystore(key)["azure-key-vault"];
    expect(status).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    expect(azure.inspect.keyHoldsMaterial(status.keyIdInKeystore, await materialOf(key.id))).toBe(true);
    expect(azure.inspect.keyHoldsMaterial("EKMF-BYOK-KEK-FOR-IMPORT", await materialOf(key.id))).toBe(false);
  });

  it("AES-256 activates in Google Cloud KMS, an imported version of the crypto key holding the gateway's bytes", async () => {
    const key = await activeKey("google_kms", "AES", "256", "google-aes");
    const status = byKeystore(key)["google-kms"];
    expect(status).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    const cryptoKey = `projects/${google.emulator.projectId}/locations/${google.emulator.location}/keyRings/uko/cryptoKeys/${status.keyIdInKeystore}`;
    expect(google.emulator.inspect.keyHoldsMaterial(cryptoKey, await materialOf(key.id))).toBe(true);
  });

  for (const variant of ["key_protect", "hpcs"] as const) {
    it(`AES-256 activates in IBM ${variant === "hpcs" ? "HPCS" : "Key Protect"}, the instance's root key holding the gateway's bytes`, async () => {
      const key = await activeKey(`ibm_${variant}`, "AES", "256", `ibm-${variant.replace("_", "-")}`);
      const status = byKeystore(key)[`ibm-${variant.replace("_", "-")}`];
      expect(status).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
      const material = await materialOf(key.id);
      expect(ibm.inspect.keyHoldsMaterial(ibmInstance(variant), status.keyIdInKeystore, material)).toBe(true);
      // The other instance does not have it: each keystore is its own instance.
      expect(ibm.inspect.keyHoldsMaterial(ibmInstance(variant === "hpcs" ? "key_protect" : "hpcs"), status.keyIdInKeystore, material)).toBe(false);
    });
  }

  it("rotating the Key Protect key rotates it in place: the same key id, a second version holding the new material", async () => {
    const key = await activeKey("ibm_key_protect", "AES", "256", "ibm-rotate");
    const before = byKeystore(key)["ibm-key-protect"];
    const rotated = await act("rotate", key);
    expect(rotated.keyVersion).toBe(2);
    const after = byKeystore(rotated)["ibm-key-protect"];
    expect(after).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2, keyIdInKeystore: before.keyIdInKeystore });
    const instance = ibmInstance("key_protect");
    expect(ibm.inspect.versions(instance, after.keyIdInKeystore)).toBe(2);
    expect(ibm.inspect.keyHoldsMaterial(instance, after.keyIdInKeystore, await materialOf(key.id, 2))).toBe(true);
    expect(ibm.inspect.keyHoldsMaterial(instance, after.keyIdInKeystore, await materialOf(key.id, 1))).toBe(false);
  });

  it("no credential given to any keystore appears in a response or a log line", () => {
    const secrets = {
      aws: aws.identities[0]!.secretAccessKey,
      azure: azure.principals[0]!.clientSecret,
      google: google.emulator.keyFile.private_key.split("\n")[1]!,
      ibm: ibm.identities[0]!.apiKey,
    };
    const haystacks = { responses: t.responses.join("\n"), logs: t.logs.join("\n") };
    for (const [where, text] of Object.entries(haystacks)) for (const [type, secret] of Object.entries(secrets)) expect(text.includes(secret), `${type} secret in ${where}`).toBe(false);
  });

  it("refuses a template for AES at an Azure keystore, naming the target and what Azure holds instead, and creates nothing", async () => {
    const before = { templates: await t.gateway.database.db.keyTemplate.count(), targets: await t.gateway.database.db.keyTemplateTarget.count() };
    const target = (keystoreType: string) => ({ keystoreType, keystoreGroup: keystoreType.replace(/_/g, "-") });
    const r = (
      await t.gql(
        `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { __typename ... on Error { message } ... on ValidationError { code issues { path message } } } }`,
        {
          input: {
            vaultId,
            name: "azure-aes",
            key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" },
            namingScheme: "uko-<app>",
            targets: [target("aws_kms"), target("azure_key_vault"), target("google_kms")],
          },
        },
      )
    ).data.createKeyTemplate;
    expect(r.__typename).toBe("ValidationError");
    // Named from the connector's declared capabilities: which target, why, and what the type does hold; the others are fine.
    expect(r.issues).toEqual([
      { path: ["input", "targets", "1", "keystoreType"], message: expect.stringMatching(/^Target azure_key_vault keystores in group "azure-key-vault": azure_key_vault keystores cannot hold AES keys; they hold: RSA .*EC /) },
    ]);
    expect({ templates: await t.gateway.database.db.keyTemplate.count(), targets: await t.gateway.database.db.keyTemplateTarget.count() }).toEqual(before);
  });

  describe("one managed key in several keystore types at once, from one template", () => {
    /** Each keystore's copy of the key holds the gateway's material, proven by that keystore's emulator. */
    const proofs: Record<string, (keyIdInKeystore: string, material: Buffer) => boolean> = {
      "aws-kms": (id, m) => aws.inspect.keyHoldsMaterial(id, m),
      "azure-key-vault": (id, m) => azure.inspect.keyHoldsMaterial(id, m),
      "google-kms": (id, m) => google.emulator.inspect.keyHoldsMaterial(`projects/${google.emulator.projectId}/locations/${google.emulator.location}/keyRings/uko/cryptoKeys/${id}`, m),
      "ibm-key-protect": (id, m) => ibm.inspect.keyHoldsMaterial(ibmInstance("key_protect"), id, m),
      "ibm-hpcs": (id, m) => ibm.inspect.keyHoldsMaterial(ibmInstance("hpcs"), id, m),
    };
    const expectEveryCopyProven = async (key: { id: string; statusInKeystores: { keystoreName: string }[] }, keystores: string[]) => {
      const status = byKeystore(key as never);
      expect(Object.keys(status).sort()).toEqual([...keystores].sort());
      const material = await materialOf(key.id);
      for (const name of keystores) {
        expect(status[name], name).toMatchObject({ status: "ACTIVE", syncFlag: "OK", targeted: true });
        expect(proofs[name]!(status[name].keyIdInKeystore, material), `${name} holds the material`).toBe(true);
      }
    };

    it("RSA-2048 activates in AWS KMS and Azure Key Vault, each copy holding the gateway's private key", async () => {
      const key = await activeKey(["aws_kms", "azure_key_vault"], "RSA", "2048", "multi-rsa");
      await expectEveryCopyProven(key, ["aws-kms", "azure-key-vault"]);
    });

    it("EC P-256 activates in AWS KMS, Azure Key Vault and Google Cloud KMS, each copy proven", async () => {
      const key = await activeKey(["aws_kms", "azure_key_vault", "google_kms"], "EC", "P-256", "multi-ec");
      await expectEveryCopyProven(key, ["aws-kms", "azure-key-vault", "google-kms"]);
    });

    it("AES-256 activates in AWS KMS, Google Cloud KMS, Key Protect and HPCS, each copy proven, and rotates in all four", async () => {
      const key = await activeKey(["aws_kms", "google_kms", "ibm_key_protect", "ibm_hpcs"], "AES", "256", "multi-aes");
      await expectEveryCopyProven(key, ["aws-kms", "google-kms", "ibm-key-protect", "ibm-hpcs"]);
      // Each type rotates its own way (AWS a new key, the others a new version); every copy then holds version 2.
      const rotated = await act("rotate", key);
      const status = byKeystore(rotated);
      const second = await materialOf(key.id, 2);
      for (const name of ["aws-kms", "google-kms", "ibm-key-protect", "ibm-hpcs"]) {
        expect(status[name], name).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2 });
        expect(proofs[name]!(status[name].keyIdInKeystore, second), `${name} holds version 2`).toBe(true);
      }
    });
  });
});

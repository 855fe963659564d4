import { access, constants } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { defineConnector, property, type ConnectionCheck, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { FileKeyOperations } from "./key-operations.js";
import { FileStore } from "./store.js";

/**
 * A keystore in a directory: the worked example of docs/connectors.md. Each key is a file whose
 * material is sealed with a key derived from the passphrase.
 */
export default defineConnector({
  type: "file_keystore",
  displayName: "File keystore",
  description: "Keys kept as files in a directory on the gateway's host, sealed with a passphrase. For trying UKO and for tests; not for production keys.",
  properties: [
    property.string("file_directory", {
      label: "Directory",
      description: "An absolute path to the directory that holds the keystore; created keys go into its keys/ folder.",
      required: true,
      immutable: true,
      minLength: 2,
      maxLength: 1024,
      validate: (value) => (isAbsolute(String(value)) ? undefined : "Directory must be an absolute path"),
    }),
    property.string("file_passphrase", {
      label: "Passphrase",
      description: "Seals every key's material; the keystore refuses any other passphrase.",
      required: true,
      secret: true,
      minLength: 12,
      maxLength: 1024,
    }),
  ],
  identifyingProperties: ["file_directory"],
  requiredPermissions: [
    { name: "directory:read", description: "Read the keystore's files" },
    { name: "directory:write", description: "Create and change key files" },
  ],
  capabilities: {
    algorithms: [
      { algorithm: "aes", sizes: ["128", "256"] },
      { algorithm: "hmac", sizes: ["256"] },
      { algorithm: "rsa", sizes: ["2048"] },
      { algorithm: "ec", sizes: ["P-256"] },
    ],
    operations: ["rotate", "cancel_deletion", "verify_material"],
  },
  rotation: "new_version",
  keyNaming: {
    minLength: 1,
    maxLength: 64,
    pattern: "[a-z0-9][a-z0-9-]*",
    patternMessage: "Key names in a file keystore are lowercase letters, digits and '-', starting with a letter or digit",
  },
  deletionWindowOption: "file_deletion_days",
  templateOptions: [
    property.integer("file_deletion_days", {
      label: "Deletion waiting period (days)",
      description: "How long a destroyed key stays pending deletion before its file may be removed.",
      minimum: 1,
      maximum: 30,
      default: 7,
    }),
  ],
  connect(properties: Readonly<PropertyValues>) {
    // One store per session: it caches the passphrase's derived key, so only the first call pays for scrypt.
    const store = new FileStore(String(properties.file_directory), String(properties.file_passphrase));
    return {
      keys: new FileKeyOperations(store),
      // The gateway calls this once when the keystore is connected: it creates keystore.json.
      async onConnect() {
        await store.initialise();
      },
      async test(host: ConnectorHost) {
        await store.reachable();
        const checks: ConnectionCheck[] = [{ name: "reachability", kind: "reachability", outcome: "passed", message: `${store.directory} can be read` }];
        let account: string | undefined;
        try {
          account = (await store.open()).id;
          checks.push({ name: "authentication", kind: "authentication", outcome: "passed", message: "The passphrase opens the keystore" });
        } catch (error) {
          if ((error as { code?: string }).code !== "CONFLICT") throw error;
          // A directory without a keystore yet: connecting it creates one with this passphrase.
          checks.push({ name: "authentication", kind: "authentication", outcome: "not_verifiable", message: "A new keystore: connecting creates it with this passphrase" });
        }
        checks.push(...(await permissionChecks(store.directory)));
        host.logger.debug("tested the file keystore", { directory: store.directory });
        return account === undefined ? { checks } : { checks, account };
      },
    };
  },
});

async function permissionChecks(directory: string): Promise<ConnectionCheck[]> {
  const probe = async (name: string, mode: number): Promise<ConnectionCheck> => {
    const granted = await access(directory, mode).then(
      () => true,
      () => false,
    );
    return { name: `permission:${name}`, kind: "permission", permission: name, outcome: granted ? "passed" : "failed", message: granted ? `${name} is granted` : `${name} is not granted` };
  };
  return [await probe("directory:read", constants.R_OK), await probe("directory:write", constants.W_OK)];
}

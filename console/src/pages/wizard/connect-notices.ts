/**
 * What connecting a keystore of a type does to the remote keystore, said on the summary step
 * before Connect. Connector definitions have no field for it yet (their description mentions it
 * among other things), so the few types that change something on connect are listed here.
 */
export const CONNECT_NOTICES: Readonly<Record<string, string>> = {
  // plugins/azure-key-vault/src/kek.ts: the key exchange key every BYOK import is wrapped for.
  azure_key_vault:
    "Connecting creates a key named EKMF-BYOK-KEK-FOR-IMPORT in the vault (unless it is there already). Every key the gateway imports is wrapped for it: it must not be deleted.",
};

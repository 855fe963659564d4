/**
 * An error answer in Key Vault's shape, `{"error":{"code","message"}}`, which the SDK turns into a
 * RestError with `statusCode` and `code`.
 */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): string {
    return JSON.stringify({ error: { code: this.code, message: this.message } });
  }
}

export const badParameter = (message: string): VaultError => new VaultError(400, "BadParameter", message);

export const keyNotFound = (name: string): VaultError =>
  new VaultError(404, "KeyNotFound", `A key with (name/id) ${name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);

export const deletedKeyNotFound = (name: string): VaultError => new VaultError(404, "KeyNotFound", `Deleted Key not found: ${name}`);

export const keyInDeletedState = (name: string): VaultError =>
  new VaultError(409, "Conflict", `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`);

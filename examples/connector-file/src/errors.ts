import { ConnectorError } from "@uko/connector-sdk";

/** A file system error as a ConnectorError: a missing directory is an unreachable keystore, a refused one a permission. */
export function fileError(error: NodeJS.ErrnoException, doing: string): ConnectorError {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return new ConnectorError("UNREACHABLE", `The directory cannot be used (${error.code}) while ${doing}`, { properties: ["file_directory"] });
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new ConnectorError("PERMISSION_DENIED", `The gateway may not do this (${error.code}) while ${doing}`);
    case "EEXIST":
      return new ConnectorError("CONFLICT", `Already exists (${error.code}) while ${doing}`);
    default:
      return new ConnectorError("REMOTE_ERROR", `The file system failed (${error.code ?? error.name}) while ${doing}`, { cause: error });
  }
}

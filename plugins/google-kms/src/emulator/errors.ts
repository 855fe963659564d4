import { status } from "@grpc/grpc-js";

/** A gRPC error as Cloud KMS answers it: a status code and Google's kind of message. */
export class KmsStatusError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
  }
}

export const notFound = (name: string) => new KmsStatusError(status.NOT_FOUND, `${name} not found.`);
export const invalid = (message: string) => new KmsStatusError(status.INVALID_ARGUMENT, message);
export const precondition = (message: string) => new KmsStatusError(status.FAILED_PRECONDITION, message);

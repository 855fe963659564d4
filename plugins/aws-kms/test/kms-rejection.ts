import { KMSServiceException } from "@aws-sdk/client-kms";
import { expect } from "vitest";

/** The AWS SDK error a call is refused with (the test fails when the call succeeds or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<KMSServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KMSServiceException);
  return error as KMSServiceException;
}

import { createPrivateKey, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { rsaAesKeyUnwrap } from "@uko/connector-sdk";
import { materialProblem } from "./algorithms.js";
import type { ImportJob } from "./state.js";

const generate = promisify(generateKeyPair);

/**
 * Import jobs' key pairs and the unwrapping of imported material. RSA_OAEP_3072_SHA256_AES_256 is
 * PKCS#11's CKM_RSA_AES_KEY_WRAP (peers-and-byok §6.1/§6.4): a 384-byte RSA-OAEP-SHA256 block
 * holding an ephemeral AES-256 key, then the material wrapped with it by RFC 5649.
 */
export async function generateImportKeyPair(job: ImportJob): Promise<void> {
  const { publicKey, privateKey } = await generate("rsa", { modulusLength: 3072 });
  job.keyPair = {
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** The material in `wrapped`, checked against `algorithm`, or Google's importFailureReason. */
export function unwrapImport(job: ImportJob, wrapped: Buffer, algorithm: string): { material: Buffer } | { failure: string } {
  if (!job.keyPair) return { failure: "The import job has no key pair yet." };
  let material: Buffer;
  try {
    material = rsaAesKeyUnwrap(createPrivateKey(job.keyPair.privatePem), wrapped, "sha256");
  } catch {
    return { failure: "The wrapped key could not be unwrapped with the import job's key (RSA_OAEP_3072_SHA256_AES_256)." };
  }
  const problem = materialProblem(algorithm, material);
  return problem ? { failure: problem } : { material };
}

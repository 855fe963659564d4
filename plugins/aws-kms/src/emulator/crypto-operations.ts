import { randomBytes } from "node:crypto";
import { KmsError, serialization, unsupported, validation } from "./errors.js";
import { Input, KEY_ID_RULES } from "./input.js";
import {
  blobKeyId,
  decryptRsa,
  decryptSymmetric,
  encryptRsa,
  encryptSymmetric,
  mac,
  macMatches,
  publicKeyDer,
  signatureValid,
  signMessage,
  type EncryptionContext,
  type MessageType,
} from "./key-crypto.js";
import { algorithmsOf, type KeyUsage } from "./key-specs.js";
import type { Operation, OperationContext } from "./operations.js";
import type { KmsKey } from "./state.js";

/**
 * The cryptographic operations, with the key's own material (key-crypto.ts), and AWS's rules for
 * them: the key must be Enabled (Disabled is DisabledException, any other state
 * KMSInvalidStateException), have the operation's KeyUsage, and support the algorithm named
 * (otherwise InvalidKeyUsageException); a DryRun that would succeed is DryRunOperationException.
 */

/** AWS's enums, so that an algorithm AWS knows but this key cannot use is told apart from a typo. */
const ENCRYPTION_ALGORITHMS = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"] as const;
const SIGNING_ALGORITHMS = [
  "RSASSA_PSS_SHA_256",
  "RSASSA_PSS_SHA_384",
  "RSASSA_PSS_SHA_512",
  "RSASSA_PKCS1_V1_5_SHA_256",
  "RSASSA_PKCS1_V1_5_SHA_384",
  "RSASSA_PKCS1_V1_5_SHA_512",
  "ECDSA_SHA_256",
  "ECDSA_SHA_384",
  "ECDSA_SHA_512",
  "SM2DSA",
  "ML_DSA_SHAKE_256",
  "ED25519_SHA_512",
  "ED25519_PH_SHA_512",
] as const;
const MAC_ALGORITHMS = ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"] as const;
const MESSAGE_TYPES = ["RAW", "DIGEST", "EXTERNAL_MU"] as const;
const MESSAGE = { required: true, min: 1, max: 4096 } as const;
const CIPHERTEXT = { required: true, min: 1, max: 6144 } as const;

export const CRYPTO_OPERATIONS: Readonly<Record<string, Operation>> = {
  Encrypt: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = usableKey(context, input, "ENCRYPT_DECRYPT");
      const plaintext = input.blob("Plaintext", MESSAGE);
      const encryptionContext = readContext(input);
      const algorithm = encryptionAlgorithm(key, input);
      dryRun(input);
      const blob = algorithm === "SYMMETRIC_DEFAULT" ? encryptSymmetric(key, plaintext, encryptionContext) : encryptRsa(key, algorithm, plaintext);
      return { CiphertextBlob: blob.toString("base64"), KeyId: key.arn, EncryptionAlgorithm: algorithm };
    },
  },

  Decrypt: {
    resourceMember: "KeyId",
    run(context, input) {
      const blob = input.blob("CiphertextBlob", CIPHERTEXT);
      const keyRef = input.string("KeyId", { min: 1, max: 2048 });
      const encryptionContext = readContext(input);
      input.list("GrantTokens", (t) => t);
      if (input.has("Recipient")) throw unsupported("Decrypt for a Nitro Enclave (Recipient) is not available in this emulator.");
      const named = keyRef === undefined ? undefined : context.store.resolve(context.principal.accountId, keyRef, { allowAlias: true });
      let key: KmsKey;
      if (named && named.keySpec !== "SYMMETRIC_DEFAULT") key = named;
      else {
        // A symmetric ciphertext names its key; a KeyId, if given, must be that key.
        const fromBlob = context.store.resolve(context.principal.accountId, blobKeyId(blob), { allowAlias: false });
        if (named && named.keyId !== fromBlob.keyId) {
          throw new KmsError("IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation.");
        }
        key = fromBlob;
      }
      requireUsable(context, key, "ENCRYPT_DECRYPT");
      const algorithm = encryptionAlgorithm(key, input);
      if (algorithm !== "SYMMETRIC_DEFAULT" && keyRef === undefined) throw validation("KeyId is required to decrypt with an asymmetric KMS key.");
      dryRun(input);
      const plaintext = algorithm === "SYMMETRIC_DEFAULT" ? decryptSymmetric(key, blob, encryptionContext) : decryptRsa(key, algorithm, blob);
      return { KeyId: key.arn, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: algorithm };
    },
  },

  GenerateDataKey: {
    resourceMember: "KeyId",
    run(context, input) {
      const { key, plaintext, blob } = generateDataKey(context, input);
      return { CiphertextBlob: blob.toString("base64"), Plaintext: plaintext.toString("base64"), KeyId: key.arn };
    },
  },

  GenerateDataKeyWithoutPlaintext: {
    resourceMember: "KeyId",
    run(context, input) {
      const { key, blob } = generateDataKey(context, input);
      return { CiphertextBlob: blob.toString("base64"), KeyId: key.arn };
    },
  },

  GenerateMac: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = usableKey(context, input, "GENERATE_VERIFY_MAC");
      const message = input.blob("Message", MESSAGE);
      const algorithm = keyAlgorithm(key, input, "MacAlgorithm", MAC_ALGORITHMS, "MacAlgorithms");
      dryRun(input);
      return { Mac: mac(key, algorithm, message).toString("base64"), MacAlgorithm: algorithm, KeyId: key.arn };
    },
  },

  VerifyMac: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = usableKey(context, input, "GENERATE_VERIFY_MAC");
      const message = input.blob("Message", MESSAGE);
      const candidate = input.blob("Mac", { required: true, min: 1, max: 6144 });
      const algorithm = keyAlgorithm(key, input, "MacAlgorithm", MAC_ALGORITHMS, "MacAlgorithms");
      dryRun(input);
      if (!macMatches(key, algorithm, message, candidate)) throw new KmsError("KMSInvalidMacException", "The HMAC verification failed.");
      return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
    },
  },

  Sign: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = usableKey(context, input, "SIGN_VERIFY");
      const message = input.blob("Message", MESSAGE);
      const type = messageType(input);
      const algorithm = keyAlgorithm(key, input, "SigningAlgorithm", SIGNING_ALGORITHMS, "SigningAlgorithms");
      dryRun(input);
      return { KeyId: key.arn, Signature: signMessage(key, algorithm, message, type).toString("base64"), SigningAlgorithm: algorithm };
    },
  },

  Verify: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = usableKey(context, input, "SIGN_VERIFY");
      const message = input.blob("Message", MESSAGE);
      const type = messageType(input);
      const signature = input.blob("Signature", CIPHERTEXT);
      const algorithm = keyAlgorithm(key, input, "SigningAlgorithm", SIGNING_ALGORITHMS, "SigningAlgorithms");
      dryRun(input);
      if (!signatureValid(key, algorithm, message, type, signature)) {
        throw new KmsError("KMSInvalidSignatureException", "The signature verification failed.");
      }
      return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
    },
  },

  GetPublicKey: {
    resourceMember: "KeyId",
    run(context, input) {
      const key = context.store.resolve(context.principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: true });
      input.list("GrantTokens", (t) => t);
      requireUsable(context, key, key.keyUsage);
      if (key.keySpec === "SYMMETRIC_DEFAULT" || key.keySpec.startsWith("HMAC_")) {
        throw unsupported(`${key.arn} is a ${key.keySpec} key; only asymmetric KMS keys have a public key.`);
      }
      return {
        KeyId: key.arn,
        PublicKey: publicKeyDer(key).toString("base64"),
        CustomerMasterKeySpec: key.keySpec,
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...algorithmsOf(key.keySpec, key.keyUsage),
      };
    },
  },
};

/** The key the KeyId member names (alias or not), checked as AWS checks a key before cryptography. */
function usableKey(context: OperationContext, input: Input, usage: KeyUsage): KmsKey {
  const key = context.store.resolve(context.principal.accountId, input.string("KeyId", KEY_ID_RULES), { allowAlias: true });
  input.list("GrantTokens", (t) => t);
  requireUsable(context, key, usage);
  return key;
}

function requireUsable(context: OperationContext, key: KmsKey, usage: KeyUsage): void {
  if (key.state === "Disabled") throw new KmsError("DisabledException", `${key.arn} is disabled.`);
  context.store.requireState(key, ["Enabled"]);
  if (key.keyUsage !== usage) throw invalidKeyUsage(`${key.arn} key usage is ${key.keyUsage} which is not valid for this operation.`);
}

function invalidKeyUsage(message: string): KmsError {
  return new KmsError("InvalidKeyUsageException", message);
}

/** EncryptionAlgorithm, default SYMMETRIC_DEFAULT, which must be one the key supports. */
function encryptionAlgorithm(key: KmsKey, input: Input): string {
  const algorithm = input.string("EncryptionAlgorithm", { oneOf: ENCRYPTION_ALGORITHMS }) ?? "SYMMETRIC_DEFAULT";
  if (!(algorithmsOf(key.keySpec, key.keyUsage).EncryptionAlgorithms ?? []).includes(algorithm)) {
    throw invalidKeyUsage(`${key.arn} does not support the ${algorithm} encryption algorithm.`);
  }
  return algorithm;
}

/** A required algorithm member that must be one of the key's (DescribeKey's list for its spec). */
function keyAlgorithm(key: KmsKey, input: Input, member: string, known: readonly string[], list: string): string {
  const algorithm = input.string(member, { required: true, oneOf: known });
  if (!(algorithmsOf(key.keySpec, key.keyUsage)[list] ?? []).includes(algorithm)) {
    throw invalidKeyUsage(`${key.arn} does not support the ${algorithm} algorithm.`);
  }
  return algorithm;
}

function messageType(input: Input): MessageType {
  const type = input.string("MessageType", { oneOf: MESSAGE_TYPES }) ?? "RAW";
  if (type === "EXTERNAL_MU") throw validation("MessageType EXTERNAL_MU is only valid for ML-DSA keys.");
  return type as MessageType;
}

/** EncryptionContext: a map of strings, authenticated with a symmetric ciphertext. */
function readContext(input: Input): EncryptionContext {
  const raw = input.raw("EncryptionContext");
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw serialization("Expected a map of strings for EncryptionContext.");
  for (const value of Object.values(raw)) if (typeof value !== "string") throw serialization("Expected a map of strings for EncryptionContext.");
  return raw as EncryptionContext;
}

function generateDataKey(context: OperationContext, input: Input): { key: KmsKey; plaintext: Buffer; blob: Buffer } {
  const key = usableKey(context, input, "ENCRYPT_DECRYPT");
  const encryptionContext = readContext(input);
  const bytes = input.integer("NumberOfBytes", { min: 1, max: 1024 });
  const spec = input.string("KeySpec", { oneOf: ["AES_256", "AES_128"] });
  if (input.has("Recipient")) throw unsupported("Data keys for a Nitro Enclave (Recipient) are not available in this emulator.");
  if (key.keySpec !== "SYMMETRIC_DEFAULT") throw invalidKeyUsage(`${key.arn} is a ${key.keySpec} key; data keys need a symmetric encryption KMS key.`);
  if (bytes !== undefined && spec !== undefined) throw validation("Please specify either number of bytes or key spec, not both.");
  if (bytes === undefined && spec === undefined) throw validation("Please specify either number of bytes or key spec.");
  dryRun(input);
  const plaintext = randomBytes(bytes ?? (spec === "AES_128" ? 16 : 32));
  return { key, plaintext, blob: encryptSymmetric(key, plaintext, encryptionContext) };
}

/** A DryRun that got this far would have succeeded; AWS says so with an error. */
function dryRun(input: Input): void {
  if (input.boolean("DryRun")) throw new KmsError("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
}

import { randomBytes } from "node:crypto";
import { badParameter, VaultError } from "./errors.js";
import {
  ALL_KEY_OPS,
  generateKey,
  isHsm,
  parseKeyType,
  parseTransferBlob,
  plaintextImportedKey,
  unwrapImportedKey,
  type KeyType,
} from "./key-material.js";
import type { StoredKey, VaultStore } from "./state.js";
import type { KeyPermission, VaultSku } from "./types.js";

/**
 * The Key Vault REST subset the connector uses, at the SDK's api-version (sdk-loopback §3.3). Each
 * route names its operation (for faults and the request log) and the access-policy permission it
 * needs; the server authorises before the operation runs, so a probe of a key that does not exist
 * answers 403 when the permission is missing and 404 when it is there, as Azure does.
 */
export interface Route {
  operation: string;
  permission: KeyPermission;
  run(context: VaultContext, body: Record<string, unknown>): Promise<VaultAnswer> | VaultAnswer;
}

export interface VaultContext {
  store: VaultStore;
  sku: VaultSku;
  nowSeconds: number;
  query: URLSearchParams;
  backups: Map<string, StoredKey>;
}

export interface VaultAnswer {
  status: number;
  body?: object;
}

/** The api-versions the emulator answers; the SDK 4.10 sends 2025-07-01. */
export const API_VERSIONS = new Set(["7.4", "7.5", "7.6", "2025-07-01"]);
const NAME = /^[0-9A-Za-z-]{1,127}$/;
const MAX_PAGE = 25;

/** Finds the route for a request, or throws the error Key Vault answers for an unknown path. */
export function route(method: string, pathname: string): Route {
  const parts = pathname.split("/").slice(1).map(decodeURIComponent);
  const [collection, name, third, extra] = parts;
  const named = (n: string | undefined): string => {
    if (n === undefined || !NAME.test(n)) throw badParameter(`The key name ${JSON.stringify(n ?? "")} is invalid: it must be 1-127 letters, digits and hyphens.`);
    return n;
  };
  if (collection === "keys") {
    if (name === undefined || name === "") {
      if (method === "GET") return { operation: "getKeys", permission: "list", run: (c) => listKeys(c) };
    } else if (name === "restore" && third === undefined && method === "POST") {
      return { operation: "restoreKey", permission: "restore", run: restoreKey };
    } else if (third === "create" && extra === undefined && method === "POST") {
      return { operation: "createKey", permission: "create", run: (c, b) => createKey(c, named(name), b) };
    } else if (third === "backup" && extra === undefined && method === "POST") {
      return { operation: "backupKey", permission: "backup", run: (c) => backupKey(c, named(name)) };
    } else if (third === "versions" && extra === undefined && method === "GET") {
      return { operation: "getKeyVersions", permission: "list", run: (c) => listVersions(c, named(name)) };
    } else if (third === undefined && method === "PUT") {
      return { operation: "importKey", permission: "import", run: (c, b) => importKey(c, named(name), b) };
    } else if (third === undefined && method === "DELETE") {
      return { operation: "deleteKey", permission: "delete", run: (c) => ({ status: 200, body: c.store.deletedKeyBundle(c.store.softDelete(named(name), c.nowSeconds)) }) };
    } else if (extra === undefined && method === "GET") {
      return { operation: "getKey", permission: "get", run: (c) => getKey(c, named(name), third ?? "") };
    } else if (extra === undefined && method === "PATCH") {
      return { operation: "updateKey", permission: "update", run: (c, b) => updateKey(c, named(name), third ?? "", b) };
    }
  } else if (collection === "deletedkeys") {
    if ((name === undefined || name === "") && method === "GET") return { operation: "getDeletedKeys", permission: "list", run: (c) => listDeleted(c) };
    if (name && third === undefined && method === "GET") {
      return { operation: "getDeletedKey", permission: "get", run: (c) => ({ status: 200, body: c.store.deletedKeyBundle(c.store.deleted(named(name))) }) };
    }
    if (name && third === undefined && method === "DELETE") {
      return { operation: "purgeDeletedKey", permission: "purge", run: (c) => (c.store.purge(named(name)), { status: 204 }) };
    }
    if (name && third === "recover" && extra === undefined && method === "POST") {
      return { operation: "recoverDeletedKey", permission: "recover", run: (c) => ({ status: 200, body: c.store.keyBundle(c.store.recover(named(name))) }) };
    }
  }
  throw new VaultError(404, "NotFound", `The requested resource ${method} ${pathname} does not exist in this emulator.`);
}

async function createKey(c: VaultContext, name: string, body: Record<string, unknown>): Promise<VaultAnswer> {
  const kty = parseKeyType(body.kty);
  requireTier(c, kty);
  const privateKey = await generateKey(kty, body.key_size, body.crv);
  const { key, version } = c.store.addVersion(name, { kty, privateKey, ...common(body, kty) }, c.nowSeconds);
  return { status: 200, body: c.store.keyBundle(key, version) };
}

function importKey(c: VaultContext, name: string, body: Record<string, unknown>): VaultAnswer {
  const jwk = body.key as Record<string, unknown> | undefined;
  if (!jwk || typeof jwk !== "object") throw badParameter("The request must carry the key to import (key).");
  const declared = parseKeyType(jwk.kty);
  const kty: KeyType = body.Hsm === true && !isHsm(declared) ? (`${declared}-HSM` as KeyType) : declared;
  requireTier(c, kty);
  let privateKey;
  if (jwk.key_hsm !== undefined) {
    if (!isHsm(kty)) throw badParameter("key_hsm (a BYOK transfer blob) can only be imported as an RSA-HSM or EC-HSM key.");
    const blob = parseTransferBlob(jwk.key_hsm);
    privateKey = unwrapImportedKey(kekFor(c, blob.kid), blob.ciphertext, kty, jwk.crv);
  } else {
    privateKey = plaintextImportedKey(jwk, kty);
  }
  const { key, version } = c.store.addVersion(name, { kty, privateKey, ...common({ ...body, key_ops: jwk.key_ops }, kty) }, c.nowSeconds);
  return { status: 200, body: c.store.keyBundle(key, version) };
}

/** The key exchange key a transfer blob names: a versioned kid of an enabled, import-only RSA-HSM key in this vault. */
function kekFor(c: VaultContext, kid: string) {
  const prefix = `${c.store.vaultUrl}/keys/`;
  const [kekName, kekVersion, rest] = kid.startsWith(prefix) ? kid.slice(prefix.length).split("/") : [];
  if (!kekName || !kekVersion || rest !== undefined) {
    throw badParameter(`The BYOK blob's kid ${kid} must be the versioned id of a key exchange key in this vault (${prefix}<name>/<version>).`);
  }
  const kek = c.store.version(c.store.live(kekName), kekVersion);
  if (kek.kty !== "RSA-HSM" || kek.keyOps.length !== 1 || kek.keyOps[0] !== "import") {
    throw badParameter(`The key ${kekName} is not a key exchange key: it must be an RSA-HSM key whose only key operation is import.`);
  }
  if (!kek.enabled) throw new VaultError(403, "Forbidden", `Operation import is not allowed on a disabled key: ${kekName}.`);
  return kek.privateKey;
}

function requireTier(c: VaultContext, kty: KeyType): void {
  if (isHsm(kty) && c.sku === "standard") throw badParameter("Hardware key operation not allowed on standard vault.");
}

function common(body: Record<string, unknown>, kty: KeyType) {
  const attributes = (body.attributes ?? {}) as Record<string, unknown>;
  const ops = body.key_ops === undefined ? ALL_KEY_OPS.filter((op) => kty.startsWith("RSA") || op === "sign" || op === "verify") : body.key_ops;
  if (!Array.isArray(ops) || ops.some((op) => !ALL_KEY_OPS.includes(String(op)))) throw badParameter(`Invalid key_ops: ${JSON.stringify(body.key_ops)}.`);
  return {
    keyOps: ops.map(String),
    enabled: attributes.enabled === undefined ? true : attributes.enabled === true,
    ...(typeof attributes.nbf === "number" ? { nbf: attributes.nbf } : {}),
    ...(typeof attributes.exp === "number" ? { exp: attributes.exp } : {}),
    tags: tagsOf(body.tags),
  };
}

function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("tags must be an object of strings.");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 15) throw badParameter("A key can have at most 15 tags.");
  for (const [k, v] of entries) {
    if (typeof v !== "string" || k.length > 512 || v.length > 256) throw badParameter(`Invalid tag ${k}: names are at most 512 characters, values at most 256.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function getKey(c: VaultContext, name: string, version: string): VaultAnswer {
  const key = c.store.live(name);
  return { status: 200, body: c.store.keyBundle(key, c.store.version(key, version)) };
}

function updateKey(c: VaultContext, name: string, versionId: string, body: Record<string, unknown>): VaultAnswer {
  const key = c.store.live(name);
  const version = c.store.version(key, versionId);
  const attributes = (body.attributes ?? {}) as Record<string, unknown>;
  if (attributes.enabled !== undefined) version.enabled = attributes.enabled === true;
  if (typeof attributes.nbf === "number") version.nbf = attributes.nbf;
  if (typeof attributes.exp === "number") version.exp = attributes.exp;
  if (body.tags !== undefined) version.tags = tagsOf(body.tags);
  if (body.key_ops !== undefined) version.keyOps = common({ key_ops: body.key_ops }, version.kty).keyOps;
  version.updated = c.nowSeconds;
  return { status: 200, body: c.store.keyBundle(key, version) };
}

function backupKey(c: VaultContext, name: string): VaultAnswer {
  const key = c.store.live(name);
  const id = randomBytes(16).toString("hex");
  // A snapshot of the versions as they are now (the private keys themselves are immutable).
  c.backups.set(id, { name: key.name, versions: key.versions.map((v) => ({ ...v, tags: { ...v.tags }, keyOps: [...v.keyOps] })) });
  return { status: 200, body: { value: Buffer.from(`uko-emulator-backup:${id}`).toString("base64url") } };
}

function restoreKey(c: VaultContext, body: Record<string, unknown>): VaultAnswer {
  const text = typeof body.value === "string" ? Buffer.from(body.value, "base64url").toString("utf8") : "";
  const backup = text.startsWith("uko-emulator-backup:") ? c.backups.get(text.slice("uko-emulator-backup:".length)) : undefined;
  if (!backup) throw badParameter("Backup blob contains invalid or corrupt version.");
  if (c.store.peek(backup.name)) throw new VaultError(409, "Conflict", `There is already a key with the name ${backup.name} in this vault.`);
  c.store.put({ name: backup.name, versions: backup.versions.map((v) => ({ ...v })) });
  return { status: 200, body: c.store.keyBundle(c.store.live(backup.name)) };
}

function listKeys(c: VaultContext): VaultAnswer {
  return page(c, "keys", c.store.all().filter((k) => !k.deleted).map((k) => c.store.keyItem(k)));
}

function listVersions(c: VaultContext, name: string): VaultAnswer {
  const key = c.store.live(name);
  return page(c, `keys/${name}/versions`, key.versions.map((v) => c.store.keyItem(key, v)));
}

function listDeleted(c: VaultContext): VaultAnswer {
  return page(c, "deletedkeys", c.store.all().filter((k) => k.deleted).map((k) => c.store.deletedKeyItem(k)));
}

/** One page; `nextLink` is an absolute URL carrying `$skiptoken` (an offset here) and the page size. */
function page(c: VaultContext, path: string, items: object[]): VaultAnswer {
  const max = c.query.get("maxresults");
  const size = max === null ? MAX_PAGE : Number(max);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badParameter(`maxresults must be between 1 and ${MAX_PAGE}.`);
  const skip = Number(c.query.get("$skiptoken") ?? "0");
  if (!Number.isInteger(skip) || skip < 0) throw badParameter("Invalid $skiptoken.");
  const next = skip + size < items.length ? skip + size : undefined;
  const apiVersion = c.query.get("api-version") ?? "2025-07-01";
  return {
    status: 200,
    body: {
      value: items.slice(skip, skip + size),
      nextLink: next === undefined ? null : `${c.store.vaultUrl}/${path}?api-version=${apiVersion}&$skiptoken=${next}&maxresults=${size}`,
    },
  };
}

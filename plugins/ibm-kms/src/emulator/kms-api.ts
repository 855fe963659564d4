import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { SettableClock } from "@uko/emulator-kit";
import { unwrapImport } from "../import-wrap.js";
import { newKey, type Instance, type StoredKey } from "./state.js";

export interface ApiRequest {
  readonly method: string;
  /** The path below /api/v2, split on "/" (e.g. ["keys", "<id>", "actions", "rotate"]). */
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body?: unknown;
}

export interface Route {
  /** Names the request in logs, faults and the inspection hook. */
  readonly operation: string;
  /** The IAM action it needs. */
  readonly action: string;
  readonly handle: (instance: Instance, keyRing: string) => ApiAnswer;
}

const KEY_TYPE = "application/vnd.ibm.kms.key+json";
const RESTORE_WINDOW_MS = 30 * 86_400_000;

/** Key Protect's error body. */
export function kpError(status: number, code: string, message: string): ApiAnswer {
  return { status, body: { metadata: { collectionType: "application/vnd.ibm.kms.error+json", collectionTotal: 1 }, resources: [{ errorMsg: message, reasons: [{ code, message, status }] }] } };
}

const collection = (resources: unknown[], extra: Record<string, unknown> = {}) => ({ metadata: { collectionType: KEY_TYPE, collectionTotal: resources.length, ...extra }, resources });

/**
 * The Key Protect v2 key API (the subset the connectors use), routed by method and path. Each
 * route names its IAM action, so the server checks permissions in one place before any lookup.
 */
export function route(request: ApiRequest, clock: SettableClock, crnBase: string): Route | undefined {
  const [head, id, sub, action] = request.parts;
  const m = request.method;
  const firstResource = (): Record<string, unknown> => ((request.body as { resources?: Record<string, unknown>[] })?.resources?.[0] ?? {}) as Record<string, unknown>;
  const view = (key: StoredKey, instance: Instance) => keyView(key, instance, crnBase);

  if (head === "key_rings" && !id && m === "GET") {
    return { operation: "ListKeyRings", action: "kms.keyrings.list", handle: (instance) => ({ status: 200, body: collection([...instance.keyRings].map((r) => ({ id: r }))) }) };
  }
  if (head === "import_token" && !id) {
    if (m === "POST") {
      return {
        operation: "CreateImportToken",
        action: "kms.importtoken.create",
        handle: (instance) => {
          const body = (request.body ?? {}) as { expiration?: unknown; maxAllowedRetrievals?: unknown };
          const expiration = body.expiration ?? 600;
          const retrievals = body.maxAllowedRetrievals ?? 1;
          if (!Number.isInteger(expiration) || (expiration as number) < 300 || (expiration as number) > 86_400) return kpError(400, "BAD_BODY_ERR", "expiration must be 300 to 86400 seconds");
          if (!Number.isInteger(retrievals) || (retrievals as number) < 1 || (retrievals as number) > 500) return kpError(400, "BAD_BODY_ERR", "maxAllowedRetrievals must be 1 to 500");
          const token = instance.newImportToken(expiration as number, retrievals as number, clock);
          return { status: 201, body: tokenView(token) };
        },
      };
    }
    if (m === "GET") {
      return {
        operation: "GetImportToken",
        action: "kms.importtoken.read",
        handle: (instance) => {
          const token = instance.importToken;
          if (!token) return kpError(404, "IMPORT_TOKEN_NOT_FOUND_ERR", "No import token exists for this instance");
          if (token.expiresAt <= clock.now()) return kpError(400, "IMPORT_TOKEN_EXPIRED_ERR", "The import token has expired");
          if (token.remaining <= 0) return kpError(400, "TOKEN_RETRIEVALS_EXCEEDED_ERR", "The import token has been retrieved the maximum number of times");
          token.remaining--;
          return { status: 200, body: { ...tokenView(token), payload: Buffer.from(token.publicPem).toString("base64"), nonce: token.nonce.toString("base64") } };
        },
      };
    }
  }
  if (head !== "keys") return undefined;

  if (!id) {
    if (m === "GET") {
      return {
        operation: "ListKeys",
        action: "kms.secrets.list",
        handle: (instance, ring) => {
          const limit = Math.min(Number(request.query.get("limit") ?? 200), 5000);
          const offset = Number(request.query.get("offset") ?? 0);
          if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return kpError(400, "BAD_QUERY_PARAM_ERR", "limit must be 1 to 5000 and offset at least 0");
          const states = (request.query.get("state") ?? "0,1,2,3").split(",").map(Number);
          const keys = [...instance.keys.values()].filter((k) => k.keyRingId === ring && states.includes(k.state)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
          const page = keys.slice(offset, offset + limit).map((k) => view(k, instance));
          return { status: 200, body: collection(page, request.query.get("totalCount") === "true" ? { totalCount: keys.length } : {}) };
        },
      };
    }
    if (m === "POST") {
      return {
        operation: "CreateKey",
        action: "kms.secrets.create",
        handle: (instance, ring) => {
          const r = firstResource();
          if (typeof r.name !== "string" || r.name.length < 2 || r.name.length > 90) return kpError(400, "BAD_BODY_ERR", "name must be 2 to 90 characters");
          if (r.extractable !== false) return kpError(400, "BAD_BODY_ERR", "Only root keys (extractable: false) are supported by this emulator");
          const aliases = Array.isArray(r.aliases) ? (r.aliases as unknown[]).map(String) : [];
          const bad = aliases.find((a) => !/^[A-Za-z0-9_-]{2,90}$/.test(a));
          if (bad !== undefined) return kpError(400, "BAD_BODY_ERR", `Alias ${bad} must be 2 to 90 letters, digits, '-' and '_'`);
          const taken = aliases.find((a) => instance.aliasTaken(a));
          if (taken) return kpError(409, "KEY_ALIAS_NOT_UNIQUE_ERR", `The alias ${taken} already exists in this instance`);
          const material = imported(instance, r, clock);
          if ("status" in material) return material;
          const key = newKey(ring, r.name, material.key, clock, { ...(typeof r.description === "string" ? { description: r.description } : {}), aliases });
          instance.keys.set(key.id, key);
          return { status: 201, body: collection([view(key, instance)]) };
        },
      };
    }
    return undefined;
  }

  const withKey = (operationName: string, iamAction: string, handle: (key: StoredKey, instance: Instance) => ApiAnswer): Route => ({
    operation: operationName,
    action: iamAction,
    handle: (instance, ring) => {
      const key = instance.find(decodeURIComponent(id));
      if (!key || key.keyRingId !== ring) return kpError(404, "KEY_NOT_FOUND_ERR", "Key does not exist");
      return handle(key, instance);
    },
  });

  if (m === "GET" && (sub === "metadata" || !sub)) return withKey(sub ? "GetKeyMetadata" : "GetKey", sub ? "kms.secrets.readmetadata" : "kms.secrets.read", (key, instance) => ({ status: 200, body: collection([view(key, instance)]) }));
  if (m === "GET" && sub === "registrations") return withKey("ListRegistrations", "kms.registrations.list", (key) => ({ status: 200, body: collection(key.registrations.map((resourceCrn) => ({ resourceCrn }))) }));
  if (m === "GET" && sub === "versions") return withKey("ListKeyVersions", "kms.secrets.listkeyversions", (key) => ({ status: 200, body: collection(key.versions.map((v) => ({ id: v.id, creationDate: v.createdAt.toISOString() }))) }));
  if (m === "DELETE" && !sub) {
    return withKey("DeleteKey", "kms.secrets.delete", (key, instance) => {
      if (key.state === 5) return kpError(410, "KEY_DELETED_ERR", "The key has already been deleted");
      if (key.registrations.length > 0 && request.query.get("force") !== "true") {
        return kpError(409, "PROTECTED_RESOURCE_ERR", `Key is protecting one or more cloud resources (${key.registrations.length} registrations)`);
      }
      key.state = 5;
      key.deletedAt = clock.now();
      return { status: 200, body: collection([view(key, instance)]) };
    });
  }
  if (m === "POST" && sub === "restore") {
    return withKey("RestoreKey", "kms.secrets.restore", (key, instance) => {
      if (key.state !== 5) return kpError(409, "KEY_ACTION_INVALID_STATE_ERR", "Only a deleted key can be restored");
      if (clock.now().getTime() - key.deletedAt!.getTime() > RESTORE_WINDOW_MS) return kpError(409, "KEY_RESTORE_EXPIRED", "The key was deleted more than 30 days ago and cannot be restored");
      const material = imported(instance, firstResource(), clock);
      if ("status" in material) return material;
      // An imported key comes back only with the material it had.
      if (!material.key.equals(key.versions.at(-1)!.material)) return kpError(400, "KEY_PAYLOAD_REQ_ERR", "The payload is not the key's imported material");
      key.state = 1;
      delete key.deletedAt;
      return { status: 201, body: collection([view(key, instance)]) };
    });
  }
  if (m === "POST" && sub === "aliases" && action) {
    return withKey("CreateKeyAlias", "kms.secrets.createalias", (key, instance) => {
      if (!/^[A-Za-z0-9_-]{2,90}$/.test(action)) return kpError(400, "BAD_BODY_ERR", "An alias is 2 to 90 letters, digits, '-' and '_'");
      if (instance.aliasTaken(action)) return kpError(409, "KEY_ALIAS_NOT_UNIQUE_ERR", `The alias ${action} already exists in this instance`);
      if (key.aliases.length >= 5) return kpError(400, "KEY_ALIAS_QUOTA_ERR", "A key has at most 5 aliases");
      key.aliases.push(action);
      return { status: 201, body: { metadata: { collectionType: "application/vnd.ibm.kms.alias+json", collectionTotal: 1 }, resources: [{ keyId: key.id, alias: action }] } };
    });
  }
  if (m === "POST" && sub === "actions" && action) {
    const iam = ({ rotate: "kms.secrets.rotate", enable: "kms.secrets.enable", disable: "kms.secrets.disable", wrap: "kms.secrets.wrap", unwrap: "kms.secrets.unwrap" } as Record<string, string>)[action];
    if (!iam) return undefined;
    return withKey(`${action[0]!.toUpperCase()}${action.slice(1)}Key`, iam, (key, instance) => keyAction(action, key, instance, request.body, clock));
  }
  return undefined;
}

function keyAction(action: string, key: StoredKey, instance: Instance, body: unknown, clock: SettableClock): ApiAnswer {
  const needsActive = () => (key.state === 1 ? undefined : kpError(409, "KEY_ACTION_INVALID_STATE_ERR", `The key is in state ${key.state} and cannot be used for this action`));
  switch (action) {
    case "enable":
      if (key.state !== 2) return kpError(409, "KEY_ACTION_INVALID_STATE_ERR", "Only a suspended (disabled) key can be enabled");
      key.state = 1;
      return { status: 204 };
    case "disable":
      if (key.state !== 1) return kpError(409, "KEY_ACTION_INVALID_STATE_ERR", "Only an active key can be disabled");
      key.state = 2;
      return { status: 204 };
    case "rotate": {
      const refused = needsActive();
      if (refused) return refused;
      const resource = ((body as { resources?: Record<string, unknown>[] })?.resources?.[0] ?? body ?? {}) as Record<string, unknown>;
      const material = imported(instance, resource, clock);
      if ("status" in material) return material;
      key.versions.push({ id: randomUUID(), material: material.key, createdAt: clock.now() });
      return { status: 204 };
    }
    case "wrap": {
      const refused = needsActive();
      if (refused) return refused;
      const plaintext = Buffer.from(String((body as { plaintext?: string })?.plaintext ?? ""), "base64");
      const version = key.versions.at(-1)!;
      const iv = randomBytes(12);
      const c = createCipheriv(`aes-${version.material.length * 8}-gcm` as "aes-256-gcm", version.material, iv);
      const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
      return { status: 200, body: { ciphertext: Buffer.concat([iv, ct]).toString("base64"), keyVersion: { id: version.id } } };
    }
    case "unwrap": {
      const refused = needsActive();
      if (refused) return refused;
      const blob = Buffer.from(String((body as { ciphertext?: string })?.ciphertext ?? ""), "base64");
      for (const version of [...key.versions].reverse()) {
        try {
          const d = createDecipheriv(`aes-${version.material.length * 8}-gcm` as "aes-256-gcm", version.material, blob.subarray(0, 12));
          d.setAuthTag(blob.subarray(blob.length - 16));
          const plaintext = Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
          return { status: 200, body: { plaintext: plaintext.toString("base64"), keyVersion: { id: version.id } } };
        } catch {
          // try the next older version
        }
      }
      return kpError(422, "UNPROCESSABLE_CIPHERTEXT_ERR", "The ciphertext was not wrapped by this key");
    }
  }
  return kpError(400, "BAD_ACTION_ERR", `Unknown action ${action}`);
}

/** Unwraps a secure import (the instance's import token, its nonce, the variant's cipher); plain imports are refused. */
function imported(instance: Instance, r: Record<string, unknown>, clock: SettableClock): { key: Buffer } | ApiAnswer {
  if (typeof r.payload !== "string") return kpError(400, "BAD_BODY_ERR", "payload is required: this emulator holds imported root keys only");
  if (typeof r.encryptedNonce !== "string" || typeof r.iv !== "string") {
    return kpError(400, "BAD_BODY_ERR", "A plain (unwrapped) payload is refused: import with an import token (encryptedNonce and iv)");
  }
  if (r.encryptionAlgorithm !== undefined && r.encryptionAlgorithm !== "RSAES_OAEP_SHA_256") return kpError(400, "BAD_BODY_ERR", "encryptionAlgorithm must be RSAES_OAEP_SHA_256");
  const token = instance.importToken;
  if (!token) return kpError(400, "IMPORT_TOKEN_NOT_FOUND_ERR", "No import token exists for this instance");
  if (token.expiresAt <= clock.now()) return kpError(400, "IMPORT_TOKEN_EXPIRED_ERR", "The import token has expired");
  try {
    return { key: unwrapImport(token.privateKey, { payload: r.payload, encryptedNonce: r.encryptedNonce, iv: r.iv }, token.nonce, instance.variant === "key_protect" ? "gcm" : "cbc") };
  } catch (error) {
    return kpError(400, "KEY_IMPORT_FAILED_ERR", (error as Error).message);
  }
}

function tokenView(token: { createdAt: Date; expiresAt: Date; maxRetrievals: number; remaining: number }) {
  return { creationDate: token.createdAt.toISOString(), expirationDate: token.expiresAt.toISOString(), maxAllowedRetrievals: token.maxRetrievals, remainingRetrievals: token.remaining };
}

function keyView(key: StoredKey, instance: Instance, crnBase: string) {
  const version = key.versions.at(-1)!;
  return {
    type: KEY_TYPE,
    id: key.id,
    name: key.name,
    ...(key.description ? { description: key.description } : {}),
    aliases: [...key.aliases],
    state: key.state,
    crn: `${crnBase}:${instance.id}:key:${key.id}`,
    extractable: false,
    imported: true,
    keyRingID: key.keyRingId,
    algorithmType: "AES",
    algorithmMetadata: { bitLength: String(version.material.length * 8), mode: "CBC_PAD" },
    keyVersion: { id: version.id, creationDate: version.createdAt.toISOString() },
    creationDate: key.createdAt.toISOString(),
    deleted: key.state === 5,
    ...(key.deletedAt ? { deletionDate: key.deletedAt.toISOString() } : {}),
  };
}

import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import { Actor } from "./actor.js";
import type { VerifiedTokens } from "./verified-tokens.js";

/** Opaque random tokens: 32 bytes from the CSPRNG, recognisable by their prefix. */
export const TOKEN_PREFIX = "uko_";

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** A token has 256 bits of entropy, so a plain SHA-256 is enough to make the stored hash useless. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export type AuthFailure = "missing" | "malformed" | "unknown" | "revoked" | "expired";

type TokenRow = NonNullable<Awaited<ReturnType<typeof findToken>>>;

function findToken(db: Db, where: { hash: string } | { id: string }) {
  return db.accessToken.findUnique({ where, include: { roles: true } });
}

/** The actor a token row stands for now, or why it stands for no one. */
function actorOfRow(row: TokenRow, now: Date): { actor: Actor } | { failure: AuthFailure; tokenId: string; tokenName: string } {
  if (row.revokedAt) return { failure: "revoked", tokenId: row.id, tokenName: row.name };
  if (row.expiresAt && row.expiresAt <= now) return { failure: "expired", tokenId: row.id, tokenName: row.name };
  return { actor: new Actor(row.id, row.name, row.administrator, row.roles.map((r) => ({ vaultId: r.vaultId, role: r.role })), row.expiresAt) };
}

/**
 * Resolves a bearer token to its actor, or says why not (for the audit record, never to the
 * caller). With `verified`, a token the database accepted within its bound is not looked up again.
 */
export async function authenticate(
  db: Db,
  header: string | null,
  now: Date,
  verified?: VerifiedTokens,
): Promise<{ actor: Actor; lastUsedAt: Date | null; hash: string } | { failure: AuthFailure; tokenId?: string; tokenName?: string }> {
  if (!header) return { failure: "missing" };
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header.trim());
  if (!match) return { failure: "malformed" };
  const hash = tokenHash(match[1]!);
  const known = verified?.get(hash);
  if (known) return { actor: known.actor, lastUsedAt: known.lastUsedAt, hash };
  const since = verified?.mark();
  const row = await findToken(db, { hash });
  if (!row) return { failure: "unknown" };
  const result = actorOfRow(row, now);
  if (!("actor" in result)) return result;
  verified?.store(hash, result.actor, row.lastUsedAt, since!);
  return { actor: result.actor, lastUsedAt: row.lastUsedAt, hash };
}

/**
 * The same token's actor as it stands now (roles granted or taken since, revocation, expiry): for
 * work that outlives the request that authenticated it, such as a subscription's stream.
 */
export async function reauthenticate(db: Db, tokenId: string, now: Date): Promise<{ actor: Actor } | { failure: AuthFailure }> {
  const row = await findToken(db, { id: tokenId });
  return row ? actorOfRow(row, now) : { failure: "unknown" };
}

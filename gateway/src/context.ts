import DataLoader from "dataloader";
import type { Db } from "./db/client.js";
import type { Actor } from "./access/actor.js";
import type { Services } from "./services.js";

type VaultRow = NonNullable<Awaited<ReturnType<Db["vault"]["findUnique"]>>>;
type KeystoreWithGroups = NonNullable<Awaited<ReturnType<Services["keystores"]["get"]>>>;
type TemplateRow = NonNullable<Awaited<ReturnType<Db["keyTemplate"]["findUnique"]>>>;
export type Verification = { method: string; value: string };

/** Per-request state: services, and loaders that batch relation reads into one query each. */
export interface Context {
  services: Services;
  requestId: string;
  /** Who is calling: every GraphQL request is authenticated before it gets here. */
  actor: Actor;
  /** The client's address, for the audit log. */
  sourceAddress: string | null;
  loaders: {
    vaultById: DataLoader<string, VaultRow | null>;
    keystoreById: DataLoader<string, KeystoreWithGroups | null>;
    templateById: DataLoader<string, TemplateRow | null>;
    /** A managed key's verification value, by `${keyId}/${version}`. */
    verification: DataLoader<string, Verification | null>;
  };
}

export function createContext(services: Services, requestId: string, actor: Actor, sourceAddress: string | null): Context {
  return {
    services,
    requestId,
    actor,
    sourceAddress,
    loaders: {
      vaultById: new DataLoader(async (ids) => {
        const rows = await services.db.vault.findMany({ where: { id: { in: [...ids] } } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      keystoreById: new DataLoader(async (ids) => {
        const rows = await services.db.keystore.findMany({ where: { id: { in: [...ids] } }, include: { groups: { orderBy: { position: "asc" } } } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      templateById: new DataLoader(async (ids) => {
        const rows = await services.db.keyTemplate.findMany({ where: { id: { in: [...ids] } } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      verification: new DataLoader(async (refs) => {
        const pairs = refs.map((r) => r.split("/") as [string, string]);
        // Two IN lists rather than an OR of pairs: Prisma plans and binds an OR of 100 pairs at a
        // cost that showed in the profile; the few extra rows this may read are dropped below.
        const rows = await services.db.managedKeyVersion.findMany({
          where: { managedKeyId: { in: [...new Set(pairs.map(([id]) => id))] }, number: { in: [...new Set(pairs.map(([, n]) => Number(n)))] } },
          select: { managedKeyId: true, number: true, verificationValue: true },
        });
        const byRef = new Map(rows.map((r) => [`${r.managedKeyId}/${r.number}`, JSON.parse(r.verificationValue) as Verification]));
        return refs.map((r) => byRef.get(r) ?? null);
      }),
    },
  };
}

import DataLoader from "dataloader";
import type { Db } from "./db/client.js";
import type { Services } from "./services.js";

type VaultRow = NonNullable<Awaited<ReturnType<Db["vault"]["findUnique"]>>>;

/** Per-request state: services, and loaders that batch relation reads into one query each. */
export interface Context {
  services: Services;
  requestId: string;
  loaders: { vaultById: DataLoader<string, VaultRow | null> };
}

export function createContext(services: Services, requestId: string): Context {
  return {
    services,
    requestId,
    loaders: {
      vaultById: new DataLoader(async (ids) => {
        const rows = await services.db.vault.findMany({ where: { id: { in: [...ids] } } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    },
  };
}

/**
 * The keystore and managed-key list pages are read with raw SQL (src/db/raw-page.ts). Each is
 * compared here, on SQLite and PostgreSQL, with the Prisma `findMany` it replaced (kept below as
 * the reference): the same rows in the same order, the same cursors, the same next pages, the
 * same counts, for every filter, both directions of every order, and the access rule.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namePrefixFilter } from "../src/db/name-prefix.js";
import { keysetQuery, toPage } from "../src/db/paginate.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";

const NAMES = ["alpha", "Alpha", "alp_ha", "alp%ha", "beta", "b", "zeta", "Zed", "a\\b", "ALPHA-2", "alpha 3", "äther"];

for (const provider of await providers()) {
  describe(`raw list pages (${provider})`, () => {
    let t: TestGateway;
    let vaults: string[];
    beforeAll(async () => {
      t = await startTestGateway(provider);
      const db = t.gateway.database.db;
      vaults = [];
      let n = 0;
      for (let v = 0; v < 3; v++) vaults.push((await db.vault.create({ data: { name: `raw-${v}` } })).id);
      for (const [v, vaultId] of vaults.entries()) {
        for (const name of NAMES) {
          const id = randomUUID();
          const at = new Date(Date.UTC(2026, 0, 1 + (n % 5), 0, 0, n));
          await db.keystore.create({
            data: {
              id, vaultId, name, type: n % 3 === 0 ? "aws_kms" : "reference", remoteIdentity: `raw/${n}`,
              properties: JSON.stringify({ reference_instance: `i-${n}` }), health: n % 4 === 0 ? "OK" : "PENDING_CHECK",
              createdAt: at, updatedAt: new Date(at.getTime() + (n % 2) * 1000),
              groups: { create: [{ name: n % 2 === 0 ? "prod" : "test", position: 0 }, ...(n % 3 === 0 ? [{ name: "extra", position: 1 }] : [])] },
            },
          });
          n++;
        }
        expect(v).toBeLessThan(3);
      }
      // Keys: the same labels in each vault, two templates, mixed states and algorithms, each in
      // some of its vault's keystores with mixed sync flags (one instance of a disconnected keystore).
      for (const vaultId of vaults) {
        const templates = [];
        for (const algorithm of ["AES", "RSA"] as const) {
          templates.push(await db.keyTemplate.create({ data: { vaultId, name: `raw-${algorithm}-${randomUUID().slice(0, 8)}`, algorithm, size: algorithm === "AES" ? "256" : "2048", initialState: "PRE_ACTIVATION", namingScheme: "raw-<n>" } }));
        }
        await db.keyTemplate.update({ where: { id: templates[1]!.id }, data: { targetRevision: 2 } });
        const keystores = await db.keystore.findMany({ where: { vaultId }, orderBy: { name: "asc" } });
        for (const label of NAMES) {
          const template = templates[n % 2]!;
          const at = new Date(Date.UTC(2026, 1, 1 + (n % 4), 0, 0, n));
          const key = await db.managedKey.create({
            data: {
              vaultId, templateId: template.id, label, state: (["ACTIVE", "PRE_ACTIVATION", "DEACTIVATED"] as const)[n % 3]!, algorithm: template.algorithm, size: template.size,
              nameInKeystores: `raw-${n}`, alignedRevision: 1, keyVersion: 1 + (n % 2), createdAt: at, updatedAt: new Date(at.getTime() + (n % 3) * 1000),
            },
          });
          if (n % 4 !== 1) await db.managedKeyVersion.create({ data: { managedKeyId: key.id, number: key.keyVersion, sealedMaterial: new Uint8Array(1), verificationValue: JSON.stringify({ method: "kcv", value: `v${n}` }) } });
          const mine = keystores.filter((_, i) => (i + n) % 3 !== 0).slice(0, 3);
          for (const [j, ks] of mine.entries()) {
            await db.keyInstance.create({
              data: { managedKeyId: key.id, keystoreId: j === 2 && n % 2 === 0 ? null : ks.id, keystoreName: ks.name, targeted: j !== 1, syncFlag: (["OK", "OUT_OF_SYNC", "ERROR"] as const)[(n + j) % 3]!, status: j === 0 ? "ACTIVE" : "NOT_PRESENT", checkedAt: j === 0 ? at : null },
            });
          }
          n++;
        }
      }
    });
    afterAll(() => t?.close());

    /** The Prisma query the keystore list used before raw SQL, verbatim. */
    async function keystoresBefore(args: { first: number; after?: string | null; visibleVaults?: string[] | null; filter?: Record<string, string>; orderBy?: { field: string; direction: "asc" | "desc" } }) {
      const f = args.filter ?? {};
      const order = args.orderBy ?? { field: "name", direction: "asc" as const };
      const where = {
        ...(f.vaultId ? { vaultId: f.vaultId } : {}),
        ...(args.visibleVaults ? { vault: { id: { in: [...args.visibleVaults] } } } : {}),
        ...(f.type ? { type: f.type } : {}),
        ...(f.health ? { health: f.health as "OK" } : {}),
        ...(f.namePrefix ? { name: namePrefixFilter(f.namePrefix, provider) } : {}),
        ...(f.group ? { groups: { some: { name: f.group } } } : {}),
      };
      const keyset = keysetQuery(order.field, order.direction, args.after);
      const db = t.gateway.database.db;
      const rows = await db.keystore.findMany({ where: { AND: [where, keyset.where] }, orderBy: keyset.orderBy as never, take: args.first + 1, include: { groups: { orderBy: { position: "asc" } } } });
      return { ...toPage(rows, args.first, order.field as never, args.after), totalCount: await db.keystore.count({ where }) };
    }

    const keystoreCases: { filter?: Record<string, string>; visible?: number[] }[] = [
      {},
      { filter: { namePrefix: "alp" } },
      { filter: { namePrefix: "alp_" } },
      { filter: { namePrefix: "alp%" } },
      { filter: { namePrefix: "A" } },
      { filter: { namePrefix: "a\\" } },
      { filter: { type: "aws_kms" } },
      { filter: { health: "OK" } },
      { filter: { group: "extra" } },
      { filter: { group: "prod", type: "reference" } },
      { visible: [0, 2] },
      { visible: [] },
      { visible: [1], filter: { namePrefix: "a" } },
    ];

    it("lists keystores as the Prisma query did, page after page, for every filter and order", async () => {
      const service = t.gateway.services.keystores;
      let compared = 0;
      for (const c of keystoreCases) {
        for (const field of ["name", "type", "createdAt", "updatedAt"] as const) {
          for (const direction of ["asc", "desc"] as const) {
            const filter = c.filter ?? {};
            const visibleVaults = c.visible ? c.visible.map((i) => vaults[i]!) : null;
            let after: string | null = null;
            for (let page = 0; page < 20; page++) {
              const args = { first: 4, after, visibleVaults, filter, orderBy: { field, direction } };
              const expected = await keystoresBefore(args);
              const actual = await service.list(args as never);
              const shape = (p: typeof expected | Awaited<ReturnType<typeof service.list>>) => ({
                rows: p.nodes.map(({ listedVault: _, ...n }: { listedVault?: unknown } & (typeof p.nodes)[number]) => ({ ...n, groups: n.groups.map((g) => g.name), sealedSecrets: n.sealedSecrets ? [...n.sealedSecrets] : null })),
                cursors: p.cursors,
                hasNextPage: p.hasNextPage,
                hasPreviousPage: p.hasPreviousPage,
              });
              expect(shape(actual), JSON.stringify({ filter, visibleVaults, field, direction, page })).toEqual(shape(expected));
              expect(await actual.totalCount()).toBe(expected.totalCount);
              // The vault that rides along is the keystore's own.
              for (const k of actual.nodes) expect(k.listedVault).toEqual(await t.gateway.database.db.vault.findUnique({ where: { id: k.vaultId } }));
              compared += actual.nodes.length;
              if (!actual.hasNextPage) break;
              after = actual.cursors.at(-1)!;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(500);
    });

    /** The Prisma query the managed-key list used before raw SQL, verbatim. */
    async function keysBefore(args: { first: number; after?: string | null; visibleVaults?: string[] | null; filter?: Record<string, string>; orderBy?: { field: string; direction: "asc" | "desc" } }) {
      const f = args.filter ?? {};
      const order = args.orderBy ?? { field: "label", direction: "asc" as const };
      const instanceFilter = { ...(f.keystoreId ? { keystoreId: f.keystoreId } : {}), ...(f.syncFlag ? { syncFlag: f.syncFlag as "OK" } : {}) };
      const where = {
        ...(f.vaultId ? { vaultId: f.vaultId } : {}),
        ...(args.visibleVaults ? { vault: { id: { in: [...args.visibleVaults] } } } : {}),
        ...(f.state ? { state: f.state as "ACTIVE" } : {}),
        ...(f.algorithm ? { algorithm: f.algorithm.toUpperCase() as "AES" } : {}),
        ...(f.templateId ? { templateId: f.templateId } : {}),
        ...(f.labelPrefix ? { label: { startsWith: f.labelPrefix } } : {}),
        ...(Object.keys(instanceFilter).length ? { instances: { some: instanceFilter } } : {}),
      };
      const keyset = keysetQuery(order.field, order.direction, args.after);
      const db = t.gateway.database.db;
      const rows = await db.managedKey.findMany({ where: { AND: [where, keyset.where] }, orderBy: keyset.orderBy as never, take: args.first + 1, include: { instances: { orderBy: { keystoreName: "asc" } } } });
      return { ...toPage(rows, args.first, order.field as never, args.after), totalCount: await db.managedKey.count({ where }) };
    }

    it("lists managed keys as the Prisma query did, page after page, for every filter and order", async () => {
      const db = t.gateway.database.db;
      const service = t.gateway.services.keys;
      const template = (await db.keyTemplate.findFirst({ where: { vaultId: vaults[1] }, orderBy: { name: "asc" } }))!;
      const keystore = (await db.keystore.findFirst({ where: { vaultId: vaults[0] }, orderBy: { name: "asc" } }))!;
      const cases: { filter?: Record<string, string>; visible?: number[] }[] = [
        {},
        { filter: { labelPrefix: "alp" } },
        { filter: { labelPrefix: "alp_" } },
        { filter: { labelPrefix: "A" } },
        { filter: { state: "ACTIVE" } },
        { filter: { algorithm: "rsa" } },
        { filter: { templateId: template.id } },
        { filter: { keystoreId: keystore.id } },
        { filter: { syncFlag: "ERROR" } },
        { filter: { keystoreId: keystore.id, syncFlag: "OK" } },
        { filter: { vaultId: vaults[2]!, state: "DEACTIVATED" } },
        { visible: [0, 2] },
        { visible: [] },
        { visible: [1], filter: { labelPrefix: "a" } },
      ];
      let compared = 0;
      for (const c of cases) {
        for (const field of ["label", "createdAt", "updatedAt"] as const) {
          for (const direction of ["asc", "desc"] as const) {
            const filter = c.filter ?? {};
            const visibleVaults = c.visible ? c.visible.map((i) => vaults[i]!) : null;
            let after: string | null = null;
            for (let page = 0; page < 20; page++) {
              const args = { first: 4, after, visibleVaults, filter, orderBy: { field, direction } };
              const expected = await keysBefore(args);
              const actual = await service.list(args as never);
              const shape = (p: { nodes: object[]; cursors: string[]; hasNextPage: boolean; hasPreviousPage: boolean }) => ({
                rows: p.nodes.map(({ listed: _, ...row }: { listed?: unknown }) => row),
                cursors: p.cursors,
                hasNextPage: p.hasNextPage,
                hasPreviousPage: p.hasPreviousPage,
              });
              expect(shape(actual), JSON.stringify({ filter, visibleVaults, field, direction, page })).toEqual(shape(expected));
              // What rides along is what the loaders would have read.
              for (const key of actual.nodes) {
                const version = await db.managedKeyVersion.findUnique({ where: { managedKeyId_number: { managedKeyId: key.id, number: key.keyVersion } } });
                const template = await db.keyTemplate.findUnique({ where: { id: key.templateId } });
                expect(key.listed).toEqual({ verification: version ? JSON.parse(version.verificationValue) : null, templateTargetRevision: template?.targetRevision ?? null });
              }
              expect(await actual.totalCount()).toBe(expected.totalCount);
              compared += actual.nodes.length;
              if (!actual.hasNextPage) break;
              after = actual.cursors.at(-1)!;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(400);
    });
  });
}

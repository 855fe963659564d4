import { randomUUID } from "node:crypto";
import type { KeySpec, RemoteKey } from "@uko/connector-sdk";
import { describe, expect } from "vitest";
import { materialFor, otherMaterial } from "../materials.js";
import type { Installed, LiveContext } from "./context.js";

/** Every declared algorithm and size installed and proven, and the key lifecycle the contract promises. */
export function keyChecks(ctx: LiveContext): void {
  const def = ctx.definition;
  const specs: KeySpec[] = ctx.options.algorithms
    ? [...ctx.options.algorithms]
    : def.capabilities.algorithms.flatMap((a) => a.sizes.map((size) => ({ algorithm: a.algorithm, size })));
  if (def.capabilities.algorithms.length === 0) return;

  describe("installing keys", () => {
    for (const spec of specs) {
      ctx.check("install", `${spec.algorithm} ${spec.size}: installed enabled, named, described, and holding exactly the material sent`, async () => {
        const request = ctx.request(spec, `${spec.algorithm}-${spec.size}`);
        const key = await ctx.install(request);
        expect(key.state).toBe("enabled");
        expect(key.spec).toEqual(spec);
        expect(key.name).toBe(request.name);
        const described = await ctx.keys.describeKey(key.keyId, ctx.host());
        expect({ keyId: described.keyId, state: described.state, name: described.name }).toEqual({ keyId: key.keyId, state: "enabled", name: request.name });
        expect(await ctx.proves(key, request.material), "proveMaterial finds the material sent").toBe(true);
        expect(await ctx.proves(key, otherMaterial(request.material)), "proveMaterial refuses other material of the same kind").toBe(false);
      });
    }
  });

  /** One installed key the lifecycle checks share, installed on first use. */
  let shared: Promise<Installed> | undefined;
  const lifecycleKey = () =>
    (shared ??= (async () => {
      const request = ctx.request(ctx.lifecycleSpec(), "lifecycle");
      return { key: await ctx.install(request), request };
    })());

  describe("the key lifecycle", () => {
    if (def.capabilities.operations.includes("rotate")) {
      ctx.check("rotate", `rotates as declared (${def.rotation})`, async () => {
        const before = (await lifecycleKey()).key;
        const current = (await lifecycleKey()).request;
        const request = { ...current, material: materialFor(current.material.spec), copy: { ...current.copy, version: current.copy.version + 1 } };
        const rotated = await ctx.keys.rotateKey!(before.keyId, request, ctx.host());
        ctx.installed.push({ key: rotated, request });
        expect(rotated.state).toBe("enabled");
        expect(await ctx.proves(rotated, request.material), "the rotated key holds the new material").toBe(true);
        if (def.rotation === "new_version") {
          expect(rotated.keyId, "new_version: the same key").toBe(before.keyId);
          expect(rotated.materialVersion, "new_version: a materialVersion").toBeDefined();
          expect(rotated.materialVersion, "new_version: a new materialVersion").not.toBe(before.materialVersion);
        } else {
          expect(rotated.keyId, "new_key: another key").not.toBe(before.keyId);
          expect(rotated.name, "new_key: the name moved to the new key").toBe(request.name);
          const old = await ctx.keys.describeKey(before.keyId, ctx.host());
          expect(old.name, "new_key: the old key no longer carries the name").not.toBe(request.name);
          expect(await ctx.proves(old, current.material), "new_key: the old key keeps its material").toBe(true);
        }
        // The new version is found as the copy of the managed key's next version.
        expect((await ctx.keys.findManagedCopy(request.copy, ctx.host()))?.keyId).toBe(rotated.keyId);
      });
    }

    ctx.check("enable_disable", "disables and enables a key, and describeKey shows each state", async () => {
      const key = await installFresh(ctx, "toggle");
      expect((await ctx.keys.disableKey(key.keyId, ctx.host())).state).toBe("disabled");
      expect((await ctx.keys.describeKey(key.keyId, ctx.host())).state).toBe("disabled");
      expect((await ctx.keys.enableKey(key.keyId, ctx.host())).state).toBe("enabled");
      expect((await ctx.keys.describeKey(key.keyId, ctx.host())).state).toBe("enabled");
    });

    ctx.check("deletion", "schedules deletion with the template's options; findManagedCopy then ignores the key", async () => {
      const request = ctx.request(ctx.lifecycleSpec(), "deletion");
      const key = await ctx.install(request);
      const pending = await ctx.keys.scheduleKeyDeletion(key.keyId, ctx.templateOptions, ctx.host());
      expect(pending.state).toBe("pending_deletion");
      if (pending.deletionDate) expect(pending.deletionDate.getTime()).toBeGreaterThan(Date.now());
      expect(await ctx.keys.findManagedCopy(request.copy, ctx.host()), "a copy pending deletion is not a copy").toBeNull();
      if (!def.capabilities.operations.includes("cancel_deletion")) return;
      const back = await ctx.keys.cancelKeyDeletion!(key.keyId, ctx.host());
      expect(back.state, "a cancelled deletion leaves the key disabled").toBe("disabled");
      expect(back.deletionDate).toBeUndefined();
      expect((await ctx.keys.describeKey(key.keyId, ctx.host())).state).toBe("disabled");
    });

    ctx.check("find_managed_copy", "findManagedCopy finds an installed copy by managed key and version, and nothing else", async () => {
      const request = ctx.request(ctx.lifecycleSpec(), "find");
      const key = await ctx.install(request);
      expect((await ctx.keys.findManagedCopy(request.copy, ctx.host()))?.keyId).toBe(key.keyId);
      expect(await ctx.keys.findManagedCopy({ ...request.copy, version: request.copy.version + 10 }, ctx.host())).toBeNull();
      expect(await ctx.keys.findManagedCopy(ctx.copy(), ctx.host())).toBeNull();
    });

    ctx.check("resume_install", "installKey with resumeKeyId finishes the copy findManagedCopy found, creating no other", async () => {
      const request = ctx.request(ctx.lifecycleSpec(), "resume");
      const first = await ctx.install(request);
      const found = await ctx.keys.findManagedCopy(request.copy, ctx.host());
      expect(found?.keyId).toBe(first.keyId);
      const resumed = await ctx.keys.installKey(request, ctx.host(), found!.keyId);
      expect(resumed.keyId).toBe(first.keyId);
      expect(resumed.state).toBe("enabled");
      expect(resumed.name).toBe(request.name);
      expect(await ctx.proves(resumed, request.material)).toBe(true);
      expect((await ctx.keys.findManagedCopy(request.copy, ctx.host()))?.keyId).toBe(first.keyId);
    });

    ctx.check("list_paging", "lists every key page by page, each once, within the page limit", async () => {
      await installFresh(ctx, "paging");
      await installFresh(ctx, "paging");
      const limit = ctx.acceptance ? 100 : 1;
      const seen = new Map<string, RemoteKey>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.keys.listKeys(cursor ? { cursor, limit } : { limit }, ctx.host());
        expect(page.items.length).toBeLessThanOrEqual(limit);
        for (const k of page.items) {
          expect(seen.has(k.keyId), `key ${k.keyId} listed twice`).toBe(false);
          seen.set(k.keyId, k);
        }
        expect(page.nextCursor === undefined || page.nextCursor !== cursor, "the cursor moves").toBe(true);
        cursor = page.nextCursor;
        pages++;
        expect(pages, "paging ends").toBeLessThan(10_000);
      } while (cursor);
      const missing = ctx.installed.filter(({ key }) => !seen.has(key.keyId)).map(({ key }) => key.keyId);
      expect(missing, "every key the suite installed is listed").toEqual([]);
      const listed = seen.get(ctx.installed[0]!.key.keyId)!;
      expect(listed.tags, "listed keys carry their tags").toBeDefined();
      if (!ctx.acceptance) expect(pages).toBeGreaterThanOrEqual(new Set(ctx.installed.map(({ key }) => key.keyId)).size);
    });

    ctx.check("error_codes", "NOT_FOUND for a key that does not exist; CONFLICT for a name in use, creating nothing", async () => {
      const unknown = ctx.options.unknownKeyId?.() ?? randomUUID();
      await ctx.failure(ctx.keys.describeKey(unknown, ctx.host()), "NOT_FOUND");
      await ctx.failure(ctx.keys.disableKey(unknown, ctx.host()), "NOT_FOUND");
      const { request } = await lifecycleKey();
      const clash = ctx.request(ctx.lifecycleSpec(), "clash");
      const taken = { ...clash, name: (await ctx.keys.describeKey((await lifecycleKey()).key.keyId, ctx.host())).name ?? request.name };
      await ctx.failure(ctx.keys.installKey(taken, ctx.host()), "CONFLICT");
      expect(await ctx.keys.findManagedCopy(clash.copy, ctx.host()), "the refused install left no copy").toBeNull();
    });
  });
}

async function installFresh(ctx: LiveContext, what: string): Promise<RemoteKey> {
  return ctx.install(ctx.request(ctx.lifecycleSpec(), what));
}

import { describe, expect, it } from "vitest";
import { byText, byTime, headerDirection, nextSort, sortRows } from "./sort.ts";
import { batchSummary, runBatch } from "./batch.ts";

describe("sorting", () => {
  it("cycles like Carbon: a new column ascending, then descending, then the default order", () => {
    const asc = nextSort(null, "NAME");
    expect(asc).toEqual({ field: "NAME", direction: "ASC" });
    const desc = nextSort(asc, "NAME");
    expect(desc).toEqual({ field: "NAME", direction: "DESC" });
    expect(nextSort(desc, "NAME")).toBeNull();
    expect(nextSort(desc, "TYPE")).toEqual({ field: "TYPE", direction: "ASC" });
    expect(headerDirection(desc, "NAME")).toBe("DESC");
    expect(headerDirection(desc, "TYPE")).toBe("NONE");
  });

  it("sorts in memory as people read, stable, and never-used times first", () => {
    const rows = [{ n: "key-10", t: "2026-01-02T00:00:00Z" }, { n: "Key-2", t: null }, { n: "key-1", t: "2026-01-01T00:00:00Z" }];
    expect(sortRows(rows, { field: "n", direction: "ASC" }, byText((r) => r.n)).map((r) => r.n)).toEqual(["key-1", "Key-2", "key-10"]);
    expect(sortRows(rows, { field: "n", direction: "DESC" }, byText((r) => r.n)).map((r) => r.n)).toEqual(["key-10", "Key-2", "key-1"]);
    expect(sortRows(rows, { field: "t", direction: "ASC" }, byTime((r) => r.t)).map((r) => r.n)).toEqual(["Key-2", "key-1", "key-10"]);
    expect(sortRows(rows, null, byText((r) => r.n))).toEqual(rows);
  });
});

describe("batch actions", () => {
  it("runs every row, counts a thrown error as that row's failure, and goes on", async () => {
    const result = await runBatch("Revoke", ["a", "b", "c"], (x) => x, async (x) => {
      if (x === "b") throw new Error("network down");
      return { ok: x === "a", text: x === "a" ? "revoked" : "not found" };
    });
    expect(result.rows).toEqual([
      { name: "a", ok: true, text: "revoked" },
      { name: "b", ok: false, text: "network down" },
      { name: "c", ok: false, text: "not found" },
    ]);
    expect(batchSummary(result)).toBe("Revoke: 1 succeeded, 2 failed.");
  });
});

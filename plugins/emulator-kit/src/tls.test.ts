import { createServer } from "node:https";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createTestTls } from "./tls.js";
import { SettableClock } from "./clock.js";
import { FaultPlan, type FaultBase } from "./faults.js";

function get(port: number, host: string, ca: string | undefined, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", ...(ca ? { ca } : {}), ...(servername ? { servername } : {}) }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("createTestTls", () => {
  it("makes a CA that a client trusts by option, for loopback and the extra names, and no other CA does", async () => {
    const tls = createTestTls({ dnsNames: ["*.vault.azure.net"] });
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end("hello"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, "127.0.0.1", tls.caPem)).toBe("hello");
      expect(await get(port, "127.0.0.1", tls.caPem, "myvault.vault.azure.net")).toBe("hello");
      await expect(get(port, "127.0.0.1", undefined)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
      const other = createTestTls();
      await expect(get(port, "127.0.0.1", other.caPem)).rejects.toThrow(/unable to verify|certificate/i);
      await expect(get(port, "127.0.0.1", tls.caPem, "elsewhere.example.com")).rejects.toThrow(/altnames|Hostname/i);
    } finally {
      server.close();
    }
  });
});

describe("SettableClock", () => {
  it("advances, stops and runs again from where it stood", () => {
    const clock = new SettableClock();
    const start = clock.now().getTime();
    clock.advance(3_600_000);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(3_600_000);
    clock.set(new Date("2030-01-01T00:00:00Z"));
    expect(clock.now().toISOString()).toBe("2030-01-01T00:00:00.000Z");
    clock.advance(1000);
    expect(clock.now().toISOString()).toBe("2030-01-01T00:00:01.000Z");
    clock.release();
    expect(Math.abs(clock.now().getTime() - Date.parse("2030-01-01T00:00:01Z"))).toBeLessThan(1000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe("FaultPlan", () => {
  type F = FaultBase & ({ kind: "latency"; ms: number } | { kind: "throttle" } | { kind: "hang" });
  it("adds latencies, lets the first other fault decide, uses up counted faults and filters by operation", () => {
    const plan = new FaultPlan<F>();
    plan.inject({ kind: "latency", ms: 10 });
    plan.inject({ kind: "latency", ms: 5, operation: "Get", times: 1 });
    plan.inject({ kind: "throttle", operation: "Get", times: 1 });
    plan.inject({ kind: "hang", operation: "Get" });
    expect(plan.take("List")).toEqual({ latencyMs: 10 });
    expect(plan.take("Get")).toEqual({ latencyMs: 15, outcome: { kind: "throttle", operation: "Get", times: 1 } });
    expect(plan.take("Get").outcome?.kind).toBe("hang");
    plan.clear();
    expect(plan.take("Get")).toEqual({ latencyMs: 0 });
    expect(() => plan.inject({ kind: "throttle", times: 0 })).toThrow(RangeError);
    expect(() => plan.inject({ kind: "latency", ms: -1 })).toThrow(RangeError);
  });
});

import { status } from "@grpc/grpc-js";
import type { KeyManagementServiceClient } from "@google-cloud/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { propertiesFor } from "../../test/target.js";
import { Kms } from "../kms-client.js";
import { googleConnection } from "../properties.js";
import { startGoogleKmsEmulator, type GoogleKmsEmulator } from "./index.js";

let emulator: GoogleKmsEmulator;
let kms: Kms;
let client: KeyManagementServiceClient;
let ring: string;
beforeAll(async () => {
  emulator = await startGoogleKmsEmulator();
  kms = new Kms(googleConnection(propertiesFor(emulator, emulator.keyFile)));
  client = kms.client;
  ring = `projects/${emulator.projectId}/locations/${emulator.location}/keyRings/uko`;
  await client.getKeyRing({ name: ring }); // a warm channel, so timings below are the faults'
});
afterAll(async () => {
  await kms?.close();
  await emulator?.close();
});

const codeOf = (promise: Promise<unknown>) => promise.then(() => status.OK, (e: { code: number }) => e.code);

describe("Google KMS emulator faults", () => {
  it("answers the injected gRPC status for the matching method, as many times as asked", async () => {
    emulator.faults.inject({ kind: "unavailable", operation: "GetKeyRing", times: 1 });
    emulator.faults.inject({ kind: "resource_exhausted", operation: "ListCryptoKeys", times: 1 });
    emulator.faults.inject({ kind: "deadline_exceeded", operation: "GetKeyRing", times: 1 });
    emulator.faults.inject({ kind: "internal", operation: "GetKeyRing", times: 1 });
    expect(await codeOf(client.listCryptoKeys({ parent: ring }, { autoPaginate: false }))).toBe(status.RESOURCE_EXHAUSTED);
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.UNAVAILABLE);
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.DEADLINE_EXCEEDED);
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.INTERNAL);
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.OK);
    expect(await codeOf(client.listCryptoKeys({ parent: ring }, { autoPaginate: false }))).toBe(status.OK);
  });

  it("adds latency, and a hang is never answered (the client's own deadline ends it)", async () => {
    emulator.faults.inject({ kind: "latency", ms: 300, operation: "GetKeyRing", times: 1 });
    let started = Date.now();
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.OK);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emulator.faults.inject({ kind: "hang", operation: "GetKeyRing", times: 1 });
    started = Date.now();
    expect(await codeOf(client.getKeyRing({ name: ring }, { timeout: 300 }))).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(emulator.inspect.requests().at(-1)).toEqual({ method: "GetKeyRing" });
    expect(await codeOf(client.getKeyRing({ name: ring }))).toBe(status.OK);
  });

  it("close() ends hung calls and stops serving", async () => {
    const other = await startGoogleKmsEmulator();
    const otherKms = new Kms(googleConnection(propertiesFor(other, other.keyFile)));
    const otherRing = `projects/${other.projectId}/locations/${other.location}/keyRings/uko`;
    other.faults.inject({ kind: "hang" });
    const hung = codeOf(otherKms.client.getKeyRing({ name: otherRing }, { timeout: 10_000 }));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await other.close();
    expect(await hung).not.toBe(status.OK);
    expect(Date.now() - started).toBeLessThan(3_000);
    await otherKms.close();
  });
});

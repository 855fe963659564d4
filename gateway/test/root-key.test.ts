import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConnectorRegistry } from "../src/connectors/registry.js";
import { RootKey } from "../src/crypto/seal.js";
import { createGateway } from "../src/server.js";

const quiet = { registry: new ConnectorRegistry([]), logger: pino({ level: "silent" }) };

describe("root key", () => {
  it("is created owner-only on first start, reused after, and a different key is refused", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uko-root-"));
    try {
      const config = { ...loadConfig({ UKO_DATA_DIR: dataDir }), logLevel: "silent" };
      const first = await createGateway(config, quiet);
      expect(first.createdRootKeyFile).toBe(join(dataDir, "root.key"));
      expect(statSync(join(dataDir, "root.key")).mode & 0o777).toBe(0o600);
      await first.close();
      const second = await createGateway(config, quiet);
      expect(second.createdRootKeyFile).toBeUndefined();
      await second.close();
      const other = { ...config, rootKey: randomBytes(32).toString("base64") };
      await expect(createGateway(other, quiet)).rejects.toThrow(/sealed with another root key/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("seals so that only the same key and the same row can open", () => {
    const key = new RootKey(randomBytes(32));
    const sealed = key.sealJson({ s: "secret" }, "keystore:a:secrets");
    expect(key.openJson(sealed, "keystore:a:secrets")).toEqual({ s: "secret" });
    expect(sealed.toString("latin1")).not.toContain("secret");
    expect(() => key.open(sealed, "keystore:b:secrets")).toThrow(/does not open/);
    expect(() => new RootKey(randomBytes(32)).open(sealed, "keystore:a:secrets")).toThrow(/another root key/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => key.open(tampered, "keystore:a:secrets")).toThrow(/does not open/);
  });

  it("rejects bad configuration with messages naming the variable", () => {
    expect(() => loadConfig({ PORT: "99999", UKO_ROOT_KEY: "short" })).toThrow(/PORT[\s\S]*UKO_ROOT_KEY/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must start with file:/);
  });
});

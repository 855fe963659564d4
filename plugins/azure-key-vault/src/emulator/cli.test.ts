import { ClientSecretCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";
import { describe, expect, it, vi } from "vitest";
import { main, UsageError } from "./cli.js";

describe("the emulator CLI", () => {
  it("prints one JSON line with which the real SDK connects: vault URL, authority, CA, tenant, client id and secret", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    let emulator;
    try {
      emulator = await main(["--port", "0", "--sku", "standard"]);
    } finally {
      spy.mockRestore();
    }
    try {
      expect(written).toHaveLength(1);
      const line = JSON.parse(written[0]!) as Record<string, string>;
      expect(line).toMatchObject({ type: "azure_key_vault", sku: "standard", endpoint: emulator.endpoint });
      const tlsOptions = { ca: line.caPem! };
      const credential = new ClientSecretCredential(line.tenantId!, line.clientId!, line.clientSecret!, {
        authorityHost: line.authorityHost!,
        disableInstanceDiscovery: true,
        retryOptions: { maxRetries: 0 },
        tlsOptions,
      });
      const client = new KeyClient(line.endpoint!, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 }, tlsOptions });
      const page = await client.listPropertiesOfKeys().byPage().next();
      expect(page.value).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it("refuses a bad port or tier as a usage error", async () => {
    await expect(main(["--port", "70000"])).rejects.toBeInstanceOf(UsageError);
    await expect(main(["--sku", "basic"])).rejects.toBeInstanceOf(UsageError);
  });
});

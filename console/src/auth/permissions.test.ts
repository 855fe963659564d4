import { describe, expect, it } from "vitest";
import type { Me } from "./me.ts";
import { refusal, vaultsAllowing } from "./permissions.ts";

const ops = { id: "v-ops", name: "Ops" };
const other = { id: "v-other", name: "Other" };
const me = (roles: Me["roles"], administrator = false): Me => ({ tokenId: "t", name: "n", administrator, roles });

describe("refusal", () => {
  it("allows the administrator everything", () => {
    expect(refusal(me([], true), "vaults.write")).toBeUndefined();
    expect(refusal(me([], true), "keys.deploy", ops)).toBeUndefined();
  });

  it("refuses a Reader every action, naming its role and the one needed", () => {
    const reader = me([{ role: "READER", vault: ops }]);
    expect(refusal(reader, "keystores.write", ops)).toBe("Not allowed: you have Reader in Ops; this needs Vault administrator.");
    expect(refusal(reader, "keys.deploy", ops)).toMatch(/needs Key custodian – Deployer/);
  });

  it("follows the roles, which do not nest, vault by vault", () => {
    const admin = me([{ role: "VAULT_ADMINISTRATOR", vault: ops }]);
    expect(refusal(admin, "keys.destroy", ops)).toBeUndefined();
    expect(refusal(admin, "keys.deploy", ops)).toMatch(/you have Vault administrator in Ops/);
    expect(refusal(admin, "keystores.write", other)).toMatch(/you have no role in Other/);
    const both = me([{ role: "KEY_CUSTODIAN_CREATOR", vault: ops }, { role: "KEY_CUSTODIAN_DEPLOYER", vault: ops }]);
    expect(refusal(both, "keys.rotate", ops)).toBeUndefined();
    expect(refusal(both, "keys.deploy", ops)).toBeUndefined();
    expect(refusal(both, "vaults.write")).toMatch(/Only the instance administrator/);
  });

  it("without a vault, allows what some vault allows", () => {
    const creator = me([{ role: "KEY_CUSTODIAN_CREATOR", vault: ops }]);
    expect(refusal(creator, "keys.create")).toBeUndefined();
    expect(refusal(creator, "templates.write")).toMatch(/in a vault/);
    expect([...vaultsAllowing(creator, "keys.create")!]).toEqual(["v-ops"]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLOWED_FROM, type KeyState } from "../src/keys/rules.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/**
 * UKO's action matrix, whole: every lifecycle action from every state, each on a fresh key, through
 * GraphQL. Allowed ones succeed; refused ones are a KeyStateError naming the states that would
 * allow the action, and change nothing.
 */
const ACTIONS = ["activate", "deactivate", "rotate", "destroy", "delete"] as const;
const STATES: KeyState[] = ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"];
/** How to bring a fresh key to each state. */
const PATH: Record<KeyState, (typeof ACTIONS)[number][]> = {
  PRE_ACTIVATION: [],
  ACTIVE: ["activate"],
  DEACTIVATED: ["activate", "deactivate"],
  DESTROYED: ["destroy"],
};

describe("the key state matrix", () => {
  let t: TestGateway;
  let vaultId: string;
  let templateId: string;
  let n = 0;

  const run = async (action: (typeof ACTIONS)[number], key: { id: string; version: number }) => {
    const r = (await t.gql(lifecycle(action), { input: { id: key.id, expectedVersion: key.version } })).data[`${action}ManagedKey`];
    return r;
  };

  beforeAll(async () => {
    t = await startTestGateway("sqlite", { destroyWaitSeconds: 0 });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "matrix" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
      input: { vaultId, name: "matrix-ks", groups: ["prod"], properties: { reference: { referenceInstance: "matrix", referenceApiKey: "reference-key-1" } } },
    });
    templateId = await createTemplate(t, { vaultId, name: "matrix", type: "reference", group: "prod" });
  });
  afterAll(() => t?.close());

  for (const state of STATES) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED_FROM[action].includes(state);
      it(`${action} from ${state}: ${allowed ? "allowed" : "refused"}`, async () => {
        let key = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: `m${++n}`, namingValues: [{ name: "app", value: `m${n}` }] } })).data.createManagedKey.managedKey;
        for (const step of PATH[state]) key = (await run(step, key)).managedKey;
        expect(key.state).toBe(state);
        const result = await run(action, key);
        if (allowed) {
          expect(result.__typename).toBe(`${action.charAt(0).toUpperCase()}${action.slice(1)}ManagedKeySuccess`);
        } else {
          expect(result).toMatchObject({ __typename: "KeyStateError", state, action, allowedStates: [...ALLOWED_FROM[action]] });
          const after = (await t.gql(`query($id: ID!) { managedKey(id: $id) { state version } }`, { id: key.id })).data.managedKey;
          expect(after).toEqual({ state, version: key.version });
        }
      });
    }
  }
});

import { gql } from "../../api/client.ts";
import { REFRESH_STATUS } from "../../api/documents.ts";
import type { ConnectionTest, TypedError } from "../../api/types.ts";
import { healthText } from "../../components/Feedback.tsx";

/**
 * "Check status" on one keystore (the keystore page's "Check now"): the gateway tests the
 * connection and saves the outcome as its status. It succeeded when the keystore answered healthy;
 * a check that ran but found a problem is a failure for that row, with the problem in words.
 */
export async function checkKeystoreStatus(id: string): Promise<{ ok: boolean; text: string }> {
  const r = await gql<{ refreshKeystoreStatus: TypedError & { refresh?: { test: ConnectionTest } } }>(REFRESH_STATUS, { input: { id } });
  const test = r.refreshKeystoreStatus.refresh?.test;
  if (!test) return { ok: false, text: r.refreshKeystoreStatus.message ?? "not checked" };
  const health = healthText(test.health);
  return { ok: test.ok, text: test.message ? `${health}: ${test.message}` : health };
}

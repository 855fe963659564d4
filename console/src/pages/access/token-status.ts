import { formatTime } from "../../components/Feedback.tsx";
import type { AccessToken } from "./types.ts";

/** "Revoked on …", "Expired", "Expires on …" or "Active". */
export function tokenStatus(t: Pick<AccessToken, "revokedAt" | "expiresAt">): string {
  if (t.revokedAt) return `Revoked ${formatTime(t.revokedAt)}`;
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return `Expired ${formatTime(t.expiresAt)}`;
  if (t.expiresAt) return `Active, expires ${formatTime(t.expiresAt)}`;
  return "Active";
}

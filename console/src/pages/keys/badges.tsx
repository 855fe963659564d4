import type { KeyState, KeyStatusInKeystore } from "../../api/types.ts";
import { Badge } from "../../components/Feedback.tsx";

const STATE_TONE: Record<KeyState, "ok" | "warn" | "bad" | "neutral"> = { ACTIVE: "ok", PRE_ACTIVATION: "neutral", DEACTIVATED: "warn", DESTROYED: "bad" };

export function StateBadge({ state }: { state: KeyState }) {
  return <Badge tone={STATE_TONE[state]}>{state.replace("_", " ").toLowerCase()}</Badge>;
}

/** Drift (OUT_OF_SYNC, ERROR) stands out; OK is quiet. */
export function SyncBadge({ flag }: { flag: KeyStatusInKeystore["syncFlag"] }) {
  if (flag === "OK") return <Badge tone="ok">in sync</Badge>;
  return <Badge tone="bad">{flag === "ERROR" ? "error" : "out of sync"}</Badge>;
}

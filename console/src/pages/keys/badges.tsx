import type { KeyState, KeyStatusInKeystore } from "../../api/types.ts";
import { Badge } from "../../components/Feedback.tsx";
import { stateWord } from "../../text/words.ts";
import { stateSummary } from "./installs.ts";

const STATE_TONE: Record<KeyState, "ok" | "warn" | "bad" | "neutral"> = { ACTIVE: "ok", PRE_ACTIVATION: "neutral", DEACTIVATED: "warn", DESTROYED: "bad" };

/** The state in words; given the key's copies, an active key installed nowhere reads as such, in red. */
export function StateBadge({ state, copies }: { state: KeyState; copies?: readonly Pick<KeyStatusInKeystore, "keystoreName" | "status" | "syncFlag">[] }) {
  const summary = copies ? stateSummary({ state, statusInKeystores: copies }) : undefined;
  if (summary) return <Badge tone={summary.tone}>{summary.text}</Badge>;
  return <Badge tone={STATE_TONE[state]}>{stateWord(state)}</Badge>;
}

/** Drift (OUT_OF_SYNC, ERROR) stands out; OK is quiet. */
export function SyncBadge({ flag }: { flag: KeyStatusInKeystore["syncFlag"] }) {
  if (flag === "OK") return <Badge tone="ok">in sync</Badge>;
  return <Badge tone="bad">{flag === "ERROR" ? "error" : "out of sync"}</Badge>;
}

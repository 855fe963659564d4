import { useSyncExternalStore } from "react";
import { ToastNotification } from "@carbon/react";
import { currentToasts, dismissToast, SUCCESS_TOAST_MS, subscribeToasts, type ToastKind } from "./toasts.ts";

const KIND_WORD: Record<ToastKind, string> = { error: "Error", warning: "Warning", info: "Information", success: "Success" };

/**
 * The toasts, top right under the header, newest last: Carbon's ToastNotification, an error
 * announced as an alert and the others as a status; success closes itself after a few seconds.
 */
export function Toasts() {
  const toasts = useSyncExternalStore(subscribeToasts, currentToasts);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" data-testid="toasts">
      {toasts.map((t) => (
        <ToastNotification
          key={t.id}
          className={`toast toast-${t.kind}`}
          kind={t.kind}
          role={t.kind === "error" ? "alert" : "status"}
          title={t.title}
          subtitle={t.subtitle}
          statusIconDescription={KIND_WORD[t.kind]}
          aria-label="Close"
          timeout={t.kind === "success" ? SUCCESS_TOAST_MS : 0}
          onClose={() => {
            dismissToast(t.id);
            return false;
          }}
        />
      ))}
    </div>
  );
}

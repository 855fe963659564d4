import { useLayoutEffect, useRef, type ReactNode } from "react";
import { Modal } from "@carbon/react";

/**
 * A confirmation as Carbon's Modal (its danger variant for destructive actions): Carbon keeps
 * focus inside it and Escape or its close button cancel. It is mounted only while open, so a page
 * holds no hidden dialogs; it remembers the element that had focus when it opened (the button
 * that opened it) and gives focus back to it when it closes.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const opener = useRef<HTMLElement | null>(null);
  // A layout effect: it runs before Carbon's (passive) effect moves focus into the modal.
  useLayoutEffect(() => {
    if (props.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      return;
    }
    const back = opener.current;
    opener.current = null;
    // After Carbon's own close handling, and only if the opener is still on the page.
    if (back?.isConnected) setTimeout(() => back.focus());
  }, [props.open]);
  if (!props.open) return null;
  return (
    <Modal
      open
      danger={props.danger}
      size="sm"
      modalHeading={props.title}
      primaryButtonText={props.busy ? "Working…" : props.confirmLabel}
      primaryButtonDisabled={props.busy}
      secondaryButtonText="Cancel"
      selectorPrimaryFocus=".cds--modal-footer .cds--btn--secondary"
      onRequestSubmit={props.onConfirm}
      onRequestClose={() => {
        if (!props.busy) props.onCancel();
      }}
    >
      <div className="dialog-body">{props.children}</div>
    </Modal>
  );
}

import type { ButtonHTMLAttributes, MouseEvent, ReactNode } from "react";
import { Button, Tooltip, type ButtonKind } from "@carbon/react";
import { Link } from "../router.tsx";

export type ActionKind = Extract<ButtonKind, "primary" | "secondary" | "tertiary" | "ghost" | "danger" | "danger--tertiary">;

type ActionButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type"> & { kind?: ActionKind; refused?: string };

/**
 * A page action as Carbon's Button (tertiary unless told). When `refused` gives a reason, the
 * button stays in the tab order but is marked aria-disabled, looks disabled and does nothing, and
 * the reason is its description — read with it by a screen reader and shown as Carbon's tooltip on
 * hover or focus (a `disabled` button could not be focused, so its reason could not be reached
 * from the keyboard).
 */
export function ActionButton({ refused, kind = "tertiary", onClick, className, children, ...rest }: ActionButtonProps) {
  if (!refused) {
    return (
      <Button kind={kind} size="md" className={className} onClick={onClick} {...rest}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip description={refused} align="bottom-end" className="refusal">
      <Button
        kind={kind}
        size="md"
        {...rest}
        className={`${className ?? ""} cds--btn--disabled refused`.trim()}
        aria-disabled="true"
        onClick={(e: MouseEvent) => e.preventDefault()}
      >
        {children}
      </Button>
    </Tooltip>
  );
}

/** A "create" link looking like a Carbon button: refused, it becomes a refused button with the reason. */
export function ActionLink({ to, refused, kind = "primary", children }: { to: string; refused?: string; kind?: ActionKind; children: ReactNode }) {
  if (refused) {
    return (
      <ActionButton kind={kind} refused={refused}>
        {children}
      </ActionButton>
    );
  }
  // Carbon's Button passes its own `href` to the element it renders as: give it the same address,
  // or the anchor would lose its href (and with it the link role).
  return (
    <Button as={Link} to={to} href={to} kind={kind} size="md">
      {children}
    </Button>
  );
}

import { useId, type ButtonHTMLAttributes } from "react";
import { Link } from "../router.tsx";

/**
 * A button the caller's roles may not allow. When `refused` gives a reason, it stays in the tab
 * order but is marked aria-disabled and does nothing, and the reason is its description: read
 * with it by a screen reader, shown as a tooltip on hover or focus (a `disabled` button could not
 * be focused, so its reason could not be reached from the keyboard).
 */
export function ActionButton({ refused, onClick, className, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { refused?: string }) {
  const id = useId();
  if (!refused) return <button type="button" className={className} onClick={onClick} {...rest} />;
  return (
    <span className="has-tooltip">
      <button type="button" {...rest} className={`${className ?? ""} refused`.trim()} aria-disabled="true" aria-describedby={`${id}-why`} onClick={(e) => e.preventDefault()} />
      <span role="tooltip" id={`${id}-why`} className="tooltip">
        {refused}
      </span>
    </span>
  );
}

/** A "create" link styled as a button: refused, it becomes a refused button with the reason. */
export function ActionLink({ to, refused, className, children }: { to: string; refused?: string; className?: string; children: React.ReactNode }) {
  if (refused) {
    return (
      <ActionButton className={className} refused={refused}>
        {children}
      </ActionButton>
    );
  }
  return (
    <Link className={`button ${className ?? ""}`.trim()} to={to}>
      {children}
    </Link>
  );
}

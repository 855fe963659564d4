import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * The header's navigation and account. Wide, they sit in the header's row; in a narrow window
 * (CSS, below 1100 px) they fold behind a "Menu" disclosure button (aria-expanded), which opens
 * them as a column under the header. Escape closes it and returns focus to the button; going to
 * another page closes it.
 */
export function TopMenu({ pathname, children }: { pathname: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-expanded={open}
        aria-controls="top-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      <div
        id="top-menu"
        className={`top-menu${open ? " open" : ""}`}
        onKeyDown={(e) => {
          if (e.key === "Escape" && open) {
            setOpen(false);
            button.current?.focus();
          }
        }}
      >
        {children}
      </div>
    </>
  );
}

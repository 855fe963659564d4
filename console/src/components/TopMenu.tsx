import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Header, HeaderGlobalBar, HeaderMenuButton, HeaderMenuItem, HeaderNavigation, SideNav, SideNavItems, SideNavLink, SkipToContent, Theme } from "@carbon/react";
import { Link } from "../router.tsx";
import { useWide } from "../shell/use-wide.ts";
import { Brand } from "./Brand.tsx";

export interface Section {
  to: string;
  label: string;
  current: boolean;
}

/**
 * Carbon's UI shell header (dark, as IBM's consoles): the product name, then, in a wide window,
 * the sections in the header's row and the account at its end. Below Carbon's `xlg` breakpoint they
 * fold into Carbon's side navigation behind a Menu button (aria-expanded): Tab from the button
 * goes into it, Escape closes it and returns focus to the button, and going to another page or
 * clicking beside it closes it.
 */
export function TopMenu({ pathname, sections, account }: { pathname: string; sections: Section[]; account?: ReactNode }) {
  const wide = useWide();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [pathname, wide]);
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || !open) return;
    setOpen(false);
    button.current?.focus();
  };
  return (
    <Theme theme="g100" onKeyDown={closeOnEscape}>
      <Header aria-label="UKO console" className="top">
        <SkipToContent href="#main">Skip to content</SkipToContent>
        {!wide && sections.length > 0 && (
          <HeaderMenuButton
            ref={button}
            aria-label="Menu"
            className="menu-button"
            isCollapsible
            isActive={open}
            aria-expanded={open}
            aria-controls="side-nav"
            onClick={() => setOpen((o) => !o)}
          />
        )}
        <Brand />
        {wide && sections.length > 0 && (
          <HeaderNavigation aria-label="Main">
            {sections.map((s) => (
              <HeaderMenuItem key={s.to} as={Link} to={s.to} isActive={s.current} aria-current={s.current ? "page" : undefined}>
                {s.label}
              </HeaderMenuItem>
            ))}
          </HeaderNavigation>
        )}
        {wide && account && <HeaderGlobalBar>{account}</HeaderGlobalBar>}
        {!wide && sections.length > 0 && (
          <SideNav id="side-nav" aria-label="Main" expanded={open} isPersistent={false} addFocusListeners={false} onOverlayClick={() => setOpen(false)}>
            <SideNavItems>
              {sections.map((s) => (
                <SideNavLink key={s.to} as={Link} to={s.to} isActive={s.current} aria-current={s.current ? "page" : undefined}>
                  {s.label}
                </SideNavLink>
              ))}
            </SideNavItems>
            {/* Carbon makes the closed navigation inert only below its lg breakpoint; the account's
                button must not be reachable in a closed navigation at any width. */}
            <div inert={!open}>{account}</div>
          </SideNav>
        )}
      </Header>
    </Theme>
  );
}

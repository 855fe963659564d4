import { Content } from "@carbon/react";
import type { ReactNode } from "react";

/**
 * The page's main landmark: Carbon's Content (below the fixed header), the skip link's target,
 * focusable from script so a client-side page change can move focus to it (focusMain) as a page
 * load would.
 */
export function PageContent({ children }: { children: ReactNode }) {
  return (
    <Content id="main" tabIndex={-1} className="page">
      {children}
    </Content>
  );
}

export function focusMain(): void {
  document.getElementById("main")?.focus();
}

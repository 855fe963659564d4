import { useEffect } from "react";

/** The browser tab says which page this is: "Managed keys · UKO console". */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · UKO console`;
  }, [title]);
}

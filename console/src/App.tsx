import { useEffect, useLayoutEffect, useRef } from "react";
import { Link, matchPath, useLocation } from "./router.tsx";
import { KeystoreList } from "./pages/KeystoreList.tsx";
import { KeystorePage } from "./pages/KeystorePage.tsx";
import { Wizard } from "./pages/wizard/Wizard.tsx";
import { KeyList } from "./pages/keys/KeyList.tsx";
import { KeyPage } from "./pages/keys/KeyPage.tsx";
import { CreateKey } from "./pages/keys/CreateKey.tsx";
import { TemplateList } from "./pages/keys/TemplateList.tsx";
import { CreateTemplate } from "./pages/keys/CreateTemplate.tsx";
import { TemplatePage } from "./pages/keys/TemplatePage.tsx";
import { VaultList } from "./pages/vaults/VaultList.tsx";
import { VaultPage } from "./pages/vaults/VaultPage.tsx";
import { Overview } from "./pages/Overview.tsx";
import { TokenList } from "./pages/access/TokenList.tsx";
import { TokenPage } from "./pages/access/TokenPage.tsx";
import { AuditLog } from "./pages/audit/AuditLog.tsx";
import { useSession } from "./auth/use-session.ts";
import { SignIn } from "./auth/SignIn.tsx";
import { Account } from "./auth/Account.tsx";
import { Alert, Loading } from "./components/Feedback.tsx";
import { Button } from "@carbon/react";
import { Toasts } from "./components/Toasts.tsx";
import { TopMenu, type Section } from "./components/TopMenu.tsx";
import { focusMain, PageContent } from "./shell/PageContent.tsx";

/**
 * Routes, most specific first, each with the tab title it starts with; a page that knows more
 * (the key's label) sets its own with usePageTitle.
 */
const ROUTES: [string, string, (p: Record<string, string>) => React.ReactElement][] = [
  ["/keystores/new", "Connect a keystore", () => <Wizard />],
  ["/keystores/:id", "Keystore", (p) => <KeystorePage id={p.id!} />],
  ["/keystores", "Keystores", () => <KeystoreList />],
  ["/keys/new", "Create a key", () => <CreateKey />],
  ["/keys/:id", "Managed key", (p) => <KeyPage id={p.id!} />],
  ["/keys", "Managed keys", () => <KeyList />],
  ["/templates/new", "Create a key template", () => <CreateTemplate />],
  ["/templates/:id", "Key template", (p) => <TemplatePage id={p.id!} />],
  ["/templates", "Key templates", () => <TemplateList />],
  ["/vaults/:id", "Vault", (p) => <VaultPage id={p.id!} />],
  ["/vaults", "Vaults", () => <VaultList />],
  ["/tokens/:id", "Access token", (p) => <TokenPage id={p.id!} />],
  ["/tokens", "Access tokens", () => <TokenList />],
  ["/audit", "Audit log", () => <AuditLog />],
  ["/", "Overview", () => <Overview />],
];

export function App() {
  const { pathname } = useLocation();
  const session = useSession();
  // On a client-side page change (not the first load, which starts at the document's top like any
  // page load), move focus to the new page's content.
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    focusMain();
  }, [pathname]);
  // The route's title first (layout effects run before the page's own usePageTitle effect).
  useLayoutEffect(() => {
    document.title = `${session.token ? (routeTitle(pathname) ?? "Page not found") : "Sign in"} · UKO console`;
  }, [pathname, session.token]);
  // No token, or the API said it no longer works: the sign-in page, at the address asked for.
  if (!session.token) {
    return (
      <>
        <TopMenu pathname={pathname} sections={[]} />
        <PageContent>
          <SignIn endedBecause={session.endedBecause} />
        </PageContent>
      </>
    );
  }
  if (!session.me) {
    return (
      <>
        <TopMenu pathname={pathname} sections={[]} />
        <PageContent>
          {session.loadError ? (
            <>
              <Alert>{session.loadError}</Alert>
              <Button kind="primary" onClick={session.retry}>
                Try again
              </Button>
            </>
          ) : (
            <Loading what="your account" />
          )}
        </PageContent>
      </>
    );
  }
  let page: React.ReactElement = <NotFound />;
  for (const [pattern, , render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) {
      page = render(params);
      break;
    }
  }
  const section = pathname.split("/")[1];
  const sections: Section[] = SECTIONS.filter((s) => !s.administrator || session.me!.administrator).map((s) => ({ to: s.to, label: s.label, current: section === s.to.slice(1) }));
  return (
    <>
      <TopMenu pathname={pathname} sections={sections} account={<Account me={session.me} />} />
      <PageContent>{page}</PageContent>
      <Toasts />
    </>
  );
}

/** The header's sections, in the order of a security team's day: the state, then what is in it. */
const SECTIONS: { to: string; label: string; administrator?: boolean }[] = [
  { to: "/", label: "Overview" },
  { to: "/vaults", label: "Vaults" },
  { to: "/keystores", label: "Keystores" },
  { to: "/keys", label: "Managed keys" },
  { to: "/templates", label: "Key templates" },
  { to: "/audit", label: "Audit log" },
  { to: "/tokens", label: "Access tokens", administrator: true },
];

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page here. Go to the <Link to="/keystores">keystores</Link>.
      </p>
    </>
  );
}

function routeTitle(pathname: string): string | undefined {
  return ROUTES.find(([pattern]) => matchPath(pattern, pathname))?.[1];
}

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
import { Brand } from "./components/Brand.tsx";
import { TopMenu } from "./components/TopMenu.tsx";

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
  const main = useRef<HTMLElement>(null);
  // On a client-side page change, move focus to the new page's content, as a page load would.
  useEffect(() => main.current?.focus(), [pathname]);
  // The route's title first (layout effects run before the page's own usePageTitle effect).
  useLayoutEffect(() => {
    document.title = `${session.token ? (routeTitle(pathname) ?? "Page not found") : "Sign in"} · UKO console`;
  }, [pathname, session.token]);
  // No token, or the API said it no longer works: the sign-in page, at the address asked for.
  if (!session.token) {
    return (
      <>
        <header className="top">
          <Brand />
        </header>
        <main id="main">
          <SignIn endedBecause={session.endedBecause} />
        </main>
      </>
    );
  }
  if (!session.me) {
    return (
      <main id="main">
        {session.loadError ? (
          <>
            <Alert>{session.loadError}</Alert>
            <button type="button" onClick={session.retry}>
              Try again
            </button>
          </>
        ) : (
          <Loading what="your account" />
        )}
      </main>
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
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Brand />
        <TopMenu pathname={pathname}>
          <nav aria-label="Main">
            <Link to="/" aria-current={section === "" ? "page" : undefined}>
              Overview
            </Link>
            <Link to="/vaults" aria-current={section === "vaults" ? "page" : undefined}>
              Vaults
            </Link>
            <Link to="/keystores" aria-current={section === "keystores" ? "page" : undefined}>
              Keystores
            </Link>
            <Link to="/keys" aria-current={section === "keys" ? "page" : undefined}>
              Managed keys
            </Link>
            <Link to="/templates" aria-current={section === "templates" ? "page" : undefined}>
              Key templates
            </Link>
            <Link to="/audit" aria-current={section === "audit" ? "page" : undefined}>
              Audit log
            </Link>
            {session.me.administrator && (
              <Link to="/tokens" aria-current={section === "tokens" ? "page" : undefined}>
                Access tokens
              </Link>
            )}
          </nav>
          <Account me={session.me} />
        </TopMenu>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

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

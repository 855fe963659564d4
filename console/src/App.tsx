import { useEffect, useRef } from "react";
import { Link, matchPath, Redirect, useLocation } from "./router.tsx";
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
import { useSession } from "./auth/use-session.ts";
import { SignIn } from "./auth/SignIn.tsx";
import { Account } from "./auth/Account.tsx";
import { Alert, Loading } from "./components/Feedback.tsx";

/** Routes, most specific first. */
const ROUTES: [string, (p: Record<string, string>) => React.ReactElement][] = [
  ["/keystores/new", () => <Wizard />],
  ["/keystores/:id", (p) => <KeystorePage id={p.id!} />],
  ["/keystores", () => <KeystoreList />],
  ["/keys/new", () => <CreateKey />],
  ["/keys/:id", (p) => <KeyPage id={p.id!} />],
  ["/keys", () => <KeyList />],
  ["/templates/new", () => <CreateTemplate />],
  ["/templates/:id", (p) => <TemplatePage id={p.id!} />],
  ["/templates", () => <TemplateList />],
  ["/vaults/:id", (p) => <VaultPage id={p.id!} />],
  ["/vaults", () => <VaultList />],
];

export function App() {
  const { pathname } = useLocation();
  const session = useSession();
  const main = useRef<HTMLElement>(null);
  // On a client-side page change, move focus to the new page's content, as a page load would.
  useEffect(() => main.current?.focus(), [pathname]);
  // No token, or the API said it no longer works: the sign-in page, at the address asked for.
  if (!session.token) {
    return (
      <>
        <header className="top">
          <span className="brand">UKO console</span>
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
  if (pathname === "/") page = <Redirect to="/keystores" />;
  for (const [pattern, render] of ROUTES) {
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
        <span className="brand">UKO console</span>
        <nav aria-label="Main">
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
        </nav>
        <Account me={session.me} />
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

import { useEffect, useRef } from 'react';
import { Header } from './components/Header';
import { I18nProvider, useI18n } from './i18n';
import { AccountPage } from './pages/AccountPage';
import { AdminPage } from './pages/AdminPage';
import { CataloguePage } from './pages/CataloguePage';
import { CertificatePage } from './pages/CertificatePage';
import { CollectionsPage } from './pages/CollectionsPage';
import { EvidenceListPage } from './pages/EvidenceListPage';
import { EvidencePage } from './pages/EvidencePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ScanPage } from './pages/ScanPage';
import { UploadPage } from './pages/UploadPage';
import { VerifyPage } from './pages/VerifyPage';
import { WorkPage } from './pages/WorkPage';
import { matchPath, useLocation } from './router';
import { SessionProvider } from './session';

function Page({ path }: { path: string }) {
  if (path === '/') return <CataloguePage />;
  const work = matchPath('/works/:id', path);
  if (work) return <WorkPage id={work.id!} />;
  if (path === '/login') return <LoginPage />;
  if (path === '/upload') return <UploadPage />;
  if (path === '/admin') return <AdminPage />;
  if (path === '/collections') return <CollectionsPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/verify') return <VerifyPage />;
  if (path === '/scan') return <ScanPage />;
  if (path === '/evidence') return <EvidenceListPage />;
  const evidence = matchPath('/evidence/:id', path);
  if (evidence) return <EvidencePage id={evidence.id!} />;
  const certificate = matchPath('/registry/certificates/:id', path);
  if (certificate) return <CertificatePage id={certificate.id!} />;
  return <NotFoundPage />;
}

function Layout() {
  const { t } = useI18n();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const previousPath = useRef(path);

  // A new page (not a new query on the same page) moves focus to <main>, as a full page load
  // would, so screen-reader and keyboard users start at the content.
  useEffect(() => {
    if (previousPath.current === path) return;
    previousPath.current = path;
    window.scrollTo({ top: 0 });
    main.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1} className="site-main">
        <Page path={path} />
      </main>
      <footer className="site-footer">
        <p>
          {t('site.footer')} <a href="/api/docs">{t('site.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}

/** The whole web UI: language, session, layout and routes. */
export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Layout />
      </SessionProvider>
    </I18nProvider>
  );
}

import { useEffect, useLayoutEffect, useRef } from 'react';
import { Link, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { themeProperties } from '../contrast';
import { useI18n } from '../i18n';
import { useInstance, useInstitutionName } from '../instance';
import { htmlLang } from '../lang';
import { useSession } from '../session';
import { Header } from './Header';
import { SetupRedirect } from './SetupRedirect';

/** The root route: skip link, header, the matched page inside <main>, footer. */
export function SiteLayout() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const institution = useInstitutionName();
  const instanceState = useInstance().instance;
  const theme = instanceState?.theme;
  const { user } = useSession();
  const main = useRef<HTMLElement>(null);
  const previousPath = useRef(pathname);

  // A new page (not a new query on the same page) moves focus to <main>, as a full page load
  // would, so screen-reader and keyboard users start at the content. <ScrollRestoration> scrolls:
  // to the top on a new page, back to where the reader was on back and forward.
  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  // The instance's colours (setup page) as custom properties on <html>, before paint; unset ones keep styles.css's.
  const accent = theme?.accent ?? null;
  const headerBackground = theme?.headerBackground ?? null;
  useLayoutEffect(() => {
    const properties = themeProperties({ accent, headerBackground });
    const style = document.documentElement.style;
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    return () => {
      for (const name of Object.keys(properties)) style.removeProperty(name);
    };
  }, [accent, headerBackground]);

  // Drawn once who is signed in and whose archive this is are known (index.html preloads both): a
  // header drawn before would change its name, links and width under the reader (layout shift).
  if (user === undefined || instanceState === undefined) return null;

  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <SetupRedirect />
      <Header />
      <main id="main" ref={main} tabIndex={-1} className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        {institution && (
          <p className="site-footer-institution" lang={htmlLang(institution.lang)} data-testid="footer-institution">
            {institution.text}
          </p>
        )}
        <p>
          {t('site.footer')} <a href="/api/docs">{t('site.apiDocs')}</a> · <Link to="/privacy">{t('site.privacy')}</Link>
        </p>
      </footer>
      <ScrollRestoration />
    </>
  );
}

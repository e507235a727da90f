import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { CATALOGUE_PATH } from '../catalogue-query';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import type { Role } from '../types';
import { CloseIcon, MenuIcon, SearchIcon } from './icons';
import { InstitutionBrand } from './InstitutionBrand';
import { LangSwitch } from './LangSwitch';
import { NotificationBell } from './review/NotificationBell';
import { SearchForm } from './SearchForm';

interface NavEntry {
  to: string;
  label: MessageKey;
  testId?: string;
  /** Who sees it; absent: everyone. */
  roles?: Role[];
}

/** What the public comes for. */
const PUBLIC_NAV: NavEntry[] = [
  { to: '/', label: 'nav.homePage', testId: 'nav-home' },
  { to: CATALOGUE_PATH, label: 'nav.works', testId: 'nav-works' },
  { to: '/exhibitions', label: 'nav.exhibitions', testId: 'nav-exhibitions' },
  { to: '/browse/time', label: 'nav.timeline', testId: 'nav-timeline' },
  { to: '/browse/map', label: 'nav.map', testId: 'nav-map' },
  { to: '/verify', label: 'nav.verify', testId: 'nav-verify' },
];

const CONTRIBUTORS: Role[] = ['admin', 'curator', 'creator'];
const STAFF: Role[] = ['admin', 'curator'];
const REVIEWERS: Role[] = ['admin', 'curator', 'reviewer'];

/** The tools of those who run the archive, in a row (a section of the menu on phones) of their own. */
const STAFF_NAV: NavEntry[] = [
  { to: '/upload', label: 'nav.upload', testId: 'nav-upload', roles: CONTRIBUTORS },
  { to: '/scan', label: 'nav.scan', testId: 'nav-scan', roles: CONTRIBUTORS },
  { to: '/evidence', label: 'nav.evidence', testId: 'nav-evidence', roles: CONTRIBUTORS },
  { to: '/collections', label: 'nav.collections', testId: 'nav-collections', roles: STAFF },
  { to: '/heritage', label: 'licenseAdmin.nav.heritage', testId: 'nav-heritage', roles: STAFF },
  { to: '/ledger', label: 'licenseAdmin.nav.ledger', testId: 'nav-ledger', roles: STAFF },
  { to: '/admin', label: 'nav.admin', testId: 'nav-admin', roles: STAFF },
  { to: '/review', label: 'review.nav.queue', testId: 'nav-review', roles: REVIEWERS },
  { to: '/submissions', label: 'review.nav.submissions', testId: 'nav-submissions', roles: ['creator'] },
];

/**
 * Site banner: the institution's logo and name, search, the public navigation, staff tools, the
 * language switch and account controls. On phones it is one compact line with the brand and a menu
 * button; the rest opens below it as a disclosure (Escape closes it and returns focus to the button).
 */
export function Header() {
  const { t } = useI18n();
  const { user, hasRole, signOut } = useSession();
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  // Where focus goes when the menu opens: the first link, or the search box when the search button opened it.
  const focusSearch = useRef(false);

  // Following a link (or searching) closes the menu: the new page is what the reader asked for.
  useEffect(() => setOpen(false), [pathname, search]);

  useEffect(() => {
    if (!open) return;
    // Opening moves focus into the menu, so keyboard and screen-reader users land in it.
    panel.current?.querySelector<HTMLElement>(focusSearch.current ? 'input[type="search"]' : '.main-nav a[href]')?.focus();
    focusSearch.current = false;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !toggle.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const onSignOut = async () => {
    await signOut();
    navigate('/');
  };

  const links = (entries: NavEntry[]): ReactNode[] =>
    entries
      .filter((e) => !e.roles || hasRole(...e.roles))
      .map((e) => (
        <li key={e.to}>
          {/* NavLink marks the page the reader is on with aria-current="page"; `end` makes that an exact match. */}
          <NavLink to={e.to} end data-testid={e.testId}>
            {t(e.label)}
          </NavLink>
        </li>
      ));
  const staffLinks = links(STAFF_NAV);

  return (
    <header className={`site-header${open ? ' is-menu-open' : ''}`}>
      <div className="header-inner">
        {/* The visible name is the accessible name (WCAG 2.5.3); the title says where it leads. */}
        <Link to="/" className="brand" title={t('nav.home')}>
          <InstitutionBrand />
        </Link>
        <button
          type="button"
          className="menu-toggle search-toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => {
            focusSearch.current = !open;
            setOpen(!open);
          }}
          data-testid="search-toggle"
        >
          <SearchIcon />
          <span className="visually-hidden">{t('search.label')}</span>
        </button>
        <button
          ref={toggle}
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
          data-testid="menu-toggle"
        >
          {open ? <CloseIcon /> : <MenuIcon />}
          <span className="menu-toggle-label">{t('nav.menu')}</span>
        </button>
        <div id={panelId} ref={panel} className={`header-panel${open ? ' is-open' : ''}`}>
          <SearchForm />
          <div className="header-navs">
            <nav aria-label={t('nav.main')} className="main-nav">
              <ul>{links(PUBLIC_NAV)}</ul>
            </nav>
            {staffLinks.length > 0 && (
              <nav aria-label={t('nav.staff')} className="staff-nav" data-testid="staff-nav">
                <ul>{staffLinks}</ul>
              </nav>
            )}
          </div>
          <ul className="header-utils">
            {user && (
              <>
                <li>
                  <NavLink to="/orders" end data-testid="nav-orders">
                    {t('license.nav.orders')}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/grants" data-testid="nav-grants">
                    {t('license.nav.grants')}
                  </NavLink>
                </li>
              </>
            )}
            {user && (
              <li>
                <NotificationBell userId={user.id} />
              </li>
            )}
            {user && (
              <li>
                <NavLink to="/account" end title={t('nav.signedInAs', { name: user.displayName || user.username })} data-testid="nav-account">
                  {t('nav.account')}
                </NavLink>
              </li>
            )}
            <li>
              {user ? (
                <button type="button" className="link-button" onClick={onSignOut} data-testid="sign-out">
                  {t('nav.signOut')}
                </button>
              ) : (
                user === null && (
                  <NavLink to={pathname === '/login' ? '/login' : `/login?next=${encodeURIComponent(pathname + search)}`} end data-testid="sign-in-link">
                    {t('nav.signIn')}
                  </NavLink>
                )
              )}
            </li>
            <li>
              <LangSwitch />
            </li>
          </ul>
        </div>
      </div>
    </header>
  );
}

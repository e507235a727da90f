import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { InstitutionBrand } from './InstitutionBrand';
import { LangSwitch } from './LangSwitch';
import { SearchForm } from './SearchForm';

/** Site banner: the institution's logo and name, search, navigation, language switch and the account controls. */
export function Header() {
  const { t } = useI18n();
  const { user, hasRole, signOut } = useSession();
  const { pathname, search } = useLocation();
  const navigate = useNavigate();

  const onSignOut = async () => {
    await signOut();
    navigate('/');
  };

  return (
    <header className="site-header">
      <div className="header-inner">
        {/* The visible name is the accessible name (WCAG 2.5.3); the title says where it leads. */}
        <Link to="/" className="brand" title={t('nav.home')}>
          <InstitutionBrand />
        </Link>
        <SearchForm />
        {/* NavLink marks the page the reader is on with aria-current="page"; `end` makes that an exact match. */}
        <nav aria-label={t('nav.main')} className="main-nav">
          <ul>
            <li>
              <NavLink to="/" end>
                {t('nav.catalogue')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/verify" end data-testid="nav-verify">
                {t('nav.verify')}
              </NavLink>
            </li>
            {hasRole('admin', 'curator', 'creator') && (
              <li>
                <NavLink to="/upload" end>
                  {t('nav.upload')}
                </NavLink>
              </li>
            )}
            {hasRole('admin', 'curator', 'creator') && (
              <li>
                <NavLink to="/scan" end data-testid="nav-scan">
                  {t('nav.scan')}
                </NavLink>
              </li>
            )}
            {hasRole('admin', 'curator') && (
              <li>
                <NavLink to="/collections" end data-testid="nav-collections">
                  {t('nav.collections')}
                </NavLink>
              </li>
            )}
            {hasRole('admin', 'curator') && (
              <li>
                <NavLink to="/admin" end>
                  {t('nav.admin')}
                </NavLink>
              </li>
            )}
            {user && (
              <li>
                <NavLink to="/account" end title={t('nav.signedInAs', { name: user.displayName || user.username })}>
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
        </nav>
      </div>
    </header>
  );
}

import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { LangSwitch } from './LangSwitch';
import { SearchForm } from './SearchForm';

/** Site banner: name, search, navigation, language switch and the account controls. */
export function Header() {
  const { t } = useI18n();
  const { user, hasRole, signOut } = useSession();
  const location = useLocation();
  const current = (path: string) => (location.path === path ? 'page' : undefined);

  const onSignOut = async () => {
    await signOut();
    navigate('/');
  };

  return (
    <header className="site-header">
      <div className="header-inner">
        {/* The visible name is the accessible name (WCAG 2.5.3); the title says where it leads. */}
        <Link to="/" className="brand" title={t('nav.home')}>
          <span className="brand-zh" lang="zh-Hans">
            文渊
          </span>
          <span className="brand-en" lang="en">
            Wenyuan
          </span>
        </Link>
        <SearchForm />
        <nav aria-label={t('nav.main')} className="main-nav">
          <ul>
            <li>
              <Link to="/" aria-current={current('/')}>
                {t('nav.catalogue')}
              </Link>
            </li>
            <li>
              <Link to="/verify" aria-current={current('/verify')} data-testid="nav-verify">
                {t('nav.verify')}
              </Link>
            </li>
            {hasRole('admin', 'curator', 'creator') && (
              <li>
                <Link to="/upload" aria-current={current('/upload')}>
                  {t('nav.upload')}
                </Link>
              </li>
            )}
            {hasRole('admin', 'curator', 'creator') && (
              <li>
                <Link to="/scan" aria-current={current('/scan')} data-testid="nav-scan">
                  {t('nav.scan')}
                </Link>
              </li>
            )}
            {hasRole('admin', 'curator') && (
              <li>
                <Link to="/collections" aria-current={current('/collections')} data-testid="nav-collections">
                  {t('nav.collections')}
                </Link>
              </li>
            )}
            {hasRole('admin', 'curator') && (
              <li>
                <Link to="/admin" aria-current={current('/admin')}>
                  {t('nav.admin')}
                </Link>
              </li>
            )}
            {user && (
              <li>
                <Link to="/account" aria-current={current('/account')} title={t('nav.signedInAs', { name: user.displayName || user.username })}>
                  {t('nav.account')}
                </Link>
              </li>
            )}
            <li>
              {user ? (
                <button type="button" className="link-button" onClick={onSignOut} data-testid="sign-out">
                  {t('nav.signOut')}
                </button>
              ) : (
                user === null && (
                  <Link to={location.path === '/login' ? '/login' : `/login?next=${encodeURIComponent(location.href)}`} aria-current={current('/login')} data-testid="sign-in-link">
                    {t('nav.signIn')}
                  </Link>
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

import type { ReactNode } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Role } from '../types';
import { Loading } from './Loading';

/**
 * Renders its children (or, as a layout route, the matched child route) only for signed-in users
 * with one of `roles` (any role when empty); otherwise says why not.
 */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children?: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { pathname, search } = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) {
    return (
      <div className="page-narrow">
        <p className="notice">{t('errors.signInRequired')}</p>
        <p>
          <Link to={`/login?next=${encodeURIComponent(pathname + search)}`} className="button button-primary">
            {t('nav.signIn')}
          </Link>
        </p>
      </div>
    );
  }
  if (roles.length > 0 && !roles.includes(user.role)) {
    return (
      <div className="page-narrow">
        <p className="notice">{t('errors.forbidden')}</p>
      </div>
    );
  }
  return <>{children ?? <Outlet />}</>;
}

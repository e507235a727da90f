import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import type { Role } from '../types';
import { Loading } from './Loading';

/** Renders its children only for signed-in users with one of `roles`; otherwise says why not. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) {
    return (
      <div className="page-narrow">
        <p className="notice">{t('errors.signInRequired')}</p>
        <p>
          <Link to={`/login?next=${encodeURIComponent(location.href)}`} className="button button-primary">
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
  return <>{children}</>;
}

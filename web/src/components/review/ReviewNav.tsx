import { NavLink } from 'react-router';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** The review pages' own navigation: the queue, the workload, and (admins) the settings. */
export function ReviewNav() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  return (
    <nav className="review-nav" aria-label={t('review.nav.queue')}>
      <NavLink to="/review" end>
        {t('review.queue.title')}
      </NavLink>
      <NavLink to="/review/workload">{t('review.nav.workload')}</NavLink>
      {hasRole('admin') && <NavLink to="/review/settings">{t('review.nav.settings')}</NavLink>}
    </nav>
  );
}

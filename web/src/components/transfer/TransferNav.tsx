import { NavLink } from 'react-router';
import { useI18n } from '../../i18n';

/** Links between the transfer pages. */
export function TransferNav() {
  const { t } = useI18n();
  return (
    <nav className="subnav" aria-label={t('transfer.nav.label')}>
      <NavLink to="/admin/transfers" end>
        {t('transfer.nav.rules')}
      </NavLink>{' '}
      <NavLink to="/admin/transfers/export">{t('transfer.nav.export')}</NavLink>{' '}
      <NavLink to="/admin/transfers/assessments">{t('transfer.nav.assessments')}</NavLink>{' '}
      <NavLink to="/admin/transfers/log">{t('transfer.nav.log')}</NavLink>
    </nav>
  );
}

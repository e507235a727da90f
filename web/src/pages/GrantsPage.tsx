import { Link } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n, type MessageKey } from '../i18n';
import { usePageTitle } from '../instance';
import { grantPath, licenseApi } from '../license-api';
import { useSession } from '../session';
import type { LicenseGrant } from '../types';
import { useApi } from '../use-api';
import '../styles/license.css';

const STATE_KEYS: Record<LicenseGrant['state'], MessageKey> = { valid: 'license.state.valid', expired: 'license.state.expired', revoked: 'license.state.revoked', 'not-yet-valid': 'license.state.notYetValid' };

/** `/grants`: the reader's licences (and, for right holders, those on their works), each to its certificate. */
export function GrantsPage() {
  const { t, pick, formatDateTime } = useI18n();
  const { user } = useSession();
  const grants = useApi(() => licenseApi.grants(), user?.id ?? '');
  usePageTitle(t('license.grants.title'));
  if (grants.error) return <ErrorMessage error={grants.error} onRetry={grants.reload} />;
  if (!grants.data) return <Loading />;
  return (
    <div className="license-grants-page">
      <h1>{t('license.grants.title')}</h1>
      <p>
        <Link to="/orders">{t('license.orders.title')}</Link>
      </p>
      {grants.data.items.length === 0 ? (
        <p className="muted">{t('license.grants.none')}</p>
      ) : (
        <ul className="license-order-list">
          {grants.data.items.map((g) => (
            <li key={g.id} className="license-order" data-testid="license-grant" data-state={g.state}>
              <div className="license-order-head">
                <Link to={grantPath(g.id)}>{pick(g.workTitle) ?? g.workId}</Link>
                <span className={`license-status license-state-${g.state}`}>{t(STATE_KEYS[g.state])}</span>
              </div>
              <p>{t('license.grants.summary', { licensee: g.licenseeName, from: formatDateTime(g.validFrom) })}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import { useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n, type MessageKey } from '../i18n';
import { usePageTitle } from '../instance';
import { licenseApi } from '../license-api';
import type { LicenseGrantStatus } from '../types';
import { useApi } from '../use-api';
import '../styles/license.css';

const STATE_KEYS: Record<LicenseGrantStatus['state'], { word: MessageKey; explain: MessageKey }> = {
  valid: { word: 'license.state.valid', explain: 'license.verify.explainValid' },
  expired: { word: 'license.state.expired', explain: 'license.verify.explainExpired' },
  revoked: { word: 'license.state.revoked', explain: 'license.verify.explainRevoked' },
  'not-yet-valid': { word: 'license.state.notYetValid', explain: 'license.verify.explainNotYetValid' },
};

/** `/verify/grant/:id?sha256=` (public): what a licence certificate's QR code opens — is it in force? */
export function GrantStatusPage() {
  const id = useParams().id ?? '';
  const sha256 = useSearchParams()[0].get('sha256') ?? '';
  const { t, pick, formatDateTime } = useI18n();
  const status = useApi(() => licenseApi.status(id, sha256), `${id}:${sha256}`);
  usePageTitle(t('license.verify.title'));
  if (status.error) {
    const missing = status.error instanceof ApiError && (status.error.status === 404 || status.error.status === 400);
    return (
      <div className="page-narrow">
        <h1>{t('license.verify.title')}</h1>
        {missing ? <p className="notice notice-error" data-testid="grant-status-unknown">{t('license.verify.unknown')}</p> : <ErrorMessage error={status.error} onRetry={status.reload} />}
      </div>
    );
  }
  if (!status.data) return <Loading />;
  const s = status.data;
  return (
    <div className="page-narrow license-status-page">
      <h1>{t('license.verify.title')}</h1>
      <p className={`license-verdict license-verdict-${s.state}`} data-testid="grant-status" data-state={s.state}>
        {t(STATE_KEYS[s.state].word)}
      </p>
      <p>{t(STATE_KEYS[s.state].explain)}</p>
      <dl className="metadata compact">
        <div className="metadata-row">
          <dt>{t('license.grant.work')}</dt>
          <dd>{pick(s.workTitle) ?? s.workId}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('license.grant.licensee')}</dt>
          <dd>{s.licenseeName}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('license.grant.validity')}</dt>
          <dd>{s.validUntil ? t('license.grant.validFromUntil', { from: formatDateTime(s.validFrom), until: formatDateTime(s.validUntil) }) : t('license.grant.validFrom', { from: formatDateTime(s.validFrom) })}</dd>
        </div>
        {s.revokedAt && (
          <div className="metadata-row">
            <dt>{t('license.verify.revokedAt')}</dt>
            <dd>{formatDateTime(s.revokedAt)}</dd>
          </div>
        )}
        <div className="metadata-row">
          <dt>{t('license.grant.sha256')}</dt>
          <dd className="mono break">{s.agreementSha256}</dd>
        </div>
        {s.registrationId && (
          <div className="metadata-row">
            <dt>{t('license.grant.registrationId')}</dt>
            <dd className="mono break">{s.registrationId}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

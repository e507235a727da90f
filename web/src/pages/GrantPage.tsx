import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api';
import { saveBlob } from '../download';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { InstitutionBrand } from '../components/InstitutionBrand';
import { Loading } from '../components/Loading';
import { QrCode } from '../components/QrCode';
import { useLicenseSpeaker } from '../components/license/use-license-speaker';
import { useI18n, type MessageKey } from '../i18n';
import { useAbsoluteUrl, useInstance, usePageTitle } from '../instance';
import { UI_LANGS } from '../lang';
import { agreementUrl, fetchGrantCopy, grantReceiptUrl, grantStatusPath, licenseApi } from '../license-api';
import { heritageRuleWords, permissionWords, rulesOf } from '../license-words';
import { useSession } from '../session';
import type { LicenseGrant } from '../types';
import { useApi } from '../use-api';
import '../styles/license.css';
import { CertificateRow } from '../components/CertificateRow';

const LANG_LABELS = { 'zh-Hans': '中文', en: 'English' } as const;

/** Message keys of a grant's states (also used by the public status page). */
const STATE_KEYS: Record<LicenseGrant['state'], MessageKey> = {
  valid: 'license.state.valid',
  expired: 'license.state.expired',
  revoked: 'license.state.revoked',
  'not-yet-valid': 'license.state.notYetValid',
};

/** What the agreement permits, in words, and what the heritage rules it carries forbid. */
function Permitted({ agreement }: { agreement: Record<string, unknown> }) {
  const speaker = useLicenseSpeaker();
  const { t } = speaker;
  const permissions = rulesOf(agreement, 'permission').map((r) => permissionWords(r, speaker));
  const prohibitions = rulesOf(agreement, 'prohibition').map((r) => heritageRuleWords(r, 'prohibition', null, speaker));
  return (
    <ul className="license-permitted" data-testid="grant-permitted">
      {permissions.map((p, i) => (
        <li key={`p${i}`}>{p.conditions.length > 0 ? t('license.offer.allows', { action: p.action, conditions: p.conditions.join(t('license.separator')) }) : p.action}</li>
      ))}
      {prohibitions.map((text, i) => (
        <li key={`x${i}`}>{text}</li>
      ))}
    </ul>
  );
}

/** Managers revoke a grant with a reason; the revocation goes into the transparency log. */
function RevokeForm({ grant, onDone }: { grant: LicenseGrant; onDone: (g: LicenseGrant) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [state, setState] = useState<{ busy: boolean; error: unknown; empty: boolean }>({ busy: false, error: null, empty: false });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return setState({ busy: false, error: null, empty: true });
    setState({ busy: true, error: null, empty: false });
    try {
      onDone(await licenseApi.revoke(grant.id, reason.trim()));
    } catch (error) {
      setState({ busy: false, error, empty: false });
    }
  };
  return (
    <form className="license-revoke no-print" onSubmit={submit} noValidate data-testid="grant-revoke-form">
      <h2>{t('license.grant.revokeHeading')}</h2>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('license.grant.revokeReason')}</label>
        <textarea id={`${id}-reason`} rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={state.empty} aria-describedby={state.empty ? `${id}-error` : undefined} />
        {state.empty && (
          <p id={`${id}-error`} className="field-error">
            {t('license.grant.revokeReasonRequired')}
          </p>
        )}
      </div>
      {state.error !== null && <ErrorMessage error={state.error} />}
      <button type="submit" className="button button-danger" aria-disabled={state.busy} data-testid="grant-revoke">
        {t('license.grant.revoke')}
      </button>
    </form>
  );
}

/** `/grants/:id`: the licence certificate, its downloads (copy, agreement, receipt) and, for managers, revocation. */
export function GrantPage() {
  const id = useParams().id ?? '';
  const i18n = useI18n();
  const { t, lang, setLang, pick, formatDateTime } = i18n;
  const { user } = useSession();
  const { instance } = useInstance();
  const absolute = useAbsoluteUrl();
  const grant = useApi(() => licenseApi.grant(id), `${id}:${user?.id ?? ''}`);
  const agreement = useApi(() => licenseApi.agreement(id), `${id}:${user?.id ?? ''}`);
  const [copy, setCopy] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message: string }>({ state: 'idle', message: '' });
  usePageTitle(t('license.grant.title'));

  // The log sequences in the background: until the grant has its registration, look again now and then.
  const pending = grant.data !== undefined && grant.data.registrationId === null;
  const { reload } = grant;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(reload, 2000);
    return () => window.clearTimeout(timer);
  }, [pending, reload, grant.data]);

  if (grant.error && !grant.data) {
    const missing = grant.error instanceof ApiError && grant.error.status === 404;
    return (
      <div className="page-narrow">
        <h1>{t('license.grant.title')}</h1>
        {missing ? <p className="notice">{t('license.grant.notFound')}</p> : <ErrorMessage error={grant.error} onRetry={grant.reload} />}
      </div>
    );
  }
  if (!grant.data || instance === undefined) return <Loading />;
  const g = grant.data;
  const statusUrl = absolute(grantStatusPath(g.id, g.agreementSha256));

  const download = async () => {
    setCopy({ state: 'busy', message: '' });
    try {
      const file = await fetchGrantCopy(g.id);
      saveBlob(file.blob, file.fileName);
      setCopy({ state: 'done', message: file.fileName });
    } catch (error) {
      setCopy({ state: 'error', message: errorText(error, i18n) });
    }
  };

  return (
    <div className="certificate-page">
      <div className="certificate-tools no-print">
        <div className="certificate-lang" role="group" aria-label={t('license.grant.language')}>
          {UI_LANGS.map((l) => (
            <button key={l} type="button" className="button button-small" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)} data-testid={`grant-lang-${l}`}>
              {LANG_LABELS[l]}
            </button>
          ))}
        </div>
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={download} aria-disabled={copy.state === 'busy' || g.state !== 'valid'} disabled={g.state !== 'valid'} data-testid="grant-copy">
            {copy.state === 'busy' ? t('license.grant.copyWorking') : t('license.grant.copy')}
          </button>
          <a className="button" href={agreementUrl(g.id)} download={`wenyuan-grant-${g.id}.jsonld`} data-testid="grant-agreement-download">
            {t('license.grant.agreement')}
          </a>
          {g.registrationId ? (
            <a className="button" href={grantReceiptUrl(g.id)} download={`wenyuan-grant-${g.id}-receipt.json`} data-testid="grant-receipt-download">
              {t('license.grant.receipt')}
            </a>
          ) : (
            <span className="muted" role="status">
              {t('license.grant.receiptPending')}
            </span>
          )}
          <button type="button" className="button" onClick={() => window.print()}>
            {t('license.grant.print')}
          </button>
        </div>
        <div aria-live="polite">
          {copy.state === 'done' && (
            <p className="notice notice-success" data-testid="grant-copy-done">
              {t('license.grant.copyDone', { name: copy.message })}
            </p>
          )}
          {copy.state === 'error' && <p className="notice notice-error">{copy.message}</p>}
        </div>
      </div>
      <article className="certificate license-certificate" data-testid="grant-certificate" data-state={g.state} aria-labelledby="grant-title">
        <header className="certificate-head">
          <p className="certificate-brand">
            <InstitutionBrand logoClassName="certificate-logo" />
          </p>
          <h1 id="grant-title">{t('license.grant.title')}</h1>
          <p className="certificate-subtitle">{t('license.grant.subtitle')}</p>
        </header>
        <div className="certificate-body">
          <dl className="certificate-facts">
            <CertificateRow label={t('license.grant.work')}>
              <Link to={`/works/${encodeURIComponent(g.workId)}`}>{pick(g.workTitle) ?? g.workId}</Link>
            </CertificateRow>
            <CertificateRow label={t('license.grant.licensee')} testId="grant-licensee">
              {g.licenseeName}
            </CertificateRow>
            <CertificateRow label={t('license.grant.permitted')}>{agreement.data ? <Permitted agreement={agreement.data} /> : agreement.error ? errorText(agreement.error, i18n) : t('common.loading')}</CertificateRow>
            <CertificateRow label={t('license.grant.validity')}>
              {g.validUntil ? t('license.grant.validFromUntil', { from: formatDateTime(g.validFrom), until: formatDateTime(g.validUntil) }) : t('license.grant.validFrom', { from: formatDateTime(g.validFrom) })}
            </CertificateRow>
            <CertificateRow label={t('license.grant.state')} testId="grant-state">
              {t(STATE_KEYS[g.state])}
              {g.revokeReason ? ` — ${g.revokeReason}` : ''}
            </CertificateRow>
            <CertificateRow label={t('license.grant.sha256')} mono testId="grant-sha256">
              {g.agreementSha256}
            </CertificateRow>
            <CertificateRow label={t('license.grant.registrationId')} mono>
              {g.registrationId ?? t('license.grant.receiptPending')}
            </CertificateRow>
            <CertificateRow label={t('license.grant.grantId')} mono>
              {g.id}
            </CertificateRow>
          </dl>
          <figure className="certificate-qr">
            <QrCode text={statusUrl} label={t('license.grant.qr')} />
            <figcaption>
              {t('license.grant.qrCaption')}
              <br />
              <Link className="mono break" to={grantStatusPath(g.id, g.agreementSha256)} data-testid="grant-status-link">
                {statusUrl}
              </Link>
            </figcaption>
          </figure>
        </div>
        <p className="certificate-note">{t('license.grant.explain')}</p>
      </article>
      {g.canRevoke && g.state !== 'revoked' && <RevokeForm grant={g} onDone={grant.setData} />}
    </div>
  );
}

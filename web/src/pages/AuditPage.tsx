import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { auditApi, auditExportUrl, type AuditFilter, type AuditVerifyReport } from '../audit-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useApi } from '../use-api';

// The closed list of actions, as the server's contract names them (AuditAction).
const ACTIONS = [
  'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out', 'auth.password_change', 'user.create', 'user.role_change', 'user.disable', 'user.enable', 'user.erase',
  'token.create', 'token.revoke', 'work_visibility.change', 'export.bag', 'settings.change', 'key.use', 'review.decision', 'grant.revoke', 'settlement.run',
  'review.submit', 'review.claim', 'review.appeal', 'review.report', 'review.case_decision',
  'consent.change', 'export.personal',
  'data_class.change', 'data_transfer.decision', 'transfer_assessment.decision',
  'auth.passkey_add', 'auth.passkey_remove', 'auth.two_factor_reset',
] as const;

/** `/admin/audit`: the hash-chained audit trail for admins: filters in the URL, newest first, CSV export, chain check. */
export function AuditPage() {
  const { t, has, formatDateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  // Each action in words; a code this page does not know yet (a newer server) stays as it is.
  const actionLabel = (code: string) => {
    const key = `audit.action.${code}`;
    return has(key) ? t(key) : code;
  };
  const filter: AuditFilter = {
    ...(params.get('action') ? { action: params.get('action')! } : {}),
    ...(params.get('actor') ? { actor: params.get('actor')! } : {}),
    ...(params.get('since') ? { since: params.get('since')! } : {}),
    ...(params.get('until') ? { until: params.get('until')! } : {}),
  };
  const before = Number(params.get('before')) || undefined;
  const page = useApi(() => auditApi.list(filter, before), params.toString());
  const [verifying, setVerifying] = useState(false);
  const [report, setReport] = useState<AuditVerifyReport | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);

  usePageTitle(t('audit.title'));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['action', 'actor', 'since', 'until']) {
      const value = String(form.get(key) ?? '').trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setReport(await auditApi.verify());
    } catch (error) {
      setVerifyError(error);
    } finally {
      setVerifying(false);
    }
  };

  const olderHref = (next: number) => {
    const p = new URLSearchParams(params);
    p.set('before', String(next));
    return `/admin/audit?${p.toString()}`;
  };
  const items = page.data?.items ?? [];

  return (
    <div className="audit-page">
      <div className="panel-head">
        <h1>{t('audit.title')}</h1>
        <a className="button" href={auditExportUrl(filter)} download data-testid="audit-export">
          {t('audit.export')}
        </a>
      </div>
      <p className="muted">{t('audit.intro')}</p>

      <form className="audit-filters" onSubmit={apply} data-testid="audit-filters">
        <label>
          {t('audit.filter.action')}
          <select name="action" defaultValue={filter.action ?? ''}>
            <option value="">{t('audit.filter.anyAction')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.filter.actor')}
          <input name="actor" defaultValue={filter.actor ?? ''} maxLength={64} />
        </label>
        <label>
          {t('audit.filter.since')}
          <input name="since" type="date" defaultValue={filter.since ?? ''} />
        </label>
        <label>
          {t('audit.filter.until')}
          <input name="until" type="date" defaultValue={filter.until ?? ''} />
        </label>
        <button type="submit">{t('audit.filter.apply')}</button>
      </form>

      <p>
        <button type="button" onClick={() => void verify()} disabled={verifying} data-testid="audit-verify">
          {t('audit.verify')}
        </button>
      </p>
      {verifyError ? <ErrorMessage error={verifyError} /> : null}
      {report && (
        <div className={report.ok ? 'notice' : 'notice notice-error'} role="status" data-testid="audit-verify-result">
          <p>{report.firstBreak ? `${t('audit.verify.broken', { seq: report.firstBreak.seq })} ${t(`audit.reason.${report.firstBreak.reason}`, { seq: report.firstBreak.seq })}` : t('audit.verify.ok', { count: report.checked })}</p>
          <p>{report.anchor.status === 'none' ? t('audit.verify.noAnchor') : t(`audit.anchor.${report.anchor.status}`, { seq: report.anchor.seq, registration: report.anchor.registrationId })}</p>
        </div>
      )}

      {page.error ? <ErrorMessage error={page.error} onRetry={page.reload} /> : null}
      {!page.data && page.loading && <Loading />}
      {page.data && items.length === 0 && <p className="notice">{t('audit.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="audit-list">
            <caption className="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.seq')}</th>
                <th scope="col">{t('audit.col.at')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.target')}</th>
                <th scope="col">{t('audit.col.outcome')}</th>
                <th scope="col">{t('audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.seq} data-testid="audit-item">
                  <th scope="row" data-label={t('audit.col.seq')}>{r.seq}</th>
                  <td data-label={t('audit.col.at')}>
                    <time dateTime={r.at}>{formatDateTime(r.at)}</time>
                  </td>
                  <td data-label={t('audit.col.action')}>
                    {actionLabel(r.action)} <span className="mono muted">{r.action}</span>
                  </td>
                  <td className="mono break" data-label={t('audit.col.actor')}>{r.actor}</td>
                  <td className="mono break" data-label={t('audit.col.target')}>{r.targetId ? `${r.targetType}:${r.targetId}` : r.targetType}</td>
                  <td data-label={t('audit.col.outcome')}>{r.outcome}</td>
                  <td className="mono break" data-label={t('audit.col.details')}>{r.details === '{}' ? '' : r.details}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data?.next ? (
        <p>
          <Link to={olderHref(page.data.next)}>{t('audit.more')}</Link>
        </p>
      ) : null}
    </div>
  );
}

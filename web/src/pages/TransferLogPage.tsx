import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { OUTCOME_KEYS, PATH_KEYS } from '../components/transfer/class-labels';
import { TransferNav } from '../components/transfer/TransferNav';
import { useClassLabel } from '../components/transfer/useClassLabel';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { OUTCOMES, transferApi } from '../transfer-api';
import { useApi } from '../use-api';

/** `/admin/transfers/log`: every transfer decision, newest first (the same decisions are in the audit trail). */
export function TransferLogPage() {
  const { t, formatDateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter = { outcome: params.get('outcome') ?? undefined, destination: params.get('destination') ?? undefined };
  const log = useApi(() => transferApi.decisions(filter), params.toString());
  const label = useClassLabel();
  usePageTitle(t('transfer.log.title'));
  const items = log.data?.items ?? [];

  return (
    <div className="transfer-page">
      <h1>{t('transfer.log.title')}</h1>
      <TransferNav />
      <p className="muted">{t('transfer.log.intro')}</p>
      <label>
        {t('transfer.rules.outcome')}{' '}
        <select value={filter.outcome ?? ''} onChange={(e) => setParams(e.target.value ? { outcome: e.target.value } : {})} data-testid="transfer-log-outcome">
          <option value="">{t('transfer.log.anyOutcome')}</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(OUTCOME_KEYS[o])}
            </option>
          ))}
        </select>
      </label>
      {log.error ? <ErrorMessage error={log.error} onRetry={log.reload} /> : null}
      {!log.data && log.loading && <Loading />}
      {log.data && items.length === 0 && <p className="notice">{t('transfer.log.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="transfer-log">
            <caption className="visually-hidden">{t('transfer.log.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('transfer.log.col.at')}</th>
                <th scope="col">{t('transfer.log.col.path')}</th>
                <th scope="col">{t('transfer.export.destination')}</th>
                <th scope="col">{t('transfer.assessments.classes')}</th>
                <th scope="col">{t('transfer.rules.outcome')}</th>
                <th scope="col">{t('transfer.log.col.proceeded')}</th>
                <th scope="col">{t('transfer.log.col.assessment')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-testid="transfer-log-item" data-outcome={d.outcome} data-proceeded={d.proceeded ? 'yes' : 'no'}>
                  <td data-label={t('transfer.log.col.at')}>
                    <time dateTime={d.at}>{formatDateTime(d.at)}</time>
                  </td>
                  <td data-label={t('transfer.log.col.path')}>{t(PATH_KEYS[d.path])}</td>
                  <td data-label={t('transfer.export.destination')}>{d.destination}</td>
                  <td data-label={t('transfer.assessments.classes')}>{d.dataClasses.map((c) => label(c)).join(', ')}</td>
                  <td data-label={t('transfer.rules.outcome')}>{t(OUTCOME_KEYS[d.outcome])}</td>
                  <td data-label={t('transfer.log.col.proceeded')}>{d.proceeded ? t('transfer.log.sent') : t('transfer.log.blocked')}</td>
                  <td data-label={t('transfer.log.col.assessment')}>{d.assessmentId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

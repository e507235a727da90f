import { useId, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { knownLabel } from '../../labels';
import type { FixityReport } from '../../types';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/** Recent fixity audits, and (for admins) a button to run one now. */
export function FixitySection({ canRun }: { canRun: boolean }) {
  const i18n = useI18n();
  const { t, formatDateTime, formatNumber } = i18n;
  const runs = useApi(() => api.fixityRuns(), 'fixity');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<FixityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const run = async () => {
    setRunning(true);
    setError(null);
    setReport(null);
    try {
      // The audit runs as a background job: wait for a new run to appear, then show its report.
      const before = (await api.fixityRuns()).items[0]?.id ?? null;
      await api.runFixity();
      for (let waited = 0; waited < 30 * 60_000; waited += 1500) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const latest = (await api.fixityRuns()).items[0];
        if (latest && latest.id !== before) {
          setReport(await api.fixityReport(latest.id));
          break;
        }
      }
      runs.reload();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('fixity.heading')}</h2>
      <p className="muted">{t('fixity.intro')}</p>
      {canRun && (
        <button type="button" className="button button-primary" onClick={run} disabled={running}>
          {t('fixity.run')}
        </button>
      )}
      <div role="status" aria-live="polite">
        {running && <p>{t('fixity.running')}</p>}
        {report && report.problems.length === 0 && <p className="notice notice-success">{t('fixity.ok', { checked: report.checked })}</p>}
      </div>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {report && report.problems.length > 0 && (
        <div className="notice notice-error" role="alert">
          <p>{t('fixity.problems', { count: report.problems.length })}</p>
          <ul>
            {report.problems.map((p) => (
              <li key={p.sha256 + p.problem}>
                <code className="break">{p.sha256}</code>: {p.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
      {runs.error ? <ErrorMessage error={runs.error} onRetry={runs.reload} /> : null}
      {!runs.data && runs.loading && <Loading />}
      {runs.data && runs.data.items.length === 0 && <p>{t('fixity.empty')}</p>}
      {runs.data && runs.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow">
            <thead>
              <tr>
                <th scope="col">{t('fixity.startedAt')}</th>
                <th scope="col">{t('fixity.trigger')}</th>
                <th scope="col">{t('fixity.checked')}</th>
                <th scope="col">{t('fixity.mismatched')}</th>
                <th scope="col">{t('fixity.missing')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id} className={r.mismatched + r.missing > 0 ? 'is-problem-row' : undefined}>
                  <th scope="row" data-label={t('fixity.startedAt')}>
                    <time dateTime={r.startedAt}>{formatDateTime(r.startedAt)}</time>
                  </th>
                  <td data-label={t('fixity.trigger')}>{knownLabel(i18n, 'fixity.trigger', r.trigger)}</td>
                  <td className="num" data-label={t('fixity.checked')}>{formatNumber(r.checked)}</td>
                  <td className="num" data-label={t('fixity.mismatched')}>{formatNumber(r.mismatched)}</td>
                  <td className="num" data-label={t('fixity.missing')}>{formatNumber(r.missing)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { jobKindLabel } from '../../labels';
import { JOB_STATUSES, type JobStatus } from '../../types';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';
import { Pagination } from '../Pagination';

const PAGE_SIZE = 50;

/** Background jobs: counts by status, a filtered list, and retry for the ones that died. */
export function JobsSection({ status, page, hrefFor }: { status: JobStatus | ''; page: number; hrefFor: (status: JobStatus | '', page: number) => string }) {
  const i18n = useI18n();
  const { t, formatDateTime, formatNumber } = i18n;
  const jobs = useApi(() => api.jobs(status, page), `${status}:${page}`);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const id = useId();
  const navigate = useNavigate();

  const retry = async (jobId: number) => {
    setMessage(null);
    try {
      await api.retryJob(jobId);
      setMessage({ error: false, text: t('jobs.retried', { id: jobId }) });
      jobs.reload();
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    }
  };

  const data = jobs.data;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <div className="panel-head">
        <h2 id={`${id}-heading`}>{t('jobs.heading')}</h2>
        <button type="button" className="button button-small" onClick={jobs.reload}>
          {t('common.refresh')}
        </button>
      </div>
      {data && (
        <dl className="stat-list" aria-label={t('jobs.counts')}>
          {JOB_STATUSES.map((s) => (
            <div key={s} className={`stat stat-${s}`}>
              <dt>{t(`jobs.status.${s}`)}</dt>
              <dd>{formatNumber(data.counts[s] ?? 0)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="field field-inline">
        <label htmlFor={`${id}-filter`}>{t('jobs.filter')}</label>
        <select id={`${id}-filter`} value={status} onChange={(e) => navigate(hrefFor(e.target.value as JobStatus | '', 1), { preventScrollReset: true })}>
          <option value="">{t('jobs.all')}</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`jobs.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      {jobs.error ? <ErrorMessage error={jobs.error} onRetry={jobs.reload} /> : null}
      {!data && jobs.loading && <Loading />}
      {data && data.items.length === 0 && <p>{t('jobs.empty')}</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow">
            <thead>
              <tr>
                <th scope="col">{t('jobs.id')}</th>
                <th scope="col">{t('jobs.kind')}</th>
                <th scope="col">{t('jobs.status')}</th>
                <th scope="col">{t('jobs.attempts')}</th>
                <th scope="col">{t('jobs.createdAt')}</th>
                <th scope="col">{t('jobs.error')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('jobs.retry')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((job) => (
                <tr key={job.id}>
                  <th scope="row" className="num" data-label={t('jobs.id')}>
                    {job.id}
                  </th>
                  <td title={job.kind} data-label={t('jobs.kind')}>{jobKindLabel(i18n, job.kind)}</td>
                  <td data-label={t('jobs.status')}>
                    <span className={`status status-${job.status}`}>{t(`jobs.status.${job.status}`)}</span>
                  </td>
                  <td className="num" data-label={t('jobs.attempts')}>
                    {job.attempts} / {job.maxAttempts}
                  </td>
                  <td data-label={t('jobs.createdAt')}>
                    <time dateTime={job.createdAt}>{formatDateTime(job.createdAt)}</time>
                  </td>
                  <td className="break" data-label={t('jobs.error')}>{job.lastError ? <code className="event-detail">{job.lastError}</code> : ''}</td>
                  <td>
                    {job.status === 'dead' && (
                      <button type="button" className="button button-small" onClick={() => retry(job.id)} aria-label={t('jobs.retryJob', { id: job.id })}>
                        {t('jobs.retry')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pagination page={page} pages={Math.max(1, Math.ceil(data.total / PAGE_SIZE))} hrefFor={(p) => hrefFor(status, p)} />}
    </section>
  );
}

import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ReviewNav } from '../../components/review/ReviewNav';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi } from '../../review-api';
import { useApi } from '../../use-api';
import '../../styles/review.css';

/** `/review/workload`: queue size and age, decisions per reviewer, time to decision, appeal overturn rate. */
export function ReviewWorkloadPage() {
  const { t, formatDateTime } = useI18n();
  const workload = useApi(() => reviewApi.workload(), 'workload');
  usePageTitle(t('review.workload.title'));
  if (workload.error) return <ErrorMessage error={workload.error} onRetry={workload.reload} />;
  if (!workload.data) return <Loading />;
  const w = workload.data;
  const duration = (seconds: number | null) => (seconds === null ? t('review.workload.none') : t('review.duration', { hours: Math.floor(seconds / 3600), minutes: Math.round((seconds % 3600) / 60) }));
  return (
    <div className="review-page" data-testid="review-workload">
      <h1>{t('review.workload.title')}</h1>
      <ReviewNav />
      <h2>{t('review.workload.open')}</h2>
      <dl className="review-figures">
        <dt>{t('review.workload.submissions')}</dt>
        <dd data-testid="workload-submissions">{w.open.submissions}</dd>
        <dt>{t('review.workload.appeals')}</dt>
        <dd>{w.open.appeals}</dd>
        <dt>{t('review.workload.reports')}</dt>
        <dd>{w.open.reports}</dd>
        <dt>{t('review.workload.oldest')}</dt>
        <dd>{w.oldestOpenAt ? formatDateTime(w.oldestOpenAt) : t('review.workload.none')}</dd>
        <dt>{t('review.workload.medianAge')}</dt>
        <dd>{duration(w.medianOpenAgeSeconds)}</dd>
        <dt>{t('review.workload.medianDecision')}</dt>
        <dd>{duration(w.medianDecisionSeconds)}</dd>
        <dt>{t('review.workload.overturn')}</dt>
        <dd>{w.appeals.rate === null ? t('review.workload.none') : t('review.workload.overturnRate', { overturned: w.appeals.overturned, decided: w.appeals.decided, rate: w.appeals.rate })}</dd>
      </dl>
      <h2>{t('review.workload.perReviewer')}</h2>
      {w.decisions.length === 0 ? (
        <p className="muted">{t('review.workload.none')}</p>
      ) : (
        <table className="review-table">
          <tbody>
            {w.decisions.map((d) => (
              <tr key={d.reviewerId}>
                <td>{d.name ?? d.reviewerId}</td>
                <td>{d.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

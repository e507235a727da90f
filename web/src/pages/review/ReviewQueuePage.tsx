import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { DECISION_KEYS, KIND_KEYS, OUTCOME_KEYS, STAGE_KEYS, checkLabel } from '../../components/review/review-labels';
import { ReviewNav } from '../../components/review/ReviewNav';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi, reviewItemPath, type QueueFilter, type ReviewItem } from '../../review-api';
import { useApi } from '../../use-api';
import '../../styles/review.css';

/** `/review`: the queue for reviewers — open items oldest first, filtered by kind and state, page by page (keyset). */
export function ReviewQueuePage() {
  const { t, pick, formatDateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter: QueueFilter = {
    ...(params.get('kind') === 'submission' || params.get('kind') === 'report' ? { kind: params.get('kind') as 'submission' | 'report' } : {}),
    ...(params.get('state') === 'decided' ? { state: 'decided' as const } : {}),
    ...(params.get('mine') === '1' ? { mine: true } : {}),
  };
  const [after, setAfter] = useState<string | undefined>(undefined);
  const [earlier, setEarlier] = useState<ReviewItem[]>([]);
  const page = useApi(() => reviewApi.queue({ ...filter, ...(after ? { after } : {}) }), `${params.toString()}|${after ?? ''}`);
  usePageTitle(t('review.queue.title'));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['kind', 'state']) {
      const value = String(form.get(key) ?? '');
      if (value) next.set(key, value);
    }
    if (form.get('mine')) next.set('mine', '1');
    setEarlier([]);
    setAfter(undefined);
    setParams(next);
  };

  const items = [...earlier, ...(page.data?.items ?? [])];
  return (
    <div className="review-page">
      <h1>{t('review.queue.title')}</h1>
      <ReviewNav />
      <form className="review-filters" onSubmit={apply}>
        <label>
          {t('review.filter.kind')}
          <select name="kind" defaultValue={filter.kind ?? ''} data-testid="review-filter-kind">
            <option value="">{t('review.kind.any')}</option>
            <option value="submission">{t('review.kind.submission')}</option>
            <option value="report">{t('review.kind.report')}</option>
          </select>
        </label>
        <label>
          {t('review.filter.state')}
          <select name="state" defaultValue={filter.state ?? 'open'}>
            <option value="open">{t('review.state.open')}</option>
            <option value="decided">{t('review.state.decided')}</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="mine" defaultChecked={filter.mine === true} /> {t('review.filter.mine')}
        </label>
        <button type="submit">{t('review.filter.apply')}</button>
      </form>
      {page.error ? <ErrorMessage error={page.error} onRetry={page.reload} /> : null}
      {!page.data && !page.error ? <Loading /> : null}
      {page.data && items.length === 0 ? <p className="muted">{t('review.empty')}</p> : null}
      {items.length > 0 && (
        <table className="review-table" data-testid="review-queue">
          <thead>
            <tr>
              <th>{t('review.col.work')}</th>
              <th>{t('review.col.kind')}</th>
              <th>{t('review.col.opened')}</th>
              <th>{t('review.col.status')}</th>
              <th>{t('review.col.checks')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid="review-row" data-item={item.id}>
                <td>
                  <Link to={reviewItemPath(item.id)}>{pick(item.workTitle) ?? t('review.untitled')}</Link>
                </td>
                <td>
                  {t(KIND_KEYS[item.kind])} · {t(STAGE_KEYS[item.stage])}
                  {item.kind === 'report' ? ` · ${t('review.item.reports', { count: item.reportCount })}` : ''}
                </td>
                <td>{formatDateTime(item.openedAt)}</td>
                <td>{item.decision ? t(DECISION_KEYS[item.decision]) : item.claimedBy ? t('review.claimedBy', { name: item.claimedByName ?? item.claimedBy }) : t('review.free')}</td>
                <td>
                  {item.checks
                    .filter((c) => c.outcome !== 'pass')
                    .map((c) => (
                      <span key={c.code} className={`review-outcome review-outcome-${c.outcome}`} title={t(OUTCOME_KEYS[c.outcome])}>
                        {checkLabel(c.code, t)}
                      </span>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data?.next && (
        <button
          type="button"
          onClick={() => {
            setEarlier(items);
            setAfter(page.data!.next!);
          }}
        >
          {t('review.more')}
        </button>
      )}
    </div>
  );
}

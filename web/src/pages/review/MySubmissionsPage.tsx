import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { DECISION_KEYS, OUTCOME_KEYS, checkLabel, reasonLabel } from '../../components/review/review-labels';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi, type ReviewItem } from '../../review-api';
import { useSession } from '../../session';
import { useApi } from '../../use-api';
import '../../styles/review.css';

/** `/submissions`: a creator's works waiting for review or decided, with the reason, and an appeal while it is allowed. */
export function MySubmissionsPage() {
  const { t, lang, pick, formatDateTime } = useI18n();
  const { user } = useSession();
  const mine = useApi(() => reviewApi.mine(), user?.id ?? '');
  const reasons = useApi(() => reviewApi.reasons(), 'reasons');
  usePageTitle(t('review.mine.title'));
  if (mine.error) return <ErrorMessage error={mine.error} onRetry={mine.reload} />;
  if (!mine.data) return <Loading />;
  const replace = (item: ReviewItem) => mine.setData({ items: mine.data!.items.map((i) => (i.id === item.id ? item : i)) });
  return (
    <div className="review-page">
      <h1>{t('review.mine.title')}</h1>
      <p>{t('review.mine.intro')}</p>
      {mine.data.items.length === 0 && <p className="muted">{t('review.mine.empty')}</p>}
      {mine.data.items.map((item) => (
        <article key={item.id} className="review-card" data-testid="submission" data-state={item.state} data-decision={item.decision ?? ''}>
          <h2>
            <Link to={`/works/${encodeURIComponent(item.workId)}`}>{pick(item.workTitle) ?? t('review.untitled')}</Link>
          </h2>
          <p>
            {item.state === 'open' ? t(item.stage === 'appeal' ? 'review.mine.appealed' : 'review.mine.pending') : item.decision ? t(DECISION_KEYS[item.decision]) : ''}
            {item.decidedAt ? ` · ${formatDateTime(item.decidedAt)}` : ''}
          </p>
          {item.reasonCode && <p>{t('review.mine.reason', { reason: reasonLabel(reasons.data?.items, item.reasonCode, lang) })}</p>}
          {item.reasonText && <p data-testid="submission-reason-text">{item.reasonText}</p>}
          {item.checks.some((c) => c.outcome !== 'pass') && (
            <ul className="review-checks">
              {item.checks
                .filter((c) => c.outcome !== 'pass')
                .map((c) => (
                  <li key={c.code} className="review-check">
                    <span className={`review-outcome review-outcome-${c.outcome}`}>{t(OUTCOME_KEYS[c.outcome])}</span> {checkLabel(c.code, t)}
                  </li>
                ))}
            </ul>
          )}
          {item.appealUntil && <AppealForm item={item} onAppealed={replace} />}
        </article>
      ))}
    </div>
  );
}

function AppealForm({ item, onAppealed }: { item: ReviewItem; onAppealed: (item: ReviewItem) => void }) {
  const { t, formatDateTime } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('text') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      onAppealed(await reviewApi.appeal(item.id, text));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="review-form" onSubmit={(e) => void submit(e)} data-testid="appeal-form">
      <p>{t('review.mine.appealUntil', { until: formatDateTime(item.appealUntil) })}</p>
      <label>
        {t('review.mine.appealText')}
        <textarea name="text" rows={3} required maxLength={2000} data-testid="appeal-text" />
      </label>
      {error ? <ErrorMessage error={error} /> : null}
      <button type="submit" disabled={busy} data-testid="appeal-send">
        {t('review.mine.appealSend')}
      </button>
    </form>
  );
}

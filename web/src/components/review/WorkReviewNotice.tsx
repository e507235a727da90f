import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import type { WorkReview } from '../../review-api';
import { DECISION_KEYS } from './review-labels';

/** For those who manage a work: where its publication stands in review (waiting, decided, appealed). */
export function WorkReviewNotice({ review }: { review: WorkReview | null | undefined }) {
  const { t } = useI18n();
  if (!review || review.state === 'approved') return null;
  const text =
    review.state === 'pending' ? t('review.work.pending') : review.state === 'appealed' ? t('review.work.appealed') : t('review.work.status', { state: t(DECISION_KEYS[review.state]) });
  return (
    <p className="notice" data-testid="work-review" data-state={review.state}>
      {text} <Link to="/submissions">{t('review.work.toSubmissions')}</Link>
    </p>
  );
}

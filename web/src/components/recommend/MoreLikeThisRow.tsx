import { useId } from 'react';
import { useI18n } from '../../i18n';
import { recommendApi } from '../../recommend-api';
import type { Vocabulary } from '../../types';
import { useApi } from '../../use-api';
import { RecommendationList } from './RecommendationList';
import '../../styles/recommend.css';

/**
 * "More like this" under a work: works that people who looked at it also looked at, and works
 * alike in content, each with its reason. Absent while loading, on error and when empty.
 */
export function MoreLikeThisRow({ workId, vocabulary, userKey }: { workId: string; vocabulary: Vocabulary | null; userKey: string }) {
  const { t } = useI18n();
  const id = useId();
  const more = useApi(() => recommendApi.moreLikeThis(workId), `${workId}:${userKey}`);
  const items = more.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="related-row rec-more no-print" aria-labelledby={id} data-testid="more-like-this">
      <div className="related-row-head">
        <h2 id={id}>{t('recommend.moreLikeThis')}</h2>
      </div>
      <RecommendationList items={items} vocabulary={vocabulary} layout="shelf" labelledBy={id} />
    </section>
  );
}

import { useRef } from 'react';
import { useI18n } from '../../i18n';
import { reasonText } from '../../recommend-reason';
import type { RecommendationItem } from '../../recommend-api';
import type { Vocabulary } from '../../types';
import { WorkCard } from '../WorkCard';

interface Props {
  items: readonly RecommendationItem[];
  vocabulary: Vocabulary | null;
  /** Absent: no "not interested" button (the work page's row). */
  onNotInterested?: ((item: RecommendationItem) => void) | undefined;
  /** `shelf`: one row that scrolls sideways; `grid`: rows that wrap (the full page). */
  layout?: 'shelf' | 'grid';
  labelledBy?: string;
}

/**
 * Recommended works as catalogue cards, each with the reason it is here and, where the reader may
 * say so, "not interested". Removing a card moves focus to the next one (or the previous), so a
 * keyboard user is never dropped at the top of the page.
 */
export function RecommendationList({ items, vocabulary, onNotInterested, layout = 'grid', labelledBy }: Props) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const list = useRef<HTMLUListElement>(null);

  const remove = (item: RecommendationItem, index: number) => {
    onNotInterested?.(item);
    requestAnimationFrame(() => {
      const cards = list.current?.querySelectorAll<HTMLElement>(':scope > li');
      const next = cards?.[Math.min(index, (cards?.length ?? 1) - 1)];
      (next?.querySelector<HTMLElement>('a[href]') ?? list.current)?.focus();
    });
  };

  return (
    <ul ref={list} className={`rec-cards rec-cards-${layout}`} aria-labelledby={labelledBy} tabIndex={-1} data-testid="rec-list">
      {items.map((item, index) => {
        const title = pick(item.work.title) ?? item.work.id;
        const reason = reasonText(item.reason, vocabulary, i18n);
        return (
          <li key={item.work.id} className="rec-item" data-testid="rec-item" data-work-id={item.work.id} data-reason={item.reason.kind}>
            <WorkCard work={item.work} />
            <p className="rec-reason" data-testid="rec-reason">
              {reason}
            </p>
            {onNotInterested && (
              <button type="button" className="button button-quiet rec-dismiss" onClick={() => remove(item, index)} aria-label={t('recommend.notInterestedIn', { title })} data-testid="rec-not-interested">
                {t('recommend.notInterested')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

import type { I18n } from './i18n';
import { facetValueLabel } from './labels';
import type { RecommendationReason } from './recommend-api';
import type { Vocabulary } from './types';

/** Why a work is recommended, in the reader's language ("because you looked at 《早春圖》"). */
export function reasonText(reason: RecommendationReason, vocabulary: Vocabulary | null, i18n: Pick<I18n, 't' | 'has' | 'lang' | 'pick'>): string {
  const { t } = i18n;
  switch (reason.kind) {
    case 'because':
      return t('recommend.reason.because', { title: i18n.pick(reason.title) ?? reason.workId });
    case 'unexplored-category':
      return t('recommend.reason.unexplored', { category: facetValueLabel(reason.facet, reason.value, vocabulary, i18n) });
    case 'long-tail': {
      const near = reason.title ? i18n.pick(reason.title) : undefined;
      return near ? t('recommend.reason.longTailNear', { title: near }) : t('recommend.reason.longTail');
    }
    case 'curators-pick':
      return t('recommend.reason.curatorsPick');
    case 'popular':
      return t('recommend.reason.popular');
    case 'random-category':
      return t('recommend.reason.randomCategory', { category: facetValueLabel(reason.facet, reason.value, vocabulary, i18n) });
    case 'new-work':
      return t('recommend.reason.newWork');
  }
}

/** Whether a reason comes from the person's own history (the personal mode) rather than the list everyone sees. */
export function isPersonalReason(reason: RecommendationReason): boolean {
  return reason.kind === 'because' || reason.kind === 'unexplored-category' || (reason.kind === 'long-tail' && reason.workId !== null);
}

import { useId } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import { useImageGate } from '../../image-gate';
import type { Vocabulary } from '../../types';
import { NotPersonalisedNote } from './FeedControls';
import { RecommendationList } from './RecommendationList';
import { useFeed } from './use-feed';
import '../../styles/recommend.css';

const ROW_SIZE = 8;

/**
 * The home page's "For you" row: a shelf of recommendations with their reasons and a way to the
 * full page. It is asked for only once the hero's image is in (the home page's largest paint comes
 * first), and is quietly absent when there is nothing to show or the request fails.
 */
export function ForYouRow({ vocabulary }: { vocabulary: Vocabulary | null }) {
  const { t } = useI18n();
  const id = useId();
  const open = useImageGate();
  const { feed, items, preferredMode, notInterested, signedIn } = useFeed(ROW_SIZE, open);
  const data = feed.data;
  if (!data || items.length === 0) return null;
  return (
    <section className="home-section rec-row" aria-labelledby={id} data-testid="for-you-row">
      <div className="home-section-head">
        <div>
          <h2 id={id}>{t('recommend.forYou')}</h2>
          <p className="home-section-hint">{t('recommend.rowHint')}</p>
        </div>
        <Link to="/for-you" data-testid="for-you-link">
          {t('recommend.seeAll')}
        </Link>
      </div>
      <NotPersonalisedNote signedIn={signedIn} consented={data.consented} chosen={preferredMode === 'general'} />
      <RecommendationList items={items} vocabulary={vocabulary} onNotInterested={notInterested} layout="shelf" labelledBy={id} />
    </section>
  );
}

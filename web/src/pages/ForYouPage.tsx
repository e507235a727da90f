import { useId } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { FamiliarExploreSlider, ModeSwitch, NotPersonalisedNote } from '../components/recommend/FeedControls';
import { RecommendationList } from '../components/recommend/RecommendationList';
import { useFeed } from '../components/recommend/use-feed';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useVocabulary } from '../vocabulary';
import '../styles/recommend.css';

const PAGE_SIZE = 24;

/**
 * /for-you: recommendations that widen the reader's world. Each card says why it is here; the
 * reader sets how far to wander (familiar ↔ explore), asks for something different, drops works
 * they do not care for, and may switch to the list that is the same for everyone.
 */
export function ForYouPage() {
  const { t } = useI18n();
  const headingId = useId();
  const vocabulary = useVocabulary();
  const { feed, items, preferredMode, setMode, slider, setSlider, different, notInterested, signedIn } = useFeed(PAGE_SIZE);
  usePageTitle(t('recommend.pageTitle'));
  const data = feed.data;
  const consented = data?.consented ?? false;
  const personal = signedIn && consented && preferredMode === 'personal';

  return (
    <div className="for-you-page">
      <h1 id={headingId}>{t('recommend.pageTitle')}</h1>
      <p className="hint">{t('recommend.intro')}</p>
      {data && <NotPersonalisedNote signedIn={signedIn} consented={consented} chosen={preferredMode === 'general'} />}
      <div className="rec-controls">
        {personal && <FamiliarExploreSlider value={slider} onChange={setSlider} />}
        {signedIn && consented && <ModeSwitch mode={preferredMode} onChange={setMode} />}
        <p className="rec-different">
          {/* aria-disabled, not disabled, while loading: a disabled button would drop the keyboard focus. */}
          <button type="button" className="button" onClick={() => !feed.loading && different()} aria-disabled={feed.loading} data-testid="rec-different">
            {t('recommend.different')}
          </button>
        </p>
      </div>
      {/* Announces each new list in a word; the list itself is not live (it would read every card). */}
      <p role="status" className="visually-hidden" data-testid="rec-status">
        {data && !feed.loading ? t('recommend.loaded', { count: items.length }) : ''}
      </p>
      {feed.error && !data ? (
        <ErrorMessage error={feed.error} onRetry={feed.reload} />
      ) : !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="notice">{t('recommend.empty')}</p>
      ) : (
        <div aria-busy={feed.loading} data-testid="rec-feed" data-mode={data.mode}>
          <RecommendationList items={items} vocabulary={vocabulary} onNotInterested={notInterested} labelledBy={headingId} />
        </div>
      )}
    </div>
  );
}

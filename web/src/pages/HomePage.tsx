import { useState } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { api } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { FirstRunPanel } from '../components/home/FirstRunPanel';
import { HomeHero } from '../components/home/HomeHero';
import { BrowseSection, CollectionsSection, DiscoverySection, ExhibitionsSection, FeaturedWorks } from '../components/home/HomeSections';
import { Loading } from '../components/Loading';
import { ForYouRow } from '../components/recommend/ForYouRow';
import { useI18n } from '../i18n';
import { ImageGate, useMainImageDone } from '../image-gate';
import { useInstitutionName, usePageTitle } from '../instance';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { useVocabulary } from '../vocabulary';
import '../styles/exhibitions.css';
import '../styles/home.css';

/** Query parameters the home page itself reads; any other means an old catalogue link (/?q=…). */
const HOME_PARAMS = new Set<string>();

/**
 * The public face's front door: a large featured work, exhibitions, collections, a daily handful
 * of works to discover, and entry points by category, period, time and place — all chosen by
 * curators on /home/edit. Staff on an instance that shows nothing yet get the first steps instead.
 */
export function HomePage() {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  // The catalogue lived at / before this page: bookmarks and shared searches still arrive here.
  if ([...params.keys()].some((key) => !HOME_PARAMS.has(key))) return <Navigate to={`/works${location.search}${location.hash}`} replace />;
  return <Home />;
}

function Home() {
  const { t } = useI18n();
  const { user, hasRole } = useSession();
  const institution = useInstitutionName();
  const vocabulary = useVocabulary();
  const [seed, setSeed] = useState<string | null>(null);
  const home = useApi(() => api.home(), user?.id ?? '');
  // "Show me others" asks again with a new seed; only the discovery row changes.
  const discovery = useApi(() => (seed === null ? Promise.resolve(null) : api.home(seed).then((h) => h.discovery)), seed ?? '', true);
  usePageTitle(institution?.text ?? t('home.pageTitle'));
  const staff = hasRole('admin') || hasRole('curator');
  // The cards below the hero wait for its image (or 4 s), so a slow phone fetches the largest paint first.
  const [heroDone, markHeroDone] = useMainImageDone();

  if (home.error && !home.data) return <ErrorMessage error={home.error} onRetry={home.reload} />;
  const data = home.data;
  if (!data) return <Loading />;

  if (data.firstRun) return <FirstRunPanel state={data.firstRun} />;
  if (data.publicWorks === 0 && data.exhibitions.length === 0) {
    return (
      <section className="home-empty page-narrow" aria-labelledby="home-empty-title">
        <h1 id="home-empty-title">{t('home.empty.title')}</h1>
        <p>{t('home.empty.text')}</p>
        {user === null && (
          <p>
            <Link to="/login">{t('nav.signIn')}</Link>
          </p>
        )}
      </section>
    );
  }

  const heroId = data.featuredWorks.find((w) => w.image)?.id;
  return (
    <ImageGate value={heroDone || !heroId}>
      <div className="home-page">
        <HomeHero home={data} institution={institution} onImageDone={markHeroDone} />
        {staff && (
          <p className="home-edit-link">
            <Link to="/home/edit" className="button" data-testid="home-edit">
              {t('home.edit')}
            </Link>
          </p>
        )}
        <FeaturedWorks works={data.featuredWorks.filter((w) => w.id !== heroId)} />
        <ExhibitionsSection exhibitions={data.exhibitions} />
        <CollectionsSection collections={data.featuredCollections} />
        <ForYouRow vocabulary={vocabulary} />
        <DiscoverySection works={discovery.data ?? data.discovery} loading={discovery.loading && seed !== null} onMore={() => setSeed(Math.random().toString(36).slice(2, 10))} />
        <BrowseSection categories={data.categories} vocabulary={vocabulary} />
      </div>
    </ImageGate>
  );
}

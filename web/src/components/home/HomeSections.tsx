import { useState } from 'react';
import { Link } from 'react-router';
import { ExhibitionCard } from '../exhibitions/ExhibitionCard';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { facetValueLabel } from '../../labels';
import { useImageGate } from '../../image-gate';
import { responsiveImage } from '../../showcase-image';
import type { ExhibitionSummary, Home, Vocabulary } from '../../types';
import { ShowcaseWorkCard } from './ShowcaseWorkCard';

/** Featured works after the hero's, in the curator's order. */
export function FeaturedWorks({ works }: { works: Home['featuredWorks'] }) {
  const { t } = useI18n();
  if (works.length === 0) return null;
  return (
    <section className="home-section" aria-labelledby="home-featured">
      <h2 id="home-featured">{t('home.featured')}</h2>
      <div className="showcase-row">
        {works.map((work) => (
          <ShowcaseWorkCard key={work.id} work={work} sizes="(max-width: 640px) 45vw, 22vw" />
        ))}
      </div>
    </section>
  );
}

export function ExhibitionsSection({ exhibitions }: { exhibitions: ExhibitionSummary[] }) {
  const { t } = useI18n();
  const [now] = useState(() => Date.now());
  if (exhibitions.length === 0) return null;
  return (
    <section className="home-section" aria-labelledby="home-exhibitions">
      <div className="home-section-head">
        <h2 id="home-exhibitions">{t('home.exhibitions')}</h2>
        <Link to="/exhibitions">{t('home.allExhibitions')}</Link>
      </div>
      <ul className="exhibition-grid">
        {exhibitions.map((e) => (
          <li key={e.id}>
            <ExhibitionCard exhibition={e} now={now} headingLevel={3} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function CollectionsSection({ collections }: { collections: Home['featuredCollections'] }) {
  const { t, pickEntry } = useI18n();
  const open = useImageGate();
  if (collections.length === 0) return null;
  return (
    <section className="home-section" aria-labelledby="home-collections">
      <h2 id="home-collections">{t('home.featuredCollections')}</h2>
      <ul className="collection-tiles">
        {collections.map((c) => {
          const name = pickEntry(c.name);
          const description = pickEntry(c.description);
          const image = c.cover?.image ?? null;
          const source = image ? responsiveImage(image, 800) : null;
          return (
            <li key={c.id} className="collection-tile">
              {source && open && <img src={source.src} srcSet={source.srcSet} sizes="(max-width: 640px) 66vw, 25vw" alt="" loading="lazy" decoding="async" />}
              <div className="collection-tile-body">
                <h3>
                  <Link to={`/works?collection=${encodeURIComponent(c.id)}`} className="stretched-link" lang={name ? htmlLang(name[0]) : undefined}>
                    {name?.[1] ?? c.id}
                  </Link>
                </h3>
                {description && (
                  <p className="collection-tile-text" lang={htmlLang(description[0])}>
                    {description[1]}
                  </p>
                )}
                <p className="collection-tile-count">{t('home.collectionCount', { count: c.workCount })}</p>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function DiscoverySection({ works, onMore, loading }: { works: Home['discovery']; onMore: () => void; loading: boolean }) {
  const { t } = useI18n();
  if (works.length === 0) return null;
  return (
    <section className="home-section" aria-labelledby="home-discovery" aria-busy={loading}>
      <div className="home-section-head">
        <div>
          <h2 id="home-discovery">{t('home.discovery')}</h2>
          <p className="home-section-hint">{t('home.discoveryHint')}</p>
        </div>
        <button type="button" className="button" onClick={onMore} disabled={loading} data-testid="discovery-more">
          {t('home.discoveryMore')}
        </button>
      </div>
      <div className="showcase-grid">
        {works.map((work) => (
          <ShowcaseWorkCard key={work.id} work={work} sizes="(max-width: 640px) 50vw, 16vw" />
        ))}
      </div>
    </section>
  );
}

const FACET_PARAM = { industry: 'industry', heritage: 'heritage', period: 'period' } as const;

/** Entry points by category, heritage type and period, with counts, and the timeline and map. */
export function BrowseSection({ categories, vocabulary }: { categories: Home['categories']; vocabulary: Vocabulary | null }) {
  const i18n = useI18n();
  const { t, formatNumber } = i18n;
  const group = (name: keyof typeof FACET_PARAM, heading: string) => {
    const entries = categories[name];
    if (entries.length === 0) return null;
    return (
      <div className="browse-group">
        <h3>{heading}</h3>
        <ul className="browse-chips">
          {entries.map((e) => (
            <li key={e.value}>
              <Link to={`/works?${FACET_PARAM[name]}=${encodeURIComponent(e.value)}`}>
                <span>{facetValueLabel(name, e.value, vocabulary, i18n)}</span> <span className="browse-count">{formatNumber(e.count)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </div>
    );
  };
  return (
    <section className="home-section home-browse" aria-labelledby="home-browse">
      <h2 id="home-browse">{t('home.browse')}</h2>
      <ul className="browse-ways">
        <li>
          <Link to="/browse/time" className="browse-way">
            {t('home.browseTimeline')}
          </Link>
        </li>
        <li>
          <Link to="/browse/map" className="browse-way">
            {t('home.browseMap')}
          </Link>
        </li>
      </ul>
      {group('period', t('home.browsePeriod'))}
      {group('industry', t('home.browseCategory'))}
      {group('heritage', t('home.browseHeritage'))}
    </section>
  );
}

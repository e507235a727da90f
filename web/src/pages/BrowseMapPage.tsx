import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { PlaceMap } from '../components/browse/PlaceMap';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { useInstance, usePageTitle } from '../instance';
import { levelsPresent, mostlyChinese, placesAtLevel, type MapLevel } from '../map-scale';
import { useSession } from '../session';
import type { PlaceCount } from '../types';
import { useApi } from '../use-api';
import '../styles/browse.css';

const LEVEL_LABELS = { country: 'browse.map.level.country', province: 'browse.map.level.province', prefecture: 'browse.map.level.prefecture' } as const;

/**
 * Browsing by place: a map of the places named in the works (and the works' own coordinates), at
 * a chosen level of detail, and beside it the same places as a list of links, most works first.
 */
export function BrowseMapPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { instance } = useInstance();
  // Signing in changes the counts (private works the reader may see).
  const result = useApi(() => api.places(), user?.id ?? '');
  usePageTitle(t('browse.map.title'));
  const [chosen, setChosen] = useState<MapLevel | null>(null);

  const all = result.data?.places;
  const levels = useMemo(() => (all ? levelsPresent(all) : []), [all]);
  const level = chosen && levels.includes(chosen) ? chosen : (levels.at(-1) ?? 'country');
  const shown = useMemo(() => (all ? placesAtLevel(all, level) : []), [all, level]);
  const byKey = useMemo(() => new Map((all ?? []).map((p) => [p.key, p])), [all]);
  const nameOf = (place: PlaceCount) => (lang === 'en' ? place.names.en : place.names['zh-Hans']);
  const pointWorks = (result.data?.points ?? []).reduce((n, p) => n + p.count, 0);

  return (
    <div className="browse-page">
      <h1>{t('browse.map.title')}</h1>
      <p className="browse-intro">{t('browse.map.intro')}</p>
      {result.error ? (
        <ErrorMessage error={result.error} onRetry={result.reload} />
      ) : !result.data || instance === undefined ? (
        <Loading />
      ) : (
        <>
          {levels.length > 1 && (
            <fieldset className="map-levels">
              <legend>{t('browse.map.levels')}</legend>
              {levels.map((l) => (
                <label key={l} className={l === level ? 'map-level map-level-current' : 'map-level'}>
                  <input type="radio" name="map-level" value={l} checked={l === level} onChange={() => setChosen(l)} />
                  <span>{t(LEVEL_LABELS[l])}</span>
                </label>
              ))}
            </fieldset>
          )}
          <div className="map-layout">
            <PlaceMap places={shown} points={result.data.points} china={mostlyChinese(all ?? [])} tiles={instance?.map ?? null} label={t('browse.map.mapLabel')} />
            <section className="map-places" aria-labelledby="map-places-heading">
              <h2 id="map-places-heading">{t('browse.map.listHeading')}</h2>
              {shown.length === 0 ? (
                <p>{t('browse.map.empty')}</p>
              ) : (
                <ol className="map-place-list">
                  {shown.map((place) => {
                    const parent = place.parent && level === 'prefecture' && place.level === 'prefecture' ? byKey.get(place.parent) : undefined;
                    return (
                      <li key={place.key}>
                        <Link to={`/works?place=${encodeURIComponent(place.key)}`}>
                          <span lang={lang}>{nameOf(place)}</span>
                          {parent && <span className="map-place-parent"> {nameOf(parent)}</span>}
                        </Link>
                        <span className="map-place-count">{t('browse.count', { count: place.count })}</span>
                      </li>
                    );
                  })}
                </ol>
              )}
              {pointWorks > 0 && <p className="map-points-note">{t('browse.map.pointsNote', { count: pointWorks })}</p>}
            </section>
          </div>
        </>
      )}
    </div>
  );
}

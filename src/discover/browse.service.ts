import { DYNASTIES, DYNASTY_KEYS, REIGNS, type DynastyKey } from '../archive/chinese-eras.js';
import { placeByKey } from '../archive/gazetteer.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { AnswerCache } from './answer-cache.js';
import type { BrowseRepository } from './browse.repository.js';
import type { BrowsePlaces, DynastyCount, Timeline } from './browse.contract.js';

/** Dynasties that are parts of another (the period facet keeps both: a record may name either). */
const PARENT: Partial<Record<DynastyKey, DynastyKey>> = {
  'western-zhou': 'zhou', 'eastern-zhou': 'zhou', 'spring-autumn': 'eastern-zhou', 'warring-states': 'eastern-zhou',
  'western-han': 'han', 'eastern-han': 'han', 'western-jin': 'jin', 'eastern-jin': 'jin',
  'northern-song': 'song', 'southern-song': 'song',
};

/** The timeline's dynasties in order: by first year, an enclosing dynasty before its parts. */
export const TIMELINE_ORDER: readonly DynastyKey[] = [...DYNASTY_KEYS].sort((a, b) => DYNASTIES[a].earliest - DYNASTIES[b].earliest || DYNASTIES[b].latest - DYNASTIES[a].latest);

const overlaps = (a: { earliest: number; latest: number }, b: { earliest: number; latest: number }) => a.earliest <= b.latest && a.latest >= b.earliest;

/**
 * The timeline and the map. A dynasty counts the works whose period facet is that dynasty (what
 * /works?period=<key> lists); a reign counts that dynasty's works whose years overlap the reign
 * (what /works?period=<dynasty>&yearFrom=…&yearTo=… lists). Anonymous answers are shared.
 */
export class BrowseService {
  private readonly anonymousTimeline = new AnswerCache<Timeline>(1, 60_000);
  private readonly anonymousPlaces = new AnswerCache<BrowsePlaces>(1, 60_000);

  constructor(
    private readonly repo: BrowseRepository,
    private readonly works: Pick<WorkReader, 'catalogueVersion'>,
  ) {}

  async timeline(actor: Actor): Promise<Timeline> {
    if (actor.kind !== 'anonymous') return this.computeTimeline(actor);
    return this.anonymousTimeline.get('timeline', await this.works.catalogueVersion(), () => this.computeTimeline(actor));
  }

  async places(actor: Actor): Promise<BrowsePlaces> {
    if (actor.kind !== 'anonymous') return this.computePlaces(actor);
    return this.anonymousPlaces.get('places', await this.works.catalogueVersion(), () => this.computePlaces(actor));
  }

  private async computeTimeline(actor: Actor): Promise<Timeline> {
    const reignDynasties = [...new Set(REIGNS.filter((r) => r.key !== 'republic').map((r) => r.key))];
    const [periods, ranges] = await Promise.all([this.repo.periodCounts(actor), this.repo.rangeCounts(actor, reignDynasties)]);
    const byPeriod = new Map<string, number>();
    let undated = 0;
    let otherDated = 0;
    for (const row of periods) {
      if (!row.dated) undated += row.count;
      else if (row.period && (DYNASTY_KEYS as readonly string[]).includes(row.period)) byPeriod.set(row.period, (byPeriod.get(row.period) ?? 0) + row.count);
      else otherDated += row.count;
    }
    const dynasties = TIMELINE_ORDER.map((key): DynastyCount => {
      const info = DYNASTIES[key];
      const own = ranges.filter((r) => r.period === key);
      const reigns = REIGNS.filter((r) => r.key === key && key !== 'republic').map((r) => ({
        zh: r.zh,
        en: reignLabel(r.en[0] ?? r.zh),
        earliest: r.earliest,
        latest: r.latest,
        count: own.reduce((n, range) => n + (overlaps(range, r) ? range.count : 0), 0),
      }));
      return { key, zh: info.zh, en: info.en, earliest: info.earliest, latest: info.latest, parent: PARENT[key] ?? null, count: byPeriod.get(key) ?? 0, reigns };
    });
    return { dynasties, undated, otherDated };
  }

  private async computePlaces(actor: Actor): Promise<BrowsePlaces> {
    const [counts, points] = await Promise.all([this.repo.placeCounts(actor), this.repo.geoPoints(actor)]);
    const places = counts.flatMap(({ key, count }) => {
      const place = placeByKey(key);
      // A key the gazetteer no longer has (until the refacet job has run) has nowhere to be drawn.
      return place ? [{ key, level: place.level, parent: place.parent, names: place.names, lat: place.lat, lon: place.lon, count }] : [];
    });
    // The places above them too (with their own count, often 0), so a map can add a prefecture's
    // works into its province or country and draw them there.
    const listed = new Set(places.map((p) => p.key));
    for (let i = 0; i < places.length; i++) {
      const parentKey = places[i]!.parent;
      const parent = parentKey && !listed.has(parentKey) ? placeByKey(parentKey) : undefined;
      if (!parent) continue;
      listed.add(parent.key);
      places.push({ key: parent.key, level: parent.level, parent: parent.parent, names: parent.names, lat: parent.lat, lon: parent.lon, count: 0 });
    }
    places.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { places, points };
  }
}

/** Reign names are stored lower case for matching (qianlong); labels are capitalised (Qianlong). */
function reignLabel(name: string): string {
  return name.replace(/(^|[\s-])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

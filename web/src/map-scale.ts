/**
 * Sizes of the map's circles: the area grows with the number of works (radius by square root), so
 * a place with four times the works looks four times as big, not sixteen.
 */

/** Radius in pixels of a marker for `count` works when the busiest place has `maxCount`. */
export function markerRadius(count: number, maxCount: number, range: { min: number; max: number } = { min: 5, max: 28 }): number {
  if (count <= 0 || maxCount <= 0) return range.min;
  const share = Math.sqrt(Math.min(count, maxCount) / maxCount);
  return range.min + (range.max - range.min) * share;
}

/** Whether most of the works drawn are in China, so the map opens on China instead of the world. */
export function mostlyChinese(places: readonly { key: string; count: number }[]): boolean {
  let chinese = 0;
  let total = 0;
  for (const p of places) {
    total += p.count;
    if (p.key === 'cn' || p.key.startsWith('cn-')) chinese += p.count;
  }
  return total > 0 && chinese * 2 > total;
}

export type MapLevel = 'country' | 'province' | 'prefecture';
const RANK: Record<MapLevel, number> = { country: 0, province: 1, prefecture: 2 };

interface RolledPlace {
  key: string;
  level: MapLevel;
  parent: string | null;
  count: number;
}

/**
 * The places to draw at a level of detail, each with the works of the places under it added in:
 * at `province`, Hangzhou's works are counted in Zhejiang; a place coarser than the level (works
 * that only say "China") keeps its own. Needs every ancestor listed (GET /api/browse/places does).
 * Most works first; places without works left out.
 */
export function placesAtLevel<P extends RolledPlace>(places: readonly P[], level: MapLevel): (P & { count: number })[] {
  const byKey = new Map(places.map((p) => [p.key, p]));
  const totals = new Map<string, number>();
  for (const place of places) {
    if (place.count <= 0) continue;
    let target: P = place;
    while (RANK[target.level] > RANK[level] && target.parent) {
      const parent = byKey.get(target.parent);
      if (!parent) break;
      target = parent;
    }
    totals.set(target.key, (totals.get(target.key) ?? 0) + place.count);
  }
  return [...totals]
    .map(([key, count]) => ({ ...byKey.get(key)!, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The levels of detail the places have (countries only, or provinces and prefectures too). */
export function levelsPresent(places: readonly { level: MapLevel }[]): MapLevel[] {
  const present = new Set(places.map((p) => p.level));
  return (['country', 'province', 'prefecture'] as const).filter((l) => present.has(l));
}

/**
 * The request lists of bench/iiif.ts, as IIIF Image API paths after the identifier
 * (`{region}/{size}/{rotation}/{quality}.{format}`): the same list is sent to iipsrv and to Wenyuan,
 * each server putting its own prefix in front. Deterministic (seeded), so runs compare.
 */

/** A seeded linear congruential generator in [0, 1): the same lists on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Fisher–Yates shuffle with a seeded generator (a viewer does not ask for tiles in file order). */
export function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Every tile of every level as OpenSeadragon asks for it from a level 2 service with 256 px tiles:
 * region `x,y,w,h` of `256·2^k` full-image pixels (cut at the edges), size `ceil(w / 2^k),`, for
 * each scale factor 2^k up to the first level that fits in one tile.
 */
export function alignedTilePaths(width: number, height: number, tile = 256): string[] {
  const out: string[] = [];
  for (let f = 1; ; f *= 2) {
    const span = tile * f;
    for (let y = 0; y < height; y += span) {
      for (let x = 0; x < width; x += span) {
        const w = Math.min(span, width - x), h = Math.min(span, height - y);
        out.push(`${x},${y},${w},${h}/${Math.ceil(w / f)},/0/default.jpg`);
      }
    }
    if (Math.ceil(width / f) <= tile && Math.ceil(height / f) <= tile) break;
  }
  return out;
}

/** `count` regions at random places, 300 to 5,300 px wide, of random aspect, each scaled to 256 px wide. */
export function unalignedPaths(width: number, height: number, count: number, random: () => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const w = 300 + Math.floor(random() * 5000);
    const h = Math.max(1, Math.round(w * (0.5 + random() * 0.5)));
    const x = Math.floor(random() * (width - w)), y = Math.floor(random() * (height - h));
    out.push(`${x},${y},${w},${h}/256,/0/default.jpg`);
  }
  return out;
}

/** The whole image fitted in 1024 × 1024, as a viewer's first view or a work page asks. */
export const FULL_VIEW_PATH = 'full/!1024,1024/0/default.jpg';

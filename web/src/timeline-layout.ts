/**
 * The timeline band's geometry: each dynasty gets a share of the band's width by how long it
 * lasted, but never less than a minimum, so a fifteen-year dynasty (Qin) stays wide enough to read
 * and click beside a thousand-year one (Zhou). Dynasties are laid side by side in order, not on an
 * absolute time axis: overlapping ones (Liao beside Song) would otherwise cover each other.
 */

export interface TimelineSpan {
  key: string;
  earliest: number;
  latest: number;
}

export interface BandSegment {
  key: string;
  /** Share of the band's width, in percent; the segments add up to 100. */
  widthPercent: number;
}

/** Years a span lasted, with a span still going (the PRC's 2100) ending at `presentYear`; at least 1. */
export function spanYears(span: TimelineSpan, presentYear: number): number {
  return Math.max(1, Math.min(span.latest, presentYear) - span.earliest);
}

/**
 * Widths of the band's segments: proportional to their years, each at least `minShare` of the
 * band (when the minimum cannot be kept for all, every segment gets the same width).
 */
export function bandSegments(spans: readonly TimelineSpan[], options: { presentYear: number; minShare?: number }): BandSegment[] {
  const n = spans.length;
  if (n === 0) return [];
  const minShare = Math.min(options.minShare ?? 0.04, 1 / n);
  const years = spans.map((s) => spanYears(s, options.presentYear));
  const floored = new Set<number>();
  let shares: number[] = [];
  // Water-filling: segments below the minimum are held at it and the rest share what is left;
  // shrinking the rest can push another below, so repeat until none moves (at most n rounds).
  for (let round = 0; round <= n; round++) {
    const freeYears = years.reduce((sum, y, i) => sum + (floored.has(i) ? 0 : y), 0);
    const freeShare = 1 - floored.size * minShare;
    shares = years.map((y, i) => (floored.has(i) ? minShare : freeYears > 0 ? (y / freeYears) * freeShare : minShare));
    const newlyFloored = shares.map((s, i) => (!floored.has(i) && s < minShare ? i : -1)).filter((i) => i >= 0);
    if (newlyFloored.length === 0) break;
    for (const i of newlyFloored) floored.add(i);
  }
  return spans.map((s, i) => ({ key: s.key, widthPercent: shares[i]! * 100 }));
}

/** How strongly a segment is tinted for its number of works: 0 for none, up to 1 for the most (square root, so small counts still show). */
export function countShade(count: number, maxCount: number): number {
  if (count <= 0 || maxCount <= 0) return 0;
  return Math.min(1, Math.sqrt(count / maxCount));
}

export interface DynastyNode<D> {
  dynasty: D;
  /** The dynasties it is made of (Northern and Southern Song), in order. */
  parts: DynastyNode<D>[];
  /** Its own works and its parts'. */
  total: number;
  /** Its key and its parts' keys: the period filter that lists `total` works. */
  keys: string[];
}

/** The dynasties as a tree (Zhou → Eastern Zhou → Warring States), keeping their order. */
export function dynastyTree<D extends { key: string; parent: string | null; count: number }>(dynasties: readonly D[]): DynastyNode<D>[] {
  const nodes = new Map(dynasties.map((d) => [d.key, { dynasty: d, parts: [] as DynastyNode<D>[], total: 0, keys: [] as string[] }]));
  const roots: DynastyNode<D>[] = [];
  for (const d of dynasties) {
    const node = nodes.get(d.key)!;
    const parent = d.parent ? nodes.get(d.parent) : undefined;
    (parent ? parent.parts : roots).push(node);
  }
  const fill = (node: DynastyNode<D>): void => {
    for (const part of node.parts) fill(part);
    node.total = node.dynasty.count + node.parts.reduce((n, p) => n + p.total, 0);
    node.keys = [node.dynasty.key, ...node.parts.flatMap((p) => p.keys)];
  };
  roots.forEach(fill);
  return roots;
}

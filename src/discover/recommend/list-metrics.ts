/**
 * Offline measures of recommendation lists: accuracy against held-out items, and what a list does
 * for the catalogue (coverage, exposure, the long tail) and for the person (diversity, novelty,
 * calibration). Pure functions over dense item indices.
 */

/** Hits in the first k of the list, over k. */
export function precisionAt(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) if (relevant.has(list[i]!)) hits++;
  return hits / k;
}

/** Hits in the first k, over the number of held-out items. */
export function recallAt(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) if (relevant.has(list[i]!)) hits++;
  return hits / relevant.size;
}

/** Binary-gain NDCG at k: DCG of the list over the DCG of min(k, |relevant|) hits at the top. */
export function ndcgAt(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) if (relevant.has(list[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Mean pairwise distance of the list's items (intra-list diversity); 0 for fewer than two. */
export function intraListDiversity(list: readonly number[], distance: (a: number, b: number) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < list.length; a++)
    for (let b = a + 1; b < list.length; b++) {
      sum += distance(list[a]!, list[b]!);
      pairs++;
    }
  return pairs === 0 ? 0 : sum / pairs;
}

/** Mean self-information −log₂(popularity / users) of the list's items: how unexpected they are. */
export function novelty(list: readonly number[], popularity: ArrayLike<number>, userCount: number): number {
  if (list.length === 0) return 0;
  let sum = 0;
  for (const item of list) sum += -Math.log2(Math.max(popularity[item]!, 1) / userCount);
  return sum / list.length;
}

/** A distribution over categories: each item spreads weight 1 evenly over its categories. */
export function categoryDistribution(items: readonly number[], categoriesOf: (item: number) => readonly number[], weights?: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  let total = 0;
  items.forEach((item, index) => {
    const cats = categoriesOf(item);
    if (cats.length === 0) return;
    const w = (weights?.[index] ?? 1) / cats.length;
    for (const c of cats) out.set(c, (out.get(c) ?? 0) + w);
    total += weights?.[index] ?? 1;
  });
  if (total > 0) for (const [c, v] of out) out.set(c, v / total);
  return out;
}

/**
 * Steck's miscalibration: KL(p ‖ q̃) of the person's category distribution p against the list's q,
 * smoothed as q̃ = (1 − α)q + αp so a category missing from the list costs a finite amount.
 */
export function calibrationKl(p: ReadonlyMap<number, number>, q: ReadonlyMap<number, number>, alpha = 0.01): number {
  let kl = 0;
  for (const [c, pc] of p) {
    if (pc <= 0) continue;
    const qc = (1 - alpha) * (q.get(c) ?? 0) + alpha * pc;
    kl += pc * Math.log2(pc / qc);
  }
  return kl;
}

/** Gini coefficient of how often each catalogue item was recommended: 0 = even exposure, → 1 = a few items get it all. */
export function giniOfExposure(counts: ArrayLike<number>): number {
  const sorted = Float64Array.from(counts).sort();
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (i + 1) * sorted[i]!;
  }
  if (n === 0 || total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/**
 * Marks the long tail: the 80 % least popular items of the catalogue (ties broken by index, so the
 * split is exact); the other 20 % are the head.
 */
export function longTailItems(popularity: ArrayLike<number>, headShare = 0.2): Uint8Array {
  const n = popularity.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
  const tail = new Uint8Array(n).fill(1);
  const head = Math.round(n * headShare);
  for (let r = 0; r < head; r++) tail[order[r]!] = 0;
  return tail;
}

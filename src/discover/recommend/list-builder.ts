import { topK } from './top-k.js';

/** What the list builder knows of the catalogue (dense item indices). */
export interface ItemSpace {
  itemCount: number;
  userCount: number;
  /** Interactions per item. */
  popularity: ArrayLike<number>;
  /** 1 for the long tail (the 80 % least popular items). */
  tail: Uint8Array;
  /** Each item's categories (classification, heritage type; genres in the public test sets). */
  categories: readonly (readonly number[])[];
  /** Similarity of two items in [0, 1] (content or co-occurrence), for diversity and explanations. */
  similarity: (a: number, b: number) => number;
  /**
   * What recent lists showed. Every list built is recorded in it, and works none of them showed get
   * a bonus, so exposure spreads over the catalogue instead of every list repeating the same
   * well-scored works. Without it each list is built on its own.
   */
  exposure?: RecentExposure;
  /** The model's relevance scale at each of `SCALE_AT` (see `relevanceScales`); without it each list is scaled by its own best. */
  relevanceScales?: readonly number[];
}

/**
 * The works the most recent lists showed: a window of lists with a count per work. The window holds
 * about as many places as the catalogue has works (by default), so the bonus points at works the
 * lists have not reached lately and fades for ones they keep showing. One per process and model:
 * in a fleet each process spreads its own lists.
 */
export class RecentExposure {
  private readonly counts: Uint32Array;
  private readonly ring: (readonly number[])[];
  private next = 0;

  constructor(
    itemCount: number,
    listSize: number,
    readonly windowLists = Math.max(100, Math.ceil(itemCount / Math.max(1, listSize))),
  ) {
    this.counts = new Uint32Array(itemCount);
    this.ring = new Array<readonly number[]>(windowLists);
  }

  /** True when no list in the window showed the item. */
  fresh(item: number): boolean {
    return this.counts[item] === 0;
  }

  record(items: readonly number[]): void {
    const old = this.ring[this.next];
    if (old) for (const item of old) this.counts[item]!--;
    this.ring[this.next] = items;
    for (const item of items) this.counts[item]!++;
    this.next = (this.next + 1) % this.windowLists;
  }
}

export interface ListRequest {
  /** The relevance model's score for every item (any scale; higher is better). */
  relevance: Float64Array;
  /** 1 for items never to show (already seen, not interested, not allowed). */
  seen: Uint8Array;
  /** The person's items, most recent last: calibration target and "because you looked at". */
  history: readonly number[];
  /** 0 = familiar (relevance only) … 1 = explore. */
  slider: number;
  size: number;
}

export type PickReason =
  | { kind: 'because'; item: number }
  | { kind: 'unexplored-category'; category: number }
  | { kind: 'long-tail'; item: number | null }
  | { kind: 'popular' };

export interface Pick {
  item: number;
  reason: PickReason;
}

/** Knobs of the trade-off; a slider setting maps to one set of them. */
export interface TradeOff {
  /** Exponent of the popularity discount on relevance: scores divided by popularity^β. */
  popularityDiscount: number;
  /** How many of the top (discounted) relevance items the list is chosen from, before exploration adds its own. */
  pool: number;
  /** Weight of the mean similarity to what the list already holds (MMR). */
  diversity: number;
  /** Weight of moving the list's category mix toward the person's (Steck). */
  calibration: number;
  /** Places kept for the exploration source, whatever their relevance. */
  exploreSlots: number;
  /** Added to an item's scaled relevance (1 = a typical person's best) when no recent list has shown it. */
  exposureBonus: number;
}

/**
 * How the slider turns into weights. 0 is the relevance model alone; every weight grows with it,
 * and past the middle places are also kept for exploration.
 *
 * The default (0.5) was chosen on six seeded splits (MovieLens ×4, Last.fm ×2, each with the λ its
 * validation picks), not one: a popularity discount of 0.4 that looked fine on one split cost up to
 * 8 % of NDCG on others. At 0.5 the worst split keeps 0.96 × EASE's NDCG (`bench/RESULTS.md`).
 */
export function tradeOffAt(slider: number, size: number): TradeOff {
  const s = Math.min(1, Math.max(0, slider));
  return {
    popularityDiscount: 0.3 * s,
    pool: Math.round(size + 180 * s),
    diversity: 1.6 * s,
    calibration: 0.5 * s,
    exploreSlots: Math.round(Math.max(0, s - 0.5) * 0.6 * size),
    exposureBonus: 0.3 * s,
  };
}

/** Slider settings at which a model's relevance scale is measured; in between it is interpolated. */
export const SCALE_AT = [0, 0.25, 0.5, 0.75, 1] as const;

/**
 * A model's relevance scale: the mean over people of their best unseen score, discounted as each
 * of `SCALE_AT` discounts it. Relevance divided by it is on one scale for everybody, so a person
 * the model knows little of (weak scores) gets a list that leans further toward diversity and works
 * no list has shown, while a strong signal keeps its accurate list. (Scaling each list by its own
 * best lost about a third of the coverage gained, at the same accuracy.)
 */
export function relevanceScales(popularity: ArrayLike<number>, people: Iterable<{ relevance: ArrayLike<number>; seen: Uint8Array }>): number[] {
  const discounts = SCALE_AT.map((s) => tradeOffAt(s, 1).popularityDiscount);
  const sums = discounts.map(() => 0);
  let count = 0;
  for (const { relevance, seen } of people) {
    const best = discounts.map(() => 0);
    for (let i = 0; i < relevance.length; i++) {
      const v = relevance[i]!;
      if (!(v > 0) || seen[i] === 1) continue;
      for (let k = 0; k < discounts.length; k++) {
        const d = discounts[k]! === 0 ? v : v / Math.max(1, popularity[i]!) ** discounts[k]!;
        if (d > best[k]!) best[k] = d;
      }
    }
    if (best[0]! === 0) continue;
    best.forEach((b, k) => (sums[k]! += b));
    count++;
  }
  return count === 0 ? [] : sums.map((v) => v / count);
}

function scaleAt(scales: readonly number[] | undefined, slider: number): number | null {
  if (!scales || scales.length !== SCALE_AT.length) return null;
  const s = Math.min(1, Math.max(0, slider)) * (SCALE_AT.length - 1);
  const k = Math.min(SCALE_AT.length - 2, Math.floor(s));
  const v = scales[k]! + (scales[k + 1]! - scales[k]!) * (s - k);
  return v > 0 && Number.isFinite(v) ? v : null;
}

const TAIL_CANDIDATES = 50;
const PER_NEW_CATEGORY = 2;

/**
 * Builds one list. Candidates: the top of the relevance model, its scores discounted by popularity
 * (so a work loved by a few can beat one everybody saw), plus an exploration source — the most
 * relevant long-tail items and the best items of categories the person has never touched — since
 * re-ranking alone cannot surface what the candidates lack. A greedy pick then maximises relevance
 * (on the model's scale) plus a bonus for works no recent list showed, minus the list's summed
 * pairwise similarity (max-sum diversity), plus a move toward the person's category mix (Steck's
 * calibration); past the slider's middle some places are kept for exploration. The list is finally
 * ordered by the model's own relevance, so exploring costs the lower places. Every pick carries
 * its reason.
 */
export function buildList(space: ItemSpace, request: ListRequest): Pick[] {
  const { seen } = request;
  const w = tradeOffAt(request.slider, request.size);
  const relevance = w.popularityDiscount > 0 ? request.relevance.map((v, i) => (v > 0 ? v / Math.max(1, space.popularity[i]!) ** w.popularityDiscount : v)) : request.relevance;
  const main = topK(relevance, w.pool, (i) => seen[i] === 1);
  if (main.length === 0) return [];
  const profile = new Map<number, number>();
  for (const item of request.history) {
    const cats = space.categories[item] ?? [];
    for (const c of cats) profile.set(c, (profile.get(c) ?? 0) + 1 / cats.length);
  }
  const historyWeight = [...profile.values()].reduce((a, b) => a + b, 0);
  const explore = request.slider > 0 ? explorationCandidates(space, relevance, seen, new Set(main), profile) : [];

  const scale = scaleAt(space.relevanceScales, request.slider) ?? (Math.abs(relevance[main[0]!]!) || 1);
  const picks: number[] = [];
  const listCategories = new Map<number, number>();
  const exposure = space.exposure;
  const pickFrom = (candidates: readonly number[], count: number) => {
    const taken = new Uint8Array(candidates.length);
    const similaritySum = new Float64Array(candidates.length);
    for (const item of picks) for (let c = 0; c < candidates.length; c++) similaritySum[c]! += space.similarity(candidates[c]!, item);
    for (let n = 0; n < count && n < candidates.length; n++) {
      let best = -1;
      let bestValue = -Infinity;
      for (let c = 0; c < candidates.length; c++) {
        if (taken[c]) continue;
        const item = candidates[c]!;
        let value = relevance[item]! / scale;
        if (w.exposureBonus > 0 && exposure?.fresh(item)) value += w.exposureBonus;
        // Max-sum diversity: the list's summed pairwise similarity, spread over its places.
        if (picks.length > 0) value -= (w.diversity * similaritySum[c]!) / (request.size - 1 || 1);
        if (w.calibration > 0 && historyWeight > 0) value += w.calibration * calibrationGain(space.categories[item]!, profile, historyWeight, listCategories, picks.length);
        if (value > bestValue) {
          bestValue = value;
          best = c;
        }
      }
      if (best < 0) return;
      taken[best] = 1;
      const item = candidates[best]!;
      picks.push(item);
      const cats = space.categories[item]!;
      for (const cat of cats) listCategories.set(cat, (listCategories.get(cat) ?? 0) + 1 / cats.length);
      for (let c = 0; c < candidates.length; c++) if (!taken[c]) similaritySum[c]! += space.similarity(candidates[c]!, item);
    }
  };
  const kept = Math.min(w.exploreSlots, explore.length);
  pickFrom([...main, ...explore], request.size - kept);
  const chosen = new Set(picks);
  pickFrom(
    explore.filter((i) => !chosen.has(i)),
    request.size - picks.length,
  );
  picks.sort((a, b) => request.relevance[b]! - request.relevance[a]! || a - b);
  exposure?.record(picks);
  return picks.map((item) => ({ item, reason: reasonFor(space, item, request.history, profile) }));
}


/** The exploration source: the most relevant long-tail items, and the best two of each category the person has not touched. */
function explorationCandidates(space: ItemSpace, relevance: ArrayLike<number>, seen: Uint8Array, exclude: ReadonlySet<number>, profile: ReadonlyMap<number, number>): number[] {
  const out = new Set<number>(topK(relevance, TAIL_CANDIDATES, (i) => seen[i] === 1 || space.tail[i] === 0 || exclude.has(i)));
  const best = new Map<number, number[]>();
  for (let i = 0; i < space.itemCount; i++) {
    if (seen[i] === 1 || exclude.has(i) || !(relevance[i]! > 0)) continue;
    for (const c of space.categories[i]!) {
      if (profile.has(c)) continue;
      const list = best.get(c) ?? [];
      list.push(i);
      if (list.length > PER_NEW_CATEGORY) {
        list.sort((a, b) => relevance[b]! - relevance[a]!);
        list.pop();
      }
      best.set(c, list);
    }
  }
  for (const list of best.values()) for (const i of list) out.add(i);
  return [...out];
}

/**
 * How much adding an item's categories moves the list's category mix toward the person's: the
 * share of the item's weight that lands in categories still under-represented.
 */
function calibrationGain(cats: readonly number[], profile: ReadonlyMap<number, number>, historyWeight: number, list: ReadonlyMap<number, number>, listSize: number): number {
  if (cats.length === 0) return 0;
  let gain = 0;
  for (const c of cats) {
    const want = (profile.get(c) ?? 0) / historyWeight;
    const have = listSize === 0 ? 0 : (list.get(c) ?? 0) / (listSize + 1);
    gain += Math.max(0, want - have) / cats.length;
  }
  return gain;
}

/** The reason shown with a pick: the most similar item of the person's history, a new category, or the tail. */
function reasonFor(space: ItemSpace, item: number, history: readonly number[], profile: ReadonlyMap<number, number>): PickReason {
  const fresh = space.categories[item]!.find((c) => !profile.has(c));
  if (fresh !== undefined && history.length > 0) return { kind: 'unexplored-category', category: fresh };
  let because = -1;
  let bestSimilarity = 0;
  // The most recent 200 are enough to name a reason and keep this cheap for long histories.
  for (const h of history.slice(-200)) {
    const s = space.similarity(item, h);
    if (s > bestSimilarity) {
      bestSimilarity = s;
      because = h;
    }
  }
  if (space.tail[item]) return { kind: 'long-tail', item: because >= 0 ? because : null };
  if (because >= 0) return { kind: 'because', item: because };
  return { kind: 'popular' };
}


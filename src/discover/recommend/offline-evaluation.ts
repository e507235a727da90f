import { EaseScorer } from './ease.js';
import { holdoutSplit } from './holdout-split.js';
import { itemPopularity, sortedSetCosine, type Interactions } from './interactions.js';
import { ItemKnnScorer } from './item-knn.js';
import { buildList, RecentExposure, relevanceScales, type ItemSpace, type ListRequest } from './list-builder.js';
import { calibrationKl, categoryDistribution, giniOfExposure, intraListDiversity, longTailItems, ndcgAt, novelty, precisionAt, recallAt } from './list-metrics.js';
import { MostPopularScorer } from './most-popular.js';
import type { ItemRecord, RatingsData } from './ratings-file.js';
import type { Scorer } from './scorer.js';
import { topK } from './top-k.js';

export const DEFAULT_SLIDER = 0.5;
export const SLIDER_SETTINGS = [0, 0.25, 0.5, 0.75, 1] as const;
const CUTOFF = 10;

export interface EvaluationOptions {
  seed: number;
  /** EASE's regularisation; by default chosen on a validation split of the training data. */
  lambda?: number;
  onProgress?: (message: string) => void;
}

export interface EvaluationRow {
  method: 'MostPop' | 'ItemKNN' | 'EASE' | 'Wenyuan';
  slider?: number;
  default?: true;
  p10: number;
  r10: number;
  ndcg10: number;
  ild: number;
  coverage: number;
  gini: number;
  longTail: number;
  novelty: number;
  calibrationKl: number;
  seconds: number;
}

export interface EvaluationReport {
  users: number;
  items: number;
  interactions: number;
  testUsers: number;
  seed: number;
  lambda: number;
  /** What intra-list diversity and calibration are measured over. */
  diversityOver: 'categories' | 'co-occurrence';
  calibrationOver: 'categories' | 'popularity deciles';
  rows: EvaluationRow[];
}

/** Cosine similarity of two items' training columns (their sets of users). */
function columnCosine(matrix: Interactions): (a: number, b: number) => number {
  return (a, b) => sortedSetCosine(matrix.colUsers, matrix.colStart[a]!, matrix.colStart[a + 1]!, matrix.colUsers, matrix.colStart[b]!, matrix.colStart[b + 1]!);
}

/** Cosine of two items' category sets. */
function categoryCosine(categories: readonly (readonly number[])[]): (a: number, b: number) => number {
  return (a, b) => {
    const ca = categories[a]!;
    const cb = categories[b]!;
    if (ca.length === 0 || cb.length === 0) return 0;
    let common = 0;
    for (const c of ca) if (cb.includes(c)) common++;
    return common / Math.sqrt(ca.length * cb.length);
  };
}

/**
 * Runs the offline protocol of issue 13 on one data set: a seeded per-user 80/20 hold-out, every
 * unseen item ranked, cut-off 10; MostPop, ItemKNN, EASE and Wenyuan's list builder at each slider
 * setting, all measured the same way in one run.
 */
export function evaluateRecommenders(data: RatingsData, itemRecords: Map<string, ItemRecord> | undefined, options: EvaluationOptions): EvaluationReport {
  const log = options.onProgress ?? (() => {});
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const indexOf = (map: Map<string, number>, key: string) => {
    let i = map.get(key);
    if (i === undefined) map.set(key, (i = map.size));
    return i;
  };
  const pairs = data.pairs.map((p) => ({ user: indexOf(userIndex, p.user), item: indexOf(itemIndex, p.item) }));
  // The catalogue: every rated item and every item the items file lists.
  if (itemRecords) for (const id of itemRecords.keys()) indexOf(itemIndex, id);
  const userCount = userIndex.size;
  const itemCount = itemIndex.size;
  const split = holdoutSplit(userCount, itemCount, pairs, options.seed);
  const train = split.train;
  const popularity = itemPopularity(train);
  const tail = longTailItems(popularity);

  const categoryNames = new Map<string, number>();
  const categories: number[][] = Array.from({ length: itemCount }, () => []);
  if (itemRecords) for (const [id, record] of itemRecords) categories[itemIndex.get(id)!] = record.categories.map((c) => indexOf(categoryNames, c));
  const withCategories = categories.filter((c) => c.length > 0).length;
  const useCategories = withCategories >= itemCount / 2 && categoryNames.size >= 2;
  // Without categories, calibration is over popularity deciles: does the list match how mainstream the person is?
  const calibrationCategories: number[][] = useCategories ? categories : popularityDeciles(popularity);
  const similarity = useCategories ? categoryCosine(categories) : columnCosine(train);
  const distance = (a: number, b: number) => 1 - similarity(a, b);

  const lambda = options.lambda ?? chooseLambda(train, options.seed, log);
  log(`EASE λ = ${lambda}`);
  const space: ItemSpace = { itemCount, popularity, tail, categories: calibrationCategories, similarity, userCount };

  const rows: EvaluationRow[] = [];
  const started = () => performance.now();
  const measure = (method: EvaluationRow['method'], lists: Map<number, number[]>, seconds: number, slider?: number): EvaluationRow => {
    let p = 0;
    let r = 0;
    let n = 0;
    let ild = 0;
    let nov = 0;
    let kl = 0;
    let tailSlots = 0;
    let slots = 0;
    const exposure = new Float64Array(itemCount);
    for (const [user, list] of lists) {
      const relevant = split.test.get(user)!;
      p += precisionAt(list, relevant, CUTOFF);
      r += recallAt(list, relevant, CUTOFF);
      n += ndcgAt(list, relevant, CUTOFF);
      ild += intraListDiversity(list, distance);
      nov += novelty(list, popularity, userCount);
      const history = Array.from(train.rowItems.subarray(train.rowStart[user]!, train.rowStart[user + 1]!));
      kl += calibrationKl(categoryDistribution(history, (i) => calibrationCategories[i]!), categoryDistribution(list, (i) => calibrationCategories[i]!));
      for (const item of list) {
        exposure[item]!++;
        tailSlots += tail[item]!;
        slots++;
      }
    }
    const count = lists.size;
    const covered = exposure.reduce((c, v) => c + (v > 0 ? 1 : 0), 0);
    return {
      method,
      ...(slider !== undefined ? { slider } : {}),
      ...(slider === DEFAULT_SLIDER ? { default: true as const } : {}),
      p10: p / count,
      r10: r / count,
      ndcg10: n / count,
      ild: ild / count,
      coverage: covered / itemCount,
      gini: giniOfExposure(exposure),
      longTail: slots === 0 ? 0 : tailSlots / slots,
      novelty: nov / count,
      calibrationKl: kl / count,
      seconds,
    };
  };

  const seenMask = new Uint8Array(itemCount);
  const markSeen = (user: number, value: 0 | 1) => {
    for (let a = train.rowStart[user]!; a < train.rowStart[user + 1]!; a++) seenMask[train.rowItems[a]!] = value;
  };
  const scores = new Float64Array(itemCount);
  const listsOf = (scorer: Scorer) => {
    const lists = new Map<number, number[]>();
    for (const user of split.test.keys()) {
      scorer.scoreUser(user, scores);
      markSeen(user, 1);
      lists.set(user, topK(scores, CUTOFF, (i) => seenMask[i] === 1));
      markSeen(user, 0);
    }
    return lists;
  };

  for (const make of [() => new MostPopularScorer(train), () => new ItemKnnScorer(train), () => new EaseScorer(train, lambda)]) {
    const t0 = started();
    const scorer = make();
    log(`${scorer.name}: fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const lists = listsOf(scorer);
    rows.push(measure(scorer.name as EvaluationRow['method'], lists, (performance.now() - t0) / 1000));
    if (scorer instanceof EaseScorer) {
      // As a served model: one relevance scale over the people, and lists built one after another,
      // each knowing what the earlier ones showed (in the split's user order).
      const people = function* () {
        for (const user of split.test.keys()) {
          scorer.scoreUser(user, scores);
          markSeen(user, 1);
          yield { relevance: scores, seen: seenMask };
          markSeen(user, 0);
        }
      };
      const scaled: ItemSpace = { ...space, relevanceScales: relevanceScales(popularity, people()) };
      for (const slider of SLIDER_SETTINGS) {
        const t1 = started();
        const sliderSpace: ItemSpace = { ...scaled, exposure: new RecentExposure(itemCount, CUTOFF) };
        const wenyuanLists = new Map<number, number[]>();
        for (const user of split.test.keys()) {
          scorer.scoreUser(user, scores);
          markSeen(user, 1);
          const request: ListRequest = { relevance: scores, seen: seenMask, history: Array.from(train.rowItems.subarray(train.rowStart[user]!, train.rowStart[user + 1]!)), slider, size: CUTOFF };
          wenyuanLists.set(user, buildList(sliderSpace, request).map((pick) => pick.item));
          markSeen(user, 0);
        }
        rows.push(measure('Wenyuan', wenyuanLists, (performance.now() - t1) / 1000 + (t1 - t0) / 1000, slider));
      }
    }
  }
  return {
    users: userCount,
    items: itemCount,
    interactions: pairs.length,
    testUsers: split.test.size,
    seed: options.seed,
    lambda,
    diversityOver: useCategories ? 'categories' : 'co-occurrence',
    calibrationOver: useCategories ? 'categories' : 'popularity deciles',
    rows,
  };
}

/** Items grouped into ten popularity bands (0 = most popular tenth). */
function popularityDeciles(popularity: Int32Array): number[][] {
  const order = Array.from(popularity.keys()).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
  const out: number[][] = Array.from({ length: popularity.length }, () => []);
  order.forEach((item, rank) => (out[item] = [Math.min(9, Math.floor((rank * 10) / order.length))]));
  return out;
}

/**
 * EASE's λ, chosen without looking at the test set: a second hold-out inside the training data,
 * NDCG@10 over a small grid. The grid is relative to the data's scale (mean item popularity).
 */
function chooseLambda(train: Interactions, seed: number, log: (m: string) => void): number {
  const pairs: { user: number; item: number }[] = [];
  for (let u = 0; u < train.userCount; u++) for (let a = train.rowStart[u]!; a < train.rowStart[u + 1]!; a++) pairs.push({ user: u, item: train.rowItems[a]! });
  const inner = holdoutSplit(train.userCount, train.itemCount, pairs, seed + 1);
  const scores = new Float64Array(train.itemCount);
  let best = { lambda: 0, ndcg: -1 };
  for (const lambda of [20, 50, 100, 200, 400, 800, 1600]) {
    const scorer = new EaseScorer(inner.train, lambda);
    let sum = 0;
    for (const [user, relevant] of inner.test) {
      scorer.scoreUser(user, scores);
      const seen = new Set(inner.train.rowItems.subarray(inner.train.rowStart[user]!, inner.train.rowStart[user + 1]!));
      sum += ndcgAt(topK(scores, CUTOFF, (i) => seen.has(i)), relevant, CUTOFF);
    }
    const ndcg = sum / inner.test.size;
    log(`  validation λ = ${lambda}: NDCG@10 ${ndcg.toFixed(4)}`);
    if (ndcg > best.ndcg) best = { lambda, ndcg };
  }
  return best.lambda;
}

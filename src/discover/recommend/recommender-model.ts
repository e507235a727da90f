import { EaseScorer } from './ease.js';
import { buildInteractions, itemPopularity, sortedSetCosine, type Triple } from './interactions.js';
import { itemNeighbours, type ItemNeighbours } from './item-knn.js';
import { relevanceScales } from './list-builder.js';
import { longTailItems } from './list-metrics.js';
import { topK } from './top-k.js';

/** One public work as the model sees it. */
export interface ModelWork {
  id: string;
  industry: string | null;
  heritage: string | null;
  /** Content tokens: creators, period, medium, place, subjects (already folded). */
  tokens: string[];
}

export interface ModelInput {
  works: ModelWork[];
  /** Summed signal weight per (person, work); people are opaque keys. */
  interactions: { person: string; workId: string; weight: number }[];
  builtAt: string;
}

export type ModelMethod = 'ease' | 'item-knn' | 'content-only';

/** The recommender's learnt state: everything a request needs, by dense work index. */
export interface RecommenderModel {
  builtAt: string;
  method: ModelMethod;
  workIds: string[];
  people: number;
  interactions: number;
  popularity: Int32Array;
  tail: Uint8Array;
  /** Category ids per work (industry, heritage), and what each id names. */
  categoryStart: Int32Array;
  categoryIds: Int32Array;
  categoryNames: { facet: 'industry' | 'heritage'; value: string }[];
  /** Content token ids per work, sorted (for similarity). */
  tokenStart: Int32Array;
  tokenIds: Int32Array;
  /** Collaborative neighbours (EASE weights or co-occurrence cosine), and content neighbours. */
  collaborative: ItemNeighbours;
  content: ItemNeighbours;
  /** The lists' relevance scale at each of the list builder's `SCALE_AT` settings (empty for models stored before it existed). */
  relevanceScales: number[];
}

/** Below this many works the exact EASE weights are computed (items × items inverse) and pruned to neighbours. */
export const EASE_MAX_WORKS = 2000;
const NEIGHBOURS = 50;
/** Tokens in more than this share of works say nothing about likeness (e.g. "painting" in a painting museum). */
const MAX_TOKEN_SHARE = 0.05;
/** Works of one token compared with each work at most: a window of its posting around the work (neighbours in accession order). */
const MAX_TOKEN_SCAN = 400;

/** Builds the model. Pure; runs in a worker thread for large catalogues. */
export function buildModel(input: ModelInput): RecommenderModel {
  const workIndex = new Map(input.works.map((w, i) => [w.id, i]));
  const n = input.works.length;
  const personIndex = new Map<string, number>();
  const triples: Triple[] = [];
  for (const row of input.interactions) {
    const item = workIndex.get(row.workId);
    if (item === undefined || !(row.weight > 0)) continue;
    let user = personIndex.get(row.person);
    if (user === undefined) personIndex.set(row.person, (user = personIndex.size));
    triples.push({ user, item, weight: row.weight });
  }
  const matrix = buildInteractions(personIndex.size, n, triples);
  const popularity = itemPopularity(matrix);

  const categoryNames: RecommenderModel['categoryNames'] = [];
  const categoryKey = new Map<string, number>();
  const categoryStart = new Int32Array(n + 1);
  const categoryIds: number[] = [];
  input.works.forEach((w, i) => {
    for (const [facet, value] of [['industry', w.industry], ['heritage', w.heritage]] as const) {
      if (!value) continue;
      const key = `${facet}:${value}`;
      let id = categoryKey.get(key);
      if (id === undefined) {
        categoryKey.set(key, (id = categoryNames.length));
        categoryNames.push({ facet, value });
      }
      categoryIds.push(id);
    }
    categoryStart[i + 1] = categoryIds.length;
  });

  const tokenKey = new Map<string, number>();
  const tokenLists = input.works.map((w) => {
    const ids = new Set<number>();
    for (const token of w.tokens) {
      let id = tokenKey.get(token);
      if (id === undefined) tokenKey.set(token, (id = tokenKey.size));
      ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  });
  const tokenStart = new Int32Array(n + 1);
  tokenLists.forEach((list, i) => (tokenStart[i + 1] = tokenStart[i]! + list.length));
  const tokenIds = Int32Array.from(tokenLists.flat());

  const method: ModelMethod = triples.length === 0 ? 'content-only' : n <= EASE_MAX_WORKS ? 'ease' : 'item-knn';
  const collaborative = method === 'ease' ? easeNeighbours(matrix, n) : method === 'item-knn' ? itemNeighbours(matrix, NEIGHBOURS) : emptyNeighbours(n);
  const model: RecommenderModel = {
    builtAt: input.builtAt,
    method,
    workIds: input.works.map((w) => w.id),
    people: personIndex.size,
    interactions: triples.length,
    popularity,
    tail: longTailItems(popularity),
    categoryStart,
    categoryIds: Int32Array.from(categoryIds),
    categoryNames,
    tokenStart,
    tokenIds,
    collaborative,
    content: contentNeighbours(tokenLists, tokenKey.size),
    relevanceScales: [],
  };
  model.relevanceScales = relevanceScales(popularity, samplePeople(model, matrix));
  return model;
}

/** People whose scores measure the relevance scale: up to this many, spread evenly through the log. */
const SCALE_SAMPLE = 200;

function* samplePeople(model: RecommenderModel, matrix: ReturnType<typeof buildInteractions>): Generator<{ relevance: Float64Array; seen: Uint8Array }> {
  const n = model.workIds.length;
  const relevance = new Float64Array(n);
  const seen = new Uint8Array(n);
  const step = Math.max(1, matrix.userCount / SCALE_SAMPLE);
  for (let k = 0; k < matrix.userCount; k += step) {
    const u = Math.floor(k);
    const history: { index: number; weight: number }[] = [];
    for (let a = matrix.rowStart[u]!; a < matrix.rowStart[u + 1]!; a++) history.push({ index: matrix.rowItems[a]!, weight: matrix.rowWeights[a]! });
    scoreHistory(model, history, relevance);
    for (const h of history) seen[h.index] = 1;
    yield { relevance, seen };
    for (const h of history) seen[h.index] = 0;
  }
}

function emptyNeighbours(n: number): ItemNeighbours {
  return { start: new Int32Array(n + 1), items: new Int32Array(0), similarities: new Float32Array(0) };
}

/** EASE's weights B (row i: what holding item i says of every other), pruned to each row's strongest positives. */
function easeNeighbours(matrix: ReturnType<typeof buildInteractions>, n: number): ItemNeighbours {
  // λ scaled to the log's size: EASE's usual range is a few hundred for thousands of interactions.
  const lambda = Math.max(10, Math.min(500, matrix.rowItems.length / Math.max(1, n)));
  const scorer = new EaseScorer(matrix, lambda, 'item');
  const row = new Float64Array(n);
  const start = new Int32Array(n + 1);
  const items: number[] = [];
  const similarities: number[] = [];
  for (let i = 0; i < n; i++) {
    scorer.itemRow(i, row);
    for (const j of topK(row, NEIGHBOURS, (j) => j === i || !(row[j]! > 0))) {
      items.push(j);
      similarities.push(row[j]!);
    }
    start[i + 1] = items.length;
  }
  return { start, items: Int32Array.from(items), similarities: Float32Array.from(similarities) };
}

/** Content neighbours: cosine of token sets over an inverted index, skipping tokens too common to tell works apart. */
function contentNeighbours(tokenLists: number[][], tokenCount: number): ItemNeighbours {
  const n = tokenLists.length;
  const postings: number[][] = Array.from({ length: tokenCount }, () => []);
  tokenLists.forEach((list, i) => list.forEach((t) => postings[t]!.push(i)));
  const maxPosting = Math.max(2, Math.floor(n * MAX_TOKEN_SHARE));
  const overlap = new Float64Array(n);
  const touched: number[] = [];
  const start = new Int32Array(n + 1);
  const items: number[] = [];
  const similarities: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const t of tokenLists[i]!) {
      const posting = postings[t]!;
      if (posting.length > maxPosting) continue;
      // Rarer shared tokens count for more (idf), so two works by one rare hand outrank two of a common period.
      const idf = Math.log(n / posting.length);
      // Bounded work per token: a common period or medium is compared within a window, not with all its works.
      let from = 0;
      let to = posting.length;
      if (posting.length > MAX_TOKEN_SCAN) {
        const at = lowerBound(posting, i);
        from = Math.max(0, Math.min(at - MAX_TOKEN_SCAN / 2, posting.length - MAX_TOKEN_SCAN));
        to = from + MAX_TOKEN_SCAN;
      }
      for (let p = from; p < to; p++) {
        const j = posting[p]!;
        if (j === i) continue;
        if (overlap[j] === 0) touched.push(j);
        overlap[j]! += idf;
      }
    }
    const sims = touched.map((j) => overlap[j]! / Math.sqrt(tokenLists[i]!.length * tokenLists[j]!.length));
    for (const t of topK(sims, NEIGHBOURS / 2)) {
      items.push(touched[t]!);
      similarities.push(sims[t]!);
    }
    start[i + 1] = items.length;
    for (const j of touched) overlap[j] = 0;
    touched.length = 0;
  }
  // Normalise to [0, 1] so content and collaborative scores can be blended.
  const max = similarities.reduce((m, v) => Math.max(m, v), 0) || 1;
  return { start, items: Int32Array.from(items), similarities: Float32Array.from(similarities, (v) => v / max) };
}

/** The first position in a sorted list whose value is ≥ v. */
function lowerBound(list: readonly number[], v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The categories of work i. */
export function categoriesOf(model: RecommenderModel, i: number): Int32Array {
  return model.categoryIds.subarray(model.categoryStart[i]!, model.categoryStart[i + 1]!);
}

/** Cosine of two works' content token sets, in [0, 1]. */
export function contentSimilarity(model: RecommenderModel, a: number, b: number): number {
  return sortedSetCosine(model.tokenIds, model.tokenStart[a]!, model.tokenStart[a + 1]!, model.tokenIds, model.tokenStart[b]!, model.tokenStart[b + 1]!);
}

/** Content weight against collaborative evidence: content matters most where interactions are few. */
const CONTENT_WEIGHT = 0.3;

/**
 * Scores every work for a history (index, weight): collaborative neighbours of each item held, plus
 * content neighbours at a lower weight so works nobody has looked at yet can still be found.
 */
export function scoreHistory(model: RecommenderModel, history: readonly { index: number; weight: number }[], out: Float64Array): void {
  out.fill(0);
  const add = (neighbours: ItemNeighbours, i: number, weight: number) => {
    for (let a = neighbours.start[i]!; a < neighbours.start[i + 1]!; a++) out[neighbours.items[a]!]! += weight * neighbours.similarities[a]!;
  };
  for (const { index, weight } of history) {
    add(model.collaborative, index, weight);
    add(model.content, index, weight * CONTENT_WEIGHT);
  }
}

// --- Serialisation: the model crosses a thread boundary and is stored as one blob in the database. ---

const ARRAYS = ['popularity', 'tail', 'categoryStart', 'categoryIds', 'tokenStart', 'tokenIds'] as const;

/** The model as bytes: a JSON header followed by its typed arrays. */
export function serializeModel(model: RecommenderModel): Uint8Array {
  const parts: { name: string; array: ArrayBufferView }[] = [
    ...ARRAYS.map((name) => ({ name, array: model[name] as ArrayBufferView })),
    ...(['collaborative', 'content'] as const).flatMap((k) => [
      { name: `${k}.start`, array: model[k].start },
      { name: `${k}.items`, array: model[k].items },
      { name: `${k}.similarities`, array: model[k].similarities },
    ]),
  ];
  let offset = 0;
  const layout = parts.map(({ name, array }) => {
    const entry = { name, type: array.constructor.name, offset, length: array.byteLength };
    offset += Math.ceil(array.byteLength / 8) * 8;
    return entry;
  });
  const header = new TextEncoder().encode(
    JSON.stringify({ v: 1, builtAt: model.builtAt, method: model.method, workIds: model.workIds, people: model.people, interactions: model.interactions, categoryNames: model.categoryNames, relevanceScales: model.relevanceScales, layout }),
  );
  const headerSpace = Math.ceil((header.length + 4) / 8) * 8;
  const out = new Uint8Array(headerSpace + offset);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  parts.forEach(({ array }, k) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), headerSpace + layout[k]!.offset));
  return out;
}

const TYPES = { Int32Array, Uint8Array, Float32Array } as const;

/** Reads bytes written by serializeModel; throws on anything else. */
export function deserializeModel(bytes: Uint8Array): RecommenderModel {
  const copy = bytes.slice();
  const headerLength = new DataView(copy.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(copy.subarray(4, 4 + headerLength))) as {
    v: number;
    builtAt: string;
    method: ModelMethod;
    workIds: string[];
    people: number;
    interactions: number;
    categoryNames: RecommenderModel['categoryNames'];
    relevanceScales?: number[];
    layout: { name: string; type: keyof typeof TYPES; offset: number; length: number }[];
  };
  if (header.v !== 1) throw new Error(`unknown recommender model version ${header.v}`);
  const base = Math.ceil((headerLength + 4) / 8) * 8;
  const arrays = new Map<string, ArrayBufferView>();
  for (const entry of header.layout) {
    const Type = TYPES[entry.type];
    arrays.set(entry.name, new Type(copy.buffer, base + entry.offset, entry.length / Type.BYTES_PER_ELEMENT));
  }
  const get = <T>(name: string) => arrays.get(name) as T;
  const neighbours = (k: string): ItemNeighbours => ({ start: get(`${k}.start`), items: get(`${k}.items`), similarities: get(`${k}.similarities`) });
  return {
    builtAt: header.builtAt,
    method: header.method,
    workIds: header.workIds,
    people: header.people,
    interactions: header.interactions,
    categoryNames: header.categoryNames,
    popularity: get('popularity'),
    tail: get('tail'),
    categoryStart: get('categoryStart'),
    categoryIds: get('categoryIds'),
    tokenStart: get('tokenStart'),
    tokenIds: get('tokenIds'),
    collaborative: neighbours('collaborative'),
    content: neighbours('content'),
    relevanceScales: Array.isArray(header.relevanceScales) ? header.relevanceScales.filter((v) => typeof v === 'number' && Number.isFinite(v)) : [],
  };
}

import type { Selectable } from 'kysely';
import { parseStoredMetadata, type LangMap } from '../../archive/metadata.schema.js';
import type { WorkReader } from '../../archive/work.repository.js';
import { canReadWork, type Actor } from '../../govern/roles.js';
import type { WorksTable } from '../../platform/db/schema.js';
import { CommonErrors } from '../../platform/errors.js';
import { foldText } from '../search-text.js';
import { workSummaries } from '../work-summaries.js';
import { seededRandom } from './holdout-split.js';
import { buildList, RecentExposure, type ItemSpace, type Pick, type PickReason } from './list-builder.js';
import { giniOfExposure } from './list-metrics.js';
import type { CuratorView, RecommendationFeed, RecommendationReason, SignalKind } from './recommend.contract.js';
import type { RecommendRepository } from './recommend.repository.js';
import { categoriesOf, contentSimilarity, deserializeModel, scoreHistory, type ModelInput, type ModelWork, type RecommenderModel } from './recommender-model.js';

export const DEFAULT_FEED_SLIDER = 0.5;
const DEFAULT_LIMIT = 12;
/** The most recent works of a history that shape a list (older ones fade out). */
const HISTORY_LIMIT = 200;
/** How often a process checks whether another one stored a newer model. */
const MODEL_CHECK_MS = 5_000;
/** A model older than this is rebuilt (new public works join it), asked for by the next request that reads it. */
const MODEL_MAX_AGE_MS = 24 * 3600_000;
/** Lists simulated for the curator's exposure figures. */
const EXPOSURE_SAMPLE = 200;

/** What each signal is worth; "not interested" removes the work and is never learnt as a like. */
const SIGNAL_WEIGHT: Record<SignalKind, (seconds?: number) => number> = {
  view: () => 1,
  // Ten seconds is a glance; a minute or more is reading (capped, so a forgotten tab is not love).
  dwell: (s = 0) => (s < 10 ? 0 : Math.min(3, s / 60)),
  zoom: () => 1,
  favourite: () => 4,
  play: () => 2,
  download: () => 3,
  license: () => 5,
  not_interested: () => -100,
};

/** A model as a process holds it: with its item space, an id → index map and the popular works. */
interface LoadedModel {
  model: RecommenderModel;
  space: ItemSpace;
  index: Map<string, number>;
  popular: number[];
}

type Item = { work: Awaited<ReturnType<typeof workSummaries>>[number]; reason: RecommendationReason };

export interface RecommenderDeps {
  repository: RecommendRepository;
  works: WorkReader;
  /** Enqueues a rebuild (debounced by the caller's dedupe key); called after new signals. */
  scheduleRebuild: () => Promise<void>;
  buildModel: (input: ModelInput) => Promise<Uint8Array>;
  now?: () => Date;
}

/**
 * Recommendations: consent, signals, the personal feed (candidates from the learnt model, one list
 * builder with the familiar ↔ explore slider), the non-personalised mode, "more like this", curators'
 * picks and what the recommender exposes. Only public works are ever learnt or recommended.
 */
export class RecommenderService {
  private model: LoadedModel | null = null;
  private modelBuiltAt: string | null = null;
  private checkedAt = 0;
  private loading: Promise<void> | null = null;
  private categoryCache: { at: number; value: { facet: 'industry' | 'heritage'; value: string; count: number }[] } | null = null;
  private exposureCache: { at: number; builtAt: string | null; value: CuratorView['exposure'] } | null = null;

  constructor(private readonly deps: RecommenderDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async consent(actor: Actor): Promise<{ consented: boolean; since: string | null }> {
    const user = requireSignedIn(actor);
    const since = await this.deps.repository.consentOf(user.id);
    return { consented: since !== null, since };
  }

  /** Gives or withdraws consent; withdrawing erases the person's signals at once. */
  async setConsent(actor: Actor, consented: boolean): Promise<{ consented: boolean; since: string | null }> {
    const user = requireSignedIn(actor);
    if (consented) await this.deps.repository.giveConsent(user.id, this.now().toISOString());
    else if ((await this.deps.repository.withdrawConsent(user.id)) > 0) await this.deps.scheduleRebuild();
    return this.consent(actor);
  }

  /** Records a signal when the person consented and the work is public; anything else is dropped quietly. */
  async recordSignal(actor: Actor, signal: { workId: string; kind: SignalKind; seconds?: number }): Promise<{ recorded: boolean }> {
    if (actor.kind !== 'user') return { recorded: false };
    const weight = SIGNAL_WEIGHT[signal.kind](signal.seconds);
    if (weight === 0) return { recorded: false };
    const row = await this.deps.works.findById(signal.workId);
    if (!row || row.visibility !== 'public') return { recorded: false };
    const recorded = await this.deps.repository.recordSignal(actor.id, signal.workId, signal.kind, weight, this.now().toISOString());
    if (recorded) await this.deps.scheduleRebuild();
    return { recorded };
  }

  /** The feed: personal for a consenting person with a history, otherwise the non-personalised mode. */
  async feed(actor: Actor, query: { mode?: 'personal' | 'general'; slider?: number; limit?: number; exclude?: string[]; seed?: number }): Promise<RecommendationFeed> {
    const slider = query.slider ?? DEFAULT_FEED_SLIDER;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const exclude = new Set(query.exclude ?? []);
    const consented = actor.kind === 'user' && (await this.deps.repository.consentOf(actor.id)) !== null;
    if (consented && query.mode !== 'general' && actor.kind === 'user') {
      const personal = await this.personal(actor.id, slider, limit, exclude);
      if (personal.length > 0) {
        // A small model or a narrow history may give fewer than asked: the general mode fills the rest.
        if (personal.length < limit) personal.push(...(await this.general(limit - personal.length, new Set([...exclude, ...personal.map((p) => p.work.id)]), query.seed ?? 0)));
        return { mode: 'personal', slider, consented, items: personal };
      }
    }
    return { mode: 'general', slider, consented, items: await this.general(limit, exclude, query.seed ?? 0) };
  }

  private async personal(userId: string, slider: number, limit: number, exclude: Set<string>): Promise<Item[]> {
    const loaded = await this.currentModel();
    if (!loaded) return [];
    const { model } = loaded;
    const { history, notInterested } = await this.deps.repository.historyOf(userId, HISTORY_LIMIT);
    const picks = listFor(loaded, history, [...notInterested, ...exclude], slider, limit);
    if (picks === null) return [];
    return this.present(model, picks);
  }

  /** "More like this": what people who looked at a work also looked at, and works alike in content. */
  async moreLikeThis(actor: Actor, workId: string, limit = 8): Promise<{ items: Item[] }> {
    const row = await this.deps.works.findById(workId);
    if (!row || !canReadWork(actor, row)) throw CommonErrors.notFound('work', { id: workId });
    const loaded = await this.currentModel();
    const i = loaded?.index.get(workId);
    if (!loaded || i === undefined) return { items: [] };
    const relevance = new Float64Array(loaded.model.workIds.length);
    scoreHistory(loaded.model, [{ index: i, weight: 1 }], relevance);
    const seen = new Uint8Array(loaded.model.workIds.length);
    seen[i] = 1;
    // Scaled by its own best: one work's neighbours score lower than a whole history, and the model's
    // scale would let diversity and unexposed works crowd out what is alike.
    const picks = buildList({ ...loaded.space, relevanceScales: undefined }, { relevance, seen, history: [i], slider: 0.25, size: limit });
    return { items: await this.present(loaded.model, picks.filter((p) => relevance[p.item]! > 0)) };
  }

  /** The non-personalised mode: curators' picks, popular works, random works by category and new works, interleaved. */
  private async general(limit: number, exclude: Set<string>, seed: number): Promise<Item[]> {
    const random = seededRandom(seed * 7919 + 17);
    const taken = new Set(exclude);
    const take = (rows: Selectable<WorksTable>[]) => rows.filter((r) => !taken.has(r.id) && (taken.add(r.id), true));
    const picks = take(await this.deps.repository.publicRows(await this.deps.repository.picks())).slice(0, Math.ceil(limit / 3));
    const loaded = await this.currentModel();
    let popular: Selectable<WorksTable>[] = [];
    if (loaded && loaded.model.interactions > 0) {
      const order = loaded.popular
        .slice(0, limit * 3 + taken.size)
        .map((i) => loaded.model.workIds[i]!)
        .filter((id) => !taken.has(id));
      popular = take(await this.deps.repository.publicRows(order)).slice(0, Math.ceil(limit / 4));
    }
    const categories = await this.categories();
    const shuffled = categories.map((c) => ({ c, r: random() })).sort((a, b) => a.r - b.r).map((x) => x.c);
    const byCategory: { row: Selectable<WorksTable>; facet: 'industry' | 'heritage'; value: string }[] = [];
    for (const c of shuffled) {
      if (byCategory.length + picks.length + popular.length >= limit) break;
      const row = await this.deps.repository.randomInCategory(c.facet, c.value, random(), [...taken]);
      if (row && take([row]).length > 0) byCategory.push({ row, facet: c.facet, value: c.value });
    }
    const fill = limit - picks.length - popular.length - byCategory.length;
    const newest = fill > 0 ? take(await this.deps.repository.newestPublic(fill, [...taken])) : [];
    const sources: { row: Selectable<WorksTable>; reason: RecommendationReason }[][] = [
      picks.map((row) => ({ row, reason: { kind: 'curators-pick' } })),
      byCategory.map(({ row, facet, value }) => ({ row, reason: { kind: 'random-category', facet, value } })),
      popular.map((row) => ({ row, reason: { kind: 'popular' } })),
      newest.map((row) => ({ row, reason: { kind: 'new-work' } })),
    ];
    const interleaved: { row: Selectable<WorksTable>; reason: RecommendationReason }[] = [];
    for (let round = 0; interleaved.length < limit && sources.some((s) => s.length > round); round++) for (const source of sources) if (source[round] && interleaved.length < limit) interleaved.push(source[round]!);
    const cards = await workSummaries(this.deps.works, interleaved.map((x) => x.row));
    return cards.map((work, k) => ({ work, reason: interleaved[k]!.reason }));
  }

  /** The categories with public works, counted at most once a minute (a grouping over the whole archive). */
  private async categories(): Promise<{ facet: 'industry' | 'heritage'; value: string; count: number }[]> {
    const now = Date.now();
    if (!this.categoryCache || now - this.categoryCache.at > 60_000) this.categoryCache = { at: now, value: await this.deps.repository.publicCategories() };
    return this.categoryCache.value;
  }

  /** Picks as cards with reasons; works made private since the model was built are dropped here. */
  private async present(model: RecommenderModel, picks: Pick[]): Promise<Item[]> {
    const ids = picks.map((p) => model.workIds[p.item]!);
    const becauseIds = picks.flatMap((p) => ('item' in p.reason && p.reason.item !== null ? [model.workIds[p.reason.item]!] : []));
    const [rows, titles] = await Promise.all([this.deps.repository.publicRows(ids), this.titles(becauseIds)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const kept = picks.filter((p) => byId.has(model.workIds[p.item]!));
    const cards = await workSummaries(this.deps.works, kept.map((p) => byId.get(model.workIds[p.item]!)!));
    return cards.map((work, k) => ({ work, reason: this.reason(model, kept[k]!.reason, titles) }));
  }

  private reason(model: RecommenderModel, reason: PickReason, titles: Map<string, LangMap>): RecommendationReason {
    switch (reason.kind) {
      case 'because': {
        const id = model.workIds[reason.item]!;
        return { kind: 'because', workId: id, title: titles.get(id) ?? {} };
      }
      case 'long-tail': {
        const id = reason.item === null ? null : model.workIds[reason.item]!;
        return { kind: 'long-tail', workId: id, title: id ? (titles.get(id) ?? {}) : null };
      }
      case 'unexplored-category': {
        const c = model.categoryNames[reason.category]!;
        return { kind: 'unexplored-category', facet: c.facet, value: c.value };
      }
      default:
        return { kind: 'popular' };
    }
  }

  private async titles(ids: string[]): Promise<Map<string, LangMap>> {
    const records = await this.deps.works.metadataOf([...new Set(ids)]);
    const out = new Map<string, LangMap>();
    for (const [id, json] of records) out.set(id, parseStoredMetadata(json).title);
    return out;
  }

  /** The curator's view: picks, the model's size, and what the default lists expose now. */
  async curatorView(): Promise<CuratorView> {
    const [pickIds, loaded] = await Promise.all([this.deps.repository.picks(), this.currentModel()]);
    const pickRows = await this.deps.repository.publicRows(pickIds);
    const model = loaded?.model;
    return {
      picks: await workSummaries(this.deps.works, pickRows),
      model: { builtAt: model?.builtAt ?? null, works: model?.workIds.length ?? 0, people: model?.people ?? 0, interactions: model?.interactions ?? 0, method: model?.method ?? 'content-only' },
      exposure: await this.exposure(),
    };
  }

  /** Simulates the default lists of the most recent consenting people and measures them; cached a minute. */
  private async exposure(): Promise<CuratorView['exposure']> {
    const loaded = await this.currentModel();
    const now = Date.now();
    if (this.exposureCache && now - this.exposureCache.at < 60_000 && this.exposureCache.builtAt === (loaded?.model.builtAt ?? null)) return this.exposureCache.value;
    const empty = { lists: 0, coverage: 0, longTailShare: 0, gini: 0, categoryShares: [] };
    if (!loaded || loaded.model.workIds.length === 0) return empty;
    const { model } = loaded;
    const people = await this.deps.repository.recentConsenters(EXPOSURE_SAMPLE);
    const exposure = new Float64Array(model.workIds.length);
    const categoryCounts = new Map<number, number>();
    let lists = 0;
    let slots = 0;
    let tailSlots = 0;
    // Simulated lists see each other, as served ones do, but leave the served lists' exposure alone.
    const simulated: LoadedModel = { ...loaded, space: { ...loaded.space, exposure: new RecentExposure(model.workIds.length, DEFAULT_LIMIT) } };
    for (const person of people) {
      const { history } = await this.deps.repository.historyOf(person, HISTORY_LIMIT);
      const picks = listFor(simulated, history, [], DEFAULT_FEED_SLIDER, DEFAULT_LIMIT);
      if (picks === null) continue;
      lists++;
      for (const p of picks) {
        exposure[p.item]!++;
        slots++;
        tailSlots += model.tail[p.item]!;
        for (const c of categoriesOf(model, p.item)) categoryCounts.set(c, (categoryCounts.get(c) ?? 0) + 1);
      }
    }
    if (lists === 0) return empty;
    const covered = exposure.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    const value = {
      lists,
      coverage: covered / model.workIds.length,
      longTailShare: slots === 0 ? 0 : tailSlots / slots,
      gini: giniOfExposure(exposure),
      categoryShares: [...categoryCounts].sort((a, b) => b[1] - a[1]).map(([c, n]) => ({ ...model.categoryNames[c]!, share: n / slots })),
    };
    this.exposureCache = { at: now, builtAt: model.builtAt, value };
    return value;
  }

  /** Replaces the curators' picks; every pick must be a public work. */
  async replacePicks(actor: Actor, workIds: string[]): Promise<CuratorView> {
    const ids = [...new Set(workIds)];
    const rows = await this.deps.repository.publicRows(ids);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw CommonErrors.invalid(`only public works can be picks: ${missing.join(', ')}`, { key: 'recommend.picks_not_public', params: { workIds: missing.join(', ') } });
    await this.deps.repository.replacePicks(ids, actor.kind === 'user' ? actor.id : '', this.now().toISOString());
    return this.curatorView();
  }

  /** Rebuilds the model from the public works and every consenting person's signals (a background job). */
  async rebuild(): Promise<{ works: number; interactions: number }> {
    const works: ModelWork[] = [];
    for await (const page of this.deps.repository.publicWorks()) {
      for (const row of page) works.push({ id: row.id, industry: row.industry, heritage: row.heritage, tokens: contentTokens(row) });
    }
    const interactions: ModelInput['interactions'] = [];
    for await (const page of this.deps.repository.allInteractions()) interactions.push(...page);
    const builtAt = this.now().toISOString();
    const bytes = await this.deps.buildModel({ works, interactions, builtAt });
    await this.deps.repository.storeModel(builtAt, bytes);
    this.checkedAt = 0;
    return { works: works.length, interactions: interactions.length };
  }

  /** The stored model, reloaded when another process (or a job) stored a newer one. */
  private async currentModel(): Promise<LoadedModel | null> {
    if (Date.now() - this.checkedAt > MODEL_CHECK_MS) {
      this.loading ??= (async () => {
        try {
          const builtAt = await this.deps.repository.modelBuiltAt();
          this.checkedAt = Date.now();
          if (builtAt === null || this.now().getTime() - Date.parse(builtAt) > MODEL_MAX_AGE_MS) await this.deps.scheduleRebuild();
          if (builtAt === this.modelBuiltAt) return;
          const stored = await this.deps.repository.loadModel();
          if (!stored) return;
          const model = deserializeModel(stored.data);
          // The most looked-at works, once per model: the general mode's "popular" source.
          const popular = Array.from(model.popularity.keys())
            .filter((i) => model.popularity[i]! > 0)
            .sort((a, b) => model.popularity[b]! - model.popularity[a]! || a - b)
            .slice(0, 500);
          this.model = { model, space: itemSpace(model), index: new Map(model.workIds.map((id, i) => [id, i])), popular };
          this.modelBuiltAt = stored.builtAt;
          this.exposureCache = null;
        } finally {
          this.loading = null;
        }
      })();
      await this.loading;
    }
    return this.model;
  }
}

/**
 * The list for a history: the works it holds (recent ones weigh more: each older step keeps 98 %)
 * score every work through the model, and the list builder picks among those not seen or excluded.
 * Null when the model knows none of the history.
 */
function listFor(loaded: LoadedModel, history: readonly { workId: string; weight: number }[], exclude: readonly string[], slider: number, size: number): Pick[] | null {
  const { model, space, index } = loaded;
  const weighted = history.filter((h) => index.has(h.workId)).map((h, rank) => ({ index: index.get(h.workId)!, weight: h.weight * 0.98 ** rank }));
  if (weighted.length === 0) return null;
  const relevance = new Float64Array(model.workIds.length);
  scoreHistory(model, weighted, relevance);
  const seen = new Uint8Array(model.workIds.length);
  for (const h of weighted) seen[h.index] = 1;
  for (const id of exclude) {
    const i = index.get(id);
    if (i !== undefined) seen[i] = 1;
  }
  return buildList(space, { relevance, seen, history: weighted.map((h) => h.index).reverse(), slider, size });
}

function requireSignedIn(actor: Actor): { id: string } {
  if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
  return actor;
}

/** What the list builder needs of a model: categories as arrays, and a similarity for diversity. */
function itemSpace(model: RecommenderModel): ItemSpace {
  const categories = Array.from({ length: model.workIds.length }, (_, i) => Array.from(categoriesOf(model, i)));
  return {
    itemCount: model.workIds.length,
    userCount: Math.max(1, model.people),
    popularity: model.popularity,
    tail: model.tail,
    categories,
    relevanceScales: model.relevanceScales,
    exposure: new RecentExposure(model.workIds.length, DEFAULT_LIMIT),
    // Alike in content, or of the same category: both make a list feel samey.
    similarity: (a, b) => 0.7 * contentSimilarity(model, a, b) + (categories[a]!.some((c) => categories[b]!.includes(c)) ? 0.3 : 0),
  };
}

/** A work's content tokens: creators, period, medium, place and subjects, folded so scripts agree. */
function contentTokens(row: { period: string | null; medium: string | null; place: string | null; metadata: string }): string[] {
  const tokens: string[] = [];
  if (row.period) tokens.push(`period:${row.period}`);
  if (row.medium) tokens.push(`medium:${row.medium}`);
  if (row.place) tokens.push(`place:${row.place}`);
  // The stored record was validated when written: read the two fields directly (a schema parse of
  // every record would be most of a rebuild's time at 100,000 works).
  let record: { creators?: { name?: Record<string, unknown> }[]; subjects?: Record<string, unknown>[] } = {};
  try {
    record = JSON.parse(row.metadata) as typeof record;
  } catch {
    return tokens;
  }
  const texts = (map: Record<string, unknown> | undefined) => Object.values(map ?? {}).filter((v): v is string => typeof v === 'string');
  for (const creator of (Array.isArray(record.creators) ? record.creators : []).slice(0, 6)) for (const name of texts(creator?.name)) tokens.push(`creator:${foldText(name).trim()}`);
  for (const subject of (Array.isArray(record.subjects) ? record.subjects : []).slice(0, 12)) for (const text of texts(subject)) tokens.push(`subject:${foldText(text).trim()}`);
  return tokens;
}

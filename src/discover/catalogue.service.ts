import { isStaff, type Actor } from '../govern/roles.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { CatalogueRepository, FacetName } from './catalogue.repository.js';
import { FACETS } from './catalogue.repository.js';
import type { CataloguePage, WorkSummary } from './catalogue.contract.js';
import type { SearchPlan, SearchPlanner } from './search-planner.js';
import type { SynonymsService } from './synonyms.service.js';
import { AppError } from '../platform/errors.js';
import type { Admission } from '../platform/admission.js';
import { AnswerCache } from './answer-cache.js';
import { workSummaries } from './work-summaries.js';
import { snippetOf, type SnippetField } from './search-snippet.js';
import type { RightsUse } from './reuse-flags.js';
import './discover.errors.js';

/**
 * Paging stops here: an offset of a million makes the database walk a million ranked rows for
 * one page. Past it, a narrower search or a filter finds the work faster anyway.
 */
export const MAX_PAGED_RESULTS = 10_000;

export interface CatalogueRequest {
  q?: string;
  filters?: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
  collectionIds?: string[];
  mine?: boolean;
  /** Uses every work must allow: free to reuse, licensable, AI training allowed. */
  rightsUse?: RightsUse[];
  sort?: 'relevance' | 'title' | 'date' | 'newest';
  page?: number;
  pageSize?: number;
}

export type { CataloguePage, WorkSummary };

const FACET_NAMES = Object.keys(FACETS) as FacetName[];

/**
 * Fields a snippet must not quote to readers who are not staff. None today: the work API
 * (work.presenter.ts) gives whoever may read a work all of its metadata, and the one field kept
 * out of search (`notes`, an import's leftovers) is not quotable at all. A field made staff-only
 * there must be named here too, or its text would show through search results.
 */
const HIDDEN_FROM_VISITORS: ReadonlySet<SnippetField> = new Set<SnippetField>();

/** Browsing and keyword search over the works an actor may see, with facet counts. */
export class CatalogueService {
  constructor(
    private readonly catalogue: CatalogueRepository,
    private readonly works: WorkReader,
    /** Bounds the searches running at once; a crowd beyond it is told to retry instead of queueing. */
    private readonly admission: Admission,
    private readonly planner: SearchPlanner,
    private readonly synonyms: Pick<SynonymsService, 'current'>,
  ) {}

  /** Anonymous answers by request: everyone anonymous sees the same catalogue. */
  private readonly anonymousAnswers = new AnswerCache<CataloguePage>(512, 30_000);

  /** Loads the in-memory facet index now, so the first visitor does not wait for it. */
  async warm(): Promise<void> {
    await this.search({ kind: 'anonymous' }, { pageSize: 1 });
  }

  async search(actor: Actor, request: CatalogueRequest): Promise<CataloguePage> {
    if (actor.kind !== 'anonymous') return this.compute(actor, request);
    // The thesaurus version is part of the key: a saved change holds from the next search on.
    const thesaurus = request.q?.trim() ? (await this.synonyms.current()).version : '';
    const key = JSON.stringify([request.q ?? '', thesaurus, request.filters ?? {}, request.yearFrom ?? null, request.yearTo ?? null, request.collectionIds ?? null, request.rightsUse ?? [], request.sort ?? null, request.page ?? 1, request.pageSize ?? null]);
    return this.anonymousAnswers.get(key, await this.works.catalogueVersion(), () => this.compute(actor, request));
  }

  /**
   * The ids of the works a catalogue request selects for `actor` (order, paging and facets aside),
   * oldest first, at most `limit`; with the total when there are more.
   */
  async selectIds(actor: Actor, request: CatalogueRequest, limit: number): Promise<{ ids: string[]; total: number }> {
    const plan = await this.plan(actor, request.q);
    if (plan.unsearchable) return { ids: [], total: 0 };
    const selection = {
      match: plan.match,
      filters: request.filters ?? {},
      ...(request.yearFrom !== undefined ? { yearFrom: request.yearFrom } : {}),
      ...(request.yearTo !== undefined ? { yearTo: request.yearTo } : {}),
      ...(request.collectionIds ? { collectionIds: request.collectionIds } : {}),
      ...(request.mine && actor.kind === 'user' ? { ownerId: actor.id } : {}),
      ...(request.rightsUse?.length ? { rightsUse: request.rightsUse } : {}),
    };
    const ids = await this.admission.run(() => this.catalogue.matchingIds(actor, selection, limit + 1));
    if (ids.length <= limit) return { ids, total: ids.length };
    return { ids: ids.slice(0, limit), total: await this.admission.run(() => this.catalogue.countMatching(actor, selection)) };
  }

  private async compute(actor: Actor, request: CatalogueRequest): Promise<CataloguePage> {
    const pageSize = Math.min(Math.max(request.pageSize ?? 24, 1), 100);
    const page = Math.max(request.page ?? 1, 1);
    if (page * pageSize > MAX_PAGED_RESULTS) {
      throw new AppError('invalid_input', `paging stops at result ${MAX_PAGED_RESULTS}; narrow the search or add a filter`, { key: 'catalogue.page_too_deep', params: { maxResults: MAX_PAGED_RESULTS } });
    }
    const plan = await this.plan(actor, request.q);
    // Something was typed, but nothing searchable (only punctuation or emoji): it matches no work.
    if (plan.unsearchable) return { items: [], total: 0, page, pageSize, sortedBy: request.sort ?? 'relevance', facets: {} };
    const facets = FACET_NAMES.filter((f) => f !== 'visibility' || actor.kind === 'user');
    const result = await this.admission.run(() => this.catalogue.search(actor, {
      match: plan.match,
      filters: request.filters ?? {},
      ...(request.yearFrom !== undefined ? { yearFrom: request.yearFrom } : {}),
      ...(request.yearTo !== undefined ? { yearTo: request.yearTo } : {}),
      ...(request.collectionIds ? { collectionIds: request.collectionIds } : {}),
      ...(request.mine && actor.kind === 'user' ? { ownerId: actor.id } : {}),
      ...(request.rightsUse?.length ? { rightsUse: request.rightsUse } : {}),
      sort: request.sort ?? (plan.match ? 'relevance' : 'newest'),
      limit: pageSize,
      offset: (page - 1) * pageSize,
      facets,
      facetLimit: 30,
    }));
    // Snippets for the page only (at most 100 works), from metadata the reader may see.
    const match = plan.match;
    const hidden = isStaff(actor) ? new Set<SnippetField>() : HIDDEN_FROM_VISITORS;
    const items = await workSummaries(this.works, result.rows, match ? (metadata) => snippetOf(metadata, match, { hidden }) : undefined);
    return { items, total: result.total, page, pageSize, sortedBy: result.sortedBy, facets: result.facets, rightsUse: result.rightsUse, ...(result.approximate ? { approximate: true } : {}) };
  }

  private async plan(actor: Actor, q: string | undefined): Promise<SearchPlan> {
    if (!q?.trim()) return { match: null, unsearchable: false };
    return this.admission.run(async () => this.planner.plan(actor, q, (await this.synonyms.current()).groups));
  }
}

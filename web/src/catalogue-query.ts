import { cataloguePageRightsUseValueValues } from './api-schema';
import { FACET_NAMES, type FacetName } from './types';

/** What a reader may do with the works (GET /api/works?rights_use=): free to reuse, licensable, AI training allowed. */
export const RIGHTS_USES = cataloguePageRightsUseValueValues;
export type RightsUse = (typeof RIGHTS_USES)[number];

/** Where the catalogue lives; every link and navigation to it goes through this (it moved from `/`). */
export const CATALOGUE_PATH = '/works';

/** How the results are shown: a justified image grid, or a list with the metadata beside each thumbnail. */
export type CatalogueView = 'grid' | 'list';

/** The catalogue's state, all of it in the URL query so links and the back button work. */
export interface CatalogueState {
  q: string;
  facets: Record<FacetName, string[]>;
  yearFrom: string;
  yearTo: string;
  collection: string;
  mine: boolean;
  /** Uses every work must allow (all of them, not any). */
  rightsUse: RightsUse[];
  sort: string;
  page: number;
  view: CatalogueView;
}

const PASS_THROUGH = ['q', 'yearFrom', 'yearTo', 'collection', 'mine', 'sort', 'page', 'rights_use', ...FACET_NAMES];
export const PAGE_SIZE = 24;

/** Reads the catalogue state from a URL query. */
export function readCatalogueState(query: URLSearchParams): CatalogueState {
  const facets = Object.fromEntries(FACET_NAMES.map((f) => [f, query.getAll(f).filter(Boolean)])) as Record<FacetName, string[]>;
  const page = Number(query.get('page') ?? '1');
  return {
    q: query.get('q') ?? '',
    facets,
    yearFrom: query.get('yearFrom') ?? '',
    yearTo: query.get('yearTo') ?? '',
    collection: query.get('collection') ?? '',
    mine: query.get('mine') === 'true',
    rightsUse: RIGHTS_USES.filter((use) => query.getAll('rights_use').includes(use)),
    sort: query.get('sort') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    view: query.get('view') === 'list' ? 'list' : 'grid',
  };
}

/** The query string for GET /api/works: only the parameters the API knows, plus the page size. */
export function apiQueryString(query: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [key, value] of query) if (PASS_THROUGH.includes(key) && value) out.append(key, value);
  out.set('pageSize', String(PAGE_SIZE));
  return out.toString();
}

/** The catalogue's URL for a search (and optionally other parameters), from anywhere on the site. */
export function catalogueSearchHref(params: Record<string, string> = {}): string {
  return catalogueHref(new URLSearchParams(params), {});
}

/** A catalogue URL with some parameters changed; any change of filters goes back to page 1. */
export function catalogueHref(query: URLSearchParams, changes: Record<string, string | string[] | null>, keepPage = false): string {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    if (Array.isArray(value)) for (const v of value) next.append(key, v);
    else if (value !== null && value !== '') next.set(key, value);
  }
  if (!keepPage) next.delete('page');
  if (next.get('page') === '1') next.delete('page');
  // The grid is the default view: leaving it out keeps one URL per result set.
  if (next.get('view') !== 'list') next.delete('view');
  const search = next.toString();
  return CATALOGUE_PATH + (search ? '?' + search : '');
}

/** Adds or removes one facet value. */
export function toggleFacetHref(query: URLSearchParams, facet: FacetName, value: string): string {
  const values = query.getAll(facet);
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  return catalogueHref(query, { [facet]: next });
}

/** Adds or removes one reuse filter (rights_use). */
export function toggleRightsUseHref(query: URLSearchParams, use: RightsUse): string {
  const values = query.getAll('rights_use');
  return catalogueHref(query, { rights_use: values.includes(use) ? values.filter((v) => v !== use) : [...values, use] });
}

/** How many filters are set (for the phone's "Filters (n)" button). */
export function activeFilterCount(state: CatalogueState): number {
  return FACET_NAMES.reduce((n, f) => n + state.facets[f].length, 0) + (state.yearFrom ? 1 : 0) + (state.yearTo ? 1 : 0) + (state.collection ? 1 : 0) + (state.mine ? 1 : 0) + state.rightsUse.length;
}

import { z } from 'zod';
import type { CollectionService } from '../archive/collection.service.js';
import type { Actor } from '../govern/roles.js';
import type { Api } from '../platform/http/api.js';
import { placeAndDescendants } from '../archive/gazetteer.js';
import { FACETS, type FacetName } from './facets.js';
import { cataloguePageSchema } from './catalogue.contract.js';
import { RIGHTS_USES } from './reuse-flags.js';
import type { CatalogueRequest, CatalogueService } from './catalogue.service.js';

// Coded facets accept "a|b" as well as repeated parameters; free-text facets (medium, institution)
// are JSON values that may contain "|", so they only take repeated parameters.
const codes = z
  .union([z.string().max(200), z.array(z.string().max(200))])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split('|')).filter(Boolean).slice(0, 50))
  .optional();
const texts = z
  .union([z.string().max(2000), z.array(z.string().max(2000))])
  .transform((v) => (Array.isArray(v) ? v : [v]).filter(Boolean).slice(0, 50))
  .optional();

const query = z.object({
  q: z.string().max(500).optional(),
  yearFrom: z.coerce.number().int().min(-10_000).max(3_000).optional(),
  yearTo: z.coerce.number().int().min(-10_000).max(3_000).optional(),
  collection: z.string().max(64).optional(),
  mine: z.enum(['true', 'false']).optional(),
  sort: z.enum(['relevance', 'title', 'date', 'newest']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(24),
  industry: codes,
  heritage: codes,
  period: codes,
  medium: texts,
  institution: texts,
  rights: codes,
  type: codes,
  visibility: codes,
  place: codes,
  rights_use: z
    .union([z.string().max(100), z.array(z.string().max(100))])
    .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split('|')).filter(Boolean))])
    .pipe(z.array(z.enum(RIGHTS_USES)))
    .optional()
    .describe('Uses every work must allow, joined with | or repeated: free (free to reuse under its public licence, at least non-commercially), licensable (it has an offer), ai (its licence allows AI training).'),
});

/** The parameters of GET /api/works; a bulk operation's selection by search takes the same (bulk-selection.routes.ts). */
export const catalogueQuerySchema = query;
export type CatalogueQueryParams = z.infer<typeof query>;

/** The catalogue request the parameters ask for: facet filters, places under a place, a collection and those nested in it. */
export async function catalogueRequestOf(actor: Actor, q: CatalogueQueryParams, collections: Pick<CollectionService, 'get' | 'subtreeIds'>): Promise<CatalogueRequest> {
  const filters: Partial<Record<FacetName, string[]>> = {};
  for (const facet of Object.keys(FACETS) as FacetName[]) {
    const values = q[facet];
    if (values && values.length > 0) filters[facet] = values;
  }
  // Works store their most specific place; a province (or country) filter takes the places under it too.
  if (filters.place) filters.place = [...new Set(filters.place.flatMap(placeAndDescendants))];
  const collectionIds = q.collection ? await collections.subtreeIds((await collections.get(actor, q.collection)).id) : undefined;
  return {
    ...(q.q ? { q: q.q } : {}),
    filters,
    ...(q.yearFrom !== undefined ? { yearFrom: q.yearFrom } : {}),
    ...(q.yearTo !== undefined ? { yearTo: q.yearTo } : {}),
    ...(collectionIds ? { collectionIds } : {}),
    ...(q.rights_use?.length ? { rightsUse: q.rights_use } : {}),
    mine: q.mine === 'true',
    ...(q.sort ? { sort: q.sort } : {}),
    page: q.page,
    pageSize: q.pageSize,
  };
}

const serialisedAnswers = new WeakMap<object, string>();

/** Browse and search: GET /api/works with keyword, facets, year range and paging. */
export function catalogueRoutes(api: Api, deps: { catalogue: CatalogueService; collections: CollectionService }): void {
  const { catalogue, collections } = deps;
  api.get('/works', { config: { heavyRead: true }, schema: { tags: ['catalogue'], querystring: query, description: 'Facet filters take one or more values: repeat the parameter (any facet) or join codes with | (industry, heritage, period, rights, type, visibility, place, rights_use). A place (gazetteer key) also matches the places under it: cn-330000 finds works of Hangzhou (cn-330100). Year range matches works whose own range overlaps it.', response: { 200: cataloguePageSchema } } }, async (request, reply) => {
    const page = await catalogue.search(request.actor, await catalogueRequestOf(request.actor, request.query, collections));
    // A shared answer (anonymous visitors asking the same) is checked and serialised once, not per request.
    let body = serialisedAnswers.get(page);
    if (body === undefined) {
      body = JSON.stringify(cataloguePageSchema.parse(page));
      serialisedAnswers.set(page, body);
    }
    // A string payload skips the response serialiser, which would check the answer again.
    return reply.type('application/json; charset=utf-8').send(body as never);
  });
}

import { z } from 'zod';
import type { App } from '../app.js';
import type { Api } from '../platform/http/routes.js';
import { FACETS, type FacetName } from './catalogue.repository.js';

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split('|')).filter(Boolean).slice(0, 50))
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
  industry: list,
  heritage: list,
  period: list,
  medium: list,
  institution: list,
  rights: list,
  type: list,
  visibility: list,
});

/** Browse and search: GET /api/works with keyword, facets, year range and paging. */
export function catalogueRoutes(api: Api, app: App): void {
  api.get('/works', { schema: { tags: ['catalogue'], querystring: query, description: 'Facet filters take one or more values (repeat the parameter or join with |). Year range matches works whose own range overlaps it.' } }, async (request) => {
    const q = request.query;
    const filters: Partial<Record<FacetName, string[]>> = {};
    for (const facet of Object.keys(FACETS) as FacetName[]) {
      const values = q[facet];
      if (values && values.length > 0) filters[facet] = values;
    }
    const collectionIds = q.collection ? await app.collections.subtreeIds((await app.collections.get(request.actor, q.collection)).id) : undefined;
    return app.catalogue.search(request.actor, {
      ...(q.q ? { q: q.q } : {}),
      filters,
      ...(q.yearFrom !== undefined ? { yearFrom: q.yearFrom } : {}),
      ...(q.yearTo !== undefined ? { yearTo: q.yearTo } : {}),
      ...(collectionIds ? { collectionIds } : {}),
      mine: q.mine === 'true',
      ...(q.sort ? { sort: q.sort } : {}),
      page: q.page,
      pageSize: q.pageSize,
    });
  });
}

import type { Api } from '../platform/http/api.js';
import { suggestionsSchema, suggestQuerySchema } from './suggest.contract.js';
import type { SuggestService } from './suggest.service.js';

/** GET /api/search/suggest: search-as-you-type for anyone (private works only for staff). */
export function suggestRoutes(api: Api, deps: { suggestions: SuggestService }): void {
  api.get(
    '/search/suggest',
    {
      schema: {
        tags: ['catalogue'],
        querystring: suggestQuerySchema,
        description: 'Titles, creators and places that start with what was typed (folded: case, Traditional/Simplified, diacritics and tones), or whose pinyin or initials do (xsxl, xishan): titles first, then creators and places with their number of works. Only public works, except for staff. A blank or unsearchable prefix gives no suggestions.',
        response: { 200: suggestionsSchema },
      },
    },
    async (request) => ({ items: await deps.suggestions.suggest(request.actor, request.query.q, request.query.limit) }),
  );
}

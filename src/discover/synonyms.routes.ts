import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { synonymsSchema } from './synonyms.contract.js';
import type { SynonymsService } from './synonyms.service.js';

const tags = ['catalogue'];

/** The search thesaurus: anyone may read it (it explains what a search found); admins and curators edit it. */
export function synonymsRoutes(api: Api, deps: { synonyms: SynonymsService }): void {
  const { synonyms } = deps;
  api.get('/search/synonyms', { schema: { tags, description: 'Groups of words a search treats as one another (国画 = 中国画 = Chinese painting).', response: { 200: synonymsSchema } } }, async () => synonyms.get());

  api.put(
    '/search/synonyms',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: { tags, description: 'Replaces the whole thesaurus. Takes effect from the next search; nothing is reindexed.', body: synonymsSchema, response: { 200: synonymsSchema } },
    },
    async (request) => synonyms.replace(request.actor, request.body),
  );
}

import { z } from 'zod';
import type { Api } from '../platform/http/api.js';
import { relatedWorksSchema } from './related.contract.js';
import type { RelatedWorksService } from './related.service.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** GET /api/works/:id/related: the rows of related works under a work's page. Public; private works only for those who may read them. */
export function relatedRoutes(api: Api, deps: { related: RelatedWorksService }): void {
  api.get(
    '/works/:id/related',
    { config: { heavyRead: true }, schema: { tags: ['catalogue'], params: idParams, description: 'Works by the same creator, of the same period, and alike (shared subjects, medium, industry category): up to 8 each, only works the reader may see, never the work itself. 404 when the work is not readable.', response: { 200: relatedWorksSchema } } },
    async (request) => deps.related.forWork(request.actor, request.params.id),
  );
}

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import type { ExhibitionService } from './exhibition.service.js';
import type { HomeService } from './home.service.js';
import { exhibitionInputSchema, exhibitionListSchema, exhibitionSchema, exhibitionStatusSchema, exhibitionUpdateSchema, homeSchema, homeSettingsSchema } from './showcase.contract.js';

const tags = ['showcase'];
// One parameter name for the three routes on this path (the router and OpenAPI want one): GET takes the
// exhibition's slug, the address visitors use; PUT and DELETE its id, which a rename does not change.
const slugParams = z.object({ id: z.string().min(1).max(80).describe('The exhibition’s slug (its address), such as dunhuang-cave-45.') });
const idParams = z.object({ id: z.string().min(1).max(64) });
const editors = requireRole('admin', 'curator');

/**
 * Exhibitions and the home page. Reading is public (visitors see published exhibitions from their
 * date; admins and curators also drafts and scheduled ones); composing is for admins and curators.
 */
export function showcaseRoutes(api: Api, deps: { exhibitions: ExhibitionService; home: HomeService; baseUrl: (request: FastifyRequest) => Promise<string> }): void {
  const { exhibitions, home, baseUrl } = deps;

  api.get(
    '/exhibitions',
    {
      schema: {
        tags,
        querystring: z.object({ status: exhibitionStatusSchema.optional().describe('Admins and curators: only drafts, or only published (scheduled included). Ignored for everyone else.') }),
        response: { 200: exhibitionListSchema },
      },
    },
    async (request) => ({ items: await exhibitions.list(request.actor, request.query.status ?? null, await baseUrl(request)) }),
  );

  api.get('/exhibitions/:id', { schema: { tags, params: slugParams, response: { 200: exhibitionSchema } } }, async (request) =>
    exhibitions.get(request.actor, request.params.id, await baseUrl(request)),
  );

  api.post('/exhibitions', { preValidation: requireUser, preHandler: editors, schema: { tags, body: exhibitionInputSchema, response: { 201: exhibitionSchema } } }, async (request, reply) =>
    reply.status(201).send(await exhibitions.create(request.actor, request.body, await baseUrl(request))),
  );

  api.put('/exhibitions/:id', { preValidation: requireUser, preHandler: editors, schema: { tags, params: idParams, body: exhibitionUpdateSchema, response: { 200: exhibitionSchema } } }, async (request) =>
    exhibitions.update(request.actor, request.params.id, request.body, await baseUrl(request)),
  );

  api.delete('/exhibitions/:id', { preValidation: requireUser, preHandler: editors, schema: { tags, params: idParams, response: { 204: z.null().describe('Deleted.') } } }, async (request, reply) => {
    await exhibitions.delete(request.actor, request.params.id);
    return reply.status(204).send(null);
  });

  api.get(
    '/showcase/home',
    {
      schema: {
        tags,
        querystring: z.object({ seed: z.string().max(64).optional().describe('Draws another set of discovery works (the same set for the same seed, all day).') }),
        response: { 200: homeSchema },
      },
    },
    async (request) => home.home(request.actor, await baseUrl(request), request.query.seed),
  );

  api.get('/showcase/home/settings', { preValidation: requireUser, preHandler: editors, schema: { tags, response: { 200: homeSettingsSchema } } }, async (request) => home.settings(request.actor));

  api.put('/showcase/home/settings', { preValidation: requireUser, preHandler: editors, schema: { tags, body: homeSettingsSchema, response: { 200: homeSettingsSchema } } }, async (request) =>
    home.saveSettings(request.actor, request.body),
  );
}

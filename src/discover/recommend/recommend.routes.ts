import { z } from 'zod';
import { requireRole, requireUser } from '../../govern/http-auth.js';
import type { Api } from '../../platform/http/api.js';
import { consentBodySchema, consentSchema, curatorViewSchema, feedQuerySchema, feedSchema, moreLikeThisSchema, picksSchema, signalResultSchema, signalSchema } from './recommend.contract.js';
import type { RecommenderService } from './recommender.service.js';

const tags = ['recommendations'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const curators = requireRole('admin', 'curator');

/** Recommendations: the feed, "more like this", consent and signals, and the curators' page. */
export function recommendRoutes(api: Api, deps: { recommender: RecommenderService; requestRebuild: () => Promise<void> }): void {
  const { recommender } = deps;

  api.get(
    '/recommendations',
    {
      config: { heavyRead: true },
      schema: {
        tags,
        querystring: feedQuerySchema,
        description:
          'A list of public works with the reason for each. Personal (for a signed-in person who consented and has a history) or general: curators’ picks, popular works and random works by category, the same for everyone (the mode anonymous visitors always get). `slider` trades familiar (0) for explore (1).',
        response: { 200: feedSchema },
      },
    },
    async (request) => {
      const { exclude, ...rest } = request.query;
      return recommender.feed(request.actor, { ...rest, exclude: exclude ? exclude.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 48) : [] });
    },
  );

  api.get(
    '/works/:id/recommendations',
    { config: { heavyRead: true }, schema: { tags, params: idParams, description: '“More like this”: public works people who looked at this one also looked at, and works alike in content, each with its reason. 404 when the work is not readable.', response: { 200: moreLikeThisSchema } } },
    async (request) => recommender.moreLikeThis(request.actor, request.params.id),
  );

  api.get('/recommendations/consent', { preValidation: requireUser, schema: { tags, description: 'Whether the recommender may learn from what you do.', response: { 200: consentSchema } } }, async (request) => recommender.consent(request.actor));

  api.put(
    '/recommendations/consent',
    { preValidation: requireUser, schema: { tags, body: consentBodySchema, description: 'Gives or withdraws consent. Withdrawing erases every signal recorded for you at once.', response: { 200: consentSchema } } },
    async (request) => recommender.setConsent(request.actor, request.body.consented),
  );

  api.post(
    '/recommendations/signals',
    { schema: { tags, body: signalSchema, description: 'Records what you did with a work, only if you consented and the work is public; otherwise nothing is stored (recorded: false).', response: { 200: signalResultSchema } } },
    async (request) => recommender.recordSignal(request.actor, request.body),
  );

  api.get(
    '/recommendations/curator',
    { preValidation: requireUser, preHandler: curators, schema: { tags, description: 'Curators’ picks, the model’s size, and what the default lists expose now (coverage, long-tail share, Gini, categories).', response: { 200: curatorViewSchema } } },
    async () => recommender.curatorView(),
  );

  api.put(
    '/recommendations/picks',
    { preValidation: requireUser, preHandler: curators, schema: { tags, body: picksSchema, description: 'Replaces the curators’ picks (public works only; 400 names the others).', response: { 200: curatorViewSchema } } },
    async (request) => recommender.replacePicks(request.actor, request.body.workIds),
  );

  api.post(
    '/recommendations/rebuild',
    { preValidation: requireUser, preHandler: curators, schema: { tags, description: 'Queues a rebuild of the model now (it also rebuilds a few minutes after new signals).', response: { 202: z.object({ queued: z.literal(true) }) } } },
    async (_request, reply) => {
      await deps.requestRebuild();
      return reply.code(202).send({ queued: true as const });
    },
  );
}

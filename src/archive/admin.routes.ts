import { z } from 'zod';
import { FIXITY_JOB, type App } from '../app.js';
import { CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';

const tags = ['admin'];

/** The admin's view of background jobs and fixity audits. */
export function adminArchiveRoutes(api: Api, app: App): void {
  api.get(
    '/admin/jobs',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: { tags, querystring: z.object({ status: z.enum(['queued', 'running', 'done', 'dead']).optional(), page: z.coerce.number().int().min(1).default(1) }) },
    },
    async (request) => {
      const pageSize = 50;
      const { items, total } = await app.jobs.list({ ...(request.query.status ? { status: request.query.status } : {}), limit: pageSize, offset: (request.query.page - 1) * pageSize });
      return {
        counts: await app.jobs.counts(),
        total,
        items: items.map((j) => ({ id: j.id, kind: j.kind, status: j.status, attempts: j.attempts, maxAttempts: j.max_attempts, runAt: j.run_at, lastError: j.last_error, createdAt: j.created_at, finishedAt: j.finished_at, payload: JSON.parse(j.payload) as unknown })),
      };
    },
  );

  api.post(
    '/admin/jobs/:id/retry',
    { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, params: z.object({ id: z.coerce.number().int().positive() }) } },
    async (request) => {
      const outcome = await app.jobs.retry(request.params.id);
      if (outcome === 'not_found') throw CommonErrors.notFound(`dead job ${request.params.id}`);
      if (outcome === 'duplicate') throw CommonErrors.conflict(`job ${request.params.id} is already queued again as another job for the same work`);
      app.worker.poke();
      return { ok: true };
    },
  );

  api.get('/admin/fixity', { preValidation: requireUser, preHandler: requireRole('admin', 'curator'), schema: { tags } }, async () => ({ items: await app.fixity.recent() }));

  // A full audit reads every stored byte, so it runs as a job rather than inside the request.
  api.post('/admin/fixity', { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags } }, async (_request, reply) => {
    await app.jobs.enqueue(app.database.db, FIXITY_JOB, { trigger: 'manual' }, { dedupeKey: FIXITY_JOB, maxAttempts: 3 });
    app.worker.poke();
    return reply.status(202).send({ queued: true });
  });

  api.get(
    '/admin/fixity/:id',
    { preValidation: requireUser, preHandler: requireRole('admin', 'curator'), schema: { tags, params: z.object({ id: z.string().max(64) }) } },
    async (request) => {
      const report = await app.fixity.report(request.params.id);
      if (!report) throw CommonErrors.notFound(`fixity run ${request.params.id}`);
      return report;
    },
  );
}

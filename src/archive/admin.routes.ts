import { z } from 'zod';
import { CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { itemsOf, OK, okSchema } from '../platform/http/api-contract.js';
import { fixityReportSchema, fixityRunSchema, JOB_STATUSES, jobsPageSchema, type Job } from './admin.contract.js';
import type { FixityService } from './fixity.service.js';

const tags = ['admin'];

/** The admin's view of background jobs and fixity audits. */
export function adminArchiveRoutes(
  api: Api,
  deps: { jobs: Pick<JobQueue, 'list' | 'counts' | 'retry'>; fixity: FixityService; requestFixityAudit: () => Promise<void>; wakeWorkers: () => void },
): void {
  const { jobs, fixity } = deps;
  api.get(
    '/admin/jobs',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: { tags, querystring: z.object({ status: z.enum(JOB_STATUSES).optional(), page: z.coerce.number().int().min(1).default(1) }), response: { 200: jobsPageSchema } },
    },
    async (request) => {
      const pageSize = 50;
      const { items, total } = await jobs.list({ ...(request.query.status ? { status: request.query.status } : {}), limit: pageSize, offset: (request.query.page - 1) * pageSize });
      return {
        counts: await jobs.counts(),
        total,
        items: items.map((j): Job => ({ id: j.id, kind: j.kind, status: j.status as Job['status'], attempts: j.attempts, maxAttempts: j.max_attempts, runAt: j.run_at, lastError: j.last_error, createdAt: j.created_at, finishedAt: j.finished_at, payload: JSON.parse(j.payload) as unknown })),
      };
    },
  );

  api.post(
    '/admin/jobs/:id/retry',
    { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: okSchema } } },
    async (request) => {
      const outcome = await jobs.retry(request.params.id);
      if (outcome === 'not_found') throw CommonErrors.notFound('dead_job', { id: request.params.id });
      if (outcome === 'duplicate') throw CommonErrors.conflict(`job ${request.params.id} is already queued again as another job for the same work`, { key: 'job.already_requeued', params: { id: request.params.id } });
      deps.wakeWorkers();
      return OK;
    },
  );

  api.get('/admin/fixity', { preValidation: requireUser, preHandler: requireRole('admin', 'curator'), schema: { tags, response: { 200: itemsOf(fixityRunSchema) } } }, async () => ({ items: await fixity.recent() }));

  // A full audit reads every stored byte, so it runs as a job rather than inside the request.
  api.post('/admin/fixity', { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, response: { 202: z.object({ queued: z.literal(true) }) } } }, async (_request, reply) => {
    await deps.requestFixityAudit();
    deps.wakeWorkers();
    return reply.status(202).send({ queued: true });
  });

  api.get(
    '/admin/fixity/:id',
    { preValidation: requireUser, preHandler: requireRole('admin', 'curator'), schema: { tags, params: z.object({ id: z.string().max(64) }), response: { 200: fixityReportSchema } } },
    async (request) => {
      const report = await fixity.report(request.params.id);
      if (!report) throw CommonErrors.notFound('fixity_run', { id: request.params.id });
      return report;
    },
  );
}

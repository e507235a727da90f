import { z } from 'zod';
import type { JobStatus } from '../platform/jobs/job-queue.js';

/** The shapes of the admin routes: background jobs and fixity audits. */

export const JOB_STATUSES = ['queued', 'running', 'done', 'dead'] as const satisfies readonly JobStatus[];
export const jobStatusSchema = z.enum(JOB_STATUSES).meta({ id: 'JobStatus' });
// Fails to compile when the job queue gains a status this list lacks.
const everyStatus: JobStatus extends (typeof JOB_STATUSES)[number] ? true : false = true;
void everyStatus;

export const jobSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    status: jobStatusSchema,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAt: z.string(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    payload: z.unknown().describe('What the job works on; its shape depends on `kind`.'),
  })
  .meta({ id: 'Job' });

export const jobsPageSchema = z
  .object({
    counts: z.record(jobStatusSchema, z.number().int()).describe('Jobs of each status, over all pages.'),
    total: z.number().int().describe('Jobs matching the filter.'),
    items: z.array(jobSchema),
  })
  .meta({ id: 'JobsPage' });

export const fixityRunSchema = z
  .object({
    id: z.string(),
    trigger: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    checked: z.number().int(),
    mismatched: z.number().int(),
    missing: z.number().int(),
  })
  .meta({ id: 'FixityRun' });

export const fixityProblemSchema = z
  .object({ sha256: z.string(), problem: z.enum(['missing', 'mismatch', 'size']), detail: z.string() })
  .meta({ id: 'FixityProblem' });

export const fixityReportSchema = fixityRunSchema.extend({ problems: z.array(fixityProblemSchema) }).meta({ id: 'FixityReport' });

export type Job = z.infer<typeof jobSchema>;
export type FixityRun = z.infer<typeof fixityRunSchema>;
export type FixityProblem = z.infer<typeof fixityProblemSchema>;
export type FixityReport = z.infer<typeof fixityReportSchema>;

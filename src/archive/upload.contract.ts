import { z } from 'zod';
import { errorParamsSchema, noticeSchema } from '../platform/http/api-contract.js';

/** One uploaded file's result: each file succeeds or fails on its own. */
export const uploadItemSchema = z
  .discriminatedUnion('status', [
    z.object({
      name: z.string(),
      status: z.enum(['imported', 'unchanged']).describe('`unchanged`: the same bytes were already archived (as `workId`).'),
      workId: z.string(),
      sha256: z.string(),
      warnings: z.array(z.string()).describe('In English; `notices` says the same translatably.'),
      notices: z.array(noticeSchema),
    }),
    z.object({
      name: z.string(),
      status: z.literal('failed'),
      code: z.string().describe('Says why as an error body does: `code`, `key` and `params` for the client, `reason` in English.'),
      key: z.string(),
      params: errorParamsSchema,
      reason: z.string(),
    }),
  ])
  .meta({ id: 'UploadItem' });
export type UploadItem = z.infer<typeof uploadItemSchema>;

/** Why the server stopped reading an upload midway (the files listed before it stand as reported). */
export const uploadStopSchema = z
  .object({ code: z.string(), key: z.string(), params: errorParamsSchema, reason: z.string() })
  .meta({ id: 'UploadStop' });
export type UploadStop = z.infer<typeof uploadStopSchema>;

const completeness = {
  complete: z.boolean().describe('False when the server stopped reading the request midway: `items` lists every file it read, `stopped` says why; files after those were not received.'),
  stopped: uploadStopSchema.optional(),
};

/** POST /api/works/:id/files: every file's result. */
export const uploadResultSchema = z.object({ items: z.array(uploadItemSchema), ...completeness }).meta({ id: 'UploadResult' });

/** POST /api/uploads: every file's result and the counts. */
export const uploadBatchSchema = z
  .object({ items: z.array(uploadItemSchema), imported: z.number().int(), unchanged: z.number().int(), failed: z.number().int(), ...completeness })
  .meta({ id: 'UploadBatch' });

/** GET /api/uploads/usage. */
export const uploadUsageSchema = z
  .object({
    usedBytes: z.number().int().describe('Bytes of the originals in the works the user owns (a file in two of them counts once).'),
    quotaBytes: z.number().int().nullable().describe('The upload quota in bytes; null: none.'),
  })
  .meta({ id: 'UploadUsage' });

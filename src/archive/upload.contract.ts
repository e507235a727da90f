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

/** POST /api/uploads: every file's result and the counts. */
export const uploadBatchSchema = z
  .object({ items: z.array(uploadItemSchema), imported: z.number().int(), unchanged: z.number().int(), failed: z.number().int() })
  .meta({ id: 'UploadBatch' });

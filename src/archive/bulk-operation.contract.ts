import { z } from 'zod';
import { errorParamsSchema } from '../platform/http/api-contract.js';
import { heritageTypeSchema, industryCodeSchema, langMapView, visibilitySchema } from './work.contract.js';

/**
 * The shapes of staff bulk operations (POST /api/works/bulk, /api/bulk-operations): what to do to
 * many works, and how far the job got. Each work's result is reported on its own.
 */

/** Most works one operation may change (ids sent, or a catalogue query resolved on the server). */
export const MAX_BULK_WORKS = 10_000;

export const BULK_ITEM_STATUSES = ['pending', 'done', 'unchanged', 'skipped', 'failed'] as const;
export const BULK_OPERATION_STATUSES = ['queued', 'running', 'done', 'failed', 'undone'] as const;
export const BULK_COLLECTION_MODES = ['add', 'remove', 'move'] as const;

const collectionId = z.string().min(1).max(64);

/** What a staff member asks to do to every selected work. */
export const bulkActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('visibility'), visibility: visibilitySchema }).describe('Publish (public) or unpublish (private).'),
    z
      .object({ type: z.literal('collection'), mode: z.enum(BULK_COLLECTION_MODES), collectionId })
      .describe('`add`: file works that are in no collection (works in another one are skipped: use `move`); `move`: file every work there; `remove`: take the works that are in it out.'),
    z
      .object({ type: z.literal('rights'), uri: z.string().max(2000), note: langMapView.optional() })
      .describe('Sets the rights statement (a RightsStatements.org or Creative Commons URI, with an optional note); it replaces the note the works had.'),
    z
      .object({ type: z.literal('classification'), industry: industryCodeSchema.nullable().optional(), heritage: heritageTypeSchema.nullable().optional() })
      .describe('Sets the industry category and/or heritage type; null clears one, a missing key leaves it as it is.'),
  ])
  .meta({ id: 'BulkAction' });
export type BulkAction = z.infer<typeof bulkActionSchema>;

/** An operation's action: one of the above, or the undo of an earlier operation. */
export const bulkOperationActionSchema = z
  .union([bulkActionSchema, z.object({ type: z.literal('undo'), operationId: z.string() }).describe('Puts back what an earlier operation changed.')])
  .meta({ id: 'BulkOperationAction' });
export type BulkOperationAction = z.infer<typeof bulkOperationActionSchema>;

export const bulkItemStatusSchema = z.enum(BULK_ITEM_STATUSES).meta({ id: 'BulkItemStatus' });
export const bulkOperationStatusSchema = z.enum(BULK_OPERATION_STATUSES).meta({ id: 'BulkOperationStatus' });

export const bulkCountsSchema = z
  .object({
    total: z.number().int(),
    pending: z.number().int(),
    done: z.number().int().describe('Works changed (each has a new version).'),
    unchanged: z.number().int().describe('Works already as asked.'),
    skipped: z.number().int().describe('Works not changed for a reason (not allowed, changed since, gone).'),
    failed: z.number().int(),
  })
  .meta({ id: 'BulkCounts' });

export const bulkOperationSchema = z
  .object({
    id: z.string(),
    action: bulkOperationActionSchema,
    selection: z.enum(['ids', 'query']),
    status: bulkOperationStatusSchema,
    counts: bulkCountsSchema,
    actorId: z.string(),
    actorName: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    undoOf: z.string().nullable(),
    undoneBy: z.string().nullable(),
    canUndo: z.boolean().describe('Whether the reader may undo it now: it has finished, changed works, and has not been undone.'),
  })
  .meta({ id: 'BulkOperation' });

export const bulkProblemSchema = z
  .object({
    workId: z.string(),
    title: langMapView.nullable(),
    status: z.enum(['skipped', 'failed']),
    reason: z.object({ key: z.string(), params: errorParamsSchema, message: z.string() }),
  })
  .meta({ id: 'BulkProblem' });

export const bulkOperationDetailSchema = bulkOperationSchema
  .extend({
    problems: z.array(bulkProblemSchema).describe('The first works that were skipped or failed, in selection order.'),
    moreProblems: z.number().int().describe('How many more were skipped or failed than listed.'),
  })
  .meta({ id: 'BulkOperationDetail' });

export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationDetail = z.infer<typeof bulkOperationDetailSchema>;
export type BulkCounts = z.infer<typeof bulkCountsSchema>;
export type BulkProblem = z.infer<typeof bulkProblemSchema>;

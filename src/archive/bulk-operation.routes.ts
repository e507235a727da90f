import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { itemsOf } from '../platform/http/api-contract.js';
import { bulkOperationDetailSchema, bulkOperationSchema } from './bulk-operation.contract.js';
import type { BulkOperationService } from './bulk-operation.service.js';

const tags = ['works'];
const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Following and undoing staff bulk operations. They are started by POST /api/works/bulk, which
 * lives in the discover module because a selection may be a catalogue search resolved there.
 */
export function bulkOperationRoutes(api: Api, deps: { bulk: BulkOperationService }): void {
  const { bulk } = deps;
  const staff = { preValidation: requireUser, preHandler: requireRole('admin', 'curator') };

  api.get('/bulk-operations', { ...staff, schema: { tags, description: 'The reader’s newest bulk operations (an admin’s: everyone’s), with progress.', response: { 200: itemsOf(bulkOperationSchema) } } }, async (request) => ({
    items: await bulk.list(request.actor),
  }));

  api.get(
    '/bulk-operations/:id',
    { ...staff, schema: { tags, params: idParams, description: 'Progress of a bulk operation, and the first works it skipped or failed on, with the reason.', response: { 200: bulkOperationDetailSchema } } },
    async (request) => bulk.get(request.actor, request.params.id),
  );

  api.post(
    '/bulk-operations/:id/undo',
    {
      ...staff,
      schema: { tags, params: idParams, description: 'Queues an operation that puts back what this one changed, work by work, except where a work was edited since.', response: { 202: z.object({ operation: bulkOperationDetailSchema }) } },
    },
    async (request, reply) => reply.status(202).send({ operation: await bulk.undo(request.actor, request.params.id) }),
  );
}

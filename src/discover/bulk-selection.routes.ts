import { z } from 'zod';
import type { ArchiveServices } from '../archive/archive.module.js';
import { bulkActionSchema, bulkOperationDetailSchema, MAX_BULK_WORKS } from '../archive/bulk-operation.contract.js';
import { tooMany, type BulkOperationService } from '../archive/bulk-operation.service.js';
import { requireRole, requireUser } from '../govern/http-auth.js';
import { CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/api.js';
import { catalogueQuerySchema, catalogueRequestOf } from './catalogue.routes.js';
import type { CatalogueService } from './catalogue.service.js';

const body = z.object({
  ids: z.array(z.string().min(1).max(64)).max(MAX_BULK_WORKS).optional().describe(`The works to change (at most ${MAX_BULK_WORKS}).`),
  query: catalogueQuerySchema
    .optional()
    .describe(`Or a catalogue search with the parameters of GET /api/works (page and order aside): every work it finds for the caller, resolved now, at most ${MAX_BULK_WORKS}.`),
  action: bulkActionSchema,
});

/**
 * POST /api/works/bulk: starts a staff bulk operation. It lives here, above the archive, because a
 * selection may be a catalogue search, which only this module can resolve; the archive's bulk
 * service receives plain ids and its job does the work.
 */
export function bulkSelectionRoutes(api: Api, deps: { catalogue: CatalogueService; archive: Pick<ArchiveServices, 'bulk' | 'collections'> }): void {
  const { catalogue, archive } = deps;
  const bulk: BulkOperationService = archive.bulk;
  api.post(
    '/works/bulk',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: {
        tags: ['works'],
        body,
        description: 'Publishes or unpublishes, files, sets the rights or the classification of many works in one background job. Each work is edited as by hand (a version whose note names the operation); follow it at GET /api/bulk-operations/:id.',
        response: { 202: z.object({ operation: bulkOperationDetailSchema }) },
      },
    },
    async (request, reply) => {
      const { ids, query, action } = request.body;
      if ((ids === undefined) === (query === undefined)) throw CommonErrors.invalid('send either "ids" or "query"', { key: 'bulk.selection_required' });
      // Checked before the search so a creator's search is never run on their behalf.
      bulk.requireBulkRole(request.actor);
      let selected = ids ?? [];
      if (query) {
        const found = await catalogue.selectIds(request.actor, await catalogueRequestOf(request.actor, query, archive.collections), MAX_BULK_WORKS);
        if (found.total > MAX_BULK_WORKS) throw tooMany(found.total);
        selected = found.ids;
      }
      const operation = await bulk.submit(request.actor, { ids: selected, action, ...(query ? { query } : {}) });
      return reply.status(202).send({ operation });
    },
  );
}

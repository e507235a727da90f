import { Readable } from 'node:stream';
import type { Api } from '../platform/http/api.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import { auditCsvHeader, auditCsvLine } from './audit-csv.js';
import { auditFilterSchema, auditListQuerySchema, auditPageSchema, auditVerifySchema } from './audit.contract.js';
import type { AuditTrail } from './audit.service.js';
import { requireRole, requireUser } from './http-auth.js';

const tags = ['audit'];
const admins = requireRole('admin');

/** The audit trail for admins: list with filters, CSV export and the chain check. */
export function auditRoutes(api: Api, deps: { audit: AuditTrail }): void {
  const { audit } = deps;

  api.get('/audit', { preValidation: requireUser, preHandler: admins, schema: { tags, querystring: auditListQuerySchema, description: 'The audit trail, newest first, keyset-paginated.', response: { 200: auditPageSchema } } }, async (request) => {
    const { limit, ...filter } = request.query;
    return audit.list(filter, limit);
  });

  api.get(
    '/audit/export.csv',
    { preValidation: requireUser, preHandler: admins, schema: { tags, querystring: auditFilterSchema, description: 'Every record matching the filter as CSV (newest first), with hashes.', response: { 200: mediaResponse('The trail as CSV.', ['text/csv']) } } },
    async (request, reply) => {
      const records = audit.each(request.query);
      // Streamed a page at a time: an export of the whole trail does not sit in memory.
      const lines = (async function* () {
        yield '\uFEFF' + auditCsvHeader();
        for await (const record of records) yield auditCsvLine(record);
      })();
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="wenyuan-audit.csv"').send(Readable.from(lines));
    },
  );

  api.get('/audit/verify', { preValidation: requireUser, preHandler: admins, schema: { tags, description: 'Recomputes the chain and checks the newest anchor in the transparency log.', response: { 200: auditVerifySchema } } }, async () => audit.verify());
}

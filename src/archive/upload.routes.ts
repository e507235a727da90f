import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canEditWork } from '../govern/roles.js';
import { cleanFileName } from '../media/file-name.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import type { CollectionService } from './collection.service.js';
import { fileTooLarge, type IngestOptions, type IngestService } from './ingest.service.js';
import { uploadBatchSchema, uploadItemSchema, type UploadItem } from './upload.contract.js';
import type { WorkService } from './work.service.js';

const tags = ['uploads'];
// A per-call option of @fastify/multipart that its type for parts() leaves out.
const KEEP_GOING_AT_SIZE_LIMIT = { throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0];

/**
 * Multipart uploads, streamed straight into the blob store (never buffered whole). Each file gets
 * its own result, so one bad file does not sink the batch.
 */
export function uploadRoutes(api: Api, deps: { ingest: IngestService; works: WorkService; collections: CollectionService; wakeWorkers: () => void; maxUploadBytes: number }): void {
  const { ingest, works, collections } = deps;
  const handle = async (request: FastifyRequest, base: IngestOptions): Promise<UploadItem[]> => {
    if (!request.isMultipart()) throw new AppError('unsupported_media', 'send files as multipart/form-data', { key: 'upload.not_multipart' });
    const options: IngestOptions = { ...base };
    const results: UploadItem[] = [];
    // Busboy cuts a file at the size limit and ends its stream as if complete; with the default
    // throw, the cut prefix was archived and then the whole request failed. refuseTruncated below
    // fails just that file instead, before anything is committed.
    for await (const part of request.parts(KEEP_GOING_AT_SIZE_LIMIT)) {
      if (part.type === 'field') {
        const value = String(part.value);
        if (part.fieldname === 'visibility') {
          if (value !== 'private' && value !== 'public') throw CommonErrors.invalid('visibility must be private or public', { key: 'work.visibility_invalid' });
          options.visibility = value;
        } else if (part.fieldname === 'collectionId') {
          if (value) await collections.get(request.actor, value);
          options.collectionId = value || null;
        }
        continue;
      }
      const name = cleanFileName(part.filename || 'unnamed');
      try {
        const result = await ingest.ingest(request.actor, refuseTruncated(part.file, deps.maxUploadBytes), name, options);
        results.push({ name, ...result });
      } catch (error) {
        // Drain what is left of this part so the next one can be read.
        part.file.resume();
        const refusal = error instanceof AppError ? error : (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? fileTooLarge(deps.maxUploadBytes) : null;
        if (!refusal) throw error;
        results.push({ name, status: 'failed', code: refusal.code, key: refusal.key, params: refusal.params, reason: `${name}: ${refusal.message}` });
      }
    }
    if (results.length === 0) throw CommonErrors.invalid('no file in the upload', { key: 'upload.no_file' });
    deps.wakeWorkers();
    return results;
  };

  api.post(
    '/uploads',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator', 'creator'),
      schema: { tags, description: 'Upload one or many files (multipart/form-data, fields `visibility` and `collectionId` before the files). Each file becomes a work.', response: { 200: uploadBatchSchema } },
    },
    async (request) => {
      const items = await handle(request, {});
      return { items, imported: items.filter((i) => i.status === 'imported').length, unchanged: items.filter((i) => i.status === 'unchanged').length, failed: items.filter((i) => i.status === 'failed').length };
    },
  );

  api.post(
    '/works/:id/files',
    { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), description: 'Attach files to an existing work.', response: { 200: z.object({ items: z.array(uploadItemSchema) }) } } },
    async (request) => {
      const params = request.params as { id: string };
      const work = await works.get(request.actor, params.id);
      // Refuse before any bytes are stored; otherwise each file would "fail" inside a 200.
      if (!canEditWork(request.actor, { visibility: work.visibility, owner_id: work.ownerId })) throw CommonErrors.forbidden('you may not add files to this work', { key: 'work.add_files_forbidden', params: { id: params.id } });
      const items = await handle(request, { workId: params.id });
      return { items };
    },
  );
}

/** Passes a multipart file through, but ends in payload_too_large if busboy cut it at the size limit. */
function refuseTruncated(file: Readable & { truncated?: boolean }, limit: number): Readable {
  const guard = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, chunk),
    flush: (done) => done(file.truncated ? fileTooLarge(limit) : null),
  });
  pipeline(file, guard).catch(() => undefined);
  return guard;
}

import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { canEditWork } from '../govern/roles.js';
import { cleanFileName } from '../media/file-name.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';
import { formatBytes, type IngestOptions } from './ingest.service.js';

const tags = ['uploads'];
// A per-call option of @fastify/multipart that its type for parts() leaves out.
const KEEP_GOING_AT_SIZE_LIMIT = { throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0];

type ItemResult =
  | { name: string; status: 'imported' | 'unchanged'; workId: string; sha256: string; warnings: string[] }
  | { name: string; status: 'failed'; code: string; reason: string };

/**
 * Multipart uploads, streamed straight into the blob store (never buffered whole). Each file gets
 * its own result, so one bad file does not sink the batch.
 */
export function uploadRoutes(api: Api, app: App): void {
  const handle = async (request: FastifyRequest, base: IngestOptions): Promise<ItemResult[]> => {
    if (!request.isMultipart()) throw new AppError('unsupported_media', 'send files as multipart/form-data');
    const options: IngestOptions = { ...base };
    const results: ItemResult[] = [];
    // Busboy cuts a file at the size limit and ends its stream as if complete; with the default
    // throw, the cut prefix was archived and then the whole request failed. refuseTruncated below
    // fails just that file instead, before anything is committed.
    for await (const part of request.parts(KEEP_GOING_AT_SIZE_LIMIT)) {
      if (part.type === 'field') {
        const value = String(part.value);
        if (part.fieldname === 'visibility') {
          if (value !== 'private' && value !== 'public') throw CommonErrors.invalid('visibility must be private or public');
          options.visibility = value;
        } else if (part.fieldname === 'collectionId') {
          if (value) await app.collections.get(request.actor, value);
          options.collectionId = value || null;
        }
        continue;
      }
      const name = cleanFileName(part.filename || 'unnamed');
      try {
        const result = await app.ingest.ingest(request.actor, refuseTruncated(part.file, app.config.maxUploadBytes), name, options);
        results.push({ name, ...result });
      } catch (error) {
        // Drain what is left of this part so the next one can be read.
        part.file.resume();
        if (error instanceof AppError) results.push({ name, status: 'failed', code: error.code, reason: `${name}: ${error.message}` });
        else if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          results.push({ name, status: 'failed', code: 'payload_too_large', reason: `${name}: file is larger than the upload limit` });
        } else throw error;
      }
    }
    if (results.length === 0) throw CommonErrors.invalid('no file in the upload');
    app.worker.poke();
    return results;
  };

  api.post(
    '/uploads',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator', 'creator'),
      schema: { tags, description: 'Upload one or many files (multipart/form-data, fields `visibility` and `collectionId` before the files). Each file becomes a work.' },
    },
    async (request) => {
      const items = await handle(request, {});
      return { items, imported: items.filter((i) => i.status === 'imported').length, unchanged: items.filter((i) => i.status === 'unchanged').length, failed: items.filter((i) => i.status === 'failed').length };
    },
  );

  api.post(
    '/works/:id/files',
    { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), description: 'Attach files to an existing work.' } },
    async (request) => {
      const params = request.params as { id: string };
      const work = await app.works.get(request.actor, params.id);
      // Refuse before any bytes are stored; otherwise each file would "fail" inside a 200.
      if (!canEditWork(request.actor, { visibility: work.visibility, owner_id: work.ownerId })) throw CommonErrors.forbidden('you may not add files to this work');
      const items = await handle(request, { workId: params.id });
      return { items };
    },
  );
}

/** Passes a multipart file through, but ends in payload_too_large if busboy cut it at the size limit. */
function refuseTruncated(file: Readable & { truncated?: boolean }, limit: number): Readable {
  const guard = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, chunk),
    flush: (done) => done(file.truncated ? new AppError('payload_too_large', `file is larger than the upload limit of ${formatBytes(limit)}`) : null),
  });
  pipeline(file, guard).catch(() => undefined);
  return guard;
}

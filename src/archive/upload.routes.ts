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
import { uploadBatchSchema, uploadResultSchema, uploadUsageSchema, type UploadItem, type UploadStop } from './upload.contract.js';
import type { WorkService } from './work.service.js';

const tags = ['uploads'];
/** Files one request may add unless configured (WENYUAN_MAX_FILES_PER_UPLOAD); files past it are reported as not received, each by name. */
export const MAX_FILES_PER_UPLOAD = 1000;
/**
 * Files read at most, as a multiple of the files saved (past those only their names are read):
 * beyond it the rest of the request is not read at all, and the answer says after which file.
 */
const READ_FACTOR = 10;

/** Per-call options of @fastify/multipart (merged over the server's) that its type for parts() leaves out. */
function partsOptions(maxFilesRead: number): Parameters<FastifyRequest['parts']>[0] {
  // It also caps parts (fields and files together) at 1,000 unless told.
  return { throwFileSizeLimit: false, limits: { files: maxFilesRead, parts: maxFilesRead + 100 } } as Parameters<FastifyRequest['parts']>[0];
}

/** The files of one request, each with its result, and whether every file of the request was read. */
interface HandledUpload {
  items: UploadItem[];
  complete: boolean;
  stopped?: UploadStop;
}

/**
 * Multipart uploads, streamed straight into the blob store (never buffered whole). Each file gets
 * its own result, so one bad file does not sink the batch, and a request that stops midway (too
 * many files, a malformed body) still says which files were saved.
 */
export function uploadRoutes(api: Api, deps: { ingest: IngestService; works: WorkService; collections: CollectionService; wakeWorkers: () => void; maxUploadBytes: number; maxFilesPerUpload?: number }): void {
  const { ingest, works, collections } = deps;
  const maxFiles = deps.maxFilesPerUpload ?? MAX_FILES_PER_UPLOAD;
  const maxFilesRead = READ_FACTOR * maxFiles;
  const readOptions = partsOptions(maxFilesRead);
  const handle = async (request: FastifyRequest, base: IngestOptions): Promise<HandledUpload> => {
    if (!request.isMultipart()) throw new AppError('unsupported_media', 'send files as multipart/form-data', { key: 'upload.not_multipart' });
    // A full quota refuses the request before a byte of it is read.
    await ingest.requireRoom(request.actor);
    const options: IngestOptions = { ...base };
    const items: UploadItem[] = [];
    let files = 0;
    let stopped: UploadStop | undefined;
    try {
      // Busboy cuts a file at the size limit and ends its stream as if complete; with the default
      // throw, the cut prefix was archived and then the whole request failed. refuseTruncated below
      // fails just that file instead, before anything is committed.
      for await (const part of request.parts(readOptions)) {
        if (part.type === 'field') {
          const value = String(part.value);
          if (part.fieldname === 'visibility') {
            if (value !== 'private' && value !== 'public') throw CommonErrors.invalid('visibility must be private or public', { key: 'work.visibility_invalid' });
            options.visibility = value;
          } else if (part.fieldname === 'collectionId') {
            // Refused before any file is stored: a collection the uploader may not file into fails the request (404/403).
            if (value) await collections.requireFilingAllowed(request.actor, value);
            options.collectionId = value || null;
          }
          continue;
        }
        const name = cleanFileName(part.filename || 'unnamed');
        if (++files > maxFiles) {
          part.file.resume();
          items.push(failed(name, new AppError('payload_too_large', `not received: one upload takes at most ${maxFiles} files`, { key: 'upload.too_many_files', params: { max: maxFiles } })));
          continue;
        }
        try {
          const result = await ingest.ingest(request.actor, refuseTruncated(part.file, deps.maxUploadBytes), name, options);
          items.push({ name, ...result });
        } catch (error) {
          // Drain what is left of this part so the next one can be read.
          part.file.resume();
          const refusal = error instanceof AppError ? error : (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? fileTooLarge(deps.maxUploadBytes) : null;
          if (!refusal) throw error;
          items.push(failed(name, refusal));
        }
      }
    } catch (error) {
      // Before any file, the request fails as a whole, as it always did. After some, the files
      // already saved stay saved, so the answer lists them and says why reading stopped.
      if (items.length === 0) throw error;
      const reason = stopReason(error, files, maxFilesRead);
      if (reason.code === 'internal') request.log.error({ err: error }, 'upload stopped');
      stopped = { code: reason.code, key: reason.key, params: reason.params, reason: reason.message };
    }
    if (items.length === 0) throw CommonErrors.invalid('no file in the upload', { key: 'upload.no_file' });
    deps.wakeWorkers();
    return stopped ? { items, complete: false, stopped } : { items, complete: true };
  };

  api.get(
    '/uploads/usage',
    { preValidation: requireUser, schema: { tags, description: 'What the signed-in user has uploaded (bytes of the originals in the works they own; a file in two of them counts once) against their quota (null: none).', response: { 200: uploadUsageSchema } } },
    async (request) => ingest.usage(request.actor),
  );

  api.post(
    '/uploads',
    {
      config: { upload: true },
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator', 'creator'),
      schema: { tags, description: `Upload one or many files (multipart/form-data, fields \`visibility\` and \`collectionId\` before the files). Each file becomes a work; the same file uploaded again by the same user (even at the same instant) answers \`unchanged\` with the existing work. At most WENYUAN_MAX_FILES_PER_UPLOAD files per request (default 1,000): later ones are listed as failed (\`upload.too_many_files\`), not saved; past ten times that the request is not read further, \`complete\` is false and \`stopped\` says why.`, response: { 200: uploadBatchSchema } },
    },
    async (request) => {
      const { items, ...rest } = await handle(request, {});
      return { items, imported: items.filter((i) => i.status === 'imported').length, unchanged: items.filter((i) => i.status === 'unchanged').length, failed: items.filter((i) => i.status === 'failed').length, ...rest };
    },
  );

  api.post(
    '/works/:id/files',
    { config: { upload: true }, preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), description: 'Attach files to an existing work.', response: { 200: uploadResultSchema } } },
    async (request) => {
      const params = request.params as { id: string };
      const work = await works.get(request.actor, params.id);
      // Refuse before any bytes are stored; otherwise each file would "fail" inside a 200.
      if (!canEditWork(request.actor, { visibility: work.visibility, owner_id: work.ownerId })) throw CommonErrors.forbidden('you may not add files to this work', { key: 'work.add_files_forbidden', params: { id: params.id } });
      return handle(request, { workId: params.id });
    },
  );
}

function failed(name: string, refusal: AppError): UploadItem {
  return { name, status: 'failed', code: refusal.code, key: refusal.key, params: refusal.params, reason: `${name}: ${refusal.message}` };
}

/** Why a multipart request stopped being read, as a refusal the client can show. */
function stopReason(error: unknown, filesRead: number, maxFilesRead: number): AppError {
  if (error instanceof AppError) return error;
  const { code, statusCode, message } = error as { code?: string; statusCode?: number; message?: string };
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new AppError('payload_too_large', `the upload holds more than ${maxFilesRead} files; the files after the first ${filesRead} were not received`, { key: 'upload.files_not_read', params: { read: filesRead } });
  }
  if (statusCode === 413) return new AppError('payload_too_large', message ?? 'request too large', { key: 'payload_too_large.request' });
  if (statusCode && statusCode >= 400 && statusCode < 500) return new AppError('invalid_input', message ?? 'malformed upload', { key: 'invalid_input.request' });
  return new AppError('internal', 'internal error; the server log has the details', { key: 'internal' });
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

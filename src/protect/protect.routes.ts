import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mediaTypeOfImageFormat } from '../media/file-kind.js';
import { cleanFileName } from '../media/file-name.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { itemsOf, mediaResponse } from '../platform/http/api-contract.js';
import { receiptSchema } from '../registry/registry.contract.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { EvidenceService, EvidenceView } from './evidence.service.js';
import type { FingerprintService } from './fingerprint.service.js';
import { copyRecordSchema, evidenceSummarySchema, evidenceViewSchema, scanResultSchema, workFingerprintSchema } from './protect-contract.js';
import type { ScanResult, ScanService } from './scan.service.js';
import type { IssuedCopy, WatermarkCopyService } from './watermark-copies.js';

const tags = ['protect'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const MAX_SCAN_FILES = 50;
const markedCopy = mediaResponse('The marked JPEG; its serial is in the x-wenyuan-copy-serial header.', ['image/jpeg']);
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
// A per-call option of @fastify/multipart that its type for parts() leaves out.
const KEEP_GOING_AT_SIZE_LIMIT = { throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0];

/**
 * Each uploaded file is written to a private temporary folder (scans need a file for the decoders),
 * handed to `each`, and removed afterwards whatever happens. A file cut at the upload limit gets an
 * error result of its own; the others go on.
 */
async function withUploadedFiles(request: FastifyRequest, limit: number, each: (file: string, name: string) => Promise<void>, onTooLarge: (name: string) => void): Promise<number> {
  if (!request.isMultipart()) throw new AppError('unsupported_media', 'send files as multipart/form-data', { key: 'upload.not_multipart' });
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'wenyuan-scan-'));
  let count = 0;
  try {
    for await (const part of request.parts(KEEP_GOING_AT_SIZE_LIMIT)) {
      if (part.type === 'field') continue;
      if (++count > MAX_SCAN_FILES) throw CommonErrors.invalid(`at most ${MAX_SCAN_FILES} files per request`, { key: 'scan.too_many_files', params: { max: MAX_SCAN_FILES } });
      const name = cleanFileName(part.filename || 'unnamed');
      const file = path.join(dir, `${count}`);
      await pipeline(part.file, fs.createWriteStream(file, { mode: 0o600 }));
      if ((part.file as { truncated?: boolean }).truncated) onTooLarge(name);
      else await each(file, name);
      await fs.promises.rm(file, { force: true });
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
  if (count === 0) throw CommonErrors.invalid('no file in the upload', { key: 'upload.no_file' });
  return count;
}

/** Scans for copies, evidence reports, fingerprints of works and watermarked copies. */
export function protectRoutes(
  api: Api,
  deps: { scans: ScanService; evidence: EvidenceService; fingerprints: FingerprintService; watermarkCopies: WatermarkCopyService; blobs: BlobStore; maxUploadBytes: number },
): void {
  const { scans, evidence, fingerprints, watermarkCopies, blobs } = deps;
  const rightHolders = requireRole('admin', 'curator', 'creator');
  const tooLarge = (name: string): ScanResult => ({
    name, sha256: '', size: 0, status: 'error', error: `file is larger than the upload limit`, problem: { code: 'payload_too_large', key: 'file.too_large', params: { limitBytes: deps.maxUploadBytes } },
    fingerprint: null, matches: [], watermark: null, warnings: [], notices: [], scannedAt: new Date().toISOString(),
  });

  api.post(
    '/scans',
    { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Check suspect images (multipart, up to 50 files): matching works with distance and likely transformations, the decoded watermark and the works’ receipts.', response: { 200: itemsOf(scanResultSchema) } } },
    async (request) => {
      const items: ScanResult[] = [];
      await withUploadedFiles(request, deps.maxUploadBytes, async (file, name) => {
        items.push(await scans.scanFile(request.actor, file, name));
      }, (name) => items.push(tooLarge(name)));
      return { items };
    },
  );

  api.post(
    '/evidence',
    { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Scan one suspect image and save the result as an evidence report, registered in the transparency log (201 with the receipt once sequenced).', response: { 201: evidenceViewSchema } } },
    async (request, reply) => {
      // Every file either becomes the report or throws, and an upload without files throws.
      const views: EvidenceView[] = [];
      await withUploadedFiles(request, deps.maxUploadBytes, async (file, name) => {
        if (views.length > 0) throw CommonErrors.invalid('an evidence report covers one suspect file; send one file', { key: 'evidence.one_file' });
        views.push(await evidence.create(request.actor, file, name, { waitMs: 10_000 }));
      }, (name) => {
        throw new AppError('payload_too_large', `${name}: file is larger than the upload limit`, { key: 'file.too_large', params: { limitBytes: deps.maxUploadBytes } });
      });
      return reply.status(201).send(views[0]!);
    },
  );

  api.get('/evidence', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Your evidence reports (admins and curators: everyone’s), newest first.', response: { 200: itemsOf(evidenceSummarySchema) } } }, async (request) => ({
    items: await evidence.list(request.actor),
  }));

  api.get('/evidence/:id', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, response: { 200: evidenceViewSchema } } }, async (request) => {
    const { bundleText: _text, ...view } = await evidence.get(request.actor, request.params.id);
    return view;
  });

  api.get('/evidence/:id/bundle.json', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, description: 'The registered JSON bundle, byte for byte (verify it with `wenyuan verify <receipt> --file <bundle>`).', response: { 200: mediaResponse('The EvidenceBundle JSON exactly as registered.', ['application/json']) } } }, async (request, reply) => {
    const view = await evidence.get(request.actor, request.params.id);
    return reply.type('application/json').header('content-disposition', `attachment; filename="wenyuan-evidence-${view.id}.json"`).send(view.bundleText);
  });

  api.get('/evidence/:id/receipt.json', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, response: { 200: receiptSchema }, description: 'The receipt of the report’s registration, as a file to keep (409 while pending).' } }, async (request, reply) => {
    const view = await evidence.get(request.actor, request.params.id);
    if (view.registration?.status !== 'sequenced') throw CommonErrors.conflict(`evidence report ${view.id} is not sequenced yet; try again in a moment`, { key: 'evidence.pending', params: { id: view.id } });
    return reply.header('content-disposition', `attachment; filename="wenyuan-evidence-receipt-${view.id}.json"`).send(view.registration.receipt);
  });

  api.get('/evidence/:id/suspect', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, response: { 200: mediaResponse('The suspect image as it was sent (types browsers show safely inline, anything else as bytes).', ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/octet-stream']) } } }, async (request, reply) => {
    const view = await evidence.get(request.actor, request.params.id);
    // Only types a browser shows safely are served as images; anything else downloads as bytes.
    const type = mediaTypeOfImageFormat(view.bundle.suspect.format);
    reply.header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
    return reply.type(type && INLINE_IMAGES.has(type) ? type : 'application/octet-stream').send(blobs.open(view.suspectSha256));
  });

  api.get('/works/:id/fingerprint', { schema: { tags, params: idParams, description: 'The fingerprint of the work’s main image: status, PDQ hash and quality, ISCC codes.', response: { 200: workFingerprintSchema } } }, async (request) => {
    return fingerprints.ofWork(request.actor, request.params.id);
  });

  const sendCopy = (reply: FastifyReply, copy: IssuedCopy) => reply
    .type(copy.mediaType)
    .header('content-disposition', `attachment; filename="${copy.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(copy.fileName)}`)
    .header('x-wenyuan-copy-serial', String(copy.serial))
    .header('cache-control', 'no-store')
    .send(copy.data);

  api.post(
    '/works/:id/watermarked-copies',
    { preValidation: requireUser, schema: { tags, params: idParams, body: z.object({ reference: z.string().max(200).optional() }).optional(), description: 'A JPEG of the work’s image carrying an invisible watermark that names this copy and you as its recipient.', response: { 200: markedCopy } } },
    async (request, reply) => sendCopy(reply, await watermarkCopies.issue(request.actor, request.params.id, { reference: request.body?.reference ?? null })),
  );

  api.post(
    '/works/:id/licensed-copies',
    {
      preValidation: requireUser,
      schema: {
        tags, params: idParams,
        body: z.object({ licensee: z.string().trim().min(1).max(200), reference: z.string().max(200).optional() }),
        description: 'For those who manage the work: a JPEG carrying an invisible watermark that names this copy, its licensee and the licence reference.',
        response: { 200: markedCopy },
      },
    },
    async (request, reply) => sendCopy(reply, await watermarkCopies.issueLicensed(request.actor, request.params.id, { licensee: request.body.licensee, reference: request.body.reference ?? null })),
  );

  api.get(
    '/works/:id/watermarked-copies',
    { preValidation: requireUser, schema: { tags, params: idParams, description: 'For those who manage the work: every watermarked copy issued of it (newest 1,000), with recipient and purpose.', response: { 200: z.object({ copies: z.array(copyRecordSchema) }) } } },
    async (request) => ({ copies: await watermarkCopies.listCopies(request.actor, request.params.id) }),
  );
}

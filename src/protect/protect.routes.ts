import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { canReadWork } from '../govern/roles.js';
import { mediaTypeOfImageFormat } from '../media/file-kind.js';
import { cleanFileName } from '../media/file-name.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';
import type { ScanResult } from './scan.service.js';
import type { IssuedCopy } from './watermark-copies.js';

const tags = ['protect'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const MAX_SCAN_FILES = 50;
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
// A per-call option of @fastify/multipart that its type for parts() leaves out.
const KEEP_GOING_AT_SIZE_LIMIT = { throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0];

/**
 * Each uploaded file is written to a private temporary folder (scans need a file for the decoders),
 * handed to `each`, and removed afterwards whatever happens. A file cut at the upload limit gets an
 * error result of its own; the others go on.
 */
async function withUploadedFiles(request: FastifyRequest, limit: number, each: (file: string, name: string) => Promise<void>, onTooLarge: (name: string) => void): Promise<number> {
  if (!request.isMultipart()) throw new AppError('unsupported_media', 'send files as multipart/form-data');
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'wenyuan-scan-'));
  let count = 0;
  try {
    for await (const part of request.parts(KEEP_GOING_AT_SIZE_LIMIT)) {
      if (part.type === 'field') continue;
      if (++count > MAX_SCAN_FILES) throw CommonErrors.invalid(`at most ${MAX_SCAN_FILES} files per request`);
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
  if (count === 0) throw CommonErrors.invalid('no file in the upload');
  return count;
}

/** Scans for copies, evidence reports, fingerprints of works and watermarked copies. */
export function protectRoutes(api: Api, app: App): void {
  const rightHolders = requireRole('admin', 'curator', 'creator');
  const tooLarge = (name: string): ScanResult => ({
    name, sha256: '', size: 0, status: 'error', error: `file is larger than the upload limit`, fingerprint: null, matches: [], watermark: null, warnings: [], scannedAt: new Date().toISOString(),
  });

  api.post(
    '/scans',
    { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Check suspect images (multipart, up to 50 files): matching works with distance and likely transformations, the decoded watermark and the works’ receipts.' } },
    async (request) => {
      const items: ScanResult[] = [];
      await withUploadedFiles(request, app.config.maxUploadBytes, async (file, name) => {
        items.push(await app.scans.scanFile(request.actor, file, name));
      }, (name) => items.push(tooLarge(name)));
      return { items };
    },
  );

  api.post(
    '/evidence',
    { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Scan one suspect image and save the result as an evidence report, registered in the transparency log (201 with the receipt once sequenced).' } },
    async (request, reply) => {
      let view: Awaited<ReturnType<App['evidence']['create']>> | null = null;
      await withUploadedFiles(request, app.config.maxUploadBytes, async (file, name) => {
        if (view) throw CommonErrors.invalid('an evidence report covers one suspect file; send one file');
        view = await app.evidence.create(request.actor, file, name, { waitMs: 10_000 });
      }, (name) => {
        throw new AppError('payload_too_large', `${name}: file is larger than the upload limit`);
      });
      return reply.status(201).send(view);
    },
  );

  api.get('/evidence', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, description: 'Your evidence reports (admins and curators: everyone’s), newest first.' } }, async (request) => ({
    items: await app.evidence.list(request.actor),
  }));

  api.get('/evidence/:id', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams } }, async (request) => {
    const { bundleText: _text, ...view } = await app.evidence.get(request.actor, request.params.id);
    return view;
  });

  api.get('/evidence/:id/bundle.json', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, description: 'The registered JSON bundle, byte for byte (verify it with `wenyuan verify <receipt> --file <bundle>`).' } }, async (request, reply) => {
    const view = await app.evidence.get(request.actor, request.params.id);
    return reply.type('application/json').header('content-disposition', `attachment; filename="wenyuan-evidence-${view.id}.json"`).send(view.bundleText);
  });

  api.get('/evidence/:id/receipt.json', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams } }, async (request, reply) => {
    const view = await app.evidence.get(request.actor, request.params.id);
    if (view.registration?.status !== 'sequenced') throw CommonErrors.conflict(`evidence report ${view.id} is not sequenced yet; try again in a moment`);
    return reply.header('content-disposition', `attachment; filename="wenyuan-evidence-receipt-${view.id}.json"`).send(view.registration.receipt);
  });

  api.get('/evidence/:id/suspect', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams } }, async (request, reply) => {
    const view = await app.evidence.get(request.actor, request.params.id);
    // Only types a browser shows safely are served as images; anything else downloads as bytes.
    const type = mediaTypeOfImageFormat(view.bundle.suspect.format);
    reply.header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
    return reply.type(type && INLINE_IMAGES.has(type) ? type : 'application/octet-stream').send(app.blobs.open(view.suspectSha256));
  });

  api.get('/works/:id/fingerprint', { schema: { tags, params: idParams, description: 'The fingerprint of the work’s main image: status, PDQ hash and quality, ISCC codes.' } }, async (request) => {
    const work = await app.workRepository.findById(request.params.id);
    if (!work || !canReadWork(request.actor, work)) throw CommonErrors.notFound(`work ${request.params.id}`);
    const row = work.primary_file_sha256 ? await app.fingerprintRepository.find(work.primary_file_sha256) : undefined;
    if (!row) return { status: work.primary_file_sha256 ? 'pending' : 'none', pdq: null, quality: null, iscc: null, reason: null };
    return { status: row.status, pdq: row.pdq ? Buffer.from(row.pdq).toString('hex') : null, quality: row.pdq_quality, iscc: row.iscc ? (JSON.parse(row.iscc) as Record<string, string>) : null, reason: row.reason };
  });

  const sendCopy = (reply: FastifyReply, copy: IssuedCopy) => reply
    .type(copy.mediaType)
    .header('content-disposition', `attachment; filename="${copy.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(copy.fileName)}`)
    .header('x-wenyuan-copy-serial', String(copy.serial))
    .header('cache-control', 'no-store')
    .send(copy.data);

  api.post(
    '/works/:id/watermarked-copies',
    { preValidation: requireUser, schema: { tags, params: idParams, body: z.object({ reference: z.string().max(200).optional() }).optional(), description: 'A JPEG of the work’s image carrying an invisible watermark that names this copy and you as its recipient.' } },
    async (request, reply) => sendCopy(reply, await app.watermarkCopies.issue(request.actor, request.params.id, { reference: request.body?.reference ?? null })),
  );

  api.post(
    '/works/:id/licensed-copies',
    {
      preValidation: requireUser,
      schema: {
        tags, params: idParams,
        body: z.object({ licensee: z.string().trim().min(1).max(200), reference: z.string().max(200).optional() }),
        description: 'For those who manage the work: a JPEG carrying an invisible watermark that names this copy, its licensee and the licence reference.',
      },
    },
    async (request, reply) => sendCopy(reply, await app.watermarkCopies.issueLicensed(request.actor, request.params.id, { licensee: request.body.licensee, reference: request.body.reference ?? null })),
  );

  api.get(
    '/works/:id/watermarked-copies',
    { preValidation: requireUser, schema: { tags, params: idParams, description: 'For those who manage the work: every watermarked copy issued of it (newest 1,000), with recipient and purpose.' } },
    async (request) => ({ copies: await app.watermarkCopies.listCopies(request.actor, request.params.id) }),
  );
}

import { z } from 'zod';
import type { Actor } from '../govern/roles.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/api.js';
import { parseByteRange } from '../platform/http/byte-range.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import { fileAccess, type DownloadPolicyService } from './download-policy.js';
import type { WorkService } from './work.service.js';

const tags = ['files'];
const params = z.object({ id: z.string().min(1).max(64), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

// Served inline only when a browser can show the type safely; everything else downloads.
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'audio/mpeg', 'audio/flac', 'audio/wav', 'audio/ogg', 'video/mp4', 'video/webm', 'application/pdf']);

/**
 * File downloads go through the work that holds them, so the work's access rule guards every
 * original and derivative: a private work's thumbnail is as hidden as the work.
 */
export function fileRoutes(api: Api, deps: { works: WorkService; downloads: DownloadPolicyService; blobs: BlobStore }): void {
  const { works, downloads, blobs } = deps;
  const resolve = async (actor: Actor, id: string, sha256: string) => {
    const { work, files, derivatives, canEdit } = await works.withFiles(actor, id);
    const file = files.find((f) => f.sha256 === sha256);
    if (!file) throw CommonErrors.notFound('work_file', { id, sha256 }, `file ${sha256} of work ${id} was not found`);
    return { work, file, canEdit, derivatives: derivatives.filter((d) => d.source_sha256 === sha256) };
  };

  api.get('/works/:id/files/:sha256', {
    schema: {
      tags, params,
      response: {
        200: mediaResponse('The original file: inline when browsers show its type safely, otherwise as an attachment.', ['*/*']),
        206: mediaResponse('One byte range of the file (a `Range: bytes=…` request, as players seeking in audio and video send).', ['*/*']),
        302: z.null().describe('With an S3 store and direct downloads on: a short-lived presigned URL of the attachment (Location).'),
        416: z.null().describe('The asked range starts past the end of the file (Content-Range: bytes */size).'),
      },
    },
  }, async (request, reply) => {
    const { work, file, canEdit, derivatives } = await resolve(request.actor, request.params.id, request.params.sha256);
    // The master follows the work's download policy for those who do not manage it (its display copy stays viewable).
    const { policy } = await downloads.forWork(work);
    const facts = { isImage: file.kind === 'image', hasDisplayCopy: derivatives.some((d) => d.name === 'display') };
    const access = fileAccess(policy, canEdit, facts);
    if (access.master === 'denied') throw new AppError('download_restricted', `the original of this file is not offered for download (policy: ${policy}); its display copy is`, { key: 'file.download_restricted', params: { policy } });
    const inline = INLINE_TYPES.has(file.media_type);
    // Viewing only: a type the browser cannot show inline would be a download.
    if (access.master === 'inline' && !inline) throw new AppError('download_restricted', `the original of this file is not offered for download (policy: ${policy})`, { key: 'file.download_restricted', params: { policy } });
    // Shared caches may keep it only when anyone would get it: not a manager's copy that visitors are refused.
    const forAnyone = work.visibility === 'public' && fileAccess(policy, false, facts).master !== 'denied';
    const range = parseByteRange(request.headers.range, file.size);
    // An S3 store may hand downloads (attachments, so no page of that origin runs) to a presigned URL.
    if (!inline && range === null && blobs.directUrl) {
      const url = await blobs.directUrl(file.sha256, { fileName: file.original_name, mediaType: 'application/octet-stream', inline: false });
      if (url) return reply.header('cache-control', 'private, no-store').redirect(url, 302);
    }
    reply
      .type(inline ? file.media_type : 'application/octet-stream')
      .header('accept-ranges', 'bytes')
      .header('etag', `"${file.sha256}"`)
      .header('cache-control', forAnyone ? 'public, max-age=3600' : 'private, no-store')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.original_name)}`)
      .header('content-security-policy', "default-src 'none'; sandbox");
    // Ranges let players seek in audio and video (and viewers read parts) without the whole file.
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${file.size}`).send();
    if (range) {
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(blobs.openRange(file.sha256, range.start, range.end));
    }
    return reply.header('content-length', String(file.size)).send(blobs.open(file.sha256));
  });

  api.get(
    '/works/:id/files/:sha256/:derivative',
    {
      schema: {
        tags,
        params: params.extend({ derivative: z.enum(['thumbnail', 'display']) }),
        querystring: z.object({ download: z.enum(['1']).optional().describe('1: as a file to save (the display copy is what visitors download of works whose policy is "display")') }),
        response: { 200: mediaResponse('The thumbnail (WebP) or the display copy (JPEG).', ['image/webp', 'image/jpeg']) },
      },
    },
    async (request, reply) => {
      const { work, file, derivatives, canEdit } = await resolve(request.actor, request.params.id, request.params.sha256);
      const derivative = derivatives.find((d) => d.name === request.params.derivative);
      if (!derivative) throw CommonErrors.notFound('derivative', { name: request.params.derivative, sha256: file.sha256 }, `${request.params.derivative} of file ${file.sha256} was not found (it may still be being made)`);
      if (request.query.download) {
        const { policy } = await downloads.forWork(work);
        if (!canEdit && policy === 'none') throw new AppError('download_restricted', 'this work is not offered for download', { key: 'file.download_restricted', params: { policy } });
        const stem = file.original_name.replace(/\.[^.]*$/, '') || 'image';
        const extension = derivative.media_type === 'image/png' ? 'png' : derivative.media_type === 'image/webp' ? 'webp' : 'jpg';
        reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${stem}.${derivative.name}.${extension}`)}`);
      }
      reply
        .type(derivative.media_type)
        .header('etag', `"${derivative.sha256}"`)
        .header('cache-control', work.visibility === 'public' ? 'public, max-age=3600' : 'private, no-store');
      return reply.send(blobs.open(derivative.sha256));
    },
  );
}

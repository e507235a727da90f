import { z } from 'zod';
import type { App } from '../app.js';
import { CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/routes.js';

const tags = ['files'];
const params = z.object({ id: z.string().min(1).max(64), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

// Served inline only when a browser can show the type safely; everything else downloads.
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'audio/mpeg', 'audio/flac', 'audio/wav', 'audio/ogg', 'video/mp4', 'video/webm', 'application/pdf']);

/**
 * File downloads go through the work that holds them, so the work's access rule guards every
 * original and derivative: a private work's thumbnail is as hidden as the work.
 */
export function fileRoutes(api: Api, app: App): void {
  const resolve = async (actor: Parameters<App['works']['get']>[0], id: string, sha256: string) => {
    const work = await app.works.get(actor, id);
    const files = await app.workRepository.filesOf([id]);
    const file = files.find((f) => f.sha256 === sha256);
    if (!file) throw CommonErrors.notFound(`file ${sha256} of work ${id}`);
    return { work, file };
  };

  api.get('/works/:id/files/:sha256', { schema: { tags, params } }, async (request, reply) => {
    const { work, file } = await resolve(request.actor, request.params.id, request.params.sha256);
    const inline = INLINE_TYPES.has(file.media_type);
    reply
      .type(inline ? file.media_type : 'application/octet-stream')
      .header('content-length', String(file.size))
      .header('etag', `"${file.sha256}"`)
      .header('cache-control', work.visibility === 'public' ? 'public, max-age=3600' : 'private, no-store')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.original_name)}`)
      .header('content-security-policy', "default-src 'none'; sandbox");
    return reply.send(app.blobs.open(file.sha256));
  });

  api.get(
    '/works/:id/files/:sha256/:derivative',
    { schema: { tags, params: params.extend({ derivative: z.enum(['thumbnail', 'display']) }) } },
    async (request, reply) => {
      const { work, file } = await resolve(request.actor, request.params.id, request.params.sha256);
      const derivative = (await app.workRepository.derivativesOf([file.sha256])).find((d) => d.name === request.params.derivative);
      if (!derivative) throw CommonErrors.notFound(`${request.params.derivative} of file ${file.sha256} (it may still be being made)`);
      reply
        .type(derivative.media_type)
        .header('etag', `"${derivative.sha256}"`)
        .header('cache-control', work.visibility === 'public' ? 'public, max-age=3600' : 'private, no-store');
      return reply.send(app.blobs.open(derivative.sha256));
    },
  );
}

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Api } from '../platform/http/api.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import { jsonType, notModified } from '../publish/iiif.routes.js';
import { PRESENTATION_CONTEXT } from '../publish/iiif/presentation.js';
import type { ExhibitionExportService } from './exhibition-export.service.js';

const tags = ['iiif'];

/**
 * Published exhibitions as IIIF Presentation 3.0 manifests, mounted at /iiif/3/exhibitions with
 * CORS (viewers run on other sites). Drafts, scheduled and unknown exhibitions answer 404 alike.
 */
export function exhibitionIiifRoutes(api: Api, deps: { exports: ExhibitionExportService; baseUrl: (request: FastifyRequest) => Promise<string> }): void {
  api.get(
    '/:slug',
    {
      schema: {
        tags,
        params: z.object({ slug: z.string().min(1).max(80) }),
        response: {
          200: mediaResponse('IIIF Presentation 3.0 manifest of a published exhibition: a canvas per section with an image, its text as commenting annotations, a range per section.', ['application/json', 'application/ld+json']),
          304: mediaResponse('Not modified: the copy the client holds (If-None-Match) is current.', ['text/plain'], 'text'),
        },
      },
    },
    async (request, reply) => {
      const { manifest, version } = await deps.exports.manifest(request.params.slug, await deps.baseUrl(request));
      const body = JSON.stringify(manifest);
      const etag = `"x-${request.params.slug}-${version}-${body.length}"`;
      // Always the visitors' view, so shared caches may keep it; briefly, as works can turn private.
      reply.header('vary', 'Accept').header('etag', etag).header('cache-control', 'public, max-age=300');
      if (notModified(request, etag)) return reply.status(304).send();
      return reply.header('content-type', jsonType(request, PRESENTATION_CONTEXT)).send(body);
    },
  );
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Api } from '../platform/http/api.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import { IIIF_LEVEL2_PROFILE_URI, IIIF_IMAGE_CONTEXT } from './iiif/image-info.js';
import { PRESENTATION_CONTEXT } from './iiif/presentation.js';
import type { IiifImageService } from './iiif-image.service.js';
import type { PresentationService } from './presentation.service.js';

const tags = ['iiif'];
const unchanged = mediaResponse('Not modified: the copy the client holds (If-None-Match) is current.', ['text/plain'], 'text');
const identifierParams = z.object({ identifier: z.string().min(1).max(200) });
const imageParams = identifierParams.extend({
  region: z.string().min(1).max(100),
  size: z.string().min(1).max(100),
  rotation: z.string().min(1).max(40),
  qualityFormat: z.string().min(1).max(40),
});

/**
 * JSON-LD with the profile (Image API §5.1, Presentation §6.1) unless the client asks for plain JSON
 * alone: without an Accept header the spec wants JSON-LD.
 */
export function jsonType(request: FastifyRequest, context: string): string {
  const accept = request.headers.accept ?? '';
  const plainOnly = /application\/json/.test(accept) && !/application\/ld\+json/.test(accept);
  return plainOnly ? 'application/json' : `application/ld+json;profile="${context}"`;
}

/** The entity tag matches what the client has (weak comparison, RFC 9110 §13.1.2): answer 304 without a body. */
export function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return typeof header === 'string' && header.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/**
 * The IIIF services (mounted at /iiif): Image API 3.0 level 2 at /iiif/3/{identifier}/…,
 * Presentation 3.0 manifests at /iiif/3/manifests/{workId} and collections at
 * /iiif/3/collections/{id | all}. Every answer under /iiif, errors included, may be read by any
 * origin (CORS, set by the server for the whole mount): IIIF viewers run on other sites.
 */
export function iiifRoutes(api: Api, deps: { images: IiifImageService; presentation: PresentationService; baseUrl: (request: FastifyRequest) => Promise<string> }): void {
  const { images, presentation, baseUrl } = deps;
  // CORS preflight (Image API §7): clients sending Authorization (IIIF Auth) ask first.
  api.options('/3/*', { schema: { hide: true } }, async (request, reply) => {
    const asked = request.headers['access-control-request-headers'];
    return reply
      .status(204)
      .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
      .header('access-control-allow-headers', typeof asked === 'string' && /^[\w\-, ]{1,500}$/.test(asked) ? asked : 'Accept, Authorization')
      .header('access-control-max-age', '86400')
      .send();
  });

  api.get('/3/:identifier', { schema: { tags, params: identifierParams, response: { 303: mediaResponse('Redirect to the image\'s info.json (the base URI).', ['text/plain'], 'text') } } }, async (request, reply) => {
    // Checked first, so a private image's base URI answers 404 like the rest.
    const image = await images.resolve(request.actor, request.params.identifier);
    return reply.redirect(`${await baseUrl(request)}/iiif/3/${encodeURIComponent(image.identifier)}/info.json`, 303);
  });

  api.get('/3/:identifier/info.json', { schema: { tags, params: identifierParams, response: { 200: mediaResponse('IIIF Image API 3.0 image information (level 2).', ['application/json', 'application/ld+json']), 304: unchanged } } }, async (request, reply) => {
    const image = await images.resolve(request.actor, request.params.identifier);
    const id = `${await baseUrl(request)}/iiif/3/${image.identifier}`;
    const body = JSON.stringify(images.info(image, id));
    const etag = `"i-${image.sourceKey.replace(':', '-')}-${body.length}"`;
    reply
      .header('vary', 'Accept')
      .header('link', `<${IIIF_LEVEL2_PROFILE_URI}>;rel="profile"`)
      .header('etag', etag)
      .header('cache-control', image.shared ? 'public, max-age=300' : 'private, no-store');
    if (notModified(request, etag)) return reply.status(304).send();
    return reply.header('content-type', jsonType(request, IIIF_IMAGE_CONTEXT)).send(body);
  });

  api.get(
    '/3/:identifier/:region/:size/:rotation/:qualityFormat',
    { schema: { tags, params: imageParams, response: { 200: mediaResponse('The requested region, size, rotation and quality of the image.', ['image/jpeg', 'image/png', 'image/webp']), 304: unchanged } } },
    async (request, reply) => {
      const { identifier, ...parts } = request.params;
      const image = await images.resolve(request.actor, identifier);
      const rendered = await images.render(image, parts);
      reply
        .header('link', `<${IIIF_LEVEL2_PROFILE_URI}>;rel="profile", <${await baseUrl(request)}/iiif/3/${image.identifier}/${rendered.canonical}>;rel="canonical"`)
        .header('etag', rendered.etag)
        // The pixels of one source never change (a new source has a new key); access can, so shared caches hold a day.
        .header('cache-control', image.shared ? 'public, max-age=86400' : 'private, max-age=3600');
      if (notModified(request, rendered.etag)) return reply.status(304).send();
      return reply.type(rendered.mediaType).header('content-length', String(rendered.data.byteLength)).send(rendered.data);
    },
  );

  api.get('/3/manifests/:id', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: mediaResponse('IIIF Presentation 3.0 manifest of the work.', ['application/json', 'application/ld+json']), 304: unchanged } } }, async (request, reply) => {
    const { manifest, shared, version } = await presentation.manifest(request.actor, request.params.id, await baseUrl(request));
    const body = JSON.stringify(manifest);
    const etag = `"m-${request.params.id}-${version}-${body.length}"`;
    reply.header('vary', 'Accept').header('etag', etag).header('cache-control', shared ? 'public, max-age=300' : 'private, no-store');
    if (notModified(request, etag)) return reply.status(304).send();
    return reply.header('content-type', jsonType(request, PRESENTATION_CONTEXT)).send(body);
  });

  api.get(
    '/3/manifests/:id/annotations/:n',
    { schema: { tags, params: z.object({ id: z.string().min(1).max(64), n: z.coerce.number().int().min(1).max(100_000) }), response: { 200: mediaResponse('W3C Web Annotations of one canvas (seals, inscriptions, colophons) as a IIIF AnnotationPage.', ['application/json', 'application/ld+json']), 304: unchanged } } },
    async (request, reply) => {
      const { page, shared, version } = await presentation.annotationPage(request.actor, request.params.id, request.params.n, await baseUrl(request));
      const body = JSON.stringify(page);
      const etag = `"a-${request.params.id}-${request.params.n}-${version}-${body.length}"`;
      reply.header('vary', 'Accept').header('etag', etag).header('cache-control', shared ? 'public, max-age=300' : 'private, no-store');
      if (notModified(request, etag)) return reply.status(304).send();
      return reply.header('content-type', jsonType(request, PRESENTATION_CONTEXT)).send(body);
    },
  );

  const collectionRoute = async (request: FastifyRequest, reply: FastifyReply, id: string | null, page: number | null) => {
    const body = JSON.stringify(await presentation.collection(id, await baseUrl(request), page));
    reply.header('vary', 'Accept').header('cache-control', 'public, max-age=300');
    return reply.header('content-type', jsonType(request, PRESENTATION_CONTEXT)).send(body);
  };
  const collectionResponse = { 200: mediaResponse('IIIF Presentation 3.0 collection.', ['application/json', 'application/ld+json']) };
  const pageParam = z.coerce.number().int().min(1).max(1_000_000);
  api.get('/3/collections/all', { schema: { tags, response: collectionResponse } }, (request, reply) => collectionRoute(request, reply, null, null));
  api.get('/3/collections/all/page/:page', { schema: { tags, params: z.object({ page: pageParam }), response: collectionResponse } }, (request, reply) => collectionRoute(request, reply, null, request.params.page));
  api.get('/3/collections/:id', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: collectionResponse } }, (request, reply) => collectionRoute(request, reply, request.params.id, null));
  api.get('/3/collections/:id/page/:page', { schema: { tags, params: z.object({ id: z.string().min(1).max(64), page: pageParam }), response: collectionResponse } }, (request, reply) => collectionRoute(request, reply, request.params.id, request.params.page));
}

import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, CommonErrors, errorBody, fieldProblem, invalidFields } from '../errors.js';
import type { RequestHook, RoutePlugin } from './api.js';
import { answerBadResponse, isBadResponse } from './bad-response.js';
import { statusForCode } from './error-status.js';
import { declareErrorResponses, openApiOptions } from './openapi.js';

export type Server = FastifyInstance;

/** What the modules give the HTTP layer; it imports none of them. */
export interface HttpParts {
  /** Every module's routes, in order, mounted under /api. */
  routes: RoutePlugin[];
  /** Resolves who is asking, before any route (the govern module's session and token check). */
  authenticate: RequestHook;
  maxUploadBytes: number;
}

export interface ServerOptions {
  logger?: boolean | { level: string };
  /** Folder with the built web UI; served with an index.html fallback when present. */
  webRoot?: string | null;
}

const noRoute = (method: string, url: string) => {
  const path = url.split('?')[0] ?? url;
  return CommonErrors.notFound('route', { method, path }, `no route ${method} ${path}`);
};

/** Builds the HTTP server: API under /api, OpenAPI at /api/docs, the web UI everywhere else. */
export async function buildServer(parts: HttpParts, options: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);

  server.setErrorHandler((error, request, reply) => {
    if (isBadResponse(error)) return answerBadResponse(error, request, reply);
    // Every answer carries a message key and parameters (errors.ts) besides the English message.
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const problems = error.validation.map((v) => fieldProblem({ ...v.params, code: v.keyword, path: v.instancePath.split('/').filter(Boolean), message: v.message ?? '' }, where));
      return reply.status(400).send(errorBody(invalidFields(problems, 'invalid request')));
    }
    if (error instanceof AppError) return reply.status(statusForCode(error.code)).send(errorBody(error));
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const message = (error as Error).message;
      const refusal =
        status === 413
          ? new AppError('payload_too_large', message, { key: 'payload_too_large.request' })
          : status === 415
            ? new AppError('unsupported_media', message, { key: 'unsupported_media.request' })
            : new AppError('invalid_input', message, { key: 'invalid_input.request' });
      return reply.status(status).send(errorBody(refusal));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody(new AppError('internal', 'internal error; the server log has the details', { key: 'internal' })));
  });

  await server.register(fastifyCookie);
  await server.register(fastifyMultipart, { limits: { fileSize: parts.maxUploadBytes, files: 1000, fields: 50, fieldSize: 1024 * 1024 } });
  await server.register(fastifySwagger, openApiOptions);
  await server.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  server.addHook('onRequest', parts.authenticate);
  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'");
    }
    return payload;
  });

  await server.register(
    async (scope) => {
      scope.addHook('onRoute', declareErrorResponses);
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
      for (const routes of parts.routes) routes(api);
    },
    { prefix: '/api' },
  );

  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await server.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
    server.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
        return reply.status(404).send(errorBody(noRoute(request.method, request.url)));
      }
      return reply.type('text/html').sendFile('index.html');
    });
  } else {
    server.setNotFoundHandler((request, reply) =>
      reply.status(404).send(errorBody(noRoute(request.method, request.url))),
    );
  }
  return server;
}

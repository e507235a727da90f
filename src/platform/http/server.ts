import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { AppError } from '../errors.js';
import { authenticate } from './auth.js';
import { statusForCode } from './error-status.js';
import { registerRoutes } from './routes.js';

export type Server = FastifyInstance;

export interface ServerOptions {
  logger?: boolean | { level: string };
  /** Folder with the built web UI; served with an index.html fallback when present. */
  webRoot?: string | null;
}

/** Builds the HTTP server: API under /api, OpenAPI at /api/docs, the web UI everywhere else. */
export async function buildServer(app: App, options: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);

  server.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext || 'request'}: ${v.message}`);
      return reply.status(400).send({ error: { code: 'invalid_input', message: `invalid request — ${problems.join('; ')}`, details: problems } });
    }
    if (error instanceof AppError) {
      return reply.status(statusForCode(error.code)).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media' : 'invalid_input';
      return reply.status(status).send({ error: { code, message: (error as Error).message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; the server log has the details' } });
  });

  await server.register(fastifyCookie);
  await server.register(fastifyMultipart, { limits: { fileSize: app.config.maxUploadBytes, files: 1000, fields: 50, fieldSize: 1024 * 1024 } });
  await server.register(fastifySwagger, {
    openapi: {
      info: { title: 'Wenyuan API', description: 'Archive, catalogue and rights of cultural works.', version: '0.1.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token created in the account page' },
          session: { type: 'apiKey', in: 'cookie', name: 'wy_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await server.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  server.addHook('onRequest', authenticate(app.identity));
  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'");
    }
    return payload;
  });

  await server.register(async (api) => registerRoutes(api.withTypeProvider<ZodTypeProvider>(), app), { prefix: '/api' });

  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await server.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
    server.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
        return reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
      }
      return reply.type('text/html').sendFile('index.html');
    });
  } else {
    server.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
    );
  }
  return server;
}

import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, CommonErrors, errorBody, fieldProblem, invalidFields } from '../errors.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/unavailable.js';
import type { Mount, PagePreload } from '../module.js';
import type { RateLimitStore } from '../rate-limit-store.js';
import type { RequestHook, RoutePlugin } from './api.js';
import { answerBadResponse, isBadResponse } from './bad-response.js';
import { statusForCode } from './error-status.js';
import { guardJsonBodies } from './json-body.js';
import { registerOperability, requestIdOf, type Operability } from './operability.js';
import { declareErrorResponses, openApiOptions } from './openapi.js';

export type Server = FastifyInstance;

/** What the modules give the HTTP layer; it imports none of them. */
export interface HttpParts {
  /** Every module's routes, in order, mounted under /api. */
  routes: RoutePlugin[];
  /** Routes under other prefixes (the IIIF services at /iiif), each with its own rate limit. */
  mounts?: Mount[];
  /** Resolves who is asking, before any route (the govern module's session and token check). */
  authenticate: RequestHook;
  maxUploadBytes: number;
  /** Proxies whose X-Forwarded-For names the visitor (addresses, CIDRs, keywords); empty: none. */
  trustedProxies?: string[];
  /** Requests per minute per visitor (user, else IP); 0 = unlimited. Routes marked `heavyRead` get `searchPerMinute`. */
  rateLimits?: { perMinute: number; searchPerMinute: number; searchPerIpPerMinute?: number; uploadPerMinute?: number; uploadPerIpPerMinute?: number };
  /**
   * Where every limiter counts (WENYUAN_REDIS_URL), shared by a fleet's API processes; absent: in this
   * process's memory (one machine). Unreachable: requests pass unlimited (fail open) with a logged warning.
   */
  rateLimitStore?: RateLimitStore | null;
  /** The account a request is made by (after `authenticate`), or null: search and upload limits count both it and the IP address. */
  accountOf?: (request: FastifyRequest) => string | null;
  /** Who a request counts against for rate limits (after `authenticate`): an account, else the IP address. */
  visitorKey?: (request: FastifyRequest) => string;
  /** Other origins the web UI may load images from (the map's tile server), added to the CSP's img-src. */
  imageSources?: string[];
  /** API answers named in a preload header on the pages that fetch them first. */
  pagePreloads?: PagePreload[];
  /** Extra headers for successful answers by URL (the license module's `tdm-reservation`); null for none. */
  responseHeaders?: ((url: string) => Promise<Record<string, string> | null>)[];
  /** `/healthz`, `/readyz`, `/metrics` and request timing; absent: none of them. */
  operability?: Operability;
}

/** The `Link` header of a page's HTML: the API answers its script will ask for first, or null. */
export function pagePreloadHeader(url: string, preloads: PagePreload[]): string | null {
  const pathname = url.split('?')[0] ?? url;
  const links: string[] = [];
  for (const preload of preloads) {
    const match = preload.page.exec(pathname);
    if (!match) continue;
    let api: string | null = null;
    try {
      api = preload.api(match);
    } catch {
      // A malformed escape in the page's path: nothing to preload (the page shows its own error).
    }
    // Same-origin paths only, and nothing that could break out of the header's <…>.
    if (api && /^\/api\/[^<>\s,;]*$/.test(api)) links.push(`<${api}>; rel=preload; as=fetch; crossorigin`);
  }
  return links.length > 0 ? links.join(', ') : null;
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
  // Prefixes of the mounts whose every answer any origin may read (the IIIF services).
  const openToAll = (parts.mounts ?? []).filter((m) => m.cors).map((m) => `${m.prefix}/`);
  const server = Fastify({
    logger: options.logger ?? false,
    // The proxy's x-request-id when it sent one, so its access log and ours name the same request.
    genReqId: requestIdOf,
    bodyLimit: 2 * 1024 * 1024,
    // Only the listed proxies may say who the visitor is; anyone else's X-Forwarded-For is ignored.
    trustProxy: parts.trustedProxies && parts.trustedProxies.length > 0 ? parts.trustedProxies : false,
    // URLs the router cannot take (a bad escape such as `%zz`, a path segment over 100 characters):
    // answered with the one error body, and open to any origin under a CORS mount, like every other answer there.
    frameworkErrors: (error, request, reply) => {
      const tooLong = (error as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH';
      if (openToAll.some((p) => request.url.startsWith(p))) reply.header('access-control-allow-origin', '*');
      reply.header('x-content-type-options', 'nosniff');
      const refusal = new AppError('invalid_input', tooLong ? 'a part of the address is too long' : 'the address is not valid (a bad % escape)', { key: 'invalid_input.request' });
      return (reply as unknown as FastifyReply).status(tooLong ? 414 : 400).send(errorBody(refusal));
    },
  }).withTypeProvider<ZodTypeProvider>();
  guardJsonBodies(server);
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);

  server.setErrorHandler((thrown, request, reply) => {
    if (isBadResponse(thrown)) return answerBadResponse(thrown, request, reply);
    // A database restarting or out of reach is an outage to wait out (503), not a server bug (500).
    const error = isDatabaseUnavailable(thrown) ? new DatabaseUnavailableError(thrown instanceof Error ? thrown.message : String(thrown)) : thrown;
    // A stream that fails before its first byte (a blob store gone) lands here with the file's
    // headers already set: its type, length and caching must not describe the error's JSON.
    for (const header of ['content-length', 'content-range', 'content-disposition', 'etag', 'last-modified', 'accept-ranges']) reply.removeHeader(header);
    reply.type('application/json; charset=utf-8');
    if (reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // Every answer carries a message key and parameters (errors.ts) besides the English message.
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      // The shape guard (json-body.ts) bounds the count; reporting still stops early.
      const problems = error.validation.slice(0, 1000).map((v) => fieldProblem({ ...v.params, code: v.keyword, path: v.instancePath.split('/').filter(Boolean), message: v.message ?? '' }, where));
      return reply.status(400).send(errorBody(invalidFields(problems, 'invalid request')));
    }
    if (error instanceof AppError) {
      const status = statusForCode(error.code);
      // Refusals that pass with time say when to come back (RFC 9110 Retry-After).
      const retryAfter = error.params.retryAfterSeconds ?? (status === 503 ? 5 : undefined);
      if ((status === 429 || status === 503) && retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
      return reply.status(status).send(errorBody(error));
    }
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
  const imageSources = ["'self'", 'data:', 'blob:', ...(parts.imageSources ?? [])].join(' ');
  const contentSecurityPolicy = `default-src 'self'; img-src ${imageSources}; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'`;
  server.addHook('onSend', async (request, reply, payload) => {
    // Here rather than in the mount's scope, so 404s, undecodable URLs and Fastify's own refusals carry it too.
    if (openToAll.some((p) => request.url.startsWith(p))) reply.header('access-control-allow-origin', '*');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', contentSecurityPolicy);
    }
    if (reply.statusCode < 400 && request.method === 'GET') {
      for (const source of parts.responseHeaders ?? []) {
        const headers = await source(request.url).catch(() => null);
        if (headers) for (const [name, value] of Object.entries(headers)) reply.header(name, value);
      }
    }
    return payload;
  });

  if (parts.operability) registerOperability(server, parts.operability);
  // Connected before the first request, so the first minute's requests are counted too (or, Redis
  // away, the server starts anyway and lets requests through until it is back).
  await parts.rateLimitStore?.connect();

  await server.register(
    async (scope) => {
      scope.addHook('onRoute', declareErrorResponses);
      await registerRateLimits(scope, parts.rateLimits, parts.visitorKey ?? ((request) => `ip:${request.ip}`), parts.accountOf, { store: parts.rateLimitStore ?? null, nameSpace: 'api' });
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.get('/health', { schema: { hide: true }, config: { rateLimit: false } }, async () => ({ ok: true }));
      for (const routes of parts.routes) routes(api);
    },
    { prefix: '/api' },
  );
  for (const mount of parts.mounts ?? []) {
    await server.register(
      async (scope) => {
        scope.addHook('onRoute', declareErrorResponses);
        await registerRateLimits(scope, { perMinute: mount.perMinute, searchPerMinute: 0 }, parts.visitorKey ?? ((request) => `ip:${request.ip}`), undefined, { store: parts.rateLimitStore ?? null, nameSpace: mount.prefix });
        mount.routes(scope.withTypeProvider<ZodTypeProvider>());
      },
      { prefix: mount.prefix },
    );
  }
  // Machine paths answer a JSON 404; everything else is the web UI's to route.
  const machinePaths = ['/api/', ...(parts.mounts ?? []).map((m) => `${m.prefix}/`)];

  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await server.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      // The page itself (/ too) is answered below, with the preload header its path calls for.
      index: false,
      // The build writes .br and .gz beside each asset (web/vite.config.ts): a phone on a slow
      // network gets a third of the bytes without the server compressing on every request.
      preCompressed: true,
      // Assets are named by their content hash, so they never change; the page that names them must
      // be asked again each time (a new release changes it). (`cacheControl: false`: the plugin's own
      // default header would replace ours.)
      cacheControl: false,
      setHeaders: (res, filePath) => {
        res.setHeader('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    server.setNotFoundHandler((request, reply) => {
      if (machinePaths.some((p) => request.url.startsWith(p)) || request.method !== 'GET') {
        return reply.status(404).send(errorBody(noRoute(request.method, request.url)));
      }
      const preload = pagePreloadHeader(request.url, parts.pagePreloads ?? []);
      if (preload) reply.header('link', preload);
      return reply.type('text/html').sendFile('index.html');
    });
  } else {
    server.setNotFoundHandler((request, reply) =>
      reply.status(404).send(errorBody(noRoute(request.method, request.url))),
    );
  }
  return server;
}

/**
 * Per-visitor limits on the API: a signed-in user is counted by account (so a museum behind one
 * NAT is not one visitor), anyone else by IP address (see trustedProxies). Checked before the body
 * is read, so a flood costs no parsing. Routes marked `heavyRead` (search) have their own, tighter
 * count. Counts live in this process, or with `shared.store` in Redis, where every API process of a
 * fleet adds to the same count (keys under `wenyuan:rl:<nameSpace>:`, one space per scope so the IIIF
 * mount's visitors are not the API's).
 */
async function registerRateLimits(
  scope: FastifyInstance,
  limits: HttpParts['rateLimits'],
  visitorKey: (request: FastifyRequest) => string,
  accountOf: (request: FastifyRequest) => string | null = () => null,
  shared: { store: RateLimitStore | null; nameSpace: string } = { store: null, nameSpace: 'api' },
): Promise<void> {
  if (!limits || [limits.perMinute, limits.searchPerMinute, limits.searchPerIpPerMinute, limits.uploadPerMinute, limits.uploadPerIpPerMinute].every((n) => !n)) return;
  const timeWindow = 60_000;
  // Runs before the plugin's own onRoute hook, which reads the per-route config.
  scope.addHook('onRoute', (route) => {
    if (route.config?.rateLimit !== undefined) return;
    const kind = route.config?.upload ? 'upload' : route.config?.heavyRead ? 'search' : null;
    if (!kind) return;
    const perAccount = (kind === 'upload' ? limits.uploadPerMinute : limits.searchPerMinute) ?? 0;
    const perIp = (kind === 'upload' ? limits.uploadPerIpPerMinute : limits.searchPerIpPerMinute) ?? 0;
    if (perAccount === 0 && perIp === 0) return;
    // Counted twice instead of once by visitor: by account and by address (see accountAndAddressLimit).
    route.config = { ...route.config, rateLimit: false };
    const hook = accountAndAddressLimit(scope, kind, { perAccount, perIp, timeWindow }, accountOf);
    route.preParsing = [...(Array.isArray(route.preParsing) ? route.preParsing : route.preParsing ? [route.preParsing] : []), hook];
  });
  await scope.register(fastifyRateLimit, {
    global: limits.perMinute > 0,
    max: limits.perMinute > 0 ? limits.perMinute : Number.MAX_SAFE_INTEGER,
    timeWindow,
    hook: 'preParsing',
    // Bounded memory however many addresses a flood comes from.
    cache: 10_000,
    ...(shared.store ? { redis: shared.store.client, nameSpace: `wenyuan:rl:${shared.nameSpace}:` } : {}),
    // The shared store away or slow (its commands time out): the request passes (fail open) rather
    // than waits or fails; the store logs the outage. Limits are a brake, not a lock: sign-in
    // throttling, quotas and permissions live in the database and hold regardless.
    skipOnError: true,
    keyGenerator: visitorKey,
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError('rate_limited', `too many requests: wait ${retryAfterSeconds} s`, { key: 'rate_limited.requests', params: { retryAfterSeconds } });
    },
  });
}

/**
 * The limits of searches and uploads: one count per account (anonymous visitors: per address) and
 * one per IP address, whoever is signed in there. A signed-in attacker cannot escape the first by
 * rotating addresses, nor a crowd of accounts the second by sharing one; a classroom behind one NAT
 * is many accounts, each with its own count, under the address's larger one.
 */
function accountAndAddressLimit(
  scope: FastifyInstance,
  kind: string,
  limits: { perAccount: number; perIp: number; timeWindow: number },
  accountOf: (request: FastifyRequest) => string | null,
) {
  type Check = ReturnType<FastifyInstance['createRateLimit']>;
  // Made on first use: the plugin's decorator exists once it is registered, after this hook is added.
  let checks: Check[] | null = null;
  const make = (): Check[] => [
    ...(limits.perAccount > 0
      ? [scope.createRateLimit({ max: limits.perAccount, timeWindow: limits.timeWindow, keyGenerator: (request) => { const account = accountOf(request); return account ? `${kind}:account:${account}` : `${kind}:anonymous:${request.ip}`; } })]
      : []),
    ...(limits.perIp > 0 ? [scope.createRateLimit({ max: limits.perIp, timeWindow: limits.timeWindow, keyGenerator: (request) => `${kind}:ip:${request.ip}` })] : []),
  ];
  return async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    checks ??= make();
    for (const check of checks) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        const retryAfterSeconds = Math.max(1, Math.ceil(result.ttl / 1000));
        throw new AppError('rate_limited', `too many requests: wait ${retryAfterSeconds} s`, { key: 'rate_limited.requests', params: { retryAfterSeconds } });
      }
    }
    return payload;
  };
}

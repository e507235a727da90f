import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, errorBody } from '../errors.js';
import type { Metrics } from '../metrics.js';

/** One thing a process needs before it takes traffic (the database, the blob store). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** What the HTTP layer exposes to operators: probes and metrics. */
export interface Operability {
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /**
   * Bearer token Prometheus sends for /metrics. Without one, only a scraper connecting directly
   * over loopback (no proxy headers) is answered, so a reverse proxy never publishes the figures.
   */
  metricsToken?: string | null;
  /** Longest a readiness check may take before it counts as failed (ms). */
  readinessTimeoutMs?: number;
}

/** Prefixes whose routes are labelled by their pattern; anything else (the web UI's files, pages) is "web". */
const LABELLED = ['/api/', '/iiif/', '/.well-known/', '/healthz', '/readyz', '/metrics'];

/** A request id from the proxy in front (`x-request-id`) when it is a sane token, else a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/**
 * `/healthz` (the process answers), `/readyz` (it can serve: each check passes within its time),
 * `/metrics` (Prometheus text), request timing by route pattern, and `x-request-id` on every
 * answer (the same id the JSON log lines carry as `reqId`).
 */
export function registerOperability(server: FastifyInstance, options: Operability): void {
  const { metrics } = options;
  server.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  server.addHook('onResponse', async (request, reply) => {
    const pattern = request.routeOptions.url;
    const route = pattern && LABELLED.some((p) => pattern.startsWith(p)) ? pattern : pattern ? 'web' : 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  server.get('/healthz', { schema: { hide: true }, config: { noAuthentication: true } }, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  server.get('/readyz', { schema: { hide: true }, config: { noAuthentication: true } }, async (_request, reply) => {
    const timeoutMs = options.readinessTimeoutMs ?? 2000;
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  server.get('/metrics', { schema: { hide: true }, config: { noAuthentication: true } }, async (request, reply) => {
    if (!mayScrape(request, options.metricsToken ?? null)) {
      const refusal = new AppError('forbidden', 'metrics are answered to a scraper on this machine, or to one that sends the bearer token set in WENYUAN_METRICS_TOKEN', { key: 'forbidden.metrics' });
      return reply.status(403).send(errorBody(refusal));
    }
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}

function mayScrape(request: FastifyRequest, token: string | null): boolean {
  if (token) {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const remote = request.socket.remoteAddress ?? '';
  const loopback = remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
  // A proxy on this machine connects over loopback too: its forwarding headers give it away.
  const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined || request.headers['x-real-ip'] !== undefined;
  return loopback && !proxied;
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** The Fastify instance a module's routes are mounted on (under /api), typed by the zod schemas. */
export type Api = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A module's routes: a plain function that declares them on the instance it is given. */
export type RoutePlugin = (api: Api) => void;

/** Runs before every request (e.g. resolves who is asking); throwing answers with that error. */
export type RequestHook = (request: FastifyRequest) => Promise<void>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route runs heavy reads (search): it gets the tighter search rate limit. */
    heavyRead?: boolean;
    /** Probes and /metrics: no caller identity is resolved (a scraper's bearer token is not an API token). */
    noAuthentication?: boolean;
    /** The route takes uploads: it is limited per account and per IP address (the upload rate limits). */
    upload?: boolean;
  }
}

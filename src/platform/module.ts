import type { RoutePlugin } from './http/api.js';
import type { JobHandler } from './jobs/worker.js';

/** Routes under a prefix other than /api. */
export interface Mount {
  prefix: string;
  routes: RoutePlugin;
  /** Requests per minute per visitor in this mount; 0 = unlimited. */
  perMinute: number;
  /** Every answer under the prefix (errors and unknown paths too) may be read by any origin. */
  cors?: boolean;
}

/**
 * What every module's factory returns to the composition root (`src/app.ts`): its services (for
 * the modules above it, the CLI and tests), its routes, its job handlers, and what it runs in the
 * background. Each module has one such factory, `create<Name>Module(ports)`, taking only the
 * narrow ports it needs; the root mounts the routes, registers the jobs and starts the background.
 */
export interface ModuleParts<Services> {
  services: Services;
  routes?: RoutePlugin;
  /**
   * Routes mounted outside /api under a prefix of their own (the IIIF services at /iiif), with
   * their own per-visitor rate limit; authentication and the error body are the API's.
   */
  mounts?: Mount[];
  /** Job kind → handler, registered on every worker process. */
  jobs?: Record<string, JobHandler>;
  /** Once, after every module is built (e.g. enqueue a backfill an upgrade needs). */
  init?: () => Promise<void>;
  /** Loops that run only where background work runs (`serve --role worker` or `all`). */
  background?: { start(): Promise<void> | void; stop(): Promise<void> | void };
}

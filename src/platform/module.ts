import type { RoutePlugin } from './http/api.js';
import type { JobHandler } from './jobs/worker.js';
import type { PersonalDataSource } from './personal-data.js';

/**
 * An API answer a page will ask for as soon as its script runs: the server names it in a `Link:
 * rel=preload` header on the page's HTML, so the browser fetches it while the script downloads
 * (one round trip less before the page's main image on a slow phone).
 */
export interface PagePreload {
  /** Matches the page's path (no query). */
  page: RegExp;
  /** The API path (with /api) the page fetches first, from the match; null for none. */
  api: (match: RegExpExecArray) => string | null;
}

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
  /** Extra headers on successful GET answers, by URL (the license module's `tdm-reservation`). */
  responseHeaders?: (url: string) => Promise<Record<string, string> | null>;
  /** API answers the web UI's pages of this module fetch first (preloaded with the page). */
  pagePreloads?: PagePreload[];
  /** Job kind → handler, registered on every worker process. */
  jobs?: Record<string, JobHandler>;
  /** Once, after every module is built (e.g. enqueue a backfill an upgrade needs). */
  init?: () => Promise<void>;
  /** Releases what the module holds in every role (its worker threads), when the app closes. */
  close?: () => Promise<void> | void;
  /** What the module keeps about a person: its part of the privacy module's export, erasure and retention. */
  personalData?: PersonalDataSource;
  /** Loops that run only where background work runs (`serve --role worker` or `all`). */
  background?: { start(): Promise<void> | void; stop(): Promise<void> | void };
}

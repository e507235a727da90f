import path from 'node:path';
import { createArchiveModule, type ArchiveServices } from './archive/archive.module.js';
import { createDiscoverModule, type DiscoverServices } from './discover/discover.module.js';
import { createGovernModule, type GovernServices } from './govern/govern.module.js';
import { createInstanceModule, type InstanceServices } from './instance/instance.module.js';
import { decodeBudget } from './media/decode-budget.js';
import { LocalDiskBlobStore, type BlobStore } from './platform/blob-store.js';
import { tileImageSource, type Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { HttpParts } from './platform/http/server.js';
import { JobQueue } from './platform/jobs/job-queue.js';
import { Worker, type WorkerLogger } from './platform/jobs/worker.js';
import { KeyStore } from './platform/keystore.js';
import { createLicenseModule, type LicenseServices } from './license/license.module.js';
import type { ModuleParts } from './platform/module.js';
import { createProtectModule, type ProtectServices } from './protect/protect.module.js';
import { createPublishModule, type PublishServices } from './publish/publish.module.js';
import { AuditAnchorer, firstActiveAdmin, registryAnchorCheck } from './registry/audit-anchor.js';
import { createRegistryModule, type RegistryServices } from './registry/registry.module.js';
import { createShowcaseModule, type ShowcaseServices } from './showcase/showcase.module.js';

export { FIXITY_JOB } from './archive/archive.module.js';
export { REINDEX_JOB } from './discover/discover.module.js';
export { FINGERPRINT_BACKFILL_JOB } from './protect/protect.module.js';

/**
 * Everything a running Wenyuan needs, wired once (the composition root). The modules' services
 * are spread here for the CLI and tests; routes get only the services they use.
 */
export type App = {
  config: Config;
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  worker: Worker;
  /** Registers the audit trail's head in the transparency log (every 10 minutes in the background). */
  auditAnchorer: AuditAnchorer;
  /** What the HTTP server mounts: every module's routes and the authentication hook. */
  http: HttpParts;
  /** Starts the workers and every module's background loops (the `worker` and `all` roles). */
  startBackground(): Promise<void>;
  close(): Promise<void>;
} & GovernServices & Omit<InstanceServices, 'extensions'> & Omit<ArchiveServices, 'extensions'> & DiscoverServices & Omit<RegistryServices, 'extensions'> & ProtectServices & LicenseServices & PublishServices & ShowcaseServices;

export async function createApp(config: Config, options: { logger?: WorkerLogger } = {}): Promise<App> {
  const database = openDatabase(config.databaseUrl, { readWorkers: config.readWorkers, readTimeoutMs: config.readTimeoutMs });
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  // One decode budget per process: ingest, jobs and scans share it (libvips' memory is the process's).
  decodeBudget.setLimit(config.decodeBudgetMb * 1024 * 1024);
  const blobs = new LocalDiskBlobStore(path.join(config.dataDir, 'blobs'));
  const keystore = new KeyStore(path.join(config.dataDir, 'keys'));
  const jobs = new JobQueue(database);
  const worker = new Worker(jobs, { concurrency: config.workerConcurrency, ...(options.logger ? { logger: options.logger } : {}) });
  const wakeWorkers = () => worker.poke();

  try {
    // The modules, lowest first; each takes only the ports and the services of modules below it.
    const govern = createGovernModule({ database, config, keystore, ...(options.logger ? { onAuditError: (err: unknown) => options.logger?.error({ err }, 'audit record failed') } : {}) });
    const audit = govern.services.audit;
    const instance = createInstanceModule({ database, blobs, config, audit });
    const archive = createArchiveModule({ database, blobs, jobs, wakeWorkers, config, actorOf: (id) => govern.services.identity.getUser(id), audit });
    const discover = createDiscoverModule({ database, jobs, archive: archive.services, concurrentSearches: Math.max(2, config.readWorkers * 2) });
    const registry = await createRegistryModule({ database, keystore, archive: archive.services, instance: instance.services, config, ...(options.logger ? { logger: options.logger } : {}) });
    const protect = createProtectModule({ database, blobs, jobs, keystore, govern: govern.services, archive: archive.services, registry: registry.services, links: instance.services.links, config });
    const license = createLicenseModule({ database, jobs, wakeWorkers, govern: govern.services, archive: archive.services, discover: discover.services, registry: registry.services, protect: protect.services, links: instance.services.links });
    const publish = createPublishModule({ database, blobs, jobs, wakeWorkers, archive: archive.services, instance: instance.services, registry: registry.services, protect: protect.services, config });
    const showcase = createShowcaseModule({ database, archive: archive.services, discover: discover.services, instance: instance.services, publish: publish.services, config });
    // Govern sits below the registry, so the root joins them: the trail's head goes into the log.
    const auditAnchorer = new AuditAnchorer(audit, registry.services.registry, firstActiveAdmin(govern.services.identity), { intervalMs: 10 * 60_000, ...(options.logger ? { onError: (err: unknown) => options.logger?.warn({ err: String(err) }, 'audit anchoring failed') } : {}) });
    audit.setAnchorCheck(registryAnchorCheck(registry.services.registry));
    const anchoring: ModuleParts<unknown> = { services: {}, background: { start: () => auditAnchorer.start(), stop: () => auditAnchorer.stop() } };
    const modules: ModuleParts<unknown>[] = [govern, instance, archive, discover, registry, protect, license, publish, showcase, anchoring];

    for (const module of modules) for (const [kind, handler] of Object.entries(module.jobs ?? {})) worker.register(kind, handler);
    for (const module of modules) await module.init?.();

    const { extensions: _instanceExtensions, ...instanceServices } = instance.services;
    const { extensions: _archiveExtensions, ...archiveServices } = archive.services;
    const { extensions: _registryExtensions, ...registryServices } = registry.services;
    let backgroundStarted = false;
    return {
      config,
      database,
      blobs,
      jobs,
      worker,
      auditAnchorer,
      ...govern.services,
      ...instanceServices,
      ...archiveServices,
      ...discover.services,
      ...registryServices,
      ...protect.services,
      ...license.services,
      ...publish.services,
      ...showcase.services,
      http: {
        routes: modules.flatMap((module) => (module.routes ? [module.routes] : [])),
        mounts: modules.flatMap((module) => module.mounts ?? []),
        pagePreloads: modules.flatMap((module) => module.pagePreloads ?? []),
        responseHeaders: modules.flatMap((module) => (module.responseHeaders ? [module.responseHeaders] : [])),
        authenticate: govern.authenticate,
        maxUploadBytes: config.maxUploadBytes,
        trustedProxies: config.trustedProxies,
        rateLimits: { perMinute: config.rateLimitPerMinute, searchPerMinute: config.searchRateLimitPerMinute },
        visitorKey: (request) => (request.actor.kind === 'user' ? `user:${request.actor.id}` : `ip:${request.ip}`),
        // The browse map's tiles, when an admin configured a tile server (none by default).
        imageSources: config.mapTileUrl ? [tileImageSource(config.mapTileUrl)] : [],
      },
      async startBackground() {
        if (backgroundStarted) return;
        backgroundStarted = true;
        worker.start();
        for (const module of modules) await module.background?.start();
      },
      async close() {
        for (const module of [...modules].reverse()) await module.background?.stop();
        await worker.stop();
        for (const module of [...modules].reverse()) await module.close?.();
        // Records noted but not yet committed are written before the database closes.
        await audit.flush().catch(() => undefined);
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

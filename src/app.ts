import path from 'node:path';
import { sql } from 'kysely';
import { createArchiveModule, type ArchiveServices } from './archive/archive.module.js';
import { createDiscoverModule, type DiscoverServices } from './discover/discover.module.js';
import { createGovernModule, type GovernServices } from './govern/govern.module.js';
import { relyingPartyOf } from './govern/passkey.service.js';
import { createInstanceModule, type InstanceServices } from './instance/instance.module.js';
import { decodeBudget } from './media/decode-budget.js';
import type { BlobStore } from './platform/blob-store.js';
import { openBlobStore } from './platform/open-blob-store.js';
import { tileImageSource, type Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { HttpParts } from './platform/http/server.js';
import { JobQueue } from './platform/jobs/job-queue.js';
import { Worker, type WorkerLogger } from './platform/jobs/worker.js';
import { KeyStore } from './platform/keystore.js';
import { createMailer } from './platform/mail.js';
import { createLicenseModule, type LicenseServices } from './license/license.module.js';
import { createMetrics, measureBlobStore, type Metrics } from './platform/metrics.js';
import type { ModuleParts } from './platform/module.js';
import { openRateLimitStore } from './platform/rate-limit-store.js';
import { createPrivacyModule, type PrivacyServices } from './privacy/privacy.module.js';
import { createProtectModule, type ProtectServices } from './protect/protect.module.js';
import { createPublishModule, type PublishServices } from './publish/publish.module.js';
import { AuditAnchorer, firstActiveAdmin, registryAnchorCheck } from './registry/audit-anchor.js';
import { createRegistryModule, type RegistryServices } from './registry/registry.module.js';
import { createReviewModule, type ReviewServices } from './review/review.module.js';
import { createShowcaseModule, type ShowcaseServices } from './showcase/showcase.module.js';
import { createTransferModule, type TransferServices } from './transfer/transfer.module.js';

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
  /** This process's Prometheus registry (served at /metrics). */
  metrics: Metrics;
  /** What the HTTP server mounts: every module's routes and the authentication hook. */
  http: HttpParts;
  /** Starts the workers and every module's background loops (the `worker` and `all` roles). */
  startBackground(): Promise<void>;
  close(): Promise<void>;
} & GovernServices & Omit<InstanceServices, 'extensions'> & Omit<ArchiveServices, 'extensions'> & DiscoverServices & Omit<RegistryServices, 'extensions'> & ProtectServices & LicenseServices & PublishServices & ShowcaseServices & PrivacyServices & ReviewServices & TransferServices;

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
  // The process's Prometheus figures (/metrics): requests, blob store calls, and gauges read when scraped.
  const metrics = createMetrics();
  const blobs = measureBlobStore(openBlobStore(config), metrics);
  // Rate limits a fleet's API processes count together (WENYUAN_REDIS_URL); none: in memory.
  const rateLimitStore = config.redisUrl ? openRateLimitStore(config.redisUrl, options.logger ? { logger: options.logger } : {}) : null;
  if (rateLimitStore) metrics.addCollector({ name: 'wenyuan_rate_limit_store_up', help: 'Whether the shared rate-limit store (Redis) answers: 0 = requests pass unlimited', labels: [], read: async () => [{ labels: {}, value: rateLimitStore.up() ? 1 : 0 }] });
  const keystore = new KeyStore(path.join(config.dataDir, 'keys'));
  const jobs = new JobQueue(database);
  const worker = new Worker(jobs, { concurrency: config.workerConcurrency, leaseMs: config.jobLeaseSeconds * 1000, ...(options.logger ? { logger: options.logger } : {}) });
  const wakeWorkers = () => worker.poke();

  try {
    // The modules, lowest first; each takes only the ports and the services of modules below it.
    const govern = createGovernModule({ database, config, keystore, ...(options.logger ? { onAuditError: (err: unknown) => options.logger?.error({ err }, 'audit record failed') } : {}) });
    const audit = govern.services.audit;
    const instance = createInstanceModule({ database, blobs, config, audit });
    // Passkeys are bound to the site at the public URL (govern sits below instance, so the root joins them).
    govern.services.passkeys.setRelyingParty(async () => relyingPartyOf(await instance.services.links.publicUrl()));
    const archive = createArchiveModule({ database, blobs, jobs, wakeWorkers, config, actorOf: (id) => govern.services.identity.getUser(id), audit });
    const discover = createDiscoverModule({ database, jobs, archive: archive.services, concurrentSearches: Math.max(2, config.readWorkers * 2), facetCounts: facetCountsOf(config, database), suggestMaxTitles: config.suggestMaxTitles });
    const registry = await createRegistryModule({ database, keystore, archive: archive.services, instance: instance.services, config, ...(options.logger ? { logger: options.logger } : {}) });
    const protect = createProtectModule({ database, blobs, jobs, keystore, govern: govern.services, archive: archive.services, registry: registry.services, links: instance.services.links, config, ...(options.logger ? { logger: options.logger } : {}) });
    const transfer = createTransferModule({ database, blobs, dataDir: config.dataDir, archive: archive.services, govern: govern.services });
    const license = createLicenseModule({ database, jobs, wakeWorkers, govern: govern.services, archive: archive.services, discover: discover.services, registry: registry.services, protect: protect.services, links: instance.services.links, transfer: transfer.services });
    const review = createReviewModule({
      database, blobs, jobs, keystore, wakeWorkers, archive: archive.services, protect: protect.services, audit,
      mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
      ...(options.logger ? { onMailError: (err: unknown) => options.logger?.warn({ err: String(err) }, 'notification email failed') } : {}),
    });
    const publish = createPublishModule({ database, blobs, jobs, wakeWorkers, archive: archive.services, instance: instance.services, registry: registry.services, protect: protect.services, config });
    const showcase = createShowcaseModule({ database, archive: archive.services, discover: discover.services, instance: instance.services, publish: publish.services, config });
    // What each module keeps about a person, for privacy's export, erasure and retention (lowest module first).
    const personalData = [govern, archive, discover, protect, license, review].flatMap((module) => (module.personalData ? [module.personalData] : []));
    const privacy = createPrivacyModule({ database, blobs, jobs, wakeWorkers, config, govern: govern.services, discover: discover.services, personalData });
    // Govern sits below the registry, so the root joins them: the trail's head goes into the log.
    const auditAnchorer = new AuditAnchorer(audit, registry.services.registry, firstActiveAdmin(govern.services.identity), { intervalMs: 10 * 60_000, ...(options.logger ? { onError: (err: unknown) => options.logger?.warn({ err: String(err) }, 'audit anchoring failed') } : {}) });
    audit.setAnchorCheck(registryAnchorCheck(registry.services.registry));
    const anchoring: ModuleParts<unknown> = { services: {}, background: { start: () => auditAnchorer.start(), stop: () => auditAnchorer.stop() } };
    const modules: ModuleParts<unknown>[] = [govern, instance, archive, transfer, discover, registry, protect, license, review, publish, showcase, privacy, anchoring];

    for (const module of modules) for (const [kind, handler] of Object.entries(module.jobs ?? {})) worker.register(kind, handler);
    for (const module of modules) await module.init?.();

    const { extensions: _instanceExtensions, ...instanceServices } = instance.services;
    const { extensions: _archiveExtensions, ...archiveServices } = archive.services;
    const { extensions: _registryExtensions, ...registryServices } = registry.services;
    addOperationalGauges(metrics, { database, jobs, registry: registry.services.registry });
    let backgroundStarted = false;
    return {
      config,
      database,
      blobs,
      jobs,
      worker,
      metrics,
      auditAnchorer,
      ...govern.services,
      ...instanceServices,
      ...archiveServices,
      ...discover.services,
      ...registryServices,
      ...protect.services,
      ...transfer.services,
      ...license.services,
      ...review.services,
      ...publish.services,
      ...showcase.services,
      ...privacy.services,
      http: {
        routes: modules.flatMap((module) => (module.routes ? [module.routes] : [])),
        mounts: modules.flatMap((module) => module.mounts ?? []),
        pagePreloads: modules.flatMap((module) => module.pagePreloads ?? []),
        responseHeaders: modules.flatMap((module) => (module.responseHeaders ? [module.responseHeaders] : [])),
        authenticate: govern.authenticate,
        maxUploadBytes: config.maxUploadBytes,
        trustedProxies: config.trustedProxies,
        rateLimitStore,
        rateLimits: {
          perMinute: config.rateLimitPerMinute,
          searchPerMinute: config.searchRateLimitPerMinute,
          searchPerIpPerMinute: config.searchRateLimitPerIpPerMinute,
          uploadPerMinute: config.uploadRateLimitPerMinute,
          uploadPerIpPerMinute: config.uploadRateLimitPerIpPerMinute,
        },
        accountOf: (request) => (request.actor.kind === 'user' ? request.actor.id : null),
        visitorKey: (request) => (request.actor.kind === 'user' ? `user:${request.actor.id}` : `ip:${request.ip}`),
        // The browse map's tiles, when an admin configured a tile server (none by default).
        imageSources: config.mapTileUrl ? [tileImageSource(config.mapTileUrl)] : [],
        operability: {
          metrics,
          metricsToken: config.metricsToken || null,
          readiness: [
            { name: 'database', check: async () => void (await sql`select 1`.execute(database.db)) },
            { name: 'blob store', check: async () => void (await blobs.has('0'.repeat(64))) },
          ],
        },
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
        await rateLimitStore?.close();
        await database.close();
      },
    };
  } catch (error) {
    await rateLimitStore?.close();
    await database.close();
    throw error;
  }
}

/**
 * Gauges read from the database when scraped, so every API process of a fleet reports the same
 * queue and log: jobs not done by kind and status (and how long the oldest due one has waited),
 * connection pool use, the transparency log's size and what waits to be sequenced.
 */
function addOperationalGauges(metrics: Metrics, from: { database: Database; jobs: JobQueue; registry: { health(): Promise<{ treeSize: number; pending: number; oldestPendingAt: string | null }> } }): void {
  // One read of the queue per scrape serves both of its gauges.
  let depth: { at: number; rows: ReturnType<JobQueue['depthByKind']> } | null = null;
  const queue = () => {
    if (!depth || Date.now() - depth.at > 1000) depth = { at: Date.now(), rows: from.jobs.depthByKind() };
    return depth.rows;
  };
  metrics.addCollector({ name: 'wenyuan_jobs', help: 'Jobs not done, by kind and status (dead: failed for good)', labels: ['kind', 'status'], read: async () => (await queue()).map((r) => ({ labels: { kind: r.kind, status: r.status }, value: r.count })) });
  metrics.addCollector({
    name: 'wenyuan_jobs_oldest_due_seconds',
    help: 'How long the oldest queued job that is due has waited, by kind',
    labels: ['kind'],
    read: async () => (await queue()).filter((r) => r.status === 'queued').map((r) => ({ labels: { kind: r.kind }, value: r.oldestDueSeconds })),
  });
  metrics.addCollector({
    name: 'wenyuan_db_pool_connections',
    help: 'Database connections (SQLite: read threads) by pool and state (busy, size, waiting callers)',
    labels: ['pool', 'state'],
    read: async () => from.database.pools().flatMap((p) => (['busy', 'size', 'waiting'] as const).map((state) => ({ labels: { pool: p.pool, state }, value: p[state] }))),
  });
  let log: { at: number; health: Promise<{ treeSize: number; pending: number; oldestPendingAt: string | null }> } | null = null;
  const health = () => {
    if (!log || Date.now() - log.at > 1000) log = { at: Date.now(), health: from.registry.health() };
    return log.health;
  };
  metrics.addCollector({ name: 'wenyuan_registry_entries', help: 'Entries in the transparency log', labels: [], read: async () => [{ labels: {}, value: (await health()).treeSize }] });
  metrics.addCollector({ name: 'wenyuan_registry_pending', help: 'Registrations waiting to be sequenced into the log', labels: [], read: async () => [{ labels: {}, value: (await health()).pending }] });
  metrics.addCollector({
    name: 'wenyuan_registry_sequencing_lag_seconds',
    help: 'How long the oldest registration waiting to be sequenced has waited (0 when none waits)',
    labels: [],
    read: async () => {
      const oldest = (await health()).oldestPendingAt;
      return [{ labels: {}, value: oldest ? Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) : 0 }];
    },
  });
}

/** `auto` counts facets in memory on SQLite and in the database on PostgreSQL (config.ts, `facetCounts`). */
function facetCountsOf(config: Config, database: Database): 'memory' | 'database' {
  if (config.facetCounts === 'database' && database.dialect !== 'postgres') throw new Error('WENYUAN_FACET_COUNTS=database needs PostgreSQL (WENYUAN_DATABASE_URL=postgres://…); SQLite counts in memory');
  if (config.facetCounts === 'auto') return database.dialect === 'postgres' ? 'database' : 'memory';
  return config.facetCounts;
}

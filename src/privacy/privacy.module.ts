import path from 'node:path';
import type { GovernServices } from '../govern/govern.module.js';
import type { DiscoverServices } from '../discover/discover.module.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { ModuleParts } from '../platform/module.js';
import type { PersonalDataSource } from '../platform/personal-data.js';
import { ConsentService } from './consent.service.js';
import { ErasureService } from './erasure.service.js';
import { ExportService } from './export.service.js';
import { PrivacyRepository } from './privacy.repository.js';
import { privacyRoutes } from './privacy.routes.js';
import { RetentionService } from './retention.service.js';

/** Makes a person's data export (payload `{ exportId }`). */
export const PRIVACY_EXPORT_JOB = 'privacy.export';
/** Runs the remaining steps of an erasure (payload `{ userId }`). */
export const PRIVACY_ERASE_JOB = 'privacy.erase';
/** Applies the retention rules (daily, from the background loop). */
export const PRIVACY_RETENTION_JOB = 'privacy.retention';

const DAY_MS = 86_400_000;

export interface PrivacyPorts {
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  wakeWorkers: () => void;
  config: { dataDir: string };
  govern: Pick<GovernServices, 'identity' | 'audit'>;
  discover: Pick<DiscoverServices, 'recommender'>;
  /** What every module keeps about a person (its `ModuleParts.personalData`), lowest module first. */
  personalData: readonly PersonalDataSource[];
  /** How often the background loop looks whether a day has passed since the last retention run. */
  retentionCheckMs?: number;
}

export interface PrivacyServices {
  consents: ConsentService;
  personalExports: ExportService;
  erasure: ErasureService;
  retention: RetentionService;
}

/**
 * Consent and the rights of the person: the privacy notice and consent per purpose, "export my
 * data" (a zip made by a job, downloadable once), "erase me" (a crash-safe job of idempotent steps)
 * and retention rules applied daily.
 */
export function createPrivacyModule(ports: PrivacyPorts): ModuleParts<PrivacyServices> {
  const { database, jobs, govern } = ports;
  const repo = new PrivacyRepository(database);
  const sources = ports.personalData;
  const audit = govern.audit;
  const consents = new ConsentService({ repo, recommendations: ports.discover.recommender, audit });
  const personalExports = new ExportService({
    repo,
    sources,
    consents,
    blobs: ports.blobs,
    audit,
    directory: path.join(ports.config.dataDir, 'exports'),
    enqueue: async (trx, exportId) => {
      await jobs.enqueue(trx, PRIVACY_EXPORT_JOB, { exportId }, { dedupeKey: `${PRIVACY_EXPORT_JOB}:${exportId}` });
      setImmediate(ports.wakeWorkers);
    },
  });
  const retention = new RetentionService({ repo, sources, purgeFinishedJobs: (cutoff) => jobs.purgeFinishedBefore(cutoff), exports: personalExports, audit });
  const erasure = new ErasureService({
    repo,
    sources,
    exports: personalExports,
    audit,
    worksPolicy: () => retention.worksPolicy(),
    enqueue: async (trx, userId) => {
      await jobs.enqueue(trx, PRIVACY_ERASE_JOB, { userId }, { dedupeKey: `${PRIVACY_ERASE_JOB}:${userId}`, maxAttempts: 20 });
      setImmediate(ports.wakeWorkers);
    },
  });

  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    const last = await retention.lastRunAt();
    if (last && Date.now() - last.getTime() < DAY_MS) return;
    await jobs.enqueue(database.db, PRIVACY_RETENTION_JOB, {}, { dedupeKey: PRIVACY_RETENTION_JOB });
    ports.wakeWorkers();
  };

  return {
    services: { consents, personalExports, erasure, retention },
    routes: (api) => privacyRoutes(api, { consents, exports: personalExports, erasure, retention, passwordMatches: (id, password) => govern.identity.passwordMatches(id, password) }),
    jobs: {
      [PRIVACY_EXPORT_JOB]: async (payload) => personalExports.run((payload as { exportId: string }).exportId),
      [PRIVACY_ERASE_JOB]: async (payload) => erasure.run((payload as { userId: string }).userId),
      [PRIVACY_RETENTION_JOB]: async () => void (await retention.run()),
    },
    background: {
      start: () => {
        void tick().catch(() => undefined);
        timer = setInterval(() => void tick().catch(() => undefined), ports.retentionCheckMs ?? 3600_000);
        timer.unref();
      },
      stop: () => {
        if (timer) clearInterval(timer);
        timer = null;
      },
    },
  };
}

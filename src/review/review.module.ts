import { randomBytes } from 'node:crypto';
import type { ArchiveServices } from '../archive/archive.module.js';
import type { AuditRecorder } from '../govern/audit.service.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { KeyStore } from '../platform/keystore.js';
import type { Mailer } from '../platform/mail.js';
import type { ModuleParts } from '../platform/module.js';
import type { ProtectServices } from '../protect/protect.module.js';
import { NotificationService } from './notification.service.js';
import { reviewChecksHandler } from './review-checks.job.js';
import { ReviewSettingsService } from './review-settings.service.js';
import { ReviewPersonalData } from './personal-data.repository.js';
import { ReviewRepository } from './review.repository.js';
import { notificationRoutes, reviewRoutes } from './review.routes.js';
import { CHECKS_JOB, ReviewService } from './review.service.js';

export interface ReviewPorts {
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  keystore: KeyStore;
  wakeWorkers: () => void;
  archive: Pick<ArchiveServices, 'works' | 'workReader' | 'extensions'>;
  protect: Pick<ProtectServices, 'scans' | 'fingerprintRepository'>;
  audit: AuditRecorder | null;
  /** The SMTP port (null: no email). */
  mailer: Mailer | null;
  onMailError?: (error: unknown) => void;
}

export interface ReviewServices {
  review: ReviewService;
  reviewSettings: ReviewSettingsService;
  notifications: NotificationService;
}

/**
 * Content review: the publication gate in the archive (what waits before it is public), the queue
 * with its automatic checks, claims, decisions and appeals, visitors' reports, notifications.
 */
export function createReviewModule(ports: ReviewPorts): ModuleParts<ReviewServices> {
  const repo = new ReviewRepository(ports.database);
  const reviewSettings = new ReviewSettingsService(repo, ports.audit);
  const notifications = new NotificationService(repo, ports.mailer, ports.onMailError);
  let secret: string | null = null;
  const review = new ReviewService({
    repo,
    works: ports.archive.works,
    workReader: ports.archive.workReader,
    jobs: ports.jobs,
    wakeWorkers: ports.wakeWorkers,
    settings: reviewSettings,
    notifications,
    audit: ports.audit,
    reporterSecret: () => (secret ??= ports.keystore.readOrCreate('review-reporter.key', () => randomBytes(32).toString('hex'))),
  });
  ports.archive.extensions.setPublicationGate(review.gate);
  ports.archive.extensions.setReviewStatus((workId) => review.statusOf(workId));
  return {
    services: { review, reviewSettings, notifications },
    personalData: new ReviewPersonalData(ports.database),
    routes: (api) => {
      reviewRoutes(api, { review, reviewSettings });
      notificationRoutes(api, { notifications });
    },
    jobs: {
      [CHECKS_JOB]: reviewChecksHandler({ repo, works: ports.archive.workReader, settings: reviewSettings, scans: ports.protect.scans, fingerprints: ports.protect.fingerprintRepository, blobs: ports.blobs }),
    },
  };
}

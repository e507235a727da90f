import type { ArchiveServices } from '../archive/archive.module.js';
import { toWork } from '../archive/work.service.js';
import type { GovernServices } from '../govern/govern.module.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { PermanentJobError } from '../platform/jobs/worker.js';
import type { KeyStore } from '../platform/keystore.js';
import type { ModuleParts } from '../platform/module.js';
import type { PublicLinks } from '../platform/public-url.js';
import type { RegistryServices } from '../registry/registry.module.js';
import { EvidenceRepository } from './evidence.repository.js';
import { EvidenceService } from './evidence.service.js';
import { FingerprintIndex, type IndexLogger } from './fingerprint-index.js';
import { FingerprintSnapshotRepository } from './fingerprint-snapshot.repository.js';
import { FINGERPRINT_SNAPSHOT_JOB, FingerprintSnapshots } from './fingerprint-snapshot.service.js';
import { FingerprintRepository } from './fingerprint.repository.js';
import { FINGERPRINT_JOB, FingerprintService } from './fingerprint.service.js';
import { protectRoutes } from './protect.routes.js';
import { ProtectPersonalData } from './personal-data.repository.js';
import { ScanService } from './scan.service.js';
import { WatermarkCopyService } from './watermark-copies.js';
import { watermarkKey } from './watermark-key.js';

export const FINGERPRINT_BACKFILL_JOB = 'protect.fingerprint-backfill';
/** How often the worker role checks whether a new index snapshot is due. */
const SNAPSHOT_CHECK_MS = 10 * 60_000;

export interface ProtectPorts {
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  keystore: KeyStore;
  govern: Pick<GovernServices, 'identity'>;
  archive: Pick<ArchiveServices, 'workReader' | 'downloads' | 'extensions'>;
  registry: Pick<RegistryServices, 'registry' | 'registryReader' | 'extensions'>;
  /** Absolute links (receipts in scan results) from the instance's public URL. */
  links: PublicLinks;
  config: { maxImagePixels: number; maxUploadBytes: number; watermarkPublicCopies: boolean };
  logger?: IndexLogger;
}

export interface ProtectServices {
  fingerprints: FingerprintService;
  /** The repository itself, for the CLI and tests only. */
  fingerprintRepository: FingerprintRepository;
  fingerprintIndex: FingerprintIndex;
  /** Snapshots of the index (written by the worker role, loaded by any process on its first scan). */
  fingerprintSnapshots: FingerprintSnapshots;
  scans: ScanService;
  watermarkCopies: WatermarkCopyService;
  evidence: EvidenceService;
}

/**
 * Rights protection: fingerprints of every image (into registry entries too), scans for copies,
 * watermarked copies (public display copies included, when configured) and evidence reports.
 */
export function createProtectModule(ports: ProtectPorts): ModuleParts<ProtectServices> {
  const { database, blobs, jobs, keystore, archive, registry, config } = ports;
  const fingerprintRepository = new FingerprintRepository(database);
  const fingerprints = new FingerprintService(fingerprintRepository, blobs, jobs, { maxImagePixels: config.maxImagePixels, works: archive.workReader });
  const fingerprintSnapshots = new FingerprintSnapshots(new FingerprintSnapshotRepository(database), fingerprintRepository);
  const fingerprintIndex = new FingerprintIndex(fingerprintRepository, { snapshots: fingerprintSnapshots, ...(ports.logger ? { logger: ports.logger } : {}) });
  let cachedKey: Buffer | null = null;
  let snapshotTimer: NodeJS.Timeout | null = null;
  const instanceWatermarkKey = () => (cachedKey ??= watermarkKey(keystore));
  const userName = async (id: string): Promise<string | null> => {
    const user = await ports.govern.identity.getUser(id).catch(() => null);
    return user ? `${user.displayName} (${user.username})` : null;
  };
  const scans = new ScanService({
    index: fingerprintIndex,
    fingerprints: fingerprintRepository,
    works: archive.workReader,
    registry: registry.registryReader,
    blobs,
    watermarkKey: instanceWatermarkKey,
    maxImagePixels: config.maxImagePixels,
    userName,
    links: ports.links,
  });
  const watermarkCopies = new WatermarkCopyService({
    repo: fingerprintRepository, works: archive.workReader, blobs, watermarkKey: instanceWatermarkKey, maxImagePixels: config.maxImagePixels, userName,
    downloadPolicy: async (row) => (await archive.downloads.forWork(toWork(row))).policy,
  });
  const evidence = new EvidenceService({ scans, repo: new EvidenceRepository(database), fingerprints: fingerprintRepository, blobs, registry: registry.registry });

  archive.extensions.addImageJob(FINGERPRINT_JOB);
  if (config.watermarkPublicCopies) archive.extensions.setDisplayMarker((sha256, image) => watermarkCopies.markPublic(sha256, image));
  registry.extensions.setEntryFingerprints((sha256s) => fingerprints.entryFingerprintsOf(sha256s));
  // A work's events show the copies issued of it: who made one, for whom, why. Who received a copy is
  // for those who manage the work (as GET …/watermarked-copies is); reviewers see that one was issued.
  archive.extensions.addEventSource(async (workId, limit, viewer) =>
    (await fingerprintRepository.copiesIssuedOfWork(workId, limit)).map((copy) => {
      // A reader's own download copy is issued by the reader: its issuer is its recipient.
      const hideIssuer = !viewer.manages && copy.purpose === 'download';
      return {
        type: 'copy_issued',
        actorId: hideIssuer ? null : copy.issued_by ?? (copy.purpose === 'download' ? copy.recipient_id : null),
        actorName: hideIssuer ? null : copy.issuer_name,
        actorUsername: hideIssuer ? null : copy.issuer_username,
        at: copy.created_at,
        detail: viewer.manages ? { serial: copy.serial, purpose: copy.purpose, recipient: copy.recipient_name, reference: copy.reference } : { serial: copy.serial, purpose: copy.purpose },
      };
    }),
  );

  return {
    services: { fingerprints, fingerprintRepository, fingerprintIndex, fingerprintSnapshots, scans, watermarkCopies, evidence },
    personalData: new ProtectPersonalData(database),
    routes: (api) => protectRoutes(api, { scans, evidence, fingerprints, watermarkCopies, blobs, maxUploadBytes: config.maxUploadBytes }),
    jobs: {
      [FINGERPRINT_JOB]: async (payload) => {
        const sha256 = (payload as { sha256?: unknown } | null)?.sha256;
        if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new PermanentJobError(`bad payload for ${FINGERPRINT_JOB}`);
        try {
          await fingerprints.fingerprintBlob(sha256);
        } catch (error) {
          if (error instanceof AppError && error.code === 'not_found') throw new PermanentJobError(error.message);
          throw error;
        }
      },
      [FINGERPRINT_BACKFILL_JOB]: async () => {
        await fingerprints.enqueueBackfill();
      },
      [FINGERPRINT_SNAPSHOT_JOB]: async () => {
        const written = await fingerprintSnapshots.write();
        ports.logger?.info(written, 'fingerprint index snapshot written');
      },
    },
    // Only the worker role snapshots the index, when enough changed since the last one (see SnapshotPolicy).
    background: {
      async start() {
        if (snapshotTimer) return;
        const tick = async () => {
          if (await fingerprintSnapshots.due(Date.now())) await jobs.enqueue(database.db, FINGERPRINT_SNAPSHOT_JOB, {}, { dedupeKey: FINGERPRINT_SNAPSHOT_JOB, maxAttempts: 3 });
        };
        snapshotTimer = setInterval(() => void tick().catch(() => undefined), SNAPSHOT_CHECK_MS);
        snapshotTimer.unref();
        await tick().catch((err: unknown) => ports.logger?.warn({ err: String(err) }, 'fingerprint index snapshot check failed'));
      },
      stop() {
        if (snapshotTimer) clearInterval(snapshotTimer);
        snapshotTimer = null;
      },
    },
    // Images stored before fingerprints existed (or whose job was lost) are fingerprinted in the background.
    init: async () => {
      if ((await fingerprintRepository.imagesWithoutFingerprint('', 1)).length > 0) {
        await jobs.enqueue(database.db, FINGERPRINT_BACKFILL_JOB, {}, { dedupeKey: FINGERPRINT_BACKFILL_JOB });
      }
    },
  };
}

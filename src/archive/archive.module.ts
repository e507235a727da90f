import type { AuditRecorder } from '../govern/audit.service.js';
import type { Transaction } from 'kysely';
import type { DisplayPixels } from '../media/image-probe.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { ModuleParts } from '../platform/module.js';
import { adminArchiveRoutes } from './admin.routes.js';
import { BlobSweepService } from './blob-sweep.service.js';
import { BulkOperationRepository } from './bulk-operation.repository.js';
import { bulkOperationRoutes } from './bulk-operation.routes.js';
import { BULK_JOB, BulkOperationService, type BulkActorLookup } from './bulk-operation.service.js';
import { CollectionRepository } from './collection.repository.js';
import { collectionRoutes } from './collection.routes.js';
import { DataClassRepository } from './data-class.repository.js';
import { dataClassRoutes } from './data-class.routes.js';
import { DataClassService } from './data-class.service.js';
import { CollectionService } from './collection.service.js';
import { displayDerivativeHandler } from './display-copy.job.js';
import { DownloadPolicyService } from './download-policy.js';
import { fileRoutes } from './file.routes.js';
import { FixityService } from './fixity.service.js';
import { IngestService } from './ingest.service.js';
import { ArchivePersonalData, type WorkRemover } from './personal-data.repository.js';
import type { WorkMetadata } from './metadata.schema.js';
import { uploadRoutes } from './upload.routes.js';
import { vocabularyRoutes } from './vocabulary.routes.js';
import { WorkRepository, type WorkReader } from './work.repository.js';
import { PLACE_FACET_JOB, PlaceFacetRefresh } from './place-facet.job.js';
import { workRoutes, type IiifLinkSource, type ReviewStatusSource } from './work.routes.js';
import { DISPLAY_JOB, WorkService, type PublicationGate, type WorkEventSource, type WorkIndexer } from './work.service.js';

export const FIXITY_JOB = 'archive.fixity';

export interface ArchivePorts {
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  /** Nudges this process's workers after a job is queued. */
  wakeWorkers: () => void;
  config: { maxUploadBytes: number; maxImagePixels: number; fixityIntervalHours: number; uploadQuotaBytes: number; staffUploadQuotaBytes: number; maxFilesPerUpload: number };
  /** Reads an account as it is now: a queued bulk operation stops when its author is disabled or loses the role. */
  actorOf: BulkActorLookup;
  /** Govern's audit trail (visibility changes are recorded there). */
  audit?: AuditRecorder;
}

/**
 * Marks a public display copy before it is stored (protect's invisible watermark): gets the decoded
 * pixels, returns the encoded marked copy or null to leave it unmarked.
 */
export type DisplayMarker = (sourceSha256: string, pixels: DisplayPixels) => Promise<Buffer | null>;

/**
 * The points where modules above the archive plug into it, so the archive never imports them:
 * search indexes written in the work's own transaction, jobs every new image gets, the display
 * copy's watermark.
 */
export interface ArchiveExtensions {
  addIndexer(indexer: WorkIndexer): void;
  addImageJob(kind: string): void;
  setDisplayMarker(mark: DisplayMarker): void;
  addEventSource(source: WorkEventSource): void;
  /** The publish module's IIIF links (manifest, image services), shown in every work's JSON. */
  setIiifLinks(source: IiifLinkSource): void;
  /** The review module's gate: a work a creator makes public may have to wait for review. */
  setPublicationGate(gate: PublicationGate): void;
  /** Where a work stands in review, shown to those who manage it in the work's JSON. */
  setReviewStatus(source: ReviewStatusSource): void;
  /** Modules with rows about works, told in the deleting transaction when works go (an erased person's). */
  addWorkRemover(remover: WorkRemover): void;
}

export interface ArchiveServices {
  works: WorkService;
  /** Read access to works for the modules above (by interface). */
  workReader: WorkReader;
  /** The repository itself, for the CLI and tests only. */
  workRepository: WorkRepository;
  ingest: IngestService;
  collections: CollectionService;
  /** Data classification of works and collections (read by the transfer rules). */
  dataClasses: DataClassService;
  /** What readers may download of a work (its rights, overridden per collection and work). */
  downloads: DownloadPolicyService;
  fixity: FixityService;
  blobSweep: BlobSweepService;
  /** Staff bulk operations (publish, file, rights, classification over many works), run as jobs. */
  bulk: BulkOperationService;
  extensions: ArchiveExtensions;
}

/** Works, files, collections, ingest, fixity and the display copies of images. */
export function createArchiveModule(ports: ArchivePorts): ModuleParts<ArchiveServices> {
  const { database, blobs, jobs, config } = ports;
  const indexers: WorkIndexer[] = [];
  const imageJobs: string[] = [DISPLAY_JOB];
  const eventSources: WorkEventSource[] = [];
  const workRemovers: WorkRemover[] = [];
  let displayMarker: DisplayMarker | null = null;
  let iiifLinks: IiifLinkSource | null = null;
  let reviewStatus: ReviewStatusSource | null = null;
  const extensions: ArchiveExtensions = {
    addIndexer: (indexer) => void indexers.push(indexer),
    addImageJob: (kind) => void (imageJobs.includes(kind) || imageJobs.push(kind)),
    setDisplayMarker: (mark) => void (displayMarker = mark),
    addEventSource: (source) => void eventSources.push(source),
    setIiifLinks: (source) => void (iiifLinks = source),
    setPublicationGate: (gate) => works.setPublicationGate(gate),
    setReviewStatus: (source) => void (reviewStatus = source),
    addWorkRemover: (remover) => void workRemovers.push(remover),
  };
  const allIndexers: WorkIndexer = {
    async indexWork(trx: Transaction<DB>, work: { seq: number; metadata: WorkMetadata }) {
      for (const indexer of indexers) await indexer.indexWork(trx, work);
    },
  };

  const workRepository = new WorkRepository(database);
  const collections = new CollectionService(new CollectionRepository(database));
  const dataClasses = new DataClassService(new DataClassRepository(database), ports.audit ?? null);
  const works = new WorkService(workRepository, jobs, allIndexers, imageJobs, eventSources, (actor, id) => collections.requireFilingAllowed(actor, id), ports.audit ?? null);
  const ingest = new IngestService(blobs, works, workRepository, config);
  const downloads = new DownloadPolicyService((collectionId) => collections.downloadPolicyOf(collectionId));
  const fixity = new FixityService(database, workRepository, blobs);
  const blobSweep = new BlobSweepService(database, blobs);
  const bulk = new BulkOperationService(new BulkOperationRepository(database), works, workRepository, collections, jobs, ports.wakeWorkers, ports.actorOf);
  const placeFacets = new PlaceFacetRefresh(database, workRepository);
  const requestFixityAudit = () => jobs.enqueue(database.db, FIXITY_JOB, { trigger: 'manual' }, { dedupeKey: FIXITY_JOB, maxAttempts: 3 });

  let fixityTimer: NodeJS.Timeout | null = null;
  return {
    // A work's page asks for the work first: named with the page so it arrives with the script.
    pagePreloads: [{ page: /^\/works\/([^/]+)$/, api: (m) => `/api/works/${encodeURIComponent(decodeURIComponent(m[1]!))}` }],
    services: { works, workReader: workRepository, workRepository, ingest, collections, dataClasses, downloads, fixity, blobSweep, bulk, extensions },
    personalData: new ArchivePersonalData(database, workRemovers),
    routes: (api) => {
      workRoutes(api, { works, downloads, iiifLinks: () => iiifLinks, reviewStatus: () => reviewStatus });
      uploadRoutes(api, { ingest, works, collections, wakeWorkers: ports.wakeWorkers, maxUploadBytes: config.maxUploadBytes, maxFilesPerUpload: config.maxFilesPerUpload });
      fileRoutes(api, { works, downloads, blobs });
      collectionRoutes(api, { collections });
      dataClassRoutes(api, { dataClasses });
      vocabularyRoutes(api);
      bulkOperationRoutes(api, { bulk });
      adminArchiveRoutes(api, { jobs, fixity, requestFixityAudit, wakeWorkers: ports.wakeWorkers });
    },
    jobs: {
      [DISPLAY_JOB]: displayDerivativeHandler({
        blobs,
        repo: workRepository,
        maxImagePixels: config.maxImagePixels,
        marker: () => displayMarker,
      }),
      [BULK_JOB]: async (payload, context) => {
        const { operationId } = payload as { operationId: string };
        try {
          await bulk.run(operationId, { signal: context.signal });
        } catch (error) {
          // The last attempt: the operation is marked failed (what it changed stays changed, and can be undone).
          if (context.job.attempts >= context.job.max_attempts) await bulk.fail(operationId, error instanceof Error ? error.message : String(error));
          throw error;
        }
      },
      [FIXITY_JOB]: async (payload) => {
        await fixity.run((payload as { trigger?: string } | null)?.trigger === 'manual' ? 'manual' : 'scheduled');
        // The periodic audit walks the store anyway; unreferenced bytes older than a day go with it.
        await blobSweep.sweep();
      },
      [PLACE_FACET_JOB]: async () => {
        await placeFacets.run();
      },
    },
    // Works stored before the place facet existed, or matched by an older gazetteer, are matched again.
    init: async () => {
      if (await placeFacets.needed()) await jobs.enqueue(database.db, PLACE_FACET_JOB, {}, { dedupeKey: PLACE_FACET_JOB, maxAttempts: 3 });
    },
    background: {
      // The periodic audit is queued (at most one pending) when the last one is older than the interval.
      async start() {
        const hours = config.fixityIntervalHours;
        if (hours <= 0 || fixityTimer) return;
        const tick = async () => {
          const last = await fixity.lastStartedAt();
          if (!last || Date.now() - Date.parse(last) >= hours * 3_600_000) {
            await jobs.enqueue(database.db, FIXITY_JOB, {}, { dedupeKey: FIXITY_JOB, maxAttempts: 3 });
          }
        };
        await tick();
        fixityTimer = setInterval(() => void tick().catch(() => undefined), 3_600_000);
        fixityTimer.unref();
      },
      stop() {
        if (fixityTimer) clearInterval(fixityTimer);
        fixityTimer = null;
      },
    },
  };
}

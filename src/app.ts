import path from 'node:path';
import { BlobSweepService } from './archive/blob-sweep.service.js';
import { CollectionRepository } from './archive/collection.repository.js';
import { CollectionService } from './archive/collection.service.js';
import { FixityService } from './archive/fixity.service.js';
import { IngestService } from './archive/ingest.service.js';
import { WorkRepository } from './archive/work.repository.js';
import { WorkService, DISPLAY_JOB } from './archive/work.service.js';
import { CatalogueRepository } from './discover/catalogue.repository.js';
import { CatalogueService } from './discover/catalogue.service.js';
import { SearchIndex } from './discover/search-index.js';
import { IdentityRepository } from './govern/identity.repository.js';
import { IdentityService } from './govern/identity.service.js';
import { displayDerivativeHandler } from './media/derivative.jobs.js';
import { FingerprintIndex } from './protect/fingerprint-index.js';
import { FingerprintRepository } from './protect/fingerprint.repository.js';
import { FINGERPRINT_JOB, FingerprintService } from './protect/fingerprint.service.js';
import { EvidenceRepository } from './protect/evidence.repository.js';
import { EvidenceService } from './protect/evidence.service.js';
import { ScanService } from './protect/scan.service.js';
import { WatermarkCopyService } from './protect/watermark-copies.js';
import { watermarkKey } from './protect/watermark-key.js';
import { KeyStore } from './platform/keystore.js';
import { RegistrantKeys } from './registry/registrant-keys.js';
import { RegistryRepository } from './registry/registry.repository.js';
import { RegistryService } from './registry/registry.service.js';
import { RegistrySequencer } from './registry/sequencer.js';
import { TransparencyLog } from './registry/transparency-log.js';
import { witnessPolicy } from './registry/cosignature.js';
import { nodeCrypto } from './registry/crypto-node.js';
import { parseWitnessList, WitnessClient } from './registry/witness-client.js';
import { LocalDiskBlobStore, type BlobStore } from './platform/blob-store.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { JobQueue } from './platform/jobs/job-queue.js';
import { PermanentJobError, Worker, type WorkerLogger } from './platform/jobs/worker.js';
import { AppError } from './platform/errors.js';

export const FIXITY_JOB = 'archive.fixity';
export const REINDEX_JOB = 'discover.reindex';
export const FINGERPRINT_BACKFILL_JOB = 'protect.fingerprint-backfill';

/** Everything a running Wenyuan needs, wired once (the composition root). */
export interface App {
  config: Config;
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  worker: Worker;
  identity: IdentityService;
  works: WorkService;
  workRepository: WorkRepository;
  ingest: IngestService;
  collections: CollectionService;
  catalogue: CatalogueService;
  fixity: FixityService;
  searchIndex: SearchIndex;
  blobSweep: BlobSweepService;
  registry: RegistryService;
  registryRepository: RegistryRepository;
  sequencer: RegistrySequencer;
  fingerprints: FingerprintService;
  fingerprintRepository: FingerprintRepository;
  fingerprintIndex: FingerprintIndex;
  scans: ScanService;
  watermarkCopies: WatermarkCopyService;
  evidence: EvidenceService;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: { logger?: WorkerLogger } = {}): Promise<App> {
  // Witness keys and quorum are checked before anything is opened (a bad list fails fast).
  const witnesses = await parseWitnessList(config.registryWitnesses, nodeCrypto);
  const onWitnessError = (witness: string, err: unknown) => options.logger?.warn({ err: String(err), witness }, 'witness cosigning failed');
  const witnessing = witnesses.length > 0 || config.registryWitnessQuorum > 0
    ? { client: new WitnessClient(witnesses, { onError: onWitnessError }), policy: witnessPolicy(witnesses.map((w) => w.verifier), config.registryWitnessQuorum), onError: (err: unknown) => onWitnessError('*', err) }
    : undefined;
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const blobs = new LocalDiskBlobStore(path.join(config.dataDir, 'blobs'));
  const jobs = new JobQueue(database);
  const worker = new Worker(jobs, { concurrency: config.workerConcurrency, ...(options.logger ? { logger: options.logger } : {}) });

  const identity = new IdentityService(new IdentityRepository(database), { sessionTtlHours: config.sessionTtlHours });
  const workRepository = new WorkRepository(database);
  const searchIndex = new SearchIndex(database);
  const works = new WorkService(workRepository, jobs, searchIndex, [DISPLAY_JOB, FINGERPRINT_JOB]);
  const ingest = new IngestService(blobs, works, workRepository, config);
  const collectionRepository = new CollectionRepository(database);
  const collections = new CollectionService(collectionRepository);
  const catalogue = new CatalogueService(new CatalogueRepository(database), workRepository);
  const fixity = new FixityService(database, workRepository, blobs);
  const blobSweep = new BlobSweepService(database, blobs);
  const keystore = new KeyStore(path.join(config.dataDir, 'keys'));
  const registryRepository = new RegistryRepository(database);
  const transparencyLog = new TransparencyLog(registryRepository, keystore, config.registryOrigin, witnessing);
  // The sequencer is created after the service it drives; registrations poke it through this closure.
  let sequencer: RegistrySequencer | null = null;
  const fingerprintRepository = new FingerprintRepository(database);
  const fingerprints = new FingerprintService(fingerprintRepository, blobs, jobs, { maxImagePixels: config.maxImagePixels });
  const fingerprintIndex = new FingerprintIndex(fingerprintRepository);
  let cachedWatermarkKey: Buffer | null = null;
  const instanceWatermarkKey = () => (cachedWatermarkKey ??= watermarkKey(keystore));
  const userName = async (id: string): Promise<string | null> => {
    const user = await identity.getUser(id).catch(() => null);
    return user ? `${user.displayName} (${user.username})` : null;
  };
  const scans = new ScanService({
    index: fingerprintIndex,
    fingerprints: fingerprintRepository,
    works: workRepository,
    registry: registryRepository,
    blobs,
    watermarkKey: instanceWatermarkKey,
    maxImagePixels: config.maxImagePixels,
    userName,
  });
  const watermarkCopies = new WatermarkCopyService({ repo: fingerprintRepository, works: workRepository, blobs, watermarkKey: instanceWatermarkKey, maxImagePixels: config.maxImagePixels, userName });
  const registry = new RegistryService(registryRepository, workRepository, new RegistrantKeys(database, keystore), transparencyLog, {
    onPending: () => sequencer?.poke(),
    fingerprintsOf: (sha256) => fingerprints.entryFingerprints(sha256),
  });
  const evidence = new EvidenceService({ scans, repo: new EvidenceRepository(database), fingerprints: fingerprintRepository, blobs, registry });
  sequencer = new RegistrySequencer(registryRepository, registry, { intervalMs: 500, ...(options.logger ? { onError: (err: unknown) => options.logger!.error({ err }, 'sequencing failed') } : {}) });

  worker.register(
    DISPLAY_JOB,
    displayDerivativeHandler({
      blobs,
      repo: workRepository,
      maxImagePixels: config.maxImagePixels,
      ...(config.watermarkPublicCopies ? { mark: (sha256: string, image: Buffer) => watermarkCopies.markPublic(sha256, image) } : {}),
    }),
  );
  worker.register(REINDEX_JOB, async () => {
    await searchIndex.rebuild();
  });
  // An index built by an older tokenizer is rebuilt in the background; search keeps working meanwhile.
  if (await searchIndex.needsRebuild()) await jobs.enqueue(database.db, REINDEX_JOB, {}, { dedupeKey: REINDEX_JOB });
  worker.register(FINGERPRINT_JOB, async (payload) => {
    const sha256 = (payload as { sha256?: unknown } | null)?.sha256;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new PermanentJobError(`bad payload for ${FINGERPRINT_JOB}`);
    try {
      await fingerprints.fingerprintBlob(sha256);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw new PermanentJobError(error.message);
      throw error;
    }
  });
  worker.register(FINGERPRINT_BACKFILL_JOB, async () => {
    await fingerprints.enqueueBackfill();
  });
  // Images stored before fingerprints existed (or whose job was lost) are fingerprinted in the background.
  if ((await fingerprintRepository.imagesWithoutFingerprint('', 1)).length > 0) {
    await jobs.enqueue(database.db, FINGERPRINT_BACKFILL_JOB, {}, { dedupeKey: FINGERPRINT_BACKFILL_JOB });
  }
  worker.register(FIXITY_JOB, async (payload) => {
    await fixity.run((payload as { trigger?: string } | null)?.trigger === 'manual' ? 'manual' : 'scheduled');
    // The periodic audit walks the store anyway; unreferenced bytes older than a day go with it.
    await blobSweep.sweep();
  });

  return {
    config,
    database,
    blobs,
    jobs,
    worker,
    identity,
    works,
    workRepository,
    ingest,
    collections,
    catalogue,
    fixity,
    searchIndex,
    blobSweep,
    registry,
    registryRepository,
    sequencer,
    fingerprints,
    fingerprintRepository,
    fingerprintIndex,
    scans,
    watermarkCopies,
    evidence,
    async close() {
      await sequencer?.stop();
      await worker.stop();
      await database.close();
    },
  };
}

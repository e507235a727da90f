import type { WorkReader } from '../archive/work.repository.js';
import { canReadWork, type Actor } from '../govern/roles.js';
import { BlobTooLargeForLocalError, type BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { registryFingerprints, type ImageFingerprint } from './fingerprint.js';
import { protectPool, type FingerprintTask } from './protect-pool.js';
import type { FingerprintRepository, NewFingerprintRow } from './fingerprint.repository.js';
import { pdqHexToBytes } from './pdq/pdq.js';
import type { IsccCodes, WorkFingerprint } from './protect-contract.js';

export const FINGERPRINT_JOB = 'protect.fingerprint';

/** Errors that mean "this file cannot be fingerprinted", as opposed to a passing failure worth retrying. */
const REFUSALS = new Set(['corrupt_file', 'image_too_large', 'image_too_small', 'unsupported_media', 'invalid_input']);

export type { WorkFingerprint };

/** Computing, storing and handing out the fingerprints of stored images. */
export class FingerprintService {
  constructor(
    private readonly repo: FingerprintRepository,
    private readonly blobs: BlobStore,
    private readonly jobs: JobQueue,
    private readonly options: {
      maxImagePixels: number;
      works: WorkReader;
      /** Computes a fingerprint; by default in the process's thread pool, so the main thread stays free. */
      fingerprint?: (task: FingerprintTask) => Promise<ImageFingerprint>;
    },
  ) {}

  /** The fingerprint of a readable work's main image: status, PDQ hash and quality, ISCC codes. */
  async ofWork(actor: Actor, workId: string): Promise<WorkFingerprint> {
    const work = await this.options.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    const row = work.primary_file_sha256 ? await this.repo.find(work.primary_file_sha256) : undefined;
    if (!row) return { status: work.primary_file_sha256 ? 'pending' : 'none', pdq: null, quality: null, iscc: null, reason: null };
    return { status: row.status, pdq: row.pdq ? Buffer.from(row.pdq).toString('hex') : null, quality: row.pdq_quality, iscc: row.iscc ? (JSON.parse(row.iscc) as IsccCodes) : null, reason: row.reason };
  }

  /**
   * Fingerprints a stored image and records the result, including why it has no usable
   * fingerprint (too small, flat, undecodable): those are recorded, not retried.
   */
  async fingerprintBlob(sha256: string): Promise<NewFingerprintRow> {
    if (!(await this.blobs.has(sha256))) throw new AppError('not_found', `blob ${sha256} is missing from the store`, { key: 'not_found.blob', params: { sha256 } });
    let fingerprint: ImageFingerprint;
    const now = new Date().toISOString();
    try {
      // A remote store lends a bounded temporary copy; a blob above the bound is an error worth retrying after raising it.
      fingerprint = await this.blobs.withLocalFile(sha256, (file) => {
        const task = { file, maxPixels: this.options.maxImagePixels };
        return this.options.fingerprint ? this.options.fingerprint(task) : protectPool.fingerprint(task);
      });
    } catch (error) {
      // Larger than a remote store's local bound: recorded like an undecodable image, not retried.
      if (!(error instanceof BlobTooLargeForLocalError) && (!(error instanceof AppError) || !REFUSALS.has(error.code))) throw error;
      const refused = { sha256, status: 'unsupported' as const, reason: error.message, pdq: null, pdq_crops: null, crop_fractions: null, pdq_on_black: null, pdq_quality: null, iscc: null, width: null, height: null, pages: null, created_at: now };
      await this.repo.upsert(refused);
      return refused;
    }
    const row = {
      sha256,
      status: fingerprint.matchable ? ('ok' as const) : ('low_quality' as const),
      reason: fingerprint.warnings.length ? fingerprint.warnings.join('; ') : null,
      pdq: Buffer.from(pdqHexToBytes(fingerprint.pdq.hash)),
      pdq_crops: Buffer.concat(fingerprint.crops.map((c) => pdqHexToBytes(c.hash))),
      crop_fractions: fingerprint.crops.map((c) => c.cropPerSide).join(','),
      pdq_on_black: fingerprint.onBlack ? Buffer.concat(fingerprint.onBlack.map((c) => pdqHexToBytes(c.hash))) : null,
      pdq_quality: fingerprint.pdq.quality,
      iscc: fingerprint.iscc ? JSON.stringify(fingerprint.iscc) : null,
      width: fingerprint.width,
      height: fingerprint.height,
      pages: fingerprint.pages,
      created_at: now,
    };
    await this.repo.upsert(row);
    return row;
  }

  /** The fingerprint lines for a registry entry of this file, computing them now if the job has not run yet. */
  async entryFingerprints(sha256: string): Promise<string[]> {
    let row: NewFingerprintRow | undefined = await this.repo.find(sha256);
    if (!row) {
      try {
        row = await this.fingerprintBlob(sha256);
      } catch (error) {
        // A file gone from the store gets an entry without fingerprints; other failures stop the registration.
        if (error instanceof AppError && error.code === 'not_found') return [];
        throw error;
      }
    }
    return entryLines(row);
  }

  /** `entryFingerprints` of many files (a bulk registration): one read for those fingerprinted already. */
  async entryFingerprintsOf(sha256s: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const row of await this.repo.findMany([...new Set(sha256s)])) out.set(row.sha256, entryLines(row));
    for (const sha256 of sha256s) if (!out.has(sha256)) out.set(sha256, await this.entryFingerprints(sha256));
    return out;
  }

  /** Queues fingerprint jobs for stored images that have none (images ingested before this module existed). */
  async enqueueBackfill(batch = 500): Promise<number> {
    let queued = 0;
    for (let after = ''; ; ) {
      const missing = await this.repo.imagesWithoutFingerprint(after, batch);
      // The list may be stale: a job that finished since has written the fingerprint, then been marked
      // done — so look for live jobs first and fingerprints second; in the other order a job finishing
      // in between is missed by both and the image is fingerprinted twice.
      const keyOf = (sha256: string) => `${FINGERPRINT_JOB}:${sha256}`;
      const live = await this.jobs.liveDedupeKeys(this.repo.db, missing.map(keyOf));
      const idle = missing.filter((sha256) => !live.has(keyOf(sha256)));
      const done = new Set((await this.repo.findMany(idle)).map((row) => row.sha256));
      for (const sha256 of idle) if (!done.has(sha256)) await this.jobs.enqueue(this.repo.db, FINGERPRINT_JOB, { sha256 }, { dedupeKey: keyOf(sha256) });
      queued += missing.length;
      if (missing.length < batch) return queued;
      after = missing.at(-1)!;
    }
  }
}

/** A fingerprint row's lines for a registry entry. */
function entryLines(row: Pick<NewFingerprintRow, 'status' | 'pdq' | 'iscc'>): string[] {
  const pdq = row.status === 'ok' && row.pdq ? Buffer.from(row.pdq).toString('hex') : null;
  const iscc = row.iscc ? (JSON.parse(row.iscc) as { iscc: string }).iscc : null;
  return registryFingerprints(pdq, iscc);
}

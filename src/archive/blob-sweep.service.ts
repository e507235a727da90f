import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';

export interface SweepReport {
  scanned: number;
  unreferenced: number;
  removed: number;
  freedBytes: number;
  /** Temporary files of dead or stuck uploads removed (their bytes are in freedBytes). */
  temporariesRemoved: number;
  dryRun: boolean;
}

/**
 * Deletes blobs that no database row refers to: the bytes of a crash between storing and the
 * commit, or of a record import that refused a file (refused uploads never enter the store:
 * IngestService stages them). Only blobs older than the grace period go, and an upload of bytes
 * already stored touches them, so an ingest between storing and committing is never hit.
 */
export class BlobSweepService {
  constructor(
    private readonly database: Database,
    private readonly blobs: BlobStore,
    private readonly graceMs = 24 * 3_600_000,
  ) {}

  async sweep(options: { dryRun?: boolean; now?: number } = {}): Promise<SweepReport> {
    const now = options.now ?? Date.now();
    const report: SweepReport = { scanned: 0, unreferenced: 0, removed: 0, freedBytes: 0, temporariesRemoved: 0, dryRun: Boolean(options.dryRun) };
    let batch: string[] = [];
    const flush = async () => {
      const referenced = await this.referenced(batch);
      for (const sha256 of batch) {
        if (referenced.has(sha256)) continue;
        const storedAt = await this.blobs.storedAt(sha256);
        if (storedAt === null || now - storedAt < this.graceMs) continue;
        report.unreferenced++;
        if (options.dryRun) continue;
        // Look again right before deleting: a new work may have adopted these bytes meanwhile, or
        // an upload of the same bytes may be under way (it touched the file: a fresh storedAt).
        if ((await this.referenced([sha256])).size > 0) continue;
        const touchedAt = await this.blobs.storedAt(sha256);
        if (touchedAt === null || now - touchedAt < this.graceMs) continue;
        report.freedBytes += (await this.blobs.size(sha256)) ?? 0;
        await this.blobs.remove(sha256);
        report.removed++;
      }
      batch = [];
    };
    for await (const sha256 of this.blobs.list()) {
      report.scanned++;
      batch.push(sha256);
      if (batch.length >= 500) await flush();
    }
    if (batch.length > 0) await flush();
    if (!options.dryRun) {
      // Partial uploads whose writer died or that are past the age cap.
      const temporaries = (await this.blobs.removeStaleTemporaries?.()) ?? { removed: 0, freedBytes: 0 };
      report.temporariesRemoved = temporaries.removed;
      report.freedBytes += temporaries.freedBytes;
    }
    return report;
  }

  private async referenced(shas: string[]): Promise<Set<string>> {
    if (shas.length === 0) return new Set();
    const db = this.database.db;
    const [originals, derived] = await Promise.all([
      db.selectFrom('blobs').select('sha256').where('sha256', 'in', shas).execute(),
      db.selectFrom('derivatives').select('sha256').where('sha256', 'in', shas).execute(),
    ]);
    return new Set([...originals, ...derived].map((r) => r.sha256));
  }
}

import { newId } from '../platform/ids.js';
import { FingerprintIndex, type SnapshotSource } from './fingerprint-index.js';
import type { FingerprintRepository } from './fingerprint.repository.js';
import { encodeSnapshot, SNAPSHOT_FORMAT } from './fingerprint-snapshot.js';
import type { FingerprintSnapshotRepository } from './fingerprint-snapshot.repository.js';

export const FINGERPRINT_SNAPSHOT_JOB = 'protect.fingerprint-snapshot';

export interface SnapshotPolicy {
  /** No snapshot below this many matchable images: reading the rows is quick enough. */
  minImages: number;
  /** A new snapshot once the rows changed since the last one reach this share of its images. */
  growth: number;
  /** …or once it is this old and anything changed. */
  maxAgeMs: number;
}

const DEFAULT_POLICY: SnapshotPolicy = { minImages: 1000, growth: 0.1, maxAgeMs: 24 * 3_600_000 };

export interface SnapshotWritten {
  id: string;
  coversVersion: number;
  codes: number;
  images: number;
  bytes: number;
  ms: number;
}

/**
 * Snapshots of the fingerprint index. One process (the worker role, through FINGERPRINT_SNAPSHOT_JOB)
 * writes them from the fingerprints table; every process that scans loads the newest one on first
 * use (SnapshotSource) and then reads only the rows changed since. Kept in the database, in parts,
 * rather than the blob store: the store is content-addressed with no names to point at, its sweep
 * deletes bytes no archive row refers to, and here a snapshot, the version it covers and the removal
 * of the one before commit together, on both databases, and stream back a mebibyte at a time.
 */
export class FingerprintSnapshots implements SnapshotSource {
  private readonly policy: SnapshotPolicy;

  constructor(
    private readonly repo: FingerprintSnapshotRepository,
    private readonly fingerprints: FingerprintRepository,
    options: { policy?: Partial<SnapshotPolicy> } = {},
  ) {
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
  }

  async open(): Promise<{ id: string; coversVersion: number; parts: AsyncIterable<Uint8Array> } | null> {
    const row = await this.repo.latest();
    return row ? { id: row.id, coversVersion: row.covers_version, parts: this.repo.parts(row.id, row.parts) } : null;
  }

  /** Whether a new snapshot is worth writing now (see SnapshotPolicy). */
  async due(now: number): Promise<boolean> {
    const latest = await this.repo.latest();
    if (!latest || latest.format !== SNAPSHOT_FORMAT) return (await this.fingerprints.countChangedSince(0)) >= this.policy.minImages;
    const changed = await this.fingerprints.countChangedSince(latest.covers_version);
    if (changed === 0) return false;
    return changed >= Math.max(1, latest.images * this.policy.growth) || now - Date.parse(latest.created_at) >= this.policy.maxAgeMs;
  }

  /**
   * Reads every matchable fingerprint into a fresh index (so the snapshot holds only current
   * codes, none of a re-fingerprinted image's old ones) and stores it as the newest snapshot.
   */
  async write(now: Date = new Date()): Promise<SnapshotWritten> {
    const started = performance.now();
    const index = new FingerprintIndex(this.fingerprints);
    await index.sync();
    const columns = index.columns();
    const id = newId(now.getTime());
    try {
      const { parts, bytes } = await this.repo.writeParts(id, encodeSnapshot(columns));
      await this.repo.publish({ id, format: SNAPSHOT_FORMAT, covers_version: columns.coversVersion, codes: columns.codes, images: columns.images, bytes, parts, created_at: now.toISOString() });
      return { id, coversVersion: columns.coversVersion, codes: columns.codes, images: columns.images, bytes, ms: Math.round(performance.now() - started) };
    } catch (error) {
      await this.repo.discard(id).catch(() => undefined);
      throw error;
    }
  }
}

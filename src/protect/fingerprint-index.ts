import type { FingerprintRepository } from './fingerprint.repository.js';
import { HammingIndex } from './hamming-index.js';


export interface FingerprintMatch {
  /** The stored image (blob) that matched. */
  sha256: string;
  distance: number;
  /** Index of the query code that matched (the caller's list, e.g. the suspect's dihedral variants). */
  queryIndex: number;
  /** Which stored hash matched: 0 = the whole image, else the fraction of a central crop cut from each side. */
  cropPerSide: number;
}

/**
 * Every matchable PDQ code in the database, held in a multi-index (see hamming-index.ts), so a
 * near-duplicate search is exact and takes milliseconds at millions of images. It follows the
 * fingerprints table through its commit-ordered change version: before each search it reads the
 * rows written since the version it holds, so a fingerprint committed before a search is always
 * searched. Re-fingerprinted images keep their old codes in memory until restart; they resolve to
 * the same image, so nothing wrong is reported. Access to the works behind a match is checked by
 * the caller, never here.
 */
export class FingerprintIndex {
  private readonly index = new HammingIndex();
  private readonly sha256OfPosition: string[] = [];
  private readonly cropOfPosition: number[] = [];
  private version = 0;
  private syncing: Promise<void> | null = null;

  constructor(private readonly repo: FingerprintRepository) {}

  /** Codes held (the whole image and each stored crop, per matchable image). */
  get size(): number {
    return this.index.size;
  }

  /** Reads fingerprints committed since the last sync (one small query when nothing changed). */
  async sync(): Promise<void> {
    // One sync at a time; concurrent searches wait for the same one.
    this.syncing ??= this.pull().finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  private async pull(): Promise<void> {
    const latest = await this.repo.version();
    while (this.version < latest) {
      const rows = await this.repo.changedSince(this.version, 10_000);
      for (const row of rows) {
        if (row.pdq?.length === 32) this.add(row.sha256, row.pdq, 0);
        const fractions = (row.crop_fractions ?? '').split(',').filter(Boolean).map(Number);
        fractions.forEach((fraction, i) => {
          const code = row.pdq_crops?.subarray(i * 32, i * 32 + 32);
          if (code?.length === 32) this.add(row.sha256, code, fraction);
        });
        [0, ...fractions].forEach((fraction, i) => {
          const code = row.pdq_on_black?.subarray(i * 32, i * 32 + 32);
          if (code?.length === 32) this.add(row.sha256, code, fraction);
        });
        this.version = Math.max(this.version, Number(row.change_version));
      }
      if (rows.length < 10_000) break;
    }
    // Versions of rows that are not matchable are not read, so catch up to the counter itself.
    this.version = Math.max(this.version, latest);
  }

  private add(sha256: string, code: Uint8Array, cropPerSide: number): void {
    this.index.add(code);
    this.sha256OfPosition.push(sha256);
    this.cropOfPosition.push(cropPerSide);
  }

  /**
   * The best match per stored image for any of the query codes within `radius` bits, nearest first.
   * Searching all dihedral variants of a suspect finds rotated and mirrored copies; the stored crop
   * codes find cropped ones.
   */
  async search(queries: Uint8Array[], radius: number): Promise<FingerprintMatch[]> {
    await this.sync();
    const best = new Map<string, FingerprintMatch>();
    queries.forEach((query, queryIndex) => {
      for (const { position, distance } of this.index.search(query, radius)) {
        const sha256 = this.sha256OfPosition[position]!;
        const current = best.get(sha256);
        if (!current || distance < current.distance) best.set(sha256, { sha256, distance, queryIndex, cropPerSide: this.cropOfPosition[position]! });
      }
    });
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.sha256.localeCompare(b.sha256));
  }
}

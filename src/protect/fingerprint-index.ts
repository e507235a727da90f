import type { FingerprintRepository } from './fingerprint.repository.js';
import { SnapshotDecoder, SnapshotError, type IndexColumns } from './fingerprint-snapshot.js';
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

/** Where a process finds the newest snapshot of the index (fingerprint-snapshot.service.ts). */
export interface SnapshotSource {
  /** The newest snapshot's version and bytes (in parts), or null when none was written. */
  open(): Promise<{ id: string; coversVersion: number; parts: AsyncIterable<Uint8Array> } | null>;
}

export interface IndexLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

type Row = Awaited<ReturnType<FingerprintRepository['changedSince']>>[number];

const PAGE = 10_000;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Every matchable PDQ code in the database, held in a multi-index (see hamming-index.ts), so a
 * near-duplicate search is exact and takes milliseconds at millions of images. It follows the
 * fingerprints table through its commit-ordered change version: before each search it reads the
 * rows written since the version it holds, so a fingerprint committed before a search is always
 * searched.
 *
 * Starting: on its first search (never before: a process that does not scan never loads it) the
 * index loads the newest snapshot (fingerprint-snapshot.ts, written by the worker role from the
 * table) and then reads only the rows changed since the version the snapshot covers. Without a
 * usable snapshot (none yet, another format, damaged) it logs why and reads every row, as before.
 *
 * Columns are typed arrays (codes, crop per code, first code and sha256 per image), not an object
 * per code. A re-fingerprinted image is read again and appended; its old codes stay in this
 * process until restart, and they name the same image, so nothing wrong is reported. Snapshots
 * are built from the table, so they hold only current codes: a restart after the next snapshot
 * drops the old ones. Fingerprint rows are never deleted; a file no work holds any more still
 * matches here and is dropped when the caller resolves matches to works. Access to the works
 * behind a match is checked by the caller, never here.
 */
export class FingerprintIndex {
  private index = new HammingIndex();
  private cropOfCode: Uint8Array = new Uint8Array(1024);
  private fractions: number[] = [];
  private readonly fractionIds = new Map<number, number>();
  private images = 0;
  private imageStarts: Uint32Array = new Uint32Array(256);
  private imageHashes: Uint8Array = new Uint8Array(256 * 32);
  private version = 0;
  private started = false;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly repo: FingerprintRepository,
    private readonly options: { snapshots?: SnapshotSource; logger?: IndexLogger } = {},
  ) {}

  /** Codes held (the whole image and each stored crop, per matchable image). */
  get size(): number {
    return this.index.size;
  }

  /** The fingerprint change version the index has read up to. */
  get coversVersion(): number {
    return this.version;
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
    if (!this.started) {
      if (this.options.snapshots) await this.loadSnapshot(this.options.snapshots);
      this.started = true;
    }
    const latest = await this.repo.version();
    while (this.version < latest) {
      const rows = await this.repo.changedSince(this.version, PAGE);
      for (const row of rows) {
        this.addRow(row);
        this.version = Math.max(this.version, Number(row.change_version));
      }
      if (rows.length < PAGE) break;
    }
    // Versions of rows that are not matchable are not read, so catch up to the counter itself.
    this.version = Math.max(this.version, latest);
  }

  /** Takes the newest snapshot's columns; on any failure logs why and leaves the index empty (every row is read). */
  private async loadSnapshot(source: SnapshotSource): Promise<void> {
    const started = performance.now();
    try {
      const opened = await source.open();
      if (!opened) {
        this.options.logger?.info({}, 'no fingerprint index snapshot yet: reading every fingerprint');
        return;
      }
      // Room for the codes written since the snapshot, so the first ones added do not double the arrays.
      const decoder = new SnapshotDecoder((codes) => Math.max(1024, codes / 8));
      for await (const part of opened.parts) decoder.push(part);
      const columns = decoder.finish();
      if (columns.coversVersion !== opened.coversVersion) throw new SnapshotError('corrupt', `snapshot covers version ${columns.coversVersion}, its record says ${opened.coversVersion}`);
      this.adopt(columns);
      this.options.logger?.info({ snapshot: opened.id, codes: columns.codes, coversVersion: columns.coversVersion, ms: Math.round(performance.now() - started) }, 'fingerprint index loaded from its snapshot');
    } catch (error) {
      this.options.logger?.warn({ err: error instanceof Error ? error.message : String(error), reason: error instanceof SnapshotError ? error.reason : 'read' }, 'fingerprint index snapshot unusable: reading every fingerprint');
    }
  }

  private adopt(columns: IndexColumns): void {
    this.index = HammingIndex.adopt(columns.words, columns.codes);
    this.cropOfCode = columns.cropOfCode;
    this.fractions = columns.fractions;
    this.fractionIds.clear();
    this.fractions.forEach((f, i) => this.fractionIds.set(f, i));
    this.images = columns.images;
    this.imageStarts = columns.imageStarts;
    this.imageHashes = columns.imageHashes;
    this.version = columns.coversVersion;
  }

  /** The index's columns (views, not copies) and the version they cover, for writing a snapshot. */
  columns(): IndexColumns {
    return {
      coversVersion: this.version,
      codes: this.index.size,
      words: this.index.codeWords,
      cropOfCode: this.cropOfCode,
      images: this.images,
      imageStarts: this.imageStarts,
      imageHashes: this.imageHashes,
      fractions: this.fractions,
    };
  }

  private addRow(row: Row): void {
    // Rows are keyed by a blob's sha256; anything else cannot name a stored image.
    if (!SHA256.test(row.sha256)) return;
    const first = this.index.size;
    if (row.pdq?.length === 32) this.addCode(row.pdq, 0);
    const fractions = (row.crop_fractions ?? '').split(',').filter(Boolean).map(Number);
    fractions.forEach((fraction, i) => {
      const code = row.pdq_crops?.subarray(i * 32, i * 32 + 32);
      if (code?.length === 32) this.addCode(code, fraction);
    });
    [0, ...fractions].forEach((fraction, i) => {
      const code = row.pdq_on_black?.subarray(i * 32, i * 32 + 32);
      if (code?.length === 32) this.addCode(code, fraction);
    });
    if (this.index.size === first) return;
    if (this.images === this.imageStarts.length) {
      this.imageStarts = grown(this.imageStarts, this.images * 2);
      this.imageHashes = grown(this.imageHashes, this.images * 2 * 32);
    }
    this.imageStarts[this.images] = first;
    this.imageHashes.set(Buffer.from(row.sha256, 'hex'), this.images * 32);
    this.images++;
  }

  private addCode(code: Uint8Array, cropPerSide: number): void {
    let fraction = this.fractionIds.get(cropPerSide);
    if (fraction === undefined) {
      if (this.fractions.length === 256) throw new RangeError('the fingerprint index holds at most 256 distinct crop fractions');
      fraction = this.fractions.push(cropPerSide) - 1;
      this.fractionIds.set(cropPerSide, fraction);
    }
    const position = this.index.add(code);
    if (position === this.cropOfCode.length) this.cropOfCode = grown(this.cropOfCode, position * 2);
    this.cropOfCode[position] = fraction;
  }

  /** The image a code belongs to: the last image whose first code is at or before it. */
  private imageOf(position: number): number {
    let low = 0;
    let high = this.images - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.imageStarts[mid]! <= position) low = mid;
      else high = mid - 1;
    }
    return low;
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
        const image = this.imageOf(position);
        const sha256 = Buffer.from(this.imageHashes.buffer, this.imageHashes.byteOffset + image * 32, 32).toString('hex');
        const current = best.get(sha256);
        if (!current || distance < current.distance) best.set(sha256, { sha256, distance, queryIndex, cropPerSide: this.fractions[this.cropOfCode[position]!]! });
      }
    });
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.sha256.localeCompare(b.sha256));
  }
}

/** A copy of `array` with room for `length` elements. */
function grown<T extends Uint8Array | Uint32Array>(array: T, length: number): T {
  const out = new (array.constructor as new (n: number) => T)(Math.max(length, 16));
  out.set(array);
  return out;
}

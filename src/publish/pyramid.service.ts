import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { withDecodeBudget } from '../media/decode-budget.js';
import { BlobMissingError, BlobTooLargeForLocalError, type BlobStore } from '../platform/blob-store.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { Database } from '../platform/db/database.js';
import { PermanentJobError } from '../platform/jobs/worker.js';
import { buildPyramid, openPyramid, pyramidNeeded, PyramidSourceError, type PyramidInfo, type RawImageInput } from './iiif/pyramid.js';
import { readStoredPages, type StoredPage } from './iiif/stored-tiles.js';
import type { PyramidRepository, PyramidVariant } from './pyramid.repository.js';

export const PYRAMID_JOB = 'publish.pyramid';
/** Bumped when tile size, quality or layout change, so old pyramids are rebuilt rather than mixed. */
const PYRAMID_VERSION = 'v1';
/**
 * Largest frame marked whole for a public pyramid (the marker holds its raw pixels: 3 bytes a pixel,
 * ~300 MB here). Larger images are shown to visitors as their (marked) display copy instead.
 */
export const PUBLIC_MARK_MAX_PIXELS = 100_000_000;

/** Marks a full-resolution frame with the public watermark (protect's), or null when it cannot carry one. */
export type PublicFrameMarker = (sourceSha256: string, pixels: RawImageInput) => Promise<RawImageInput | null>;

/** A pyramid ready to serve: its file and levels, and (read on first need) its stored tiles. */
export interface ServablePyramid { file: string; info: PyramidInfo; stored?: Promise<StoredPage[] | null> }

/**
 * Tiled pyramids of large images (long side over 2048 px), so no IIIF request decodes a full-size
 * original. Built by a durable job for every new large image; kept as files on local disk beside
 * the blobs (libvips reads a tile by seeking), with their sha256 in the database. When public
 * copies are marked, a second pyramid is made from the publicly watermarked frame for visitors.
 * A pyramid that is missing, of the wrong size or fails to decode is dropped and rebuilt, and its
 * image is served from the original (or the display copy) meanwhile.
 */
export class PyramidService {
  private readonly opened = new Map<string, ServablePyramid>();

  constructor(
    private readonly deps: {
      database: Database; repo: PyramidRepository; blobs: BlobStore; jobs: JobQueue; dataDir: string; maxImagePixels: number; wakeWorkers: () => void;
      /** Set when public copies carry the watermark: the public pyramid is made through it. */
      markPublicFrame: PublicFrameMarker | null;
    },
  ) {}

  private get root(): string {
    return path.join(this.deps.dataDir, 'iiif');
  }

  /** Whether visitors are served a watermarked pyramid (public copies are marked). */
  get marksPublic(): boolean {
    return this.deps.markPublicFrame !== null;
  }

  /** The pyramid of an original (or its public variant), or null (small image, not built yet, or found broken). */
  async find(sourceSha256: string, variant: PyramidVariant = 'original'): Promise<ServablePyramid | null> {
    const key = `${variant}:${sourceSha256}`;
    const known = this.opened.get(key);
    if (known) return known;
    const row = await this.deps.repo.get(sourceSha256, variant);
    if (!row) return null;
    const file = path.join(this.deps.dataDir, row.path);
    // A cheap check at first use in this process; a decode failure later is reported by the renderer.
    const size = await fs.promises.stat(file).then((s) => s.size, () => -1);
    if (size !== row.bytes) {
      await this.broken(sourceSha256, variant);
      return null;
    }
    const pyramid = { file, info: { width: row.width, height: row.height, levels: JSON.parse(row.levels) as PyramidInfo['levels'], tileSize: row.tile_size, bytes: row.bytes } };
    this.opened.set(key, pyramid);
    return pyramid;
  }

  /** The pyramid's stored JPEG tiles (read once per process), or null when they cannot be sent as they are. */
  storedTiles(pyramid: ServablePyramid): Promise<StoredPage[] | null> {
    return (pyramid.stored ??= readStoredPages(pyramid.file));
  }

  /** A pyramid that failed: forget it, and have the job make it again. */
  async broken(sourceSha256: string, variant: PyramidVariant = 'original'): Promise<void> {
    this.opened.delete(`${variant}:${sourceSha256}`);
    await this.deps.repo.remove(sourceSha256, variant);
    await this.enqueue(sourceSha256);
  }

  async enqueue(sourceSha256: string): Promise<void> {
    await this.deps.jobs.enqueue(this.deps.database.db, PYRAMID_JOB, { sha256: sourceSha256 }, { dedupeKey: `${PYRAMID_JOB}:${sourceSha256}` });
    this.deps.wakeWorkers();
  }

  /** The job: builds the pyramids of a stored image (original, and public when marking) when it is large enough to need them. */
  async build(sourceSha256: string): Promise<'built' | 'not_needed' | 'present'> {
    try {
      // The local store's own file; a remote store's bounded temporary copy for the build.
      return await this.deps.blobs.withLocalFile(sourceSha256, (input) => this.buildFrom(sourceSha256, input));
    } catch (error) {
      if (error instanceof BlobMissingError) throw new PermanentJobError(`image ${sourceSha256} is not in the blob store`);
      if (error instanceof BlobTooLargeForLocalError) throw new PermanentJobError(error.message);
      throw error;
    }
  }

  private async buildFrom(sourceSha256: string, input: string): Promise<'built' | 'not_needed' | 'present'> {
    const meta = await sharp(input, { limitInputPixels: false }).metadata().catch(() => null);
    const width = meta?.autoOrient?.width ?? meta?.width ?? 0;
    const height = meta?.autoOrient?.height ?? meta?.height ?? 0;
    if (!pyramidNeeded(width, height)) return 'not_needed';
    const variants: PyramidVariant[] = ['original', ...(this.deps.markPublicFrame && width * height <= PUBLIC_MARK_MAX_PIXELS ? ['public' as const] : [])];
    let built = false;
    for (const variant of variants) {
      const existing = await this.find(sourceSha256, variant);
      if (existing && (await this.intact(sourceSha256, variant))) continue;
      built = (await this.buildVariant(sourceSha256, input, variant)) || built;
    }
    return built ? 'built' : 'present';
  }

  private async buildVariant(sourceSha256: string, input: string, variant: PyramidVariant): Promise<boolean> {
    const relative = path.join('iiif', sourceSha256.slice(0, 2), `${sourceSha256}.${variant === 'public' ? 'public.' : ''}${PYRAMID_VERSION}.tif`);
    const out = path.join(this.deps.dataDir, relative);
    await fs.promises.mkdir(path.dirname(out), { recursive: true });
    let info: PyramidInfo;
    try {
      if (variant === 'original') {
        info = await buildPyramid(input, out, { maxPixels: this.deps.maxImagePixels });
      } else {
        // The frame is decoded whole, marked in a protect thread and tiled from memory: its raw
        // pixels and the marker's working copies stay held meanwhile.
        const marked = await withDecodeBudget(input, { maxPixels: this.deps.maxImagePixels, keptBytesPerPixel: 8 }, async () => {
          const { data, info: decoded } = await sharp(input, { limitInputPixels: this.deps.maxImagePixels, failOn: 'truncated' })
            .autoOrient().toColourspace('srgb').flatten({ background: '#ffffff' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
          const frame = await this.deps.markPublicFrame!(sourceSha256, { data, width: decoded.width, height: decoded.height, channels: decoded.channels as 1 | 2 | 3 | 4 });
          return frame ? buildPyramid(frame, out, { maxPixels: this.deps.maxImagePixels }) : null;
        });
        // Too small or odd to carry a mark: visitors keep the display copy.
        if (!marked) return false;
        info = marked;
      }
    } catch (error) {
      if (error instanceof PyramidSourceError) throw new PermanentJobError(error.message);
      throw error;
    }
    await this.deps.repo.put({
      source_sha256: sourceSha256,
      variant,
      path: relative,
      sha256: await sha256Of(out),
      bytes: info.bytes,
      width: info.width,
      height: info.height,
      levels: JSON.stringify(info.levels),
      tile_size: info.tileSize,
      created_at: new Date().toISOString(),
    });
    this.opened.delete(`${variant}:${sourceSha256}`);
    return true;
  }

  /** Fixity of one pyramid: its bytes still hash to what was recorded. */
  async intact(sourceSha256: string, variant: PyramidVariant = 'original'): Promise<boolean> {
    const row = await this.deps.repo.get(sourceSha256, variant);
    if (!row) return false;
    const actual = await sha256Of(path.join(this.deps.dataDir, row.path)).catch(() => null);
    return actual === row.sha256;
  }

  /**
   * Fixity of every pyramid: one whose bytes no longer hash to what was recorded (or that is gone)
   * is dropped and rebuilt, its image served from the original meanwhile. A pyramid whose original
   * has left the blob store (`gc` removed it: no work holds it) is deleted with its file.
   */
  async verifyAll(): Promise<{ checked: number; broken: number; orphaned: number }> {
    let checked = 0, broken = 0, orphaned = 0;
    for (let after = ''; ;) {
      const rows = await this.deps.repo.after(after, 200);
      if (rows.length === 0) return { checked, broken, orphaned };
      for (const row of rows) {
        checked++;
        const file = path.join(this.deps.dataDir, row.path);
        if (!(await this.deps.blobs.has(row.source_sha256))) {
          orphaned++;
          this.opened.delete(`${row.variant}:${row.source_sha256}`);
          await this.deps.repo.remove(row.source_sha256, row.variant as PyramidVariant);
          await fs.promises.rm(file, { force: true });
          continue;
        }
        const actual = await sha256Of(file).catch(() => null);
        if (actual !== row.sha256) {
          broken++;
          await this.broken(row.source_sha256, row.variant as PyramidVariant);
        }
      }
      after = rows.at(-1)!.path;
    }
  }

  /** Reads a pyramid's levels from its file (tests, the doctor). */
  async levelsOf(sourceSha256: string, variant: PyramidVariant = 'original'): Promise<PyramidInfo | null> {
    const found = await this.find(sourceSha256, variant);
    return found ? openPyramid(found.file) : null;
  }

  /** At start: pyramid files half-written by a killed build (`*.part`) are removed. */
  removeStalePartFiles(now = Date.now()): number {
    let removed = 0;
    if (!fs.existsSync(this.root)) return 0;
    for (const dir of fs.readdirSync(this.root)) {
      const full = path.join(this.root, dir);
      if (!fs.statSync(full).isDirectory()) continue;
      for (const name of fs.readdirSync(full)) {
        if (!name.endsWith('.part')) continue;
        const file = path.join(full, name);
        // Another process on this disk may be writing one right now: only old ones are abandoned.
        if (now - fs.statSync(file).mtimeMs < 60 * 60 * 1000) continue;
        fs.rmSync(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

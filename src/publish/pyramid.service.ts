import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { BlobStore } from '../platform/blob-store.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { Database } from '../platform/db/database.js';
import { PermanentJobError } from '../platform/jobs/worker.js';
import { buildPyramid, openPyramid, pyramidNeeded, PyramidSourceError, type PyramidInfo } from './iiif/pyramid.js';
import type { PyramidRepository } from './pyramid.repository.js';
import { readStoredPages, type StoredPage } from './iiif/stored-tiles.js';

export const PYRAMID_JOB = 'publish.pyramid';
/** Bumped when tile size, quality or layout change, so old pyramids are rebuilt rather than mixed. */
const PYRAMID_VERSION = 'v1';

/** A pyramid ready to serve: its file and levels, and (read on first need) its stored tiles. */
export interface ServablePyramid { file: string; info: PyramidInfo; stored?: Promise<StoredPage[] | null> }

/**
 * Tiled pyramids of large images (long side over 2048 px), so no IIIF request decodes a full-size
 * original. Built by a durable job for every new large image; kept as files on local disk beside
 * the blobs (libvips reads a tile by seeking), with their sha256 in the database. A pyramid that
 * is missing, of the wrong size or fails to decode is dropped and rebuilt, and its image is served
 * from the original meanwhile.
 */
export class PyramidService {
  private readonly opened = new Map<string, ServablePyramid>();

  constructor(
    private readonly deps: { database: Database; repo: PyramidRepository; blobs: BlobStore; jobs: JobQueue; dataDir: string; maxImagePixels: number; wakeWorkers: () => void },
  ) {}

  private get root(): string {
    return path.join(this.deps.dataDir, 'iiif');
  }

  /** The pyramid of an original, or null (small image, not built yet, or found broken). */
  async find(sourceSha256: string): Promise<ServablePyramid | null> {
    const known = this.opened.get(sourceSha256);
    if (known) return known;
    const row = await this.deps.repo.get(sourceSha256);
    if (!row) return null;
    const file = path.join(this.deps.dataDir, row.path);
    // A cheap check at first use in this process; a decode failure later is reported by the renderer.
    const size = await fs.promises.stat(file).then((s) => s.size, () => -1);
    if (size !== row.bytes) {
      await this.broken(sourceSha256);
      return null;
    }
    const pyramid = { file, info: { width: row.width, height: row.height, levels: JSON.parse(row.levels) as PyramidInfo['levels'], tileSize: row.tile_size, bytes: row.bytes } };
    this.opened.set(sourceSha256, pyramid);
    return pyramid;
  }

  /** The pyramid's stored JPEG tiles (read once per process), or null when they cannot be sent as they are. */
  storedTiles(pyramid: ServablePyramid): Promise<StoredPage[] | null> {
    return (pyramid.stored ??= readStoredPages(pyramid.file));
  }

  /** A pyramid that failed: forget it, and have the job make it again. */
  async broken(sourceSha256: string): Promise<void> {
    this.opened.delete(sourceSha256);
    await this.deps.repo.remove(sourceSha256);
    await this.enqueue(sourceSha256);
  }

  async enqueue(sourceSha256: string): Promise<void> {
    await this.deps.jobs.enqueue(this.deps.database.db, PYRAMID_JOB, { sha256: sourceSha256 }, { dedupeKey: `${PYRAMID_JOB}:${sourceSha256}` });
    this.deps.wakeWorkers();
  }

  /** The job: builds the pyramid of a stored image when it is large enough to need one. */
  async build(sourceSha256: string): Promise<'built' | 'not_needed' | 'present'> {
    const existing = await this.find(sourceSha256);
    if (existing && (await this.intact(sourceSha256, existing.file))) return 'present';
    const input = this.deps.blobs.localPath(sourceSha256);
    if (!input || !fs.existsSync(input)) throw new PermanentJobError(`image ${sourceSha256} is not in the blob store`);
    const meta = await sharp(input, { limitInputPixels: false }).metadata().catch(() => null);
    const width = meta?.autoOrient?.width ?? meta?.width ?? 0;
    const height = meta?.autoOrient?.height ?? meta?.height ?? 0;
    if (!pyramidNeeded(width, height)) return 'not_needed';
    const relative = path.join('iiif', sourceSha256.slice(0, 2), `${sourceSha256}.${PYRAMID_VERSION}.tif`);
    const out = path.join(this.deps.dataDir, relative);
    await fs.promises.mkdir(path.dirname(out), { recursive: true });
    let info: PyramidInfo;
    try {
      info = await buildPyramid(input, out, { maxPixels: this.deps.maxImagePixels });
    } catch (error) {
      if (error instanceof PyramidSourceError) throw new PermanentJobError(error.message);
      throw error;
    }
    await this.deps.repo.put({
      source_sha256: sourceSha256,
      path: relative,
      sha256: await sha256Of(out),
      bytes: info.bytes,
      width: info.width,
      height: info.height,
      levels: JSON.stringify(info.levels),
      tile_size: info.tileSize,
      created_at: new Date().toISOString(),
    });
    this.opened.delete(sourceSha256);
    return 'built';
  }

  /** Fixity of one pyramid: its bytes still hash to what was recorded. */
  async intact(sourceSha256: string, file?: string): Promise<boolean> {
    const row = await this.deps.repo.get(sourceSha256);
    if (!row) return false;
    const actual = await sha256Of(file ?? path.join(this.deps.dataDir, row.path)).catch(() => null);
    return actual === row.sha256;
  }

  /**
   * Fixity of every pyramid: one whose bytes no longer hash to what was recorded (or that is gone)
   * is dropped and rebuilt, its image served from the original meanwhile.
   */
  async verifyAll(): Promise<{ checked: number; broken: number }> {
    let checked = 0, broken = 0;
    for (let after = ''; ;) {
      const rows = await this.deps.repo.after(after, 200);
      if (rows.length === 0) return { checked, broken };
      for (const row of rows) {
        checked++;
        const actual = await sha256Of(path.join(this.deps.dataDir, row.path)).catch(() => null);
        if (actual !== row.sha256) {
          broken++;
          await this.broken(row.source_sha256);
        }
      }
      after = rows.at(-1)!.source_sha256;
    }
  }

  /** Reads a pyramid's levels from its file (tests, the doctor). */
  async levelsOf(sourceSha256: string): Promise<PyramidInfo | null> {
    const found = await this.find(sourceSha256);
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

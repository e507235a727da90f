/**
 * Pyramidal TIFFs for the IIIF image service: one file per image holding the full image and every
 * halving of it as JPEG-compressed tiles, so any region at any scale is read from a few tiles of a
 * small level instead of decoding the original.
 *
 * Layout (measured with libvips 8.18 through sharp 0.35, see pyramid.test.ts): sharp writes the
 * levels as consecutive top-level pages (IFDs), full size first; it cannot write SubIFDs. Level k
 * is page k, `floor(width / 2^k) × floor(height / 2^k)` (libvips halves with a 2×2 box and drops an
 * odd last row/column), and the pyramid stops at the first level that fits in one tile. A level is
 * opened with `sharp(file, { page: k })`; `subifd` does not apply to these files.
 *
 * Pixels are normalised once, here, so the renderer never has to: upright (EXIF orientation
 * applied), 8-bit sRGB (an embedded ICC profile is converted, CMYK and 16-bit sources too), three
 * bands. Transparency is flattened onto white: JPEG tiles cannot carry alpha, white is what a
 * museum's object-on-transparent photograph is shown on, and the same image must look the same at
 * every size whether it is served from a pyramid or (when small) from its original, which the
 * renderer flattens the same way.
 *
 * sharp settings relied on: `sharp.cache(false)` (the process sets it in media/image-probe.ts; a
 * tile cache keyed by file would otherwise keep decoded tiles of every pyramid) and the default
 * `sharp.concurrency()` (1 thread per decode on glibc Linux without jemalloc: memory is bounded
 * by the decode budget, and parallelism comes from concurrent requests).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { decodeBudget, decodeCost, readImageHeader, type DecodeBudget } from '../../media/decode-budget.js';

/** One level of a pyramid: its size and the TIFF page that holds it (page 0 is the full image). */
export interface PyramidLevel { width: number; height: number; page: number }

export interface PyramidInfo {
  /** Size of the full image (level 0), upright. */
  width: number;
  height: number;
  /** Every level, largest first; `levels[k]` is the image shrunk by 2^k. */
  levels: PyramidLevel[];
  tileSize: number;
  /** Size of the pyramid file. */
  bytes: number;
}

/** Pixels already decoded (a display copy, a test gradient): interleaved 8-bit samples. */
export interface RawImageInput { data: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 }

export interface BuildPyramidOptions {
  /** Sources declaring more pixels are refused from their header, before any pixel is decoded. */
  maxPixels: number;
  /** Tile edge in pixels (256: what IIIF viewers ask for by default). */
  tileSize?: number;
  /** JPEG quality of the tiles (DEFAULT_PYRAMID_QUALITY; tiles are decoded and re-encoded once more when served). */
  quality?: number;
  /** The decode budget to run under (the process's by default). */
  budget?: DecodeBudget;
}

/** The pyramid could not be made from this source (corrupt, truncated, too large): retrying will not help. */
export class PyramidSourceError extends Error {}

export const DEFAULT_TILE_SIZE = 256;
/**
 * JPEG quality of the tiles. 89, not 90: from quality 90 libvips writes the tiles without chroma
 * subsampling, which made a 6144×4096 kodak mosaic's pyramid 25.7 MiB at 90 against 8.9 MiB at 89
 * (7.5 MiB at 85) for no difference a viewer sees once the tile is re-encoded at 85 to be served.
 */
export const DEFAULT_PYRAMID_QUALITY = 89;
/**
 * Images up to this many pixels on the long side are served from their original: a whole 2048 px
 * image decodes in tens of milliseconds (12 MB of pixels), the display copy is already that size,
 * and a pyramid of it would save little for a file that costs disk and a job.
 */
export const PYRAMID_MIN_LONG_SIDE = 2048;

/** Whether an image of this (upright) size gets a pyramid rather than being served from its original. */
export function pyramidNeeded(width: number, height: number): boolean {
  return Math.max(width, height) > PYRAMID_MIN_LONG_SIDE;
}

/** The sizes libvips gives the levels of a `width × height` pyramid with `tileSize` tiles. */
export function pyramidLevelSizes(width: number, height: number, tileSize: number): { width: number; height: number }[] {
  const sizes = [{ width, height }];
  let w = width, h = height;
  while ((w > tileSize || h > tileSize) && w > 1 && h > 1) {
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
    sizes.push({ width: w, height: h });
  }
  return sizes;
}

/**
 * Writes a tiled pyramidal TIFF of `input` to `out`, atomically: the file is written beside it as
 * `out.part`, fsynced and renamed, so `out` is either absent or complete (a crash or a corrupt
 * source leaves no `out`; the `.part` is removed on failure). The source is streamed: libvips reads
 * it top to bottom once and writes every level as the rows arrive, so memory grows with the width,
 * not the area (measured in bench/iiif-pyramid.ts).
 */
export async function buildPyramid(input: string | RawImageInput, out: string, options: BuildPyramidOptions): Promise<PyramidInfo> {
  const tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
  const quality = options.quality ?? DEFAULT_PYRAMID_QUALITY;
  const budget = options.budget ?? decodeBudget;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0) throw new RangeError('tileSize must be a multiple of 16');
  const part = `${out}.part`;
  const bytes = await pyramidCost(input, options.maxPixels, tileSize);
  try {
    await budget.run(bytes, async () => {
      const source = typeof input === 'string'
        // failOn 'truncated': a cut-off master must not become a pyramid with a grey bottom half.
        ? sharp(input, { limitInputPixels: options.maxPixels, failOn: 'truncated', sequentialRead: true })
        : sharp(rawInput(input, options.maxPixels), { raw: { width: input.width, height: input.height, channels: input.channels } });
      await source
        .autoOrient()
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .tiff({ tile: true, tileWidth: tileSize, tileHeight: tileSize, pyramid: true, compression: 'jpeg', quality })
        .toFile(part);
    });
    await fsyncPath(part);
    await fs.rename(part, out);
    await fsyncPath(path.dirname(out)).catch(() => undefined); // some file systems refuse a directory fsync
  } catch (error) {
    await fs.rm(part, { force: true });
    if (error instanceof RangeError) throw error;
    throw new PyramidSourceError(`cannot make a pyramid: ${reason(error)}`);
  }
  return openPyramid(out);
}

/**
 * Reads a pyramid's levels from its TIFF header (one metadata read per page, no pixels). Cheap, but
 * a server should keep the answer beside the file's path (it never changes once written).
 */
export async function openPyramid(file: string): Promise<PyramidInfo> {
  const [stat, first] = await Promise.all([fs.stat(file), sharp(file, { limitInputPixels: false }).metadata()]);
  if (first.format !== 'tiff' || !first.width || !first.height) throw new PyramidSourceError(`${file} is not a pyramidal TIFF`);
  const pages = first.pages ?? 1;
  const levels: PyramidLevel[] = [{ width: first.width, height: first.height, page: 0 }];
  for (let page = 1; page < pages; page++) {
    const meta = await sharp(file, { limitInputPixels: false, page }).metadata();
    if (!meta.width || !meta.height) break;
    levels.push({ width: meta.width, height: meta.height, page });
  }
  // Tiles are square here; libvips reports no tile size in metadata, so read it from TIFF tag 322.
  const tileSize = await readTileWidth(file) ?? DEFAULT_TILE_SIZE;
  return { width: first.width, height: first.height, levels, tileSize, bytes: stat.size };
}

/**
 * Estimated bytes the build holds: the streaming decode of the source (from its header) plus, per
 * level, the two tile rows libvips keeps while it fills one and writes the other.
 */
async function pyramidCost(input: string | RawImageInput, maxPixels: number, tileSize: number): Promise<number> {
  const header = typeof input === 'string' ? await readImageHeader(input) : null;
  const width = header?.width ?? (typeof input === 'string' ? 0 : input.width);
  // A header that cannot be read, or one over the limit, fails in sharp before any pixel: no room needed.
  if (typeof input === 'string' && (!header || header.width * header.height > maxPixels)) return 1;
  const decode = header ? decodeCost(header) : decodeCost({ width, height: tileSize, channels: 3, depth: 'uchar', format: 'raw', progressive: false, orientation: 1 });
  // Geometric series over the levels: each is half as wide as the one above, so twice level 0's rows.
  return decode + 2 * (2 * tileSize * width * 3);
}

function rawInput(input: RawImageInput, maxPixels: number): Buffer {
  if (input.width * input.height > maxPixels) throw new Error(`image is ${input.width}×${input.height}, above the limit of ${maxPixels} pixels`);
  if (input.data.length !== input.width * input.height * input.channels) throw new Error('raw pixel buffer does not match its width, height and channels');
  return input.data;
}

async function fsyncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** TIFF tag TileWidth (322) of the first IFD, or null (not tiled, or a header this reader does not follow). */
async function readTileWidth(file: string): Promise<number | null> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(16);
    await handle.read(head, 0, 16, 0);
    const little = head.toString('latin1', 0, 2) === 'II';
    const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
    const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const magic = u16(head, 2);
    if (magic !== 42) return null; // BigTIFF (43) is never written by sharp
    const ifd = u32(head, 4);
    const countBuf = Buffer.alloc(2);
    await handle.read(countBuf, 0, 2, ifd);
    const count = u16(countBuf, 0);
    const entries = Buffer.alloc(count * 12);
    await handle.read(entries, 0, entries.length, ifd + 2);
    for (let i = 0; i < count; i++) {
      const at = i * 12;
      if (u16(entries, at) !== 322) continue;
      const type = u16(entries, at + 2);
      return type === 3 ? u16(entries, at + 8) : u32(entries, at + 8);
    }
    return null;
  } finally {
    await handle.close();
  }
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^Input (file|buffer) /, '').slice(0, 300);
}

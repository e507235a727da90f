/**
 * An unaligned region of a JPEG-tiled pyramid, rendered without sharp: the stored tiles it touches
 * are decoded by libjpeg-turbo (and kept decoded, bounded by bytes), the pixels the resize reads
 * are copied into one window, resized by our SIMD Lanczos-3 (`resample.ts`) and encoded by
 * libjpeg-turbo. For a 256-pixel answer this is ~0.6–2 ms of CPU against ~6–7 ms through libvips,
 * whose fixed cost per call (opening the TIFF page, building and running a pipeline) dominates at
 * that size. The level, the rect and the resize-then-cut geometry are the sharp path's own
 * (`chooseLevel`, `resizePlan`), so both give the same answer within JPEG noise.
 *
 * Synchronous and single-threaded: it runs in the render threads (`tile-region-pool.ts`).
 */
import { createRequire } from 'node:module';
import type { ImageRequest } from './image-api.js';
import { chooseLevel, RENDER_JPEG_QUALITY, resizePlan } from './render-plan.js';
import type { PyramidInfo } from './pyramid.js';
import { axisTaps, Resampler } from './resample.js';
import { readStoredTileSync, type StoredPage } from './stored-tiles.js';
import { TileCache } from './tile-cache.js';

type Turbo = typeof import('@julusian/jpeg-turbo');
let turbo: Turbo | null | undefined;

/**
 * libjpeg-turbo's binding (a CommonJS native module with prebuilt binaries for the common platforms
 * in its package; its install script is not run), or null where it does not load: sharp then renders
 * every request.
 */
export function jpegTurbo(): Turbo | null {
  if (turbo === undefined) {
    try {
      turbo = createRequire(import.meta.url)('@julusian/jpeg-turbo') as Turbo;
    } catch {
      turbo = null;
    }
  }
  return turbo;
}

/** Largest answer side taken here: beyond it sharp's fixed cost matters less, and a thread's WebAssembly memory (which never shrinks) stays under about 12 MB. */
export const TILE_REGION_MAX_SIDE = 512;

/**
 * Whether `req` is one this renderer takes: a jpg in colour, unturned, no larger than
 * TILE_REGION_MAX_SIDE, from a pyramid whose pages are its levels, and not enlarged (the level
 * chosen holds at least the answer's pixels). Everything else goes to sharp.
 */
export function tileRegionApplies(info: PyramidInfo, pages: readonly StoredPage[] | null, req: ImageRequest): boolean {
  if (!pages || req.format !== 'jpg' || (req.quality !== 'default' && req.quality !== 'color') || req.rotation.degrees !== 0 || req.rotation.mirror) return false;
  if (req.size.width > TILE_REGION_MAX_SIDE || req.size.height > TILE_REGION_MAX_SIDE) return false;
  if (pages.length < info.levels.length || info.levels.some((level, k) => pages[k]!.width !== level.width || pages[k]!.height !== level.height)) return false;
  const { rect } = chooseLevel(info, req);
  return rect.width >= req.size.width && rect.height >= req.size.height;
}

/** One pyramid file as the renderer reads it. */
export interface TileRegionSource {
  /** Names this pyramid's bytes (a rebuilt file gets a new key): decoded tiles are kept under it. */
  key: string;
  fd: number;
  info: PyramidInfo;
  pages: readonly StoredPage[];
}

export class TileRegionRenderer {
  private readonly resampler = new Resampler();
  /** Decoded tiles (RGB) by pyramid, level and index. */
  private readonly decoded: TileCache<{ data: Buffer }>;
  /** Buffers of tiles that left the cache, reused for the next decodes: a fresh 192 KiB buffer each time costs page faults. */
  private readonly spare: Buffer[] = [];
  private readonly turbo: Turbo;

  constructor(decodedTileBytes: number) {
    const loaded = jpegTurbo();
    if (!loaded) throw new Error('libjpeg-turbo (@julusian/jpeg-turbo) does not load on this platform');
    this.turbo = loaded;
    this.decoded = new TileCache(decodedTileBytes, ({ data }) => {
      if (this.spare.length < 8) this.spare.push(data);
    });
  }

  /** Drops the decoded tiles of a pyramid (rebuilt or found broken). */
  forget(key: string): void {
    this.decoded.forget(`${key}|`);
  }

  /** The answer to `req` as a JPEG; throws on a tile that does not read or decode as its page says. */
  render(source: TileRegionSource, req: ImageRequest): Buffer {
    const choice = chooseLevel(source.info, req);
    const { rect, factorX, factorY } = choice;
    const exact = { x0: req.region.x / factorX, y0: req.region.y / factorY, x1: (req.region.x + req.region.width) / factorX, y1: (req.region.y + req.region.height) / factorY };
    const plan = resizePlan(rect, exact, req.size);
    const cut = plan.cut ?? { x: 0, y: 0 };
    const x = axisTaps(rect.width, plan.resize.width, cut.x, req.size.width);
    const y = axisTaps(rect.height, plan.resize.height, cut.y, req.size.height);
    // The window: only the level pixels the taps read.
    const x0 = rect.x + x.first, x1 = rect.x + x.end, y0 = rect.y + y.first, y1 = rect.y + y.end;
    const { pixels, stride } = this.resampler.window(x1 - x0, y1 - y0, x, y);
    // Plain Uint8Array views: their subarray + set copies a row in less time than Buffer.copy.
    const window = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const page = source.pages[choice.index]!;
    const tw = page.tileWidth, th = page.tileHeight, columns = Math.ceil(page.width / tw);
    for (let row = Math.floor(y0 / th); row * th < y1; row++) {
      for (let col = Math.floor(x0 / tw); col * tw < x1; col++) {
        const data = this.tile(source, choice.index, page, row * columns + col);
        const tile = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        const left = Math.max(x0, col * tw), right = Math.min(x1, (col + 1) * tw);
        const top = Math.max(y0, row * th), bottom = Math.min(y1, (row + 1) * th);
        for (let yy = top; yy < bottom; yy++) {
          const from = ((yy - row * th) * tw + (left - col * tw)) * 3;
          window.set(tile.subarray(from, from + (right - left) * 3), (yy - y0) * stride + (left - x0) * 3);
        }
      }
    }
    const rgb = this.resampler.resize();
    return this.turbo.compressSync(rgb, { format: this.turbo.FORMAT_RGB, width: req.size.width, height: req.size.height, quality: RENDER_JPEG_QUALITY, subsampling: this.turbo.SAMP_420 });
  }

  private tile(source: TileRegionSource, level: number, page: StoredPage, index: number): Buffer {
    const key = `${source.key}|${level}|${index}`;
    const kept = this.decoded.get(key);
    if (kept) return kept.data;
    const jpeg = readStoredTileSync(source.fd, { page, index });
    const bytes = page.tileWidth * page.tileHeight * 3;
    const reused = this.spare.pop();
    const { data, width, height } = this.turbo.decompressSync(jpeg, reused?.length === bytes ? reused : Buffer.allocUnsafeSlow(bytes), { format: this.turbo.FORMAT_RGB });
    if (width !== page.tileWidth || height !== page.tileHeight) throw new Error(`tile ${index} of level ${level} decodes as ${width} × ${height}`);
    this.decoded.set(key, { data });
    return data;
  }
}

/**
 * An unaligned region of a JPEG-tiled pyramid, rendered without sharp: the stored tiles it touches
 * are decoded by libjpeg-turbo (and kept decoded for every render thread, `decoded-tiles.ts`), the
 * pixels the resize reads are copied into one window, resized by our SIMD Lanczos-3 (`resample.ts`)
 * and encoded by libjpeg-turbo. For a 256-pixel answer this is ~0.6–2 ms of CPU against ~6–7 ms through libvips,
 * whose fixed cost per call (opening the TIFF page, building and running a pipeline) dominates at
 * that size. The level, the rect and the resize-then-cut geometry are the sharp path's own
 * (`chooseLevel`, `resizePlan`), so both give the same answer within JPEG noise.
 *
 * Synchronous and single-threaded: it runs in the render threads (`tile-region-pool.ts`).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';
import { allocateDecodedTiles, DecodedTiles, DEFAULT_SLOT_BYTES, lockOwner, slotsIn, type DecodedTilesMemory, type SourceId } from './decoded-tiles.js';
import type { ImageRequest } from './image-api.js';
import { chooseLevel, RENDER_JPEG_QUALITY, resizePlan } from './render-plan.js';
import type { PyramidInfo } from './pyramid.js';
import { HEAP_START, Resampler, sharedWasmMemory, WORK_AREA_BYTES, type WasmMemory } from './resample.js';
import { readStoredTileSync, type StoredPage } from './stored-tiles.js';

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
  if (pages.length < info.levels.length || info.levels.some((level, k) => pages[k]!.width !== level.width || pages[k]!.height !== level.height || pages[k]!.tileWidth * pages[k]!.tileHeight * 3 > DEFAULT_SLOT_BYTES)) return false;
  const { rect } = chooseLevel(info, req);
  // Not enlarged, and shrunk less than 2× plus a pixel on each axis (as the level chosen shrinks an
  // undistorted region): the resize then fits a render thread's work area (WORK_AREA_BYTES).
  const fits = (level: number, out: number) => level >= out && level <= 2 * out + 2;
  return fits(rect.width, req.size.width) && fits(rect.height, req.size.height);
}

/**
 * The memory of a pool's render threads: one shared WebAssembly memory holding the decoded tiles'
 * slots and then one work area per thread, and the decoded tiles' table.
 */
export interface RenderMemory {
  memory: WasmMemory;
  tiles: DecodedTilesMemory;
  /** Where each thread's work area starts (WORK_AREA_BYTES long). */
  areas: number[];
}

export function allocateRenderMemory(decodedTileBytes: number, threads: number): RenderMemory {
  const tileBytes = slotsIn(decodedTileBytes) * DEFAULT_SLOT_BYTES;
  const memory = sharedWasmMemory(tileBytes + threads * WORK_AREA_BYTES);
  const tiles = allocateDecodedTiles(decodedTileBytes, DEFAULT_SLOT_BYTES, { buffer: memory.buffer as SharedArrayBuffer, at: HEAP_START });
  return { memory, tiles, areas: Array.from({ length: threads }, (_, i) => HEAP_START + tileBytes + i * WORK_AREA_BYTES) };
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
  private readonly resampler: Resampler;
  /** Decoded tiles (RGB), shared with the process's other render threads. */
  readonly decoded: DecodedTiles;
  /** Where a tile decoded outside the shared slots goes (no slot free), in this thread's work area. */
  private readonly scratchAt: number;
  private readonly memory: WasmMemory;
  private readonly sourceIds = new Map<string, SourceId>();
  private readonly turbo: Turbo;

  /**
   * `memory`: the pool's render memory and this thread's area in it, or a size in bytes of decoded
   * tiles for a renderer with memory of its own (tests, benchmarks).
   */
  constructor(memory: RenderMemory | number, area = 0) {
    const loaded = jpegTurbo();
    if (!loaded) throw new Error('libjpeg-turbo (@julusian/jpeg-turbo) does not load on this platform');
    this.turbo = loaded;
    const render = typeof memory === 'number' ? allocateRenderMemory(memory, 1) : memory;
    this.memory = render.memory;
    this.decoded = new DecodedTiles(render.tiles, lockOwner(threadId));
    const at = render.areas[area]!;
    this.scratchAt = at;
    this.resampler = new Resampler({ memory: render.memory, at: at + DEFAULT_SLOT_BYTES, bytes: WORK_AREA_BYTES - DEFAULT_SLOT_BYTES });
  }

  /** Drops the decoded tiles of a pyramid (rebuilt or found broken), for every thread. */
  forget(key: string): void {
    this.decoded.forget(this.sourceId(key));
  }

  /** The answer to `req` as a JPEG; throws on a tile that does not read or decode as its page says. */
  render(source: TileRegionSource, req: ImageRequest): Buffer {
    const choice = chooseLevel(source.info, req);
    const { rect, factorX, factorY } = choice;
    const exact = { x0: req.region.x / factorX, y0: req.region.y / factorY, x1: (req.region.x + req.region.width) / factorX, y1: (req.region.y + req.region.height) / factorY };
    const plan = resizePlan(rect, exact, req.size);
    const cut = plan.cut ?? { x: 0, y: 0 };
    // The window: only the level pixels the taps read.
    const window = this.resampler.layout(
      { sourceLength: rect.width, resizedLength: plan.resize.width, offset: cut.x, out: req.size.width },
      { sourceLength: rect.height, resizedLength: plan.resize.height, offset: cut.y, out: req.size.height },
    );
    const x0 = rect.x + window.x0, x1 = x0 + window.width, y0 = rect.y + window.y0, y1 = y0 + window.height;
    const page = source.pages[choice.index]!;
    const id = this.sourceId(source.key);
    const tw = page.tileWidth, th = page.tileHeight, columns = Math.ceil(page.width / tw);
    const tileBytes = tw * th * 3;
    for (let row = Math.floor(y0 / th); row * th < y1; row++) {
      for (let col = Math.floor(x0 / tw); col * tw < x1; col++) {
        const left = Math.max(x0, col * tw), right = Math.min(x1, (col + 1) * tw);
        const top = Math.max(y0, row * th), bottom = Math.min(y1, (row + 1) * th);
        const inTile = ((top - row * th) * tw + (left - col * tw)) * 3;
        const copy = (tileAt: number) => this.resampler.copyIn(tileAt + inTile, tw * 3, left - x0, top - y0, (right - left) * 3, bottom - top);
        const index = row * columns + col;
        const shared = this.decoded.get(id, choice.index, index, tileBytes, (into) => this.decode(source, choice.index, page, index, into));
        if (shared) copy(shared.at);
        // Not kept, or its slot was taken for another tile while the rows were copied: a decode of its own.
        if (!shared || !this.decoded.unchanged(shared)) {
          this.decode(source, choice.index, page, index, Buffer.from(this.memory.buffer, this.scratchAt, tileBytes));
          copy(this.scratchAt);
        }
      }
    }
    const rgb = this.resampler.resize();
    return this.turbo.compressSync(rgb, { format: this.turbo.FORMAT_RGB, width: req.size.width, height: req.size.height, quality: RENDER_JPEG_QUALITY, subsampling: this.turbo.SAMP_420 });
  }

  private sourceId(key: string): SourceId {
    let id = this.sourceIds.get(key);
    if (!id) {
      const digest = createHash('sha256').update(key).digest();
      id = { a: digest.readInt32LE(0), b: digest.readInt32LE(4) };
      if (this.sourceIds.size >= 1024) this.sourceIds.clear();
      this.sourceIds.set(key, id);
    }
    return id;
  }

  private decode(source: TileRegionSource, level: number, page: StoredPage, index: number, into: Buffer): void {
    const jpeg = readStoredTileSync(source.fd, { page, index });
    const { width, height } = this.turbo.decompressSync(jpeg, into, { format: this.turbo.FORMAT_RGB });
    if (width !== page.tileWidth || height !== page.tileHeight) throw new Error(`tile ${index} of level ${level} decodes as ${width} × ${height}`);
  }
}

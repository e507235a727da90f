/**
 * One budget for the memory image decoding may take in this process. A 24 KB PNG can declare 196
 * megapixels, and some decoders (interlaced PNG, progressive JPEG, GIF, TIFF, HEIF…) hold the whole
 * frame, so every decode asks the budget for its estimated bytes first and waits while others hold
 * it. Ingest, jobs and scans share the one instance: libvips' memory belongs to the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import sharp from 'sharp';

const MiB = 1024 * 1024;

/**
 * Decoded pixels live outside V8's heap, and V8 counts them only when the next buffer is made, so
 * a 600 MB frame stays until the next decode has allocated its own (measured: 1.2 GB for two
 * sequential 196 MP decodes). A collection after a large grant frees it before the next one starts.
 */
const GC_AFTER_BYTES = 64 * MiB;
const collectGarbage: (() => void) | null = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();

/** The default budget: leaves room for Node, the database and the HTTP server on a 4 GiB machine. */
export const DEFAULT_DECODE_BUDGET_BYTES = 512 * MiB;

/** What the budget has done, for tests, benchmarks and the logs. */
export interface DecodeBudgetStats {
  limitBytes: number;
  /** Estimated bytes held by running decodes now, and the most ever held at once. */
  inUseBytes: number;
  peakInUseBytes: number;
  /** Decodes running now, and the most that ever ran at once. */
  running: number;
  peakRunning: number;
  /** Decodes waiting for room now. */
  waiting: number;
  /** Decodes admitted so far; those that had to wait; those larger than the whole budget (run alone). */
  granted: number;
  waited: number;
  alone: number;
}

interface Waiter {
  bytes: number;
  grant: (release: () => void) => void;
}

/**
 * A weighted semaphore over estimated bytes, first come first served (a large decode is not starved
 * by a stream of small ones). A request larger than the whole budget waits until nothing else runs
 * and then runs alone, so it is slow but never deadlocks.
 */
export class DecodeBudget {
  private inUse = 0;
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly held = new AsyncLocalStorage<true>();
  private counters = { peakInUseBytes: 0, peakRunning: 0, granted: 0, waited: 0, alone: 0 };
  private remote: ((bytes: number) => Promise<() => void>) | null = null;

  constructor(private limitBytes: number = DEFAULT_DECODE_BUDGET_BYTES) {
    if (!(limitBytes > 0)) throw new RangeError('the decode budget must be positive');
  }

  get limit(): number {
    return this.limitBytes;
  }

  /** Changes the limit (start-up configuration); waiting decodes are admitted if they now fit. */
  setLimit(bytes: number): void {
    if (!(bytes > 0)) throw new RangeError('the decode budget must be positive');
    this.limitBytes = bytes;
    this.admit();
  }

  /**
   * Runs `fn` once `bytes` fit in the budget. Inside `fn` the budget is held: nested calls (an
   * embed that first looks for an existing mark) run at once under the outer grant instead of
   * waiting for room the outer call itself holds.
   */
  async run<T>(bytes: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.held.getStore()) return fn();
    const release = await this.acquire(bytes, signal);
    try {
      return await this.held.run(true, fn);
    } finally {
      if (bytes >= GC_AFTER_BYTES) collectGarbage?.();
      release();
    }
  }

  /**
   * In a worker thread: grants come from `acquire` (the main thread's budget, by message) instead,
   * since libvips' memory is the whole process's, not one thread's.
   */
  delegateTo(acquire: (bytes: number) => Promise<() => void>): void {
    this.remote = acquire;
  }

  /** Waits for room for `bytes`; returns the function that gives them back (idempotent). */
  acquire(bytes: number, signal?: AbortSignal): Promise<() => void> {
    const need = Math.max(1, Math.ceil(bytes));
    signal?.throwIfAborted();
    if (this.remote) return this.remote(need);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { bytes: need, grant: resolve };
      if (this.queue.length === 0 && this.fits(need)) {
        this.start(waiter);
        return;
      }
      this.counters.waited++;
      this.queue.push(waiter);
      signal?.addEventListener('abort', () => {
        const at = this.queue.indexOf(waiter);
        if (at < 0) return; // already admitted: the caller releases
        this.queue.splice(at, 1);
        reject(signal.reason);
        this.admit(); // the head may have changed
      }, { once: true });
    });
  }

  /** True inside `run`: the caller already holds a grant. */
  holding(): boolean {
    return this.held.getStore() === true;
  }

  stats(): DecodeBudgetStats {
    return { limitBytes: this.limitBytes, inUseBytes: this.inUse, running: this.active, waiting: this.queue.length, ...this.counters };
  }

  /** Zeroes the peaks and counts (benchmarks and tests measure one run at a time). */
  resetStats(): void {
    this.counters = { peakInUseBytes: this.inUse, peakRunning: this.active, granted: 0, waited: 0, alone: 0 };
  }

  private fits(bytes: number): boolean {
    return this.active === 0 || this.inUse + bytes <= this.limitBytes;
  }

  private start(waiter: Waiter): void {
    if (waiter.bytes > this.limitBytes) this.counters.alone++;
    this.inUse += waiter.bytes;
    this.active++;
    this.counters.granted++;
    this.counters.peakInUseBytes = Math.max(this.counters.peakInUseBytes, this.inUse);
    this.counters.peakRunning = Math.max(this.counters.peakRunning, this.active);
    let released = false;
    waiter.grant(() => {
      if (released) return;
      released = true;
      this.inUse -= waiter.bytes;
      this.active--;
      this.admit();
    });
  }

  private admit(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0]!.bytes)) this.start(this.queue.shift()!);
  }
}

/** The process's budget; `createApp` sets its limit from WENYUAN_DECODE_BUDGET_MB. */
export const decodeBudget = new DecodeBudget();

/** What the estimate needs from an image's header (read without decoding any pixel). */
export interface ImageHeader {
  width: number;
  height: number;
  /** Bands the decoder gives (3 for RGB, 4 with alpha, 1 for grey). */
  channels: number;
  /** libvips band format: uchar, ushort, float… */
  depth: string;
  format: string;
  /** Interlaced PNG or progressive JPEG: the decoder holds the whole frame. */
  progressive: boolean;
  /** EXIF orientation; 2–8 turn or mirror, which needs the decoded frame in memory. */
  orientation: number;
  /** JPEG only: 4:2:0, 4:4:4… (sizes a progressive JPEG's coefficient buffer). */
  chromaSubsampling?: string;
}

/** What the decode does with the pixels, for the estimate. */
export interface DecodePlan {
  /** The pipeline shrinks to fit this many pixels on the long side (lets JPEG and WebP shrink on load). */
  shrinkTo?: number | ((header: ImageHeader) => number);
  /** Bytes the caller keeps per output pixel (raw buffers and float copies in JavaScript); 0 for encoded output. */
  keptBytesPerPixel?: number | ((header: ImageHeader) => number);
  /** Images over this many pixels are refused at the header, before any pixel: no budget is needed. */
  maxPixels?: number;
}

const BYTES_PER_SAMPLE: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };
/**
 * Rows a streaming decode keeps around (line buffers, shrink regions, per-thread caches): measured
 * 75–100 MB for a 14000 px wide RGB PNG shrunk to a thumbnail, display copy or hashing size.
 */
const STREAM_ROWS = 2048;
/** libvips' working copies and allocator slack over the raw frame (measured: 1.07 on a 196 MP interlaced PNG). */
const WORKING_FACTOR = 1.2;
/** Per decode, whatever the size: buffers, encoders, the pipeline's own structures. */
const FIXED_BYTES = 8 * MiB;

export function bytesPerSample(depth: string): number {
  return BYTES_PER_SAMPLE[depth] ?? 4;
}

/**
 * Estimated peak bytes of decoding an image as planned: the decoder's own buffers (a few rows for
 * baseline JPEG and plain PNG, the coefficient buffer of a progressive JPEG, the whole frame for
 * the rest), a frame for a turn or mirror, and what the caller keeps, times libvips' slack.
 */
export function decodeCost(header: ImageHeader, plan: DecodePlan = {}): number {
  const { width, height } = header;
  const pixels = width * height;
  const sample = bytesPerSample(header.depth);
  const bands = Math.max(1, header.channels);
  const long = Math.max(width, height);
  const target = typeof plan.shrinkTo === 'function' ? plan.shrinkTo(header) : plan.shrinkTo;
  const shrink = target && long > target ? long / target : 1;
  const row = width * bands * sample;
  let decoder: number;
  let decodedPixels = pixels;
  if (header.format === 'jpeg' && header.progressive) {
    decoder = pixels * jpegComponents(header) * 2; // 16-bit DCT coefficients of every component, whatever the scale
  } else if (header.format === 'jpeg') {
    const onLoad = Math.min(8, 2 ** Math.floor(Math.log2(shrink))); // libjpeg scales by 1/2, 1/4 or 1/8 as it decodes
    decodedPixels = pixels / onLoad ** 2;
    decoder = (row / onLoad) * STREAM_ROWS;
  } else if (header.format === 'png' && !header.progressive) {
    decoder = row * STREAM_ROWS;
  } else if (header.format === 'webp') {
    // libwebp decodes the whole frame, scaled on load; sharp keeps a factor of two for the final resize.
    decodedPixels = pixels / Math.max(1, Math.floor(shrink / 2)) ** 2;
    decoder = decodedPixels * 4;
  } else {
    // Interlaced PNG, GIF (RGBA frames), TIFF (a strip may be the whole image), HEIF/AVIF, SVG, JPEG 2000…
    decoder = pixels * Math.max(bands, header.format === 'gif' || header.format === 'svg' ? 4 : 1) * sample;
  }
  const turned = header.orientation >= 2 && header.orientation <= 8 ? decodedPixels * bands * sample : 0;
  const outPixels = Math.min(pixels, shrink > 1 ? pixels / (shrink * shrink) : pixels);
  const kept = typeof plan.keptBytesPerPixel === 'function' ? plan.keptBytesPerPixel(header) : plan.keptBytesPerPixel ?? 0;
  return Math.ceil((decoder + turned + outPixels * kept) * WORKING_FACTOR + FIXED_BYTES);
}

/** Components a progressive JPEG's coefficient buffer holds per pixel (chroma subsampled or not). */
function jpegComponents(header: ImageHeader): number {
  switch (header.chromaSubsampling) {
    case '4:2:0': return 1.5;
    case '4:2:2': return 2;
    case '4:4:4': return 3;
    case '4:4:4:4': return 4;
    case '4:2:0:4': return 2.5;
    case '4:2:2:4': return 3;
    default: return Math.max(3, header.channels);
  }
}

/** The header fields of an image (first page), or null when it has none sharp can read. */
export async function readImageHeader(input: string | Buffer): Promise<ImageHeader | null> {
  try {
    const meta = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
    const width = meta.width, height = meta.pageHeight ?? meta.height;
    if (!width || !height) return null;
    return {
      width,
      height,
      channels: meta.channels ?? 4,
      depth: meta.depth ?? 'float',
      format: meta.format ?? 'unknown',
      progressive: meta.isProgressive ?? false,
      orientation: meta.orientation ?? 1,
      ...(meta.chromaSubsampling ? { chromaSubsampling: meta.chromaSubsampling } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Runs a decode of `input` under the process's decode budget, sized from the image's header.
 * Headers that cannot be read, and images over `plan.maxPixels`, go straight to `decode`: it
 * fails at the header without decoding a pixel, with its own error.
 */
export async function withDecodeBudget<T>(input: string | Buffer, plan: DecodePlan, decode: () => Promise<T>, budget: DecodeBudget = decodeBudget): Promise<T> {
  if (budget.holding()) return decode();
  const header = await readImageHeader(input);
  if (!header || (plan.maxPixels !== undefined && header.width * header.height > plan.maxPixels)) return decode();
  return budget.run(decodeCost(header, plan), decode);
}

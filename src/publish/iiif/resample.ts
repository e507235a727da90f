import { RESAMPLE_WASM_BASE64 } from './resample-wasm.js';

/**
 * A Lanczos-3 resize of 8-bit RGB for IIIF answers of up to about a megapixel, outside sharp.
 * libvips' per-call pipeline costs about a millisecond whatever the size; a 256-pixel answer needs
 * a fraction of that. The weights follow libvips' conventions (centre of output pixel i at
 * (i + offset + 0.5)·s − 0.5 source pixels, the kernel widened by the shrink factor, edges copied),
 * so answers match sharp's within JPEG noise; the two inner loops run as WebAssembly SIMD
 * (`wasm/resample.ts`), in 14-bit fixed point.
 */

export const LOBES = 3;
export const TABLE_STEPS = 4096;

/** Lanczos-3 sampled every 1/4096 of a pixel. */
export const KERNEL = (() => {
  const table = new Float64Array(LOBES * TABLE_STEPS + 1);
  for (let i = 0; i < table.length; i++) {
    const x = i / TABLE_STEPS;
    const px = Math.PI * x;
    table[i] = x === 0 ? 1 : x >= LOBES ? 0 : (LOBES * Math.sin(px) * Math.sin(px / LOBES)) / (px * px);
  }
  return table;
})();

/** One axis of a resize: for each output pixel `taps` source indices (relative to `first`) and weights. */
export interface AxisTaps {
  taps: number;
  index: Int32Array;
  weight: Int32Array;
  /** Source pixels [first, end) are all the taps touch. */
  first: number;
  end: number;
}

/** One axis of a resize: `out` pixels, starting `offset` pixels into `sourceLength` source pixels resized to `resizedLength`. */
export interface AxisSpec {
  sourceLength: number;
  resizedLength: number;
  offset: number;
  out: number;
}

/** Taps per output pixel: the kernel's support widened by the shrink factor, in pairs (the SIMD loop takes two at a time). */
function tapsFor(axis: AxisSpec): number {
  const taps = 2 * Math.ceil(LOBES * Math.max(1, axis.sourceLength / axis.resizedLength));
  return taps + (taps & 1);
}

/** The parts of the WebAssembly global used here: its types come with the DOM library, which the server does not load. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}).WebAssembly;

interface Kernels {
  axisTaps(kernel: number, kernelLength: number, tableSteps: number, sourceLength: number, resizedLength: number, offset: number, out: number, taps: number, raw: number, idx: number, wts: number, bounds: number): void;
  filterRows(src: number, srcStride: number, idx: number, wts: number, taps: number, outRows: number, rowBytes: number, dst: number, dstStride: number): void;
  transpose(src: number, w: number, h: number, srcStride: number, dst: number, dstStride: number): void;
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rowBytes: number, rows: number): void;
}

/** Rows padded for the kernels' 32-byte steps, plus a step of slack for their over-reads. */
const padded = (bytes: number) => ((bytes + 31) & ~31) + 32;
/** Where memory for JavaScript's use starts: past the module's own (empty) static data. */
export const HEAP_START = 65536;
const PAGE = 65536;

/**
 * A WebAssembly memory the render threads share (decoded tiles and each thread's work area), of a
 * fixed size: a shared memory cannot move, so it is made whole; its pages are committed as written.
 */
export function sharedWasmMemory(bytes: number): WasmMemory {
  const pages = Math.ceil((HEAP_START + bytes) / PAGE);
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}

let compiled: object | undefined;
function instantiate(memory: WasmMemory): Kernels {
  compiled ??= new wasm.Module(Buffer.from(RESAMPLE_WASM_BASE64, 'base64'));
  return new wasm.Instance(compiled, { env: { memory } }).exports as Kernels;
}

/** Bytes of memory one thread works in: enough for the largest resize `tile-region.ts` takes (a test checks it). */
export const WORK_AREA_BYTES = 16 * 1024 * 1024;

/** Part of a (shared) WebAssembly memory that one thread uses alone. */
export interface WorkArea {
  memory: WasmMemory;
  at: number;
  bytes: number;
}

/** Where a resize's window lies in the source, and its rows' stride in the work area. */
export interface WindowLayout {
  /** The first source column and row the taps read: the window's (0, 0). */
  x0: number;
  y0: number;
  width: number;
  height: number;
  stride: number;
}

/**
 * One thread's resizer, working in its own area of a WebAssembly memory: the Lanczos table, the tap
 * tables (computed in place), the source window, the intermediate passes and the answer. The window
 * is filled from the decoded tiles in the same memory (`copyIn`), or through `window()`. Not
 * reentrant: one resize at a time.
 */
export class Resampler {
  private readonly kernels: Kernels;
  private readonly memory: WasmMemory;
  private readonly start: number;
  private readonly end: number;
  private readonly kernelAt: number;
  private plan: { x: AxisSpec & { taps: number }; y: AxisSpec & { taps: number }; layout: WindowLayout; at: Record<'window' | 'rows' | 'turned' | 'columns' | 'out' | 'xIndex' | 'xWeight' | 'yIndex' | 'yWeight', number> } | null = null;

  /** Without an area, a memory of its own (tests, benchmarks, `axisTaps`). */
  constructor(area?: WorkArea) {
    const own = area ?? { memory: sharedWasmMemory(WORK_AREA_BYTES), at: HEAP_START, bytes: WORK_AREA_BYTES };
    if (own.at < HEAP_START || own.at + own.bytes > own.memory.buffer.byteLength) throw new RangeError('Resampler: the work area lies outside the memory');
    this.memory = own.memory;
    this.kernels = instantiate(own.memory);
    this.start = own.at;
    this.end = own.at + own.bytes;
    this.kernelAt = own.at;
    new Float64Array(this.memory.buffer, this.kernelAt, KERNEL.length).set(KERNEL);
  }

  /** The memory this resizer works in: tiles decoded into it are copied into the window without JavaScript's help. */
  get sharedMemory(): WasmMemory {
    return this.memory;
  }

  /**
   * Computes both axes' taps and lays out the window of source pixels they read. Throws a RangeError
   * when the resize does not fit in the work area.
   */
  layout(x: AxisSpec, y: AxisSpec): WindowLayout {
    this.plan = null;
    const xt = { ...x, taps: tapsFor(x) }, yt = { ...y, taps: tapsFor(y) };
    let next = this.kernelAt + padded(KERNEL.byteLength);
    const take = (bytes: number) => {
      const at = next;
      next += padded(bytes);
      if (next > this.end) throw new RangeError(`Resampler: a ${x.sourceLength} × ${y.sourceLength} → ${x.out} × ${y.out} resize needs more than the work area's ${this.end - this.start} bytes`);
      return at;
    };
    const raw = take(Math.max(xt.taps, yt.taps) * 8);
    const bounds = take(16);
    const xIndex = take(x.out * xt.taps * 4), xWeight = take(x.out * xt.taps * 4);
    const yIndex = take(y.out * yt.taps * 4), yWeight = take(y.out * yt.taps * 4);
    const k = this.kernels;
    k.axisTaps(this.kernelAt, KERNEL.length, TABLE_STEPS, x.sourceLength, x.resizedLength, x.offset, x.out, xt.taps, raw, xIndex, xWeight, bounds);
    k.axisTaps(this.kernelAt, KERNEL.length, TABLE_STEPS, y.sourceLength, y.resizedLength, y.offset, y.out, yt.taps, raw, yIndex, yWeight, bounds + 8);
    const [xFirst, xEnd, yFirst, yEnd] = new Int32Array(this.memory.buffer, bounds, 4);
    const width = xEnd! - xFirst!, height = yEnd! - yFirst!;
    const stride = padded(width * 3);
    const turnedStride = padded(y.out * 3);
    const at = {
      xIndex, xWeight, yIndex, yWeight,
      window: take(stride * height),
      rows: take(stride * y.out),
      turned: take(turnedStride * width),
      columns: take(turnedStride * x.out),
      out: take(x.out * y.out * 3),
    };
    const layout = { x0: xFirst!, y0: yFirst!, width, height, stride };
    this.plan = { x: xt, y: yt, layout, at };
    return layout;
  }

  /** Copies `rows` rows of `rowBytes` bytes from `from` (an address in this memory, `fromStride` apart) to the window at (x, y). */
  copyIn(from: number, fromStride: number, x: number, y: number, rowBytes: number, rows: number): void {
    const p = this.planned();
    this.kernels.copyRows(from, fromStride, p.at.window + y * p.layout.stride + x * 3, p.layout.stride, rowBytes, rows);
  }

  /** The window as bytes to fill (row y at y · stride), for a source that is not in this memory. */
  window(): Buffer {
    const p = this.planned();
    return Buffer.from(this.memory.buffer, p.at.window, p.layout.stride * p.layout.height);
  }

  /** Copies of the laid-out axes' taps (tests compare them with a reference). */
  axes(): { x: AxisTaps; y: AxisTaps } {
    const p = this.planned();
    const axis = (spec: AxisSpec & { taps: number }, index: number, weight: number, first: number, length: number): AxisTaps => ({
      taps: spec.taps,
      index: new Int32Array(this.memory.buffer, index, spec.out * spec.taps).slice(),
      weight: new Int32Array(this.memory.buffer, weight, spec.out * spec.taps).slice(),
      first,
      end: first + length,
    });
    return { x: axis(p.x, p.at.xIndex, p.at.xWeight, p.layout.x0, p.layout.width), y: axis(p.y, p.at.yIndex, p.at.yWeight, p.layout.y0, p.layout.height) };
  }

  /** Resizes the window filled since `layout()`: the answer's RGB pixels, row by row (a view, valid until the next call). */
  resize(): Buffer {
    const p = this.planned();
    this.plan = null;
    const k = this.kernels;
    const { width, stride } = p.layout;
    const outWidth = p.x.out, outHeight = p.y.out;
    const turnedStride = padded(outHeight * 3);
    // Vertically over the window's rows, then (turned on its side) horizontally, then back upright.
    k.filterRows(p.at.window, stride, p.at.yIndex, p.at.yWeight, p.y.taps, outHeight, width * 3, p.at.rows, stride);
    k.transpose(p.at.rows, width, outHeight, stride, p.at.turned, turnedStride);
    k.filterRows(p.at.turned, turnedStride, p.at.xIndex, p.at.xWeight, p.x.taps, outWidth, outHeight * 3, p.at.columns, turnedStride);
    k.transpose(p.at.columns, outHeight, outWidth, turnedStride, p.at.out, outWidth * 3);
    return Buffer.from(this.memory.buffer, p.at.out, outWidth * outHeight * 3);
  }

  private planned(): NonNullable<Resampler['plan']> {
    if (!this.plan) throw new Error('Resampler: layout() first');
    return this.plan;
  }
}

let tapsResampler: Resampler | undefined;

/**
 * The taps that make `out` pixels, starting `offset` pixels into a resize of `sourceLength` source
 * pixels to `resizedLength` (indices relative to `first`). A 1:1 axis is a single tap of weight one.
 * A copy of what `Resampler.layout` computes in place, for tests and callers outside a resize.
 */
export function axisTaps(sourceLength: number, resizedLength: number, offset: number, out: number): AxisTaps {
  const resampler = (tapsResampler ??= new Resampler());
  resampler.layout({ sourceLength, resizedLength, offset, out }, { sourceLength: 1, resizedLength: 1, offset: 0, out: 1 });
  return resampler.axes().x;
}

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

/**
 * The taps that make `out` pixels, starting `offset` pixels into a resize of `sourceLength` source
 * pixels to `resizedLength`. A 1:1 axis is a single tap of weight one. Computed in WebAssembly
 * (`wasm/resample.ts`): in JavaScript this was a tenth of an unaligned region's render time.
 */
export function axisTaps(sourceLength: number, resizedLength: number, offset: number, out: number): AxisTaps {
  const widen = Math.max(1, sourceLength / resizedLength);
  let taps = 2 * Math.ceil(LOBES * widen);
  taps += taps & 1; // the SIMD loop takes taps in pairs
  const calculator = (tapsCalculator ??= new TapsCalculator());
  return calculator.taps(sourceLength, resizedLength, offset, out, taps);
}

let tapsCalculator: TapsCalculator | undefined;

/** One thread's WebAssembly instance for tap tables, holding the kernel table; results are copied out. */
class TapsCalculator {
  private readonly memory = new wasm.Memory({ initial: 4 });
  private readonly kernels: Kernels;
  private readonly kernelAt = HEAP_START;
  private readonly scratchAt = HEAP_START + padded(KERNEL.byteLength);

  constructor() {
    this.kernels = instantiate(this.memory);
    growTo(this.memory, this.scratchAt);
    new Float64Array(this.memory.buffer, this.kernelAt, KERNEL.length).set(KERNEL);
  }

  taps(sourceLength: number, resizedLength: number, offset: number, out: number, taps: number): AxisTaps {
    const count = out * taps;
    const raw = this.scratchAt;
    const bounds = raw + padded(taps * 8);
    const index = bounds + 32;
    const weight = index + padded(count * 4);
    growTo(this.memory, weight + padded(count * 4));
    this.kernels.axisTaps(this.kernelAt, KERNEL.length, TABLE_STEPS, sourceLength, resizedLength, offset, out, taps, raw, index, weight, bounds);
    const buffer = this.memory.buffer;
    const [first, end] = new Int32Array(buffer, bounds, 2);
    return { taps, index: new Int32Array(buffer, index, count).slice(), weight: new Int32Array(buffer, weight, count).slice(), first: first!, end: end! };
  }
}

/** The parts of the WebAssembly global used here: its types come with the DOM library, which the server does not load. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number }) => WasmMemory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}).WebAssembly;

interface Kernels {
  axisTaps(kernel: number, kernelLength: number, tableSteps: number, sourceLength: number, resizedLength: number, offset: number, out: number, taps: number, raw: number, idx: number, wts: number, bounds: number): void;
  filterRows(src: number, srcStride: number, idx: number, wts: number, taps: number, outRows: number, rowBytes: number, dst: number, dstStride: number): void;
  transpose(src: number, w: number, h: number, srcStride: number, dst: number, dstStride: number): void;
}

/** Rows padded for the kernels' 32-byte steps, plus a step of slack for their over-reads. */
const padded = (bytes: number) => ((bytes + 31) & ~31) + 32;
/** Where the scratch starts: past the module's own (empty) static data. */
const HEAP_START = 65536;

/** Grows `memory` to at least `bytes` (views of its buffer made before are then detached). */
function growTo(memory: WasmMemory, bytes: number): void {
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
}

let compiled: object | undefined;
function instantiate(memory: WasmMemory): Kernels {
  compiled ??= new wasm.Module(Buffer.from(RESAMPLE_WASM_BASE64, 'base64'));
  return new wasm.Instance(compiled, { env: { memory } }).exports as Kernels;
}

/**
 * One thread's resizer: a WebAssembly memory holding the source window, the intermediate passes and
 * the tap tables. Not reentrant (one resize at a time per instance).
 */
export class Resampler {
  private readonly memory = new wasm.Memory({ initial: 64 });
  private readonly kernels: Kernels;
  private plan: { x: AxisTaps; y: AxisTaps; width: number; height: number; outWidth: number; outHeight: number; stride: number; at: Record<'window' | 'rows' | 'turned' | 'columns' | 'out' | 'yIndex' | 'yWeight' | 'xIndex' | 'xWeight', number> } | null = null;

  constructor() {
    this.kernels = instantiate(this.memory);
  }

  /**
   * Lays out a resize of a `width` × `height` RGB window by the axes' taps and returns the window's
   * memory to fill: row y starts at y · `stride` bytes.
   */
  window(width: number, height: number, x: AxisTaps, y: AxisTaps): { pixels: Buffer; stride: number } {
    const outWidth = x.index.length / x.taps;
    const outHeight = y.index.length / y.taps;
    const stride = padded(width * 3);
    const turnedStride = padded(outHeight * 3);
    let next = HEAP_START;
    const take = (bytes: number) => {
      const at = next;
      next += padded(bytes);
      return at;
    };
    const at = {
      window: take(stride * height),
      rows: take(stride * outHeight),
      turned: take(turnedStride * width),
      columns: take(turnedStride * outWidth),
      out: take(outWidth * outHeight * 3),
      yIndex: take(y.index.byteLength),
      yWeight: take(y.weight.byteLength),
      xIndex: take(x.index.byteLength),
      xWeight: take(x.weight.byteLength),
    };
    growTo(this.memory, next);
    const ints = new Int32Array(this.memory.buffer);
    ints.set(y.index, at.yIndex >> 2);
    ints.set(y.weight, at.yWeight >> 2);
    ints.set(x.index, at.xIndex >> 2);
    ints.set(x.weight, at.xWeight >> 2);
    this.plan = { x, y, width, height, outWidth, outHeight, stride, at };
    return { pixels: Buffer.from(this.memory.buffer, at.window, stride * height), stride };
  }

  /** Resizes the window filled since `window()`: the answer's RGB pixels, row by row (a view, valid until the next call). */
  resize(): Buffer {
    const p = this.plan;
    if (!p) throw new Error('Resampler.resize() before window()');
    this.plan = null;
    const k = this.kernels;
    const turnedStride = padded(p.outHeight * 3);
    // Vertically over the window's rows, then (turned on its side) horizontally, then back upright.
    k.filterRows(p.at.window, p.stride, p.at.yIndex, p.at.yWeight, p.y.taps, p.outHeight, p.width * 3, p.at.rows, p.stride);
    k.transpose(p.at.rows, p.width, p.outHeight, p.stride, p.at.turned, turnedStride);
    k.filterRows(p.at.turned, turnedStride, p.at.xIndex, p.at.xWeight, p.x.taps, p.outWidth, p.outHeight * 3, p.at.columns, turnedStride);
    k.transpose(p.at.columns, p.outHeight, p.outWidth, turnedStride, p.at.out, p.outWidth * 3);
    return Buffer.from(this.memory.buffer, p.at.out, p.outWidth * p.outHeight * 3);
  }
}

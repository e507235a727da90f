import { RESAMPLE_WASM_BASE64 } from './resample-wasm.js';

/**
 * A Lanczos-3 resize of 8-bit RGB for IIIF answers of up to about a megapixel, outside sharp.
 * libvips' per-call pipeline costs about a millisecond whatever the size; a 256-pixel answer needs
 * a fraction of that. The weights follow libvips' conventions (centre of output pixel i at
 * (i + offset + 0.5)·s − 0.5 source pixels, the kernel widened by the shrink factor, edges copied),
 * so answers match sharp's within JPEG noise; the two inner loops run as WebAssembly SIMD
 * (`wasm/resample.ts`), in 14-bit fixed point.
 */

const LOBES = 3;
const TABLE_STEPS = 4096;
const ONE = 1 << 14;

/** Lanczos-3 sampled every 1/4096 of a pixel. */
const KERNEL = (() => {
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
 * pixels to `resizedLength`. A 1:1 axis is a single tap of weight one.
 */
export function axisTaps(sourceLength: number, resizedLength: number, offset: number, out: number): AxisTaps {
  const s = sourceLength / resizedLength;
  const widen = Math.max(1, s);
  const radius = LOBES * widen;
  let taps = 2 * Math.ceil(radius);
  taps += taps & 1; // the SIMD loop takes taps in pairs
  const index = new Int32Array(out * taps);
  const weight = new Int32Array(out * taps);
  const raw = scratch(taps);
  const step = TABLE_STEPS / widen;
  const last = KERNEL.length - 1;
  let first = sourceLength;
  let end = 0;
  for (let i = 0; i < out; i++) {
    const centre = (i + offset + 0.5) * s - 0.5;
    const start = Math.floor(centre - radius) + 1;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const d = start + t - centre;
      const q = ((d < 0 ? -d : d) * step + 0.5) | 0;
      const w = q < last ? KERNEL[q]! : 0;
      raw[t] = w;
      sum += w;
    }
    const base = i * taps;
    const norm = ONE / sum;
    let total = 0;
    let largest = base;
    for (let t = 0; t < taps; t++) {
      let source = start + t;
      source = source < 0 ? 0 : source >= sourceLength ? sourceLength - 1 : source;
      const w = Math.round(raw[t]! * norm);
      index[base + t] = source;
      weight[base + t] = w;
      total += w;
      if (w > weight[largest]!) largest = base + t;
      if (w !== 0) {
        if (source < first) first = source;
        if (source >= end) end = source + 1;
      }
    }
    // Rounding must not brighten or darken: the weights sum to exactly one.
    weight[largest] = weight[largest]! + ONE - total;
  }
  const top = end - 1;
  for (let j = 0; j < index.length; j++) {
    const v = index[j]!;
    index[j] = (v < first ? first : v > top ? top : v) - first;
  }
  return { taps, index, weight, first, end };
}

let rawWeights = new Float64Array(64);
/** A reused array for one output pixel's raw weights. */
function scratch(length: number): Float64Array {
  if (rawWeights.length < length) rawWeights = new Float64Array(length);
  return rawWeights;
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
  filterRows(src: number, srcStride: number, idx: number, wts: number, taps: number, outRows: number, rowBytes: number, dst: number, dstStride: number): void;
  transpose(src: number, w: number, h: number, srcStride: number, dst: number, dstStride: number): void;
}

/** Rows padded for the kernels' 32-byte steps, plus a step of slack for their over-reads. */
const padded = (bytes: number) => ((bytes + 31) & ~31) + 32;
/** Where the scratch starts: past the module's own (empty) static data. */
const HEAP_START = 65536;

/**
 * One thread's resizer: a WebAssembly memory holding the source window, the intermediate passes and
 * the tap tables. Not reentrant (one resize at a time per instance).
 */
export class Resampler {
  private readonly memory = new wasm.Memory({ initial: 64 });
  private readonly kernels: Kernels;
  private plan: { x: AxisTaps; y: AxisTaps; width: number; height: number; outWidth: number; outHeight: number; stride: number; at: Record<'window' | 'rows' | 'turned' | 'columns' | 'out' | 'yIndex' | 'yWeight' | 'xIndex' | 'xWeight', number> } | null = null;

  constructor() {
    const module = new wasm.Module(Buffer.from(RESAMPLE_WASM_BASE64, 'base64'));
    this.kernels = new wasm.Instance(module, { env: { memory: this.memory } }).exports as Kernels;
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
    if (next > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((next - this.memory.buffer.byteLength) / 65536));
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

/**
 * PDQ's three full box passes (rows, columns, rows) in WebAssembly SIMD (wasm/pdq-box.ts): the same
 * float32 steps as the JavaScript passes in pdq.ts, bit for bit (a test compares them), three to
 * four times faster. Each thread instantiates its own module and memory, grown to the largest plane
 * it has filtered (PDQ shrinks images to PDQ_MAX_SIDE, so at most three planes of 2048 × 2048).
 */
import { HEAP_START, wasmKernels } from '../wasm-kernels.js';
import { PDQ_BOX_WASM_BASE64 } from './pdq-box-wasm.js';

interface Kernels {
  boxAlongRows(src: number, dst: number, width: number, height: number, window: number): void;
  boxAlongCols(src: number, dst: number, width: number, height: number, window: number, sums: number): void;
}
/** Planes above this many values are filtered in JavaScript: the memory, once grown, stays. */
export const WASM_MAX_PLANE = 2048 * 2048;

const arena = wasmKernels<Kernels>(PDQ_BOX_WASM_BASE64);

/**
 * Rows, columns, rows over the `rect` of a `stride`-wide luma plane: the filtered rect, as a view into
 * the module's memory that is valid until the next call (the caller reads it at once). Null for
 * rects above WASM_MAX_PLANE.
 */
export function boxPasses(luma: Float32Array, stride: number, rect: { x0: number; y0: number; width: number; height: number }, windowAlongRows: number, windowAlongCols: number): Float32Array | null {
  const { x0, y0, width, height } = rect;
  const n = width * height;
  if (n > WASM_MAX_PLANE) return null;
  // Three planes and the column sums, each 16-byte aligned.
  const plane = (n * 4 + 15) & ~15;
  const { kernels: k, memory } = arena(3 * plane + width * 4 + 16);
  const input = HEAP_START, a = input + plane, b = a + plane, sums = b + plane;
  const into = new Float32Array(memory.buffer, input, n);
  if (x0 === 0 && width === stride) into.set(luma.subarray(y0 * stride, y0 * stride + n));
  else for (let y = 0; y < height; y++) into.set(luma.subarray((y0 + y) * stride + x0, (y0 + y) * stride + x0 + width), y * width);
  k.boxAlongRows(input, a, width, height, windowAlongRows);
  k.boxAlongCols(a, b, width, height, windowAlongCols, sums);
  k.boxAlongRows(b, a, width, height, windowAlongRows);
  return new Float32Array(memory.buffer, a, n);
}

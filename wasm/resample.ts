// AssemblyScript (compiled by `npm run build:wasm` into src/publish/iiif/resample-wasm.ts): the two
// inner loops of a separable resize of 8-bit RGB, with WebAssembly SIMD. JavaScript lays out the
// memory (imported, and shared by a process's render threads: each works in an area of its own and
// reads the decoded tiles they share); nothing here allocates.

/**
 * Copies `rows` rows of `rowBytes` bytes (a decoded tile's part into the resize window). A copy from
 * JavaScript reads shared memory a byte at a time, about four times slower than this.
 */
export function copyRows(src: usize, srcStride: i32, dst: usize, dstStride: i32, rowBytes: i32, rows: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>(r * dstStride), src + <usize>(r * srcStride), <usize>rowBytes);
}

/**
 * Filters rows: output row j (of `outRows`, each `rowBytes` bytes, every channel alike) is the
 * weighted sum of `taps` source rows, the row indices and weights (1/16384ths, summing to 16384)
 * at idx/wts + j·taps·4 as i32. Taps are taken two at a time (the caller pads them to an even
 * count with weight 0), so the two rows' bytes are interleaved and multiplied by the weight pair
 * in one i32x4.dot_i16x8_s. Rows are read and written 32 bytes at a time: both strides must leave
 * room past `rowBytes` up to the next multiple of 32. Results are rounded and clamped to 0–255
 * (Lanczos lobes overshoot).
 */
export function filterRows(src: usize, srcStride: i32, idx: usize, wts: usize, taps: i32, outRows: i32, rowBytes: i32, dst: usize, dstStride: i32): void {
  const half = i32x4.splat(1 << 13);
  for (let j = 0; j < outRows; j++) {
    const tapBase = <usize>(j * taps) << 2;
    const out = dst + <usize>(j * dstStride);
    for (let c = 0; c < rowBytes; c += 32) {
      let a0 = half, a1 = half, a2 = half, a3 = half, b0 = half, b1 = half, b2 = half, b3 = half;
      for (let k = 0; k < taps; k += 2) {
        const t = tapBase + (<usize>k << 2);
        const row1 = src + <usize>(load<i32>(idx + t) * srcStride + c);
        const row2 = src + <usize>(load<i32>(idx + t, 4) * srcStride + c);
        const w = i32x4.splat((load<i32>(wts + t, 4) << 16) | (load<i32>(wts + t) & 0xffff));
        const u1 = v128.load(row1), u2 = v128.load(row2);
        const lo = i8x16.shuffle(u1, u2, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const hi = i8x16.shuffle(u1, u2, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lo), w));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lo), w));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(hi), w));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(hi), w));
        const v1 = v128.load(row1, 16), v2 = v128.load(row2, 16);
        const lo2 = i8x16.shuffle(v1, v2, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const hi2 = i8x16.shuffle(v1, v2, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lo2), w));
        b1 = i32x4.add(b1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lo2), w));
        b2 = i32x4.add(b2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(hi2), w));
        b3 = i32x4.add(b3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(hi2), w));
      }
      v128.store(out + <usize>c, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(i32x4.shr_s(a0, 14), i32x4.shr_s(a1, 14)), i16x8.narrow_i32x4_s(i32x4.shr_s(a2, 14), i32x4.shr_s(a3, 14))));
      v128.store(out + <usize>c, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(i32x4.shr_s(b0, 14), i32x4.shr_s(b1, 14)), i16x8.narrow_i32x4_s(i32x4.shr_s(b2, 14), i32x4.shr_s(b3, 14))), 16);
    }
  }
}

/**
 * Transposes a w × h image of 3-byte pixels (source stride srcStride) into h × w (stride dstStride).
 * Blocks of 4 × 4 pixels go through two rounds of shuffles: four 16-byte loads, four 16-byte stores.
 * Each store carries 4 bytes past its 12 (the next pixels of that destination row, written later),
 * so the blocks stop two rows short of the end and the last rows and columns are moved one by one;
 * the source rows need 4 readable bytes past each row's end.
 */
export function transpose(src: usize, w: i32, h: i32, srcStride: i32, dst: usize, dstStride: i32): void {
  const h4 = h >= 6 ? ((h - 2) >> 2) << 2 : 0;
  const w4 = (w >> 2) << 2;
  const s = <usize>srcStride;
  const d = <usize>dstStride;
  for (let y = 0; y < h4; y += 4) {
    const row = src + <usize>y * s;
    const at = dst + <usize>(y * 3);
    for (let x = 0; x < w4; x += 4) {
      const p = row + <usize>(x * 3);
      const r0 = v128.load(p), r1 = v128.load(p + s), r2 = v128.load(p + 2 * s), r3 = v128.load(p + 3 * s);
      // Pixels 0 and 1 (then 2 and 3) of rows 0 and 1, and of rows 2 and 3, side by side.
      const a01 = i8x16.shuffle(r0, r1, 0, 1, 2, 16, 17, 18, 3, 4, 5, 19, 20, 21, 0, 0, 0, 0);
      const b01 = i8x16.shuffle(r0, r1, 6, 7, 8, 22, 23, 24, 9, 10, 11, 25, 26, 27, 0, 0, 0, 0);
      const a23 = i8x16.shuffle(r2, r3, 0, 1, 2, 16, 17, 18, 3, 4, 5, 19, 20, 21, 0, 0, 0, 0);
      const b23 = i8x16.shuffle(r2, r3, 6, 7, 8, 22, 23, 24, 9, 10, 11, 25, 26, 27, 0, 0, 0, 0);
      const q = at + <usize>x * d;
      v128.store(q, i8x16.shuffle(a01, a23, 0, 1, 2, 3, 4, 5, 16, 17, 18, 19, 20, 21, 0, 0, 0, 0));
      v128.store(q + d, i8x16.shuffle(a01, a23, 6, 7, 8, 9, 10, 11, 22, 23, 24, 25, 26, 27, 0, 0, 0, 0));
      v128.store(q + 2 * d, i8x16.shuffle(b01, b23, 0, 1, 2, 3, 4, 5, 16, 17, 18, 19, 20, 21, 0, 0, 0, 0));
      v128.store(q + 3 * d, i8x16.shuffle(b01, b23, 6, 7, 8, 9, 10, 11, 22, 23, 24, 25, 26, 27, 0, 0, 0, 0));
    }
  }
  // The columns the blocks left, in their rows; then every column of the last rows.
  if (w4 < w) movePixels(src, w4, w, 0, h4, srcStride, dst, dstStride);
  movePixels(src, 0, w, h4, h, srcStride, dst, dstStride);
}

function movePixels(src: usize, x0: i32, x1: i32, y0: i32, y1: i32, srcStride: i32, dst: usize, dstStride: i32): void {
  for (let y = y0; y < y1; y++) {
    let s = src + <usize>(y * srcStride + x0 * 3);
    let d = dst + <usize>(x0 * dstStride + y * 3);
    for (let x = x0; x < x1; x++) {
      store<u16>(d, load<u16>(s));
      store<u8>(d, load<u8>(s, 2), 2);
      s += 3;
      d += <usize>dstStride;
    }
  }
}

/**
 * The taps of one axis of a resize (see `axisTaps` in resample.ts, which lays out the memory): for
 * each of `out` pixels, `taps` source indices (clamped to the image, then made relative to the
 * first one any non-zero weight touches) and weights in 1/16384ths summing to exactly 16384. The
 * Lanczos-3 kernel is the f64 table at `kernel` (`kernelLength` entries, `tableSteps` a pixel);
 * `raw` is room for `taps` f64. Writes [first, end) of the source pixels touched at `bounds`.
 */
export function axisTaps(kernel: usize, kernelLength: i32, tableSteps: f64, sourceLength: i32, resizedLength: i32, offset: f64, out: i32, taps: i32, raw: usize, idx: usize, wts: usize, bounds: usize): void {
  const s = <f64>sourceLength / <f64>resizedLength;
  const widen = max(1.0, s);
  const radius = 3.0 * widen;
  const step = tableSteps / widen;
  const last = kernelLength - 1;
  let first = sourceLength;
  let end = 0;
  for (let i = 0; i < out; i++) {
    const centre = (<f64>i + offset + 0.5) * s - 0.5;
    const start = <i32>Math.floor(centre - radius) + 1;
    let sum = 0.0;
    for (let t = 0; t < taps; t++) {
      const d = <f64>(start + t) - centre;
      const q = <i32>(Math.abs(d) * step + 0.5);
      const w = q < last ? load<f64>(kernel + (<usize>q << 3)) : 0.0;
      store<f64>(raw + (<usize>t << 3), w);
      sum += w;
    }
    const base = <usize>(i * taps) << 2;
    const norm = 16384.0 / sum;
    let total = 0;
    let largest = base;
    for (let t = 0; t < taps; t++) {
      let source = start + t;
      source = source < 0 ? 0 : source >= sourceLength ? sourceLength - 1 : source;
      const w = <i32>Math.round(load<f64>(raw + (<usize>t << 3)) * norm);
      const at = base + (<usize>t << 2);
      store<i32>(idx + at, source);
      store<i32>(wts + at, w);
      total += w;
      if (w > load<i32>(wts + largest)) largest = at;
      if (w != 0) {
        if (source < first) first = source;
        if (source >= end) end = source + 1;
      }
    }
    // Rounding must not brighten or darken: the weights sum to exactly one.
    store<i32>(wts + largest, load<i32>(wts + largest) + 16384 - total);
  }
  const top = end - 1;
  const count = out * taps;
  for (let j = 0; j < count; j++) {
    const p = idx + (<usize>j << 2);
    const v = load<i32>(p);
    store<i32>(p, (v < first ? first : v > top ? top : v) - first);
  }
  store<i32>(bounds, first);
  store<i32>(bounds, end, 4);
}

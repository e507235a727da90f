// AssemblyScript (compiled by `npm run build:wasm` into src/publish/iiif/resample-wasm.ts): the two
// inner loops of a separable resize of 8-bit RGB, with WebAssembly SIMD. JavaScript lays out the
// memory (imported) and the tap tables; nothing here allocates.

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

/** Transposes a w × h image of 3-byte pixels (source stride srcStride) into h × w (stride dstStride), in 8 × 8 blocks. */
export function transpose(src: usize, w: i32, h: i32, srcStride: i32, dst: usize, dstStride: i32): void {
  for (let by = 0; by < h; by += 8) {
    const ey = min(by + 8, h);
    for (let bx = 0; bx < w; bx += 8) {
      const ex = min(bx + 8, w);
      for (let y = by; y < ey; y++) {
        let s = src + <usize>(y * srcStride + bx * 3);
        let d = dst + <usize>(bx * dstStride + y * 3);
        for (let x = bx; x < ex; x++) {
          store<u16>(d, load<u16>(s));
          store<u8>(d, load<u8>(s, 2), 2);
          s += 3;
          d += <usize>dstStride;
        }
      }
    }
  }
}

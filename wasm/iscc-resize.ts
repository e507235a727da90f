// AssemblyScript (compiled by `npm run build:wasm` into src/protect/iscc/iscc-resize-wasm.ts): the
// horizontal pass of Pillow's fixed-point bicubic resize (src/protect/iscc/image-normalize.ts) over
// one grey row, four taps at a time with WebAssembly SIMD. The sums are exact integers, as in Pillow
// and the JavaScript loop: every product is below 2^30 and every partial sum of them is bounded by
// 255 · Σ|weight| < 2^31, so adding them in another order gives the same bytes.
// JavaScript lays out the memory (imported, one per thread); nothing here allocates.

/** Pillow's fixed-point precision for 8-bit images (PRECISION_BITS in image-normalize.ts). */
const PRECISION_BITS = 22;

/**
 * Output byte xx (of outW) is clip8(½ + Σ line[xmin + x] · kk[xx·ksize + x]) over the output's taps,
 * with xmin and the tap count at bounds + 8·xx (i32 pairs). Rows are read 8 bytes at a time: the
 * line must have 8 readable bytes past its end.
 */
export function horizontalPass(line: usize, bounds: usize, kk: usize, ksize: i32, outW: i32, out: usize): void {
  for (let xx = 0; xx < outW; xx++) {
    const xmin = load<i32>(bounds + (<usize>xx << 3));
    const taps = load<i32>(bounds + (<usize>xx << 3), 4);
    const weights = kk + (<usize>(xx * ksize) << 2);
    const src = line + <usize>xmin;
    let acc = i32x4.splat(0);
    let x = 0;
    for (; x + 4 <= taps; x += 4) {
      const px = i32x4.extend_low_i16x8_u(v128.load8x8_u(src + <usize>x));
      acc = i32x4.add(acc, i32x4.mul(px, v128.load(weights + (<usize>x << 2))));
    }
    let ss = (1 << (PRECISION_BITS - 1)) + i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    for (; x < taps; x++) ss += <i32>load<u8>(src + <usize>x) * load<i32>(weights + (<usize>x << 2));
    const v = ss >> PRECISION_BITS;
    store<u8>(out + <usize>xx, v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

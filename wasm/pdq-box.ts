// AssemblyScript (compiled by `npm run build:wasm` into src/protect/pdq/pdq-box-wasm.ts): PDQ's box
// passes (the reference's `box1DFloat`, src/protect/pdq/pdq.ts) with WebAssembly SIMD, four rows or
// four columns at a time. Every sum takes the same float32 steps in the same order as the one-value
// loop (f32x4 arithmetic is IEEE single precision, and a float32 quotient rounded once equals the
// double quotient rounded to float32), so the hashes are bit for bit those of the JavaScript passes.
// JavaScript lays out the memory (imported, one per thread); nothing here allocates.

/** Lanes of four rows at column x: (r0[x], r1[x], r2[x], r3[x]). */
@inline function gather(r0: usize, r1: usize, r2: usize, r3: usize, x: usize): v128 {
  let v = f32x4.splat(load<f32>(r0 + (x << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(r1 + (x << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(r2 + (x << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(r3 + (x << 2)));
}

@inline function scatter(r0: usize, r1: usize, r2: usize, r3: usize, x: usize, v: v128): void {
  // The last lanes first: in a short last group the rows repeat, and each lane holds that row's value.
  store<f32>(r3 + (x << 2), f32x4.extract_lane(v, 3));
  store<f32>(r2 + (x << 2), f32x4.extract_lane(v, 2));
  store<f32>(r1 + (x << 2), f32x4.extract_lane(v, 1));
  store<f32>(r0 + (x << 2), f32x4.extract_lane(v, 0));
}

/**
 * One box pass along every row of a width × height float32 plane (src → dst), `window` wide, with
 * the reference's growing and shrinking edges. Four rows share the lanes; where four columns follow
 * one another, they are moved in and out of lanes by 4 × 4 transposes.
 */
export function boxAlongRows(src: usize, dst: usize, width: i32, height: i32, window: i32): void {
  const half = (window + 2) >> 1;
  for (let y = 0; y < height; y += 4) {
    // A short last group repeats its last row; the repeat writes the same values again.
    const s0 = src + (<usize>(y * width) << 2);
    const s1 = src + (<usize>(min(y + 1, height - 1) * width) << 2);
    const s2 = src + (<usize>(min(y + 2, height - 1) * width) << 2);
    const s3 = src + (<usize>(min(y + 3, height - 1) * width) << 2);
    const d0 = dst + (<usize>(y * width) << 2);
    const d1 = dst + (<usize>(min(y + 1, height - 1) * width) << 2);
    const d2 = dst + (<usize>(min(y + 2, height - 1) * width) << 2);
    const d3 = dst + (<usize>(min(y + 3, height - 1) * width) << 2);
    let s = f32x4.splat(0);
    let count = 0;
    for (let x = 0; x < window; x++) {
      s = f32x4.add(s, gather(s0, s1, s2, s3, x));
      count++;
      const o = x - half + 1;
      if (o >= 0) scatter(d0, d1, d2, d3, o, f32x4.div(s, f32x4.splat(<f32>count)));
    }
    const n = f32x4.splat(<f32>count);
    let x = window;
    // Steady state, four columns a step: sums enter and leave by transposed 4 × 4 blocks.
    for (; x + 4 <= width; x += 4) {
      const l = x - window, o = x - half + 1;
      const e0 = v128.load(s0 + (<usize>x << 2)), e1 = v128.load(s1 + (<usize>x << 2)), e2 = v128.load(s2 + (<usize>x << 2)), e3 = v128.load(s3 + (<usize>x << 2));
      const q0 = v128.shuffle<f32>(e0, e1, 0, 4, 1, 5), q1 = v128.shuffle<f32>(e0, e1, 2, 6, 3, 7);
      const q2 = v128.shuffle<f32>(e2, e3, 0, 4, 1, 5), q3 = v128.shuffle<f32>(e2, e3, 2, 6, 3, 7);
      const in0 = v128.shuffle<f32>(q0, q2, 0, 1, 4, 5), in1 = v128.shuffle<f32>(q0, q2, 2, 3, 6, 7);
      const in2 = v128.shuffle<f32>(q1, q3, 0, 1, 4, 5), in3 = v128.shuffle<f32>(q1, q3, 2, 3, 6, 7);
      const f0 = v128.load(s0 + (<usize>l << 2)), f1 = v128.load(s1 + (<usize>l << 2)), f2 = v128.load(s2 + (<usize>l << 2)), f3 = v128.load(s3 + (<usize>l << 2));
      const p0 = v128.shuffle<f32>(f0, f1, 0, 4, 1, 5), p1 = v128.shuffle<f32>(f0, f1, 2, 6, 3, 7);
      const p2 = v128.shuffle<f32>(f2, f3, 0, 4, 1, 5), p3 = v128.shuffle<f32>(f2, f3, 2, 6, 3, 7);
      const out0 = v128.shuffle<f32>(p0, p2, 0, 1, 4, 5), out1 = v128.shuffle<f32>(p0, p2, 2, 3, 6, 7);
      const out2 = v128.shuffle<f32>(p1, p3, 0, 1, 4, 5), out3 = v128.shuffle<f32>(p1, p3, 2, 3, 6, 7);
      s = f32x4.sub(f32x4.add(s, in0), out0); const a0 = f32x4.div(s, n);
      s = f32x4.sub(f32x4.add(s, in1), out1); const a1 = f32x4.div(s, n);
      s = f32x4.sub(f32x4.add(s, in2), out2); const a2 = f32x4.div(s, n);
      s = f32x4.sub(f32x4.add(s, in3), out3); const a3 = f32x4.div(s, n);
      // Back to rows: lane k of a_j is row k's output at o + j.
      const u0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), u1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
      const u2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), u3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
      v128.store(d3 + (<usize>o << 2), v128.shuffle<f32>(u1, u3, 2, 3, 6, 7));
      v128.store(d2 + (<usize>o << 2), v128.shuffle<f32>(u1, u3, 0, 1, 4, 5));
      v128.store(d1 + (<usize>o << 2), v128.shuffle<f32>(u0, u2, 2, 3, 6, 7));
      v128.store(d0 + (<usize>o << 2), v128.shuffle<f32>(u0, u2, 0, 1, 4, 5));
    }
    for (; x < width; x++) {
      s = f32x4.sub(f32x4.add(s, gather(s0, s1, s2, s3, x)), gather(s0, s1, s2, s3, x - window));
      scatter(d0, d1, d2, d3, x - half + 1, f32x4.div(s, n));
    }
    for (x = width; x < width + half - 1; x++) {
      s = f32x4.sub(s, gather(s0, s1, s2, s3, x - window));
      count--;
      scatter(d0, d1, d2, d3, x - half + 1, f32x4.div(s, f32x4.splat(<f32>count)));
    }
  }
}

/**
 * The same pass down every column (src → dst), a row at a time so memory is read in order; each
 * column's running sum lives at sums + 4·x (float32, width values).
 */
export function boxAlongCols(src: usize, dst: usize, width: i32, height: i32, window: i32, sums: usize): void {
  const half = (window + 2) >> 1;
  memory.fill(sums, 0, <usize>width << 2);
  const stride = <usize>width << 2;
  const vectorEnd = width & ~3;
  let count = 0;
  for (let y = 0; y < height + half - 1; y++) {
    const entering = y < height, leaving = y >= window, writing = y - half + 1 >= 0;
    count += (entering ? 1 : 0) - (leaving ? 1 : 0);
    const ri = src + <usize>y * stride, li = src + <usize>(y - window) * stride, oi = dst + <usize>(y - half + 1) * stride;
    const n = f32x4.splat(<f32>count), nf = <f32>count;
    let x = 0;
    for (; x < vectorEnd; x += 4) {
      const at = <usize>x << 2;
      let s = v128.load(sums + at);
      if (entering) s = f32x4.add(s, v128.load(ri + at));
      if (leaving) s = f32x4.sub(s, v128.load(li + at));
      v128.store(sums + at, s);
      if (writing) v128.store(oi + at, f32x4.div(s, n));
    }
    for (; x < width; x++) {
      const at = <usize>x << 2;
      let s = load<f32>(sums + at);
      if (entering) s = s + load<f32>(ri + at);
      if (leaving) s = s - load<f32>(li + at);
      store<f32>(sums + at, s);
      if (writing) store<f32>(oi + at, s / nf);
    }
  }
}

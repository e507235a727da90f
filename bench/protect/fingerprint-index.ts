// Fingerprint index benchmark: exact Hamming-radius queries (≤ 31 bits by default) over 1 million
// and 10 million synthetic 256-bit PDQ codes. Synthetic codes are fine for timing (the issue says
// so); each query has near-duplicates planted at known distances, and the count found is checked.
// Run: node --import tsx bench/protect/fingerprint-index.ts   (BENCH_INDEX_SIZES=1000000,10000000)
import { randomBytes } from 'node:crypto';
import { HammingIndex } from '../../src/protect/hamming-index.js';
import { machine, peakRssMiB, percentile } from '../support.js';

const SIZES = (process.env.BENCH_INDEX_SIZES ?? '1000000,10000000').split(',').map(Number);
const RADIUS = Number(process.env.BENCH_INDEX_RADIUS ?? 31);
const QUERIES = Number(process.env.BENCH_INDEX_QUERIES ?? 2000);
const PLANTED = [0, 8, 16, 24, 31, 32, 40];

/** A copy of `code` with `bits` distinct bits flipped. */
function flip(code: Uint8Array, bits: number): Uint8Array {
  const out = Uint8Array.from(code);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(Math.random() * 256));
  for (const bit of chosen) out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

console.log(`machine: ${machine()}`);
console.log(`| codes | build | memory | query p50 | query p99 | query max | planted found |`);
console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | :--- |`);
for (const size of SIZES) {
  const index = new HammingIndex();
  const queries: Uint8Array[] = [];
  const block = randomBytes(32 * 65_536);
  const start = performance.now();
  for (let i = 0; i < size; i++) {
    if (i % 65_536 === 0) randomBytes(32 * 65_536).copy(block);
    index.add(block.subarray((i % 65_536) * 32, (i % 65_536) * 32 + 32));
  }
  // Queries with planted near-duplicates; the expected matches are those planted within the radius.
  for (let q = 0; q < QUERIES; q++) {
    const query = randomBytes(32);
    for (const d of PLANTED) index.add(flip(query, d));
    queries.push(query);
  }
  index.rebuild();
  const buildSeconds = (performance.now() - start) / 1000;
  const expected = PLANTED.filter((d) => d <= RADIUS).length;
  for (let q = 0; q < 200; q++) index.search(queries[q]!, RADIUS); // JIT warm-up
  const times: number[] = [];
  let exact = 0;
  for (const query of queries) {
    const t = performance.now();
    const found = index.search(query, RADIUS);
    times.push(performance.now() - t);
    if (found.length === expected) exact++;
  }
  times.sort((a, b) => a - b);
  console.log(`| ${index.size.toLocaleString('en')} | ${buildSeconds.toFixed(1)} s | ${(index.memoryBytes / 2 ** 20).toFixed(0)} MiB | ${percentile(times, 50).toFixed(2)} ms | ${percentile(times, 99).toFixed(2)} ms | ${times.at(-1)!.toFixed(2)} ms | ${exact}/${QUERIES} queries found all ${expected} planted within ${RADIUS} |`);
}
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB; radius ${RADIUS}; goals: p99 ≤ 20 ms at 1M, ≤ 150 ms at 10M`);

/**
 * Fingerprint benchmark: every shared image is fingerprinted as the archive stores it (PDQ of the
 * whole image and of its central crops), then each attack of the suite is applied to each image and
 * the attacked copy is scanned as `wenyuan scan` does (dihedral variants, query crops, unframing)
 * against all stored images at Hamming distance ≤ 31. Prints, per attack, recall (the copy finds its
 * own original) and false matches (it also finds another image), the false-match rate over all
 * pairs of distinct images, and fingerprint and scan times.
 * Run: node --import tsx bench/protect/fingerprint.ts   (BENCH_IMAGES=n: n images spread over the sets)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { BLOCK_AGREEMENT_THRESHOLD, blockAgreement, lumaGrid } from '../../src/protect/block-check.js';
import { fingerprintImage, scanQueries, STORED_CROPS } from '../../src/protect/fingerprint.js';
import { NEAR_MISS_RADIUS } from '../../src/protect/scan.service.js';
import { HammingIndex } from '../../src/protect/hamming-index.js';
import { readImageForHashing } from '../../src/protect/image-input.js';
import { PDQ_MATCH_DISTANCE, pdqHexToBytes } from '../../src/protect/pdq/pdq.js';
import { machine, peakRssMiB, percentile, SHARED_DATA } from '../support.js';
import { TRANSFORMS } from './transforms.js';

const MAX_PIXELS = 100_000_000;
const RADIUS = Number(process.env.BENCH_RADIUS ?? PDQ_MATCH_DISTANCE);
const imagesDir = path.join(SHARED_DATA, 'images');
const rows = parse(fs.readFileSync(path.join(imagesDir, 'MANIFEST.csv')), { columns: true }) as Record<string, string>[];
// The ukbench fixture holds near-duplicates of a few photos: they would count as false matches.
let files = rows.filter((r) => r.set !== 'ukbench-fixture').map((r) => path.join(imagesDir, r.file!));
const limit = Number(process.env.BENCH_IMAGES ?? files.length);
if (limit < files.length) files = Array.from({ length: limit }, (_, i) => files[Math.floor((i * files.length) / limit)]!);

// Goals from the issue: ≥ 0.98 everywhere except ±5° rotation and 20 % crop (≥ 0.9 there).
const RELAXED = new Set(['rot+5', 'rot-5', 'crop20']);

const index = new HammingIndex();
const ownerOfPosition: number[] = [];
const wholeAtPosition: boolean[] = [];
const stored: { file: string; original: Buffer; grid: Float32Array }[] = [];
const fingerprintTimes: number[] = [];
let unmatchable = 0;
let unreadable = 0;
for (const file of files) {
  const t = performance.now();
  const fingerprint = await fingerprintImage(file, { maxPixels: MAX_PIXELS }).catch(() => null);
  fingerprintTimes.push(performance.now() - t);
  if (!fingerprint) {
    unreadable++;
    continue;
  }
  if (!fingerprint.matchable) {
    unmatchable++;
    continue;
  }
  const owner = stored.length;
  const pixels = await readImageForHashing(file, { maxPixels: MAX_PIXELS });
  stored.push({ file, original: await sharp(file).png().toBuffer(), grid: lumaGrid(pixels.luma, pixels.width, pixels.height) });
  const codes = [
    { hash: fingerprint.pdq.hash, whole: true },
    ...fingerprint.crops.map((c) => ({ hash: c.hash, whole: false })),
    ...(fingerprint.onBlack ?? []).map((c) => ({ hash: c.hash, whole: c.cropPerSide === 0 })),
  ];
  for (const { hash, whole } of codes) {
    index.add(pdqHexToBytes(hash));
    ownerOfPosition.push(owner);
    wholeAtPosition.push(whole);
  }
}
index.rebuild();

const scanTimes: number[] = [];
let blockConfirmed = 0;
const table: { name: string; found: number; n: number; falseMatches: number; failed: string[] }[] = [];
for (const transform of TRANSFORMS) {
  const row = { name: transform.name, found: 0, n: 0, falseMatches: 0, failed: [] as string[] };
  for (const [owner, { file, original }] of stored.entries()) {
    const attacked = await transform.apply(original);
    const t = performance.now();
    const image = await readImageForHashing(attacked, { maxPixels: MAX_PIXELS }).catch(() => null);
    const owners = new Set<number>();
    if (image) {
      const queries = scanQueries(image);
      for (const query of queries.filter((q) => !q.nearMissOnly)) for (const m of index.search(pdqHexToBytes(query.hash), RADIUS)) owners.add(ownerOfPosition[m.position]!);
      // Near misses of whole-picture queries, confirmed block by block, as scans do.
      for (const query of queries.filter((q) => q.grid && q.transform === 'original')) {
        for (const m of index.search(pdqHexToBytes(query.hash), NEAR_MISS_RADIUS)) {
          const candidate = ownerOfPosition[m.position]!;
          if (owners.has(candidate) || !wholeAtPosition[m.position]) continue;
          if (blockAgreement(stored[candidate]!.grid, query.grid!) >= BLOCK_AGREEMENT_THRESHOLD) {
            owners.add(candidate);
            blockConfirmed++;
          }
        }
      }
    }
    scanTimes.push(performance.now() - t);
    row.n++;
    if (owners.has(owner)) row.found++;
    else row.failed.push(path.relative(imagesDir, file));
    row.falseMatches += [...owners].filter((o) => o !== owner).length;
  }
  table.push(row);
  process.stderr.write(`${transform.name} `);
}
process.stderr.write('\n');

const n = stored.length;
const pairs = n * (n - 1);
const none = table.find((r) => r.name === 'none')!;
const allFalse = table.reduce((s, r) => s + r.falseMatches, 0);
fingerprintTimes.sort((a, b) => a - b);
scanTimes.sort((a, b) => a - b);

console.log(`machine: ${machine()}`);
console.log(`${files.length} images (${n} matchable, ${unmatchable} too flat, ${unreadable} unreadable); radius ${RADIUS}; ${index.size} stored codes`);
console.log('');
console.log('| attack | recall | goal | false matches | missed |');
console.log('| --- | ---: | ---: | ---: | :--- |');
for (const r of table) {
  const recall = r.found / r.n;
  const goal = RELAXED.has(r.name) ? 0.9 : 0.98;
  console.log(`| ${r.name} | ${recall.toFixed(3)}${recall >= goal ? '' : ' ✗'} | ${goal} | ${r.falseMatches} | ${r.failed.slice(0, 4).join(', ')}${r.failed.length > 4 ? ` (+${r.failed.length - 4})` : ''} |`);
}
console.log('');
console.log(`false-match rate over all pairs of distinct images (unattacked scans): ${none.falseMatches} / ${pairs} = ${(none.falseMatches / pairs).toExponential(2)} (goal ≤ 1e-5)`);
console.log(`false-match rate over all attacked scans: ${allFalse} / ${pairs * table.length} = ${(allFalse / (pairs * table.length)).toExponential(2)}`);
console.log(`fingerprint per image (decode, PDQ + ${STORED_CROPS.length} crops (twice for transparent images), ISCC): p50 ${percentile(fingerprintTimes, 50).toFixed(0)} ms, p95 ${percentile(fingerprintTimes, 95).toFixed(0)} ms`);
console.log(`scan per suspect (decode, ${scanQueries.length ? 'dihedral × query crops (× unframed)' : ''} hashes, index search): p50 ${percentile(scanTimes, 50).toFixed(0)} ms, p95 ${percentile(scanTimes, 95).toFixed(0)} ms`);
console.log(`matches confirmed block by block (PDQ distance ${RADIUS + 1}–${NEAR_MISS_RADIUS}): ${blockConfirmed}`);
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB`);

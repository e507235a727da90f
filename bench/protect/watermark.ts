/**
 * Watermark benchmark: embed a random 48-bit payload in every shared image, run the attack suite,
 * and report exact-decode rate and bit accuracy per attack, PSNR, false decodes (unmarked images and
 * their attacked copies; wrong key) and speed. Run: node --import tsx bench/protect/watermark.ts
 * BENCH_IMAGES=n limits the image count (spread evenly over the image sets, then within each).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { detectWatermark, embedWatermark } from '../../src/protect/watermark/index.js';
import { machine, peakRssMiB, SHARED_DATA } from '../support.js';
import { TRANSFORMS } from './transforms.js';

const MAX_PIXELS = 100_000_000;
const imagesDir = path.join(SHARED_DATA, 'images');
const rows = parse(fs.readFileSync(path.join(imagesDir, 'MANIFEST.csv')), { columns: true }) as Record<string, string>[];
// The ukbench fixture is near-duplicates of a few photos: it would over-weight them.
let files = rows
  .filter((r) => r.set !== 'ukbench-fixture' && Number(r.width) >= 128 && Number(r.height) >= 128 && r.mode !== 'undecodable')
  .map((r) => ({ file: path.join(imagesDir, r.file!), set: r.set!, mp: (Number(r.width) * Number(r.height)) / 1e6 }));
const limit = Number(process.env.BENCH_IMAGES ?? files.length);
if (limit < files.length) {
  // Even spread over the sets (kodak, skimage, wesnoth, …), not over the file list: wesnoth has most
  // of the files, and the busy photos that are hardest for the mark would otherwise be under-sampled.
  const bySet = new Map<string, typeof files>();
  for (const f of files) bySet.set(f.set, [...(bySet.get(f.set) ?? []), f]);
  const quota = new Map([...bySet.keys()].map((s) => [s, 0]));
  for (let left = limit; left > 0;) {
    const open = [...bySet.keys()].filter((s) => quota.get(s)! < bySet.get(s)!.length);
    if (open.length === 0) break;
    for (const s of open) if (left > 0) { quota.set(s, quota.get(s)! + 1); left--; }
  }
  files = [...bySet].flatMap(([s, list]) => {
    const q = quota.get(s)!;
    return Array.from({ length: q }, (_, i) => list[Math.floor((i * list.length) / q)]!);
  });
}

const key = createHash('sha256').update('wenyuan bench key').digest();
const wrongKey = createHash('sha256').update('some other key').digest();
const WRONG_KEY_ATTACKS = new Set(['none', 'jpeg50', 'resize50', 'crop10']);

interface Row { exact: number; bitAcc: number; decoded: number; wrong: number; n: number; fpUnmarked: number }
const table = new Map<string, Row>(TRANSFORMS.map((t) => [t.name, { exact: 0, bitAcc: 0, decoded: 0, wrong: 0, n: 0, fpUnmarked: 0 }]));
const psnrs: number[] = [];
let embedMs = 0, embedMp = 0, detectMs = 0, detectMp = 0, detects = 0, wrongKeyDecodes = 0, wrongKeyRuns = 0, unmarkedRuns = 0;
let skipped = 0;

const bitsAgree = (a: Uint8Array, b: Uint8Array) => { let s = 0; for (let i = 0; i < 48; i++) s += ((a[i >> 3]! >> (7 - (i & 7))) & 1) === ((b[i >> 3]! >> (7 - (i & 7))) & 1) ? 1 : 0; return s / 48; };

async function timedDetect(image: Buffer, k: Uint8Array) {
  const meta = await sharp(image).metadata();
  const t = performance.now();
  const r = await detectWatermark(image, { key: k, maxPixels: MAX_PIXELS });
  detectMs += performance.now() - t; detectMp += (meta.width * meta.height) / 1e6; detects++;
  return r;
}

for (const [i, { file, mp }] of files.entries()) {
  const original = await sharp(file).png().toBuffer().catch(() => null);
  if (!original) { skipped++; continue; }
  const payload = createHash('sha256').update(path.basename(file)).digest().subarray(0, 6);
  const t0 = performance.now();
  const marked = await embedWatermark(original, { key, payload, maxPixels: MAX_PIXELS });
  embedMs += performance.now() - t0; embedMp += mp;
  psnrs.push(marked.psnr);
  for (const t of TRANSFORMS) {
    const row = table.get(t.name)!;
    const attacked = await t.apply(marked.data);
    const r = await timedDetect(attacked, key).catch(() => ({ payload: null, bitAccuracy: undefined }));
    row.n++;
    if (r.payload) {
      row.decoded++;
      if (Buffer.from(r.payload).equals(payload)) row.exact++; else row.wrong++;
      row.bitAcc += bitsAgree(r.payload, payload);
    } else row.bitAcc += 0.5; // nothing read: as good as a coin toss
    const u = await timedDetect(await t.apply(original), key).catch(() => ({ payload: null }));
    unmarkedRuns++;
    if (u.payload) row.fpUnmarked++;
    if (WRONG_KEY_ATTACKS.has(t.name)) {
      const wk = await timedDetect(attacked, wrongKey).catch(() => ({ payload: null }));
      wrongKeyRuns++;
      if (wk.payload) wrongKeyDecodes++;
    }
  }
  process.stderr.write(`${i + 1}/${files.length} ${path.relative(imagesDir, file)} psnr ${marked.psnr.toFixed(2)}\n`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`\nWatermark benchmark — ${machine()}`);
console.log(`images: ${psnrs.length} (skipped ${skipped}); command: node --import tsx bench/protect/watermark.ts${process.env.BENCH_IMAGES ? ` (BENCH_IMAGES=${process.env.BENCH_IMAGES})` : ''}\n`);
console.log('| attack | exact decode | wrong payload | mean payload-bit accuracy | false decodes on unmarked |');
console.log('|---|---|---|---|---|');
for (const [name, r] of table) console.log(`| ${name} | ${pct(r.exact / r.n)} | ${r.wrong} | ${pct(r.bitAcc / r.n)} | ${r.fpUnmarked}/${r.n} |`);
const fpTotal = [...table.values()].reduce((s, r) => s + r.fpUnmarked + r.wrong, 0);
console.log(`\nPSNR (RGB, dB): min ${Math.min(...psnrs).toFixed(2)}, mean ${(psnrs.reduce((a, b) => a + b, 0) / psnrs.length).toFixed(2)}`);
console.log(`false decodes: unmarked ${[...table.values()].reduce((s, r) => s + r.fpUnmarked, 0)}/${unmarkedRuns}; wrong key ${wrongKeyDecodes}/${wrongKeyRuns}; wrong payload on marked ${[...table.values()].reduce((s, r) => s + r.wrong, 0)}; total ${fpTotal}`);
console.log(`speed: embed ${(embedMs / embedMp).toFixed(0)} ms/MP (${(embedMs / psnrs.length).toFixed(0)} ms/image); detect ${(detectMs / detectMp).toFixed(0)} ms/MP (${(detectMs / detects).toFixed(0)} ms/call)`);
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);

/**
 * Watermark benchmark: embed a random 48-bit payload in every shared image, run the attack suite,
 * and report exact-decode rate and bit accuracy per attack, PSNR, false decodes (unmarked images and
 * their attacked copies; wrong key) and speed. Run: node --import tsx bench/protect/watermark.ts
 * BENCH_IMAGES=n limits the image count (spread evenly over the image sets, then within each);
 * BENCH_ATTACKS=a,b,… runs only those attacks; BENCH_WORKERS=n splits the images over n processes.
 */
import { execFile } from 'node:child_process';
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

const workers = Number(process.env.BENCH_WORKERS ?? 1);
const shard = process.env.BENCH_SHARD?.split('/').map(Number);
if (shard) files = files.filter((_, i) => i % shard[1]! === shard[0]);
const attackFilter = process.env.BENCH_ATTACKS?.split(',');
const attacks = attackFilter ? TRANSFORMS.filter((t) => attackFilter.includes(t.name)) : TRANSFORMS;

const key = createHash('sha256').update('wenyuan bench key').digest();
const wrongKey = createHash('sha256').update('some other key').digest();
const WRONG_KEY_ATTACKS = new Set(['none', 'jpeg50', 'resize50', 'crop10']);

interface Row { exact: number; bitAcc: number; decoded: number; wrong: number; n: number; fpUnmarked: number; missed: string[] }
const table = new Map<string, Row>(attacks.map((t) => [t.name, { exact: 0, bitAcc: 0, decoded: 0, wrong: 0, n: 0, fpUnmarked: 0, missed: [] }]));
const psnrs: number[] = [];
let embedMs = 0, pixelEmbedMs = 0, embedMp = 0, detectMs = 0, detectMp = 0, detects = 0, wrongKeyDecodes = 0, wrongKeyRuns = 0, unmarkedRuns = 0;
let skipped = 0;
let workerPeakRss = 0;

/** What one process measured, so shards can be added up. */
interface Partial {
  table: [string, Row][]; psnrs: number[]; skipped: number;
  embedMs: number; pixelEmbedMs: number; embedMp: number; detectMs: number; detectMp: number; detects: number;
  wrongKeyDecodes: number; wrongKeyRuns: number; unmarkedRuns: number; peakRss: number;
}

const bitsAgree = (a: Uint8Array, b: Uint8Array) => { let s = 0; for (let i = 0; i < 48; i++) s += ((a[i >> 3]! >> (7 - (i & 7))) & 1) === ((b[i >> 3]! >> (7 - (i & 7))) & 1) ? 1 : 0; return s / 48; };

async function timedDetect(image: Buffer, k: Uint8Array) {
  const meta = await sharp(image).metadata();
  const t = performance.now();
  const r = await detectWatermark(image, { key: k, maxPixels: MAX_PIXELS });
  detectMs += performance.now() - t; detectMp += (meta.width * meta.height) / 1e6; detects++;
  return r;
}

if (workers > 1 && !shard) {
  // Fan out to worker processes running this script on every n-th image, then add up.
  const parts = await Promise.all(Array.from({ length: workers }, (_, k) => new Promise<Partial>((resolve, reject) => {
    execFile(process.execPath, [...process.execArgv, process.argv[1]!], { env: { ...process.env, BENCH_SHARD: `${k}/${workers}`, BENCH_WORKERS: '1' }, maxBuffer: 64 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Partial)));
  })));
  for (const p of parts) {
    for (const [name, r] of p.table) {
      const row = table.get(name)!;
      for (const k of ['exact', 'bitAcc', 'decoded', 'wrong', 'n', 'fpUnmarked'] as const) row[k] += r[k];
      row.missed.push(...r.missed);
    }
    psnrs.push(...p.psnrs); skipped += p.skipped;
    embedMs += p.embedMs; pixelEmbedMs += p.pixelEmbedMs; embedMp += p.embedMp; detectMs += p.detectMs; detectMp += p.detectMp; detects += p.detects;
    wrongKeyDecodes += p.wrongKeyDecodes; wrongKeyRuns += p.wrongKeyRuns; unmarkedRuns += p.unmarkedRuns;
    workerPeakRss = Math.max(workerPeakRss, p.peakRss);
  }
} else for (const [i, { file, mp }] of files.entries()) {
  const original = await sharp(file).png().toBuffer().catch(() => null);
  if (!original) { skipped++; continue; }
  const payload = createHash('sha256').update(path.basename(file)).digest().subarray(0, 6);
  const t0 = performance.now();
  const marked = await embedWatermark(original, { key, payload, maxPixels: MAX_PIXELS });
  embedMs += performance.now() - t0; embedMp += mp;
  psnrs.push(marked.psnr);
  // The display job's form: pixels it already decoded in, a JPEG out (no decode, no PNG encode).
  const raw = await sharp(original).raw().toBuffer({ resolveWithObject: true });
  const t1 = performance.now();
  await embedWatermark({ data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels }, { key, payload, maxPixels: MAX_PIXELS, format: 'jpeg', quality: 85 });
  pixelEmbedMs += performance.now() - t1;
  for (const t of attacks) {
    const row = table.get(t.name)!;
    const attacked = await t.apply(marked.data);
    const r = await timedDetect(attacked, key).catch(() => ({ payload: null, bitAccuracy: undefined }));
    row.n++;
    if (r.payload) {
      row.decoded++;
      if (Buffer.from(r.payload).equals(payload)) row.exact++; else row.wrong++;
      row.bitAcc += bitsAgree(r.payload, payload);
    } else row.bitAcc += 0.5; // nothing read: as good as a coin toss
    if (!r.payload || !Buffer.from(r.payload).equals(payload)) row.missed.push(path.relative(imagesDir, file));
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

if (shard) {
  const partial: Partial = { table: [...table], psnrs, skipped, embedMs, pixelEmbedMs, embedMp, detectMs, detectMp, detects, wrongKeyDecodes, wrongKeyRuns, unmarkedRuns, peakRss: peakRssMiB() };
  process.stdout.write(JSON.stringify(partial));
  process.exit(0);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`\nWatermark benchmark — ${machine()}`);
const settings = ['BENCH_IMAGES', 'BENCH_ATTACKS', 'BENCH_WORKERS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`).join(' ');
console.log(`images: ${psnrs.length} (skipped ${skipped}); command: ${settings ? `${settings} ` : ''}node --import tsx bench/protect/watermark.ts\n`);
console.log('| attack | exact decode | wrong payload | mean payload-bit accuracy | false decodes on unmarked |');
console.log('|---|---|---|---|---|');
for (const [name, r] of table) console.log(`| ${name} | ${pct(r.exact / r.n)} | ${r.wrong} | ${pct(r.bitAcc / r.n)} | ${r.fpUnmarked}/${r.n} |`);
const misses = [...table].filter(([, r]) => r.missed.length > 0 && r.missed.length <= 10);
if (misses.length) console.log(`\nmissed (attacks with ≤ 10 misses): ${misses.map(([name, r]) => `${name}: ${r.missed.join(', ')}`).join('; ')}`);
const fpTotal = [...table.values()].reduce((s, r) => s + r.fpUnmarked + r.wrong, 0);
console.log(`\nPSNR (RGB, dB): min ${Math.min(...psnrs).toFixed(2)}, mean ${(psnrs.reduce((a, b) => a + b, 0) / psnrs.length).toFixed(2)}`);
console.log(`false decodes: unmarked ${[...table.values()].reduce((s, r) => s + r.fpUnmarked, 0)}/${unmarkedRuns}; wrong key ${wrongKeyDecodes}/${wrongKeyRuns}; wrong payload on marked ${[...table.values()].reduce((s, r) => s + r.wrong, 0)}; total ${fpTotal}`);
console.log(`speed: embed ${(embedMs / embedMp).toFixed(0)} ms/MP (${(embedMs / psnrs.length).toFixed(0)} ms/image; PNG in, PNG out), ${(pixelEmbedMs / embedMp).toFixed(0)} ms/MP as the display job runs it (decoded pixels in, JPEG out); detect ${(detectMs / detectMp).toFixed(0)} ms/MP (${(detectMs / detects).toFixed(0)} ms/call)`);
console.log(`peak RSS: ${Math.max(peakRssMiB(), workerPeakRss).toFixed(0)} MiB${workers > 1 ? ' (largest process)' : ''}`);

// IIIF pyramid benchmark: (1) builds the pyramid of a ~500-megapixel PNG (a mosaic of the kodak
// images, made in os.tmpdir and deleted) in a child process and prints its time, peak resident
// memory (process.resourceUsage().maxRSS — goal < 1.5 GiB) and output size, and the time of the
// `vips tiffsave --tile --pyramid --compression jpeg` CLI on the same file when it is installed
// (Debian `libvips-tools`); (2) builds the pyramid of a 12,000×8,000 kodak mosaic and prints
// renders/s for 256 px aligned tiles, unaligned regions scaled to 256 px and `!1024,1024` full
// views, one at a time and 8 at once.
// Run: node --import tsx bench/iiif-pyramid.ts
//   BENCH_BIG_WIDTH=25000 BENCH_BIG_HEIGHT=20000   the large source (0 skips part 1)
//   BENCH_SECONDS=5                                 seconds per render measurement
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeBudget } from '../src/media/decode-budget.js';
import type { ImageRequest } from '../src/publish/iiif/image-api.js';
import { renderImageRequest, type RenderSource } from '../src/publish/iiif/image-render.js';
import { buildPyramid, DEFAULT_PYRAMID_QUALITY } from '../src/publish/iiif/pyramid.js';
import { listFiles, machine, percentile, SHARED_DATA, tempDir } from './support.js';

sharp.cache(false); // as the server runs it (src/media/image-probe.ts)
const MiB = 1024 * 1024;

// Child mode: build one pyramid and report, so the parent's own buffers do not count in maxRSS.
if (process.argv[2] === '--build') {
  const [source, out] = [process.argv[3]!, process.argv[4]!];
  const started = performance.now();
  const info = await buildPyramid(source, out, { maxPixels: 2_000_000_000 });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes: info.bytes, levels: info.levels.length }));
  process.exit(0);
}

const BIG_W = Number(process.env.BENCH_BIG_WIDTH ?? 25_000);
const BIG_H = Number(process.env.BENCH_BIG_HEIGHT ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const kodak = listFiles(path.join(SHARED_DATA, 'images/kodak'), ['.png']);
if (kodak.length === 0) {
  console.error(`no kodak images under ${SHARED_DATA}/images/kodak`);
  process.exit(1);
}
const work = tempDir('wenyuan-bench-iiif-');
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

console.log(`machine: ${machine()}; libvips ${sharp.versions.vips}, sharp ${sharp.versions.sharp}, sharp.concurrency() = ${sharp.concurrency()}, decode budget ${decodeBudget.limit / MiB} MiB`);
console.log(`load average at start: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);

/** Raw RGB mosaic of `cols × rows` kodak images, each cut to 768×512 (a few are portrait). */
async function mosaic(cols: number, rows: number): Promise<{ data: Buffer; width: number; height: number }> {
  const tiles = await Promise.all(kodak.map((f) => sharp(f).resize(768, 512, { fit: 'cover' }).removeAlpha().raw().toBuffer()));
  const inputs = Array.from({ length: cols * rows }, (_, i) => ({
    input: tiles[i % tiles.length]!, raw: { width: 768, height: 512, channels: 3 as const }, left: (i % cols) * 768, top: Math.floor(i / cols) * 512,
  }));
  const width = cols * 768, height = rows * 512;
  const data = await sharp({ create: { width, height, channels: 3, background: '#000' } }).composite(inputs).raw().toBuffer();
  return { data, width, height };
}

// ---- Part 1: a ~500 MP source, built in a child process -------------------------------------
if (BIG_W > 0 && BIG_H > 0) {
  const block = await mosaic(8, 8); // 6144×4096
  const across = Math.ceil(BIG_W / block.width), down = Math.ceil(BIG_H / block.height);
  const bigPng = path.join(work, 'big.png');
  let t = performance.now();
  // join takes encoded inputs only: the block once as a JPEG, joined and cropped as it streams
  // into the PNG, so the 500 MP image never sits in memory.
  const blockJpeg = await sharp(block.data, { raw: { width: block.width, height: block.height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  await sharp(Array.from({ length: across * down }, () => blockJpeg), { join: { across }, limitInputPixels: false })
    .extract({ left: 0, top: 0, width: BIG_W, height: BIG_H })
    .png({ compressionLevel: 1 })
    .toFile(bigPng);
  console.log(`\nsource: ${BIG_W}×${BIG_H} PNG (${((BIG_W * BIG_H) / 1e6).toFixed(0)} MP, ${(fs.statSync(bigPng).size / MiB).toFixed(0)} MiB), made in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const out = path.join(work, 'big.tif');
  const child = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]!, '--build', bigPng, out], { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(1);
  }
  const built = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; maxRssMiB: number; bytes: number; levels: number };
  console.log(`buildPyramid (sharp): ${built.seconds.toFixed(1)} s, peak RSS ${built.maxRssMiB.toFixed(0)} MiB (goal < 1536), output ${(built.bytes / MiB).toFixed(1)} MiB, ${built.levels} levels`);
  fs.rmSync(out, { force: true });

  const vips = spawnSync('vips', ['--version'], { encoding: 'utf8' });
  if (vips.error || vips.status !== 0) {
    console.log('vips CLI not installed (Debian package libvips-tools): no comparison');
  } else {
    for (const threads of [1, 0]) {
      const vipsOut = path.join(work, 'vips.tif');
      const args = ['tiffsave', bigPng, vipsOut, '--tile', '--pyramid', '--compression', 'jpeg', '--Q', String(DEFAULT_PYRAMID_QUALITY), '--tile-width', '256', '--tile-height', '256'];
      const env = { ...process.env, ...(threads ? { VIPS_CONCURRENCY: String(threads) } : {}) };
      // GNU time gives the CLI's peak RSS when it is there.
      const timed = fs.existsSync('/usr/bin/time');
      t = performance.now();
      const run = timed ? spawnSync('/usr/bin/time', ['-f', '%M', 'vips', ...args], { encoding: 'utf8', env }) : spawnSync('vips', args, { encoding: 'utf8', env });
      const seconds = (performance.now() - t) / 1000;
      if (run.status !== 0) {
        console.log(`vips CLI failed: ${run.stderr.trim().split('\n')[0]}`);
        continue;
      }
      const rss = timed ? `, peak RSS ${(Number(run.stderr.trim().split('\n').pop()) / 1024).toFixed(0)} MiB` : '';
      console.log(`${vips.stdout.trim()} tiffsave (${threads ? `VIPS_CONCURRENCY=${threads}` : 'default threads'}): ${seconds.toFixed(1)} s${rss}, output ${(fs.statSync(vipsOut).size / MiB).toFixed(1)} MiB; sharp / CLI time ratio ${(built.seconds / seconds).toFixed(2)}`);
      fs.rmSync(vipsOut, { force: true });
    }
  }
  fs.rmSync(bigPng, { force: true });
}

// ---- Part 2: renders from a 12,000×8,000 pyramid ---------------------------------------------
const W = 12_000, H = 8_000;
const source12k = await mosaic(16, 16); // 12288×8192, cut to 12000×8000
const cut = await sharp(source12k.data, { raw: { width: source12k.width, height: source12k.height, channels: 3 } })
  .extract({ left: 0, top: 0, width: W, height: H }).raw().toBuffer();
const file = path.join(work, 'k12000.tif');
const t = performance.now();
const info = await buildPyramid({ data: cut, width: W, height: H, channels: 3 }, file, { maxPixels: 2_000_000_000 });
console.log(`\n12000×8000 pyramid from raw pixels: ${((performance.now() - t) / 1000).toFixed(1)} s, ${(info.bytes / MiB).toFixed(1)} MiB, levels ${info.levels.map((l) => `${l.width}×${l.height}`).join(', ')}`);
const pyramid: RenderSource = { kind: 'pyramid', file, info };

// Deterministic pseudo-random requests, so runs compare.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const base = { rotation: { degrees: 0, mirror: false }, quality: 'default', format: 'jpg' } as const;

function alignedTile(): ImageRequest {
  // A tile of a level at that level's size, as OpenSeadragon asks for them.
  const k = Math.floor(random() * (info.levels.length - 1));
  const f = 2 ** k, span = 256 * f;
  const x = Math.floor((random() * W) / span) * span, y = Math.floor((random() * H) / span) * span;
  const width = Math.min(span, W - x), height = Math.min(span, H - y);
  return { ...base, region: { x, y, width, height }, size: { width: Math.ceil(width / f), height: Math.ceil(height / f) } };
}
function unaligned(): ImageRequest {
  const width = 300 + Math.floor(random() * 5000), height = Math.max(1, Math.round(width * (0.5 + random() * 0.5)));
  const x = Math.floor(random() * (W - width)), y = Math.floor(random() * (H - height));
  return { ...base, region: { x, y, width, height }, size: { width: 256, height: Math.max(1, Math.round((256 * height) / width)) } };
}
function fullView(): ImageRequest {
  return { ...base, region: { x: 0, y: 0, width: W, height: H }, size: { width: 1024, height: 683 } };
}

async function measure(name: string, make: () => ImageRequest, concurrency: number): Promise<void> {
  const latencies: number[] = [];
  let bytes = 0;
  decodeBudget.resetStats();
  const until = performance.now() + SECONDS * 1000;
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const req = make();
      const t0 = performance.now();
      const out = await renderImageRequest(pyramid, req);
      latencies.push(performance.now() - t0);
      bytes += out.data.length;
    }
  }));
  const elapsed = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const stats = decodeBudget.stats();
  console.log(`${name.padEnd(34)} ×${concurrency}: ${(latencies.length / elapsed).toFixed(1).padStart(7)} renders/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ${(bytes / latencies.length / 1024).toFixed(1)} KiB avg, budget peak ${(stats.peakInUseBytes / MiB).toFixed(0)} MiB`);
}

for (const [name, make] of [['256 px aligned tiles', alignedTile], ['unaligned regions → 256 px', unaligned], ['full view !1024,1024', fullView]] as const) {
  await measure(name, make, 1);
  await measure(name, make, 8);
}
console.log(`peak RSS of this process (includes the 12000×8000 raw mosaic): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

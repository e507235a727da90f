// Ingest benchmark: imports ../shared/data/images end to end (hash, store, sniff, probe, thumbnail,
// placeholder, database rows, search index, job enqueue) and compares it with a bare sharp
// thumbnail loop over the same files. Run: npm run bench:ingest
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createApp } from '../src/app.js';
import { THUMBNAIL_SIZE } from '../src/media/image-probe.js';
import { loadConfig } from '../src/platform/config.js';
import { listFiles, machine, mapLimit, peakRssMiB, SHARED_DATA, tempDir } from './support.js';

const imagesDir = path.join(SHARED_DATA, 'images');
if (!fs.existsSync(imagesDir)) {
  console.error(`no images at ${imagesDir}; set WENYUAN_SHARED_DATA`);
  process.exit(1);
}
const files = listFiles(imagesDir, ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']).filter((f) => !f.includes('_corrupt'));
const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
sharp.cache(false);

const cpu: Record<string, number> = {};
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function bareSharpLoop(concurrency: number): Promise<number> {
  const cpuStart = cpuSeconds();
  const start = performance.now();
  await mapLimit(files, concurrency, async (file) => {
    await sharp(file).autoOrient().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  });
  cpu[`bare${concurrency}`] = cpuSeconds() - cpuStart;
  return (performance.now() - start) / 1000;
}

async function wenyuanIngest(concurrency: number): Promise<{ seconds: number; drainSeconds: number; imported: number; failed: number }> {
  const dataDir = tempDir('wenyuan-bench-ingest-');
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const actor = { kind: 'user' as const, id: admin.id, username: admin.username, role: admin.role };
  let imported = 0;
  let failed = 0;
  const cpuStart = cpuSeconds();
  const start = performance.now();
  await mapLimit(files, concurrency, async (file) => {
    try {
      const result = await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file), { visibility: 'public' });
      if (result.status === 'imported') imported++;
    } catch (error) {
      failed++;
      console.error(`  failed ${file}: ${(error as Error).message}`);
    }
  });
  const seconds = (performance.now() - start) / 1000;
  cpu[`ingest${concurrency}`] = cpuSeconds() - cpuStart;
  const drainStart = performance.now();
  await app.worker.drain();
  const drainSeconds = (performance.now() - drainStart) / 1000;
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { seconds, drainSeconds, imported, failed };
}

// Warm up libvips and the JIT on a few files so neither side pays the first-call cost.
await mapLimit(files.slice(0, 4), 2, async (f) => void (await sharp(f).resize(64).toBuffer()));
const LEVELS = [2, 3, 4];
// Each side at its best concurrency: the bare loop is pure CPU, ingest also waits on fsync.
const bare: Record<number, number> = {};
const ingest: Record<number, Awaited<ReturnType<typeof wenyuanIngest>>> = {};
for (const c of LEVELS) bare[c] = await bareSharpLoop(c);
for (const c of LEVELS) ingest[c] = await wenyuanIngest(c);
for (const c of LEVELS) bare[c] = Math.min(bare[c]!, await bareSharpLoop(c));
const bareBest = Math.min(...Object.values(bare));
const ingestBest = Math.min(...Object.values(ingest).map((r) => r.seconds));

console.log(`machine: ${machine()}`);
console.log(`images: ${files.length} files, ${(totalBytes / 1024 ** 2).toFixed(1)} MiB`);
for (const c of LEVELS) console.log(`bare sharp thumbnail loop, concurrency ${c}: ${(files.length / bare[c]!).toFixed(1)} images/s (${bare[c]!.toFixed(2)} s, best of 2)`);
for (const c of LEVELS) {
  const r = ingest[c]!;
  console.log(`wenyuan ingest, concurrency ${c} (hash+fsync+sniff+probe+thumbnail+db+index+job): ${(files.length / r.seconds).toFixed(1)} images/s (${r.seconds.toFixed(2)} s; imported ${r.imported}, failed ${r.failed}); display copy + ThumbHash jobs drained after: ${(files.length / r.drainSeconds).toFixed(1)} images/s`);
}
console.log(`ratio ingest / bare sharp at concurrency 2: ${(bare[2]! / ingest[2]!.seconds).toFixed(2)}x`);
console.log(`ratio best ingest / best bare sharp: ${(bareBest / ingestBest).toFixed(2)}x (goal >= 0.70)`);
console.log(`CPU seconds (user+sys, all threads): ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);

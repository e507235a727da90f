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

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const imagesDir = path.join(SHARED_DATA, 'images');
if (!fs.existsSync(imagesDir)) {
  console.error(`no images at ${imagesDir}; set WENYUAN_SHARED_DATA`);
  process.exit(1);
}
const files = listFiles(imagesDir, ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']).filter((f) => !f.includes('_corrupt'));
const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
sharp.cache(false);

async function bareSharpLoop(): Promise<number> {
  const start = performance.now();
  await mapLimit(files, CONCURRENCY, async (file) => {
    await sharp(file).autoOrient().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  });
  return (performance.now() - start) / 1000;
}

async function wenyuanIngest(): Promise<{ seconds: number; drainSeconds: number; imported: number; failed: number }> {
  const dataDir = tempDir('wenyuan-bench-ingest-');
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const actor = { kind: 'user' as const, id: admin.id, username: admin.username, role: admin.role };
  let imported = 0;
  let failed = 0;
  const start = performance.now();
  await mapLimit(files, CONCURRENCY, async (file) => {
    try {
      const result = await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file), { visibility: 'public' });
      if (result.status === 'imported') imported++;
    } catch (error) {
      failed++;
      console.error(`  failed ${file}: ${(error as Error).message}`);
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const drainStart = performance.now();
  await app.worker.drain();
  const drainSeconds = (performance.now() - drainStart) / 1000;
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { seconds, drainSeconds, imported, failed };
}

// Warm up libvips and the JIT on a few files so neither side pays the first-call cost.
await mapLimit(files.slice(0, 4), 2, async (f) => void (await sharp(f).resize(64).toBuffer()));
const bare = await bareSharpLoop();
const ingest = await wenyuanIngest();
const bare2 = await bareSharpLoop();
const bareBest = Math.min(bare, bare2);

console.log(`machine: ${machine()}`);
console.log(`images: ${files.length} files, ${(totalBytes / 1024 ** 2).toFixed(1)} MiB, concurrency ${CONCURRENCY}`);
console.log(`bare sharp thumbnail loop: ${(files.length / bareBest).toFixed(1)} images/s (${bareBest.toFixed(2)} s, best of 2)`);
console.log(`wenyuan ingest (hash+store+probe+thumbnail+placeholder+db+index+jobs): ${(files.length / ingest.seconds).toFixed(1)} images/s (${ingest.seconds.toFixed(2)} s; imported ${ingest.imported}, failed ${ingest.failed})`);
console.log(`ratio ingest / bare sharp: ${(bareBest / ingest.seconds).toFixed(2)}x (goal >= 0.70)`);
console.log(`background display derivatives (2048 px) drained: ${(files.length / ingest.drainSeconds).toFixed(1)} images/s (${ingest.drainSeconds.toFixed(2)} s)`);
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);

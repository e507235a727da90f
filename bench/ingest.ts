// Ingest benchmark: imports ../shared/data/images end to end (hash, store, sniff, probe, thumbnail,
// placeholder, database rows, search index, job enqueue) and compares it with a bare sharp
// thumbnail loop over the same files, in the same run. Two measures:
// - the front door: uploads alone (the worker stopped), then the background jobs drained after;
// - the whole pipeline: uploads with the worker running as a server runs it (default concurrency),
//   until every image has its display copy, public watermark, ThumbHash and fingerprint.
// Run: npm run bench:ingest (BENCH_PIPELINE_ONLY=1 skips the front-door levels, e.g. for profiling).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createApp, type App } from '../src/app.js';
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

interface IngestRun { seconds: number; drainSeconds: number; imported: number; failed: number; jobs: JobCounts }
type JobCounts = Awaited<ReturnType<App['jobs']['counts']>> & { display: number; fingerprinted: number; marked: number };

/** A fresh instance on SQLite in a temporary folder, with an admin to upload as. */
async function freshInstance() {
  const dataDir = tempDir('wenyuan-bench-ingest-');
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const actor = { kind: 'user' as const, id: admin.id, username: admin.username, role: admin.role };
  return { app, actor, dataDir };
}

/** Uploads every file at `concurrency`; counts what was imported and what failed. */
async function uploadAll(app: App, actor: Awaited<ReturnType<typeof freshInstance>>['actor'], concurrency: number): Promise<{ imported: number; failed: number }> {
  let imported = 0;
  let failed = 0;
  await mapLimit(files, concurrency, async (file) => {
    try {
      const result = await app.ingest.ingest(actor, fs.createReadStream(file), path.basename(file), { visibility: 'public' });
      if (result.status === 'imported') imported++;
    } catch (error) {
      failed++;
      console.error(`  failed ${file}: ${(error as Error).message}`);
    }
  });
  return { imported, failed };
}

/** Waits until no job is queued or running (the running worker takes them). */
async function settled(app: App): Promise<void> {
  while ((await app.jobs.pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** What the background work left: job outcomes, display copies, fingerprints and public marks. */
async function outcome(app: App): Promise<JobCounts> {
  const db = app.database.db;
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  return {
    ...(await app.jobs.counts()),
    display: await count(db.selectFrom('derivatives').where('name', '=', 'display').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()),
    fingerprinted: await count(db.selectFrom('fingerprints').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()),
    marked: await count(db.selectFrom('watermark_copies').where('purpose', '=', 'public').where('output_sha256', 'is not', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()),
  };
}

/** The front door: uploads with no worker running; then the worker (default concurrency) drains the jobs. */
async function frontDoor(concurrency: number): Promise<IngestRun> {
  const { app, actor, dataDir } = await freshInstance();
  const cpuStart = cpuSeconds();
  const start = performance.now();
  const { imported, failed } = await uploadAll(app, actor, concurrency);
  const seconds = (performance.now() - start) / 1000;
  cpu[`ingest${concurrency}`] = cpuSeconds() - cpuStart;
  const drainStart = performance.now();
  app.worker.start();
  await settled(app);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const jobs = await outcome(app);
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { seconds, drainSeconds, imported, failed, jobs };
}

/** The whole pipeline: uploads with the worker running, until the last job is done. */
async function wholePipeline(concurrency: number): Promise<IngestRun> {
  const { app, actor, dataDir } = await freshInstance();
  app.worker.start();
  const cpuStart = cpuSeconds();
  const start = performance.now();
  const { imported, failed } = await uploadAll(app, actor, concurrency);
  const seconds = (performance.now() - start) / 1000;
  await settled(app);
  const drainSeconds = (performance.now() - start) / 1000;
  cpu[`pipeline${concurrency}`] = cpuSeconds() - cpuStart;
  const jobs = await outcome(app);
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { seconds, drainSeconds, imported, failed, jobs };
}

const describeJobs = (j: JobCounts) => `jobs done ${j.done}, dead ${j.dead}; display copies ${j.display}, public marks ${j.marked}, fingerprints ${j.fingerprinted}`;

// Warm up libvips and the JIT on a few files so neither side pays the first-call cost.
await mapLimit(files.slice(0, 4), 2, async (f) => void (await sharp(f).resize(64).toBuffer()));
const pipelineOnly = process.env.BENCH_PIPELINE_ONLY === '1';
const LEVELS = pipelineOnly ? [4] : [2, 3, 4];
const PIPELINE_UPLOADS = 4;
// Each side at its best concurrency: the bare loop is pure CPU, ingest also waits on fsync.
const bare: Record<number, number> = {};
const ingest: Record<number, IngestRun> = {};
for (const c of LEVELS) bare[c] = await bareSharpLoop(c);
if (!pipelineOnly) for (const c of LEVELS) ingest[c] = await frontDoor(c);
const pipeline = await wholePipeline(PIPELINE_UPLOADS);
for (const c of LEVELS) bare[c] = Math.min(bare[c]!, await bareSharpLoop(c));
const bareBest = Math.min(...Object.values(bare));

console.log(`machine: ${machine()}; worker concurrency ${loadConfig({ dataDir: '.', databaseUrl: 'sqlite::memory:' }, {}).workerConcurrency}, libvips threads ${sharp.concurrency()}`);
console.log(`images: ${files.length} files, ${(totalBytes / 1024 ** 2).toFixed(1)} MiB`);
for (const c of LEVELS) console.log(`bare sharp thumbnail loop, concurrency ${c}: ${(files.length / bare[c]!).toFixed(1)} images/s (${bare[c]!.toFixed(2)} s, best of 2)`);
for (const c of pipelineOnly ? [] : LEVELS) {
  const r = ingest[c]!;
  console.log(`front door, concurrency ${c} (hash+fsync+sniff+probe+thumbnail+db+index+job): ${(files.length / r.seconds).toFixed(1)} images/s (${r.seconds.toFixed(2)} s; imported ${r.imported}, failed ${r.failed}); its background jobs drained after: ${(files.length / r.drainSeconds).toFixed(1)} images/s (${r.drainSeconds.toFixed(2)} s; ${describeJobs(r.jobs)})`);
}
console.log(`whole pipeline, ${PIPELINE_UPLOADS} concurrent uploads with the worker running (upload → display copy, public watermark, ThumbHash, fingerprint): ${(files.length / pipeline.drainSeconds).toFixed(1)} images/s (${pipeline.drainSeconds.toFixed(2)} s; uploads done at ${pipeline.seconds.toFixed(2)} s; imported ${pipeline.imported}, failed ${pipeline.failed}; ${describeJobs(pipeline.jobs)})`);
if (!pipelineOnly) {
  const ingestBest = Math.min(...Object.values(ingest).map((r) => r.seconds));
  console.log(`ratio front door / bare sharp at concurrency 2: ${(bare[2]! / ingest[2]!.seconds).toFixed(2)}x`);
  console.log(`ratio best front door / best bare sharp: ${(bareBest / ingestBest).toFixed(2)}x (goal >= 0.80)`);
}
console.log(`ratio whole pipeline / best bare sharp: ${(bareBest / pipeline.drainSeconds).toFixed(2)}x (goal >= 0.25)`);
console.log(`CPU seconds (user+sys, all threads): ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);

// IIIF image service benchmark: Wenyuan's /iiif/3 beside Debian's iipsrv (1.1, FastCGI, 2
// processes by spawn-fcgi, behind lighttpd), both on loopback, serving the same 12,000 × 8,000
// mosaic of the kodak images, driven by wrk (8 connections) with the same request lists, the
// servers interleaved (iipsrv, Wenyuan, iipsrv, Wenyuan …) and the better of two runs kept:
//   aligned 256 px tiles, cold: every tile of every level once (iipsrv restarted, Wenyuan with its
//     answer cache off: WENYUAN_IIIF_CACHE_MB=0);
//   aligned tiles, warm: the same tiles again and again (iipsrv's tile cache, Wenyuan's answer cache);
//   unaligned regions (300–5,300 px) scaled to 256 px, each asked once;
//   the whole image at !1024,1024 (asked again and again; Wenyuan with its cache off, so each is rendered);
//   repeated tiles: the warm list against iipsrv + memcached (its answer cache) and Wenyuan's cache.
// Also prints the pyramid build time of the 96-megapixel image: Wenyuan's `publish.pyramid` job
// (PyramidService.build, through a real upload by an admin) beside `vips tiffsave` on the command line.
// Wenyuan runs in child processes (`serve --role api`, rate limits off) so wrk and the servers
// share nothing but the two cores. Installs what it needs with apt-get when missing.
// Run: node --import tsx bench/iiif.ts
//   BENCH_SECONDS=10      seconds per timed case        BENCH_ROUNDS=2   rounds (best kept)
//   BENCH_CPU_PROFILE=dir writes the Wenyuan children's CPU profiles there (node --cpu-prof)
//   BENCH_CASES=unaligned  only the cases whose name contains one of these (comma-separated) words
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { buildServer } from '../src/platform/http/server.js';
import { DEFAULT_PYRAMID_QUALITY } from '../src/publish/iiif/pyramid.js';
import { RENDER_JPEG_QUALITY } from '../src/publish/iiif/render-plan.js';
import { kodakMosaic } from './iiif/mosaic.js';
import { cpuMs, ensurePackages, freePort, missingPrograms, Processes, runWrk, startIipsrv, startMemcached, waitFor, type Iipsrv, type WrkResult } from './iiif/services.js';
import { alignedTilePaths, FULL_VIEW_PATH, seededRandom, shuffled, unalignedPaths } from './iiif/urls.js';
import { listFiles, machine, SHARED_DATA, tempDir } from './support.js';

const W = 12_000, H = 8_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 8;
const CACHE_MB = 128; // Wenyuan's default answer cache; iipsrv's tile cache gets the same
const MiB = 1024 * 1024;
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';

const kodak = listFiles(path.join(SHARED_DATA, 'images/kodak'), ['.png']);
if (kodak.length === 0) {
  console.error(`no kodak images under ${SHARED_DATA}/images/kodak (set WENYUAN_SHARED_DATA)`);
  process.exit(1);
}

const processes = new Processes();
const work = tempDir('wenyuan-bench-iiif-serve-');
const cleanUp = () => {
  processes.killAll();
  fs.rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

console.log(`machine: ${machine()}; load average ${loadAverage()}`);
for (const line of ensurePackages()) console.log(line);
const missing = missingPrograms();
if (missing.length > 0) {
  console.error(`cannot run without: ${missing.join(', ')}`);
  process.exit(1);
}
const vipsVersion = spawnSync('vips', ['--version'], { encoding: 'utf8' }).stdout.trim();
const iipsrvVersion = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'iipimage-server'], { encoding: 'utf8' }).stdout.trim();
console.log(`iipsrv ${iipsrvVersion} (Debian iipimage-server) behind lighttpd, 2 FastCGI processes; ${vipsVersion} CLI; sharp ${sharp.versions.sharp} with libvips ${sharp.versions.vips}`);

// ---- The source: a 12,000 × 8,000 mosaic of 16 × 16 kodak images ---------------------------
let t = performance.now();
const mosaic = await kodakMosaic(kodak, W, H);
const sourceFile = path.join(work, 'source.jpg');
// A high-quality JPEG, as a museum's photography often arrives: the same file goes to vips and to Wenyuan.
await sharp(mosaic, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 95 }).toFile(sourceFile);
console.log(`source: ${W}×${H} JPEG q95 from ${kodak.length} kodak images, ${(fs.statSync(sourceFile).size / MiB).toFixed(1)} MiB, made in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// ---- iipsrv's pyramid: the vips CLI, timed --------------------------------------------------
const tiff = path.join(work, 'k12000.tif');
t = performance.now();
const vips = spawnSync('vips', ['tiffsave', sourceFile, tiff, '--tile', '--pyramid', '--compression', 'jpeg', '--Q', String(DEFAULT_PYRAMID_QUALITY), '--tile-width', '256', '--tile-height', '256'], { encoding: 'utf8' });
const vipsSeconds = (performance.now() - t) / 1000;
if (vips.status !== 0) throw new Error(`vips tiffsave failed: ${vips.stderr}`);

// ---- Wenyuan: an admin uploads the same file, public and CC0; the worker builds the pyramid ---
const dataDir = path.join(work, 'wenyuan');
fs.mkdirSync(dataDir);
let imagePath: string;
let wenyuanBuildSeconds = 0;
let publicBuildSeconds = 0;
let jobsSeconds = 0;
{
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}`, readWorkers: 0 }, {}));
  await app.instance.configure({ name: { en: 'Bench Museum', 'zh-Hans': '基准馆' }, publicUrl: 'http://127.0.0.1', registryOrigin: 'bench.example/registry' });
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const { token } = await app.identity.createApiToken(admin.id, 'bench');
  const auth = { authorization: `Bearer ${token}` };
  const server = await buildServer(app.http, { logger: false, webRoot: null });
  await server.ready();
  // Time the job's own work per pyramid (the worker calls these on the same object): the original
  // pyramid is what compares with `vips tiffsave`; the public one adds marking the whole frame.
  const pyramids = app.pyramids as unknown as { buildVariant: (sha: string, input: string, variant: string) => Promise<boolean> };
  const buildVariant = pyramids.buildVariant.bind(app.pyramids);
  pyramids.buildVariant = async (sha256, input, variant) => {
    const started = performance.now();
    const built = await buildVariant(sha256, input, variant);
    if (built && variant === 'original') wenyuanBuildSeconds = (performance.now() - started) / 1000;
    if (built && variant === 'public') publicBuildSeconds = (performance.now() - started) / 1000;
    return built;
  };
  const boundary = '----wenyuan-bench-iiif';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="kodak-mosaic.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    fs.readFileSync(sourceFile),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const uploaded = await server.inject({ method: 'POST', url: '/api/uploads', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  if (uploaded.statusCode !== 200) throw new Error(`upload failed: ${uploaded.statusCode} ${uploaded.body}`);
  const { workId } = (uploaded.json() as { items: { workId: string }[] }).items[0]!;
  const current = (await server.inject({ method: 'GET', url: `/api/works/${workId}`, headers: auth })).json() as { version: number; metadata: Record<string, unknown> };
  const patched = await server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: auth, payload: { expectedVersion: current.version, metadata: { ...current.metadata, title: { en: 'Kodak mosaic', 'zh-Hans': '柯达拼图' }, rights: { uri: CC0 } } } });
  if (patched.statusCode !== 200) throw new Error(`rights not set: ${patched.statusCode} ${patched.body}`);
  t = performance.now();
  await app.worker.drain(); // display copy, public watermark, fingerprints and the pyramid
  jobsSeconds = (performance.now() - t) / 1000;
  const json = (await server.inject({ method: 'GET', url: `/api/works/${workId}` })).json() as { files: { iiif: { service: string } | null }[] };
  const service = json.files[0]?.iiif?.service;
  if (!service) throw new Error('the work has no IIIF service');
  imagePath = new URL(service).pathname;
  await server.close();
  await app.close();
}
if (wenyuanBuildSeconds === 0) throw new Error('the publish.pyramid job did not build a pyramid');
console.log(`pyramids built: Wenyuan's job ${wenyuanBuildSeconds.toFixed(1)} s, vips CLI ${vipsSeconds.toFixed(1)} s (figures repeated at the end)`);

// ---- The servers ----------------------------------------------------------------------------
async function startWenyuan(cacheMb: number): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(process.env.BENCH_CPU_PROFILE)] : [];
  // As `npm start` runs it (--max-semi-space-size=64), from source through tsx (no build needed).
  const child = processes.spawn(process.execPath, ['--max-semi-space-size=64', ...profile, '--import', 'tsx', 'bench/serve-source.ts', 'serve', '--data-dir', dataDir, '--port', String(port), '--role', 'api'], {
    env: {
      ...process.env, WENYUAN_LOG_LEVEL: 'error', WENYUAN_FIXITY_INTERVAL_HOURS: '0', WENYUAN_IIIF_CACHE_MB: String(cacheMb),
      WENYUAN_RATE_LIMIT_PER_MINUTE: '0', WENYUAN_IIIF_RATE_LIMIT_PER_MINUTE: '0', WENYUAN_SEARCH_RATE_LIMIT_PER_MINUTE: '0',
    },
    // Its start-up banner is not the bench's output; errors still show.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}${imagePath}/info.json`);
  return { origin, child };
}
const wenyuanCold = await startWenyuan(0);
const wenyuanWarm = await startWenyuan(CACHE_MB);
console.log(`Wenyuan servers (serve --role api): answer cache off pid ${wenyuanCold.child.pid}, ${CACHE_MB} MiB cache pid ${wenyuanWarm.child.pid}`);
const stopWenyuan = async (server: { child: ChildProcess }) => {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM'); // a clean exit, so --cpu-prof writes its profile
  await exited;
};

let iipsrv: Iipsrv | null = null;
let memcached: { address: string; pid: number; stop(): void } | null = null;
async function restartIipsrv(withMemcached: boolean): Promise<string> {
  iipsrv?.stop();
  memcached?.stop();
  memcached = withMemcached ? await startMemcached(processes, 512) : null;
  iipsrv = await startIipsrv(processes, work, { cacheMb: CACHE_MB, jpegQuality: RENDER_JPEG_QUALITY, ...(memcached ? { memcached: memcached.address } : {}) });
  await waitFor(`${iipsrv.base}k12000.tif/info.json`);
  return new URL(iipsrv.base).origin;
}
let iipOrigin = await restartIipsrv(false);

// ---- Request lists (the same regions for both) ----------------------------------------------
const random = seededRandom(42);
const aligned = shuffled(alignedTilePaths(W, H), random);
const unaligned = unalignedPaths(W, H, 40_000, random);
const iipPrefix = new URL(iipsrv!.base).pathname + new URL(iipsrv!.base).search + 'k12000.tif/';
const lists = {
  aligned: writeLists('aligned', aligned),
  unaligned: writeLists('unaligned', unaligned),
  full: writeLists('full', [FULL_VIEW_PATH]),
};
function writeLists(name: string, paths: string[]): { iipsrv: string; wenyuan: string } {
  const files = { iipsrv: path.join(work, `${name}.iipsrv.txt`), wenyuan: path.join(work, `${name}.wenyuan.txt`) };
  fs.writeFileSync(files.iipsrv, paths.map((p) => iipPrefix + p).join('\n'));
  fs.writeFileSync(files.wenyuan, paths.map((p) => `${imagePath}/${p}`).join('\n'));
  return files;
}

// Both answer the same request with an image of the same size (a check, not a measurement).
for (const p of [aligned[0]!, '0,0,512,512/256,/0/default.jpg', unaligned[0]!, FULL_VIEW_PATH]) {
  const sizes = await Promise.all([`${iipOrigin}${iipPrefix}${p}`, `${wenyuanWarm.origin}${imagePath}/${p}`].map(async (url) => {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    return `${meta.width}×${meta.height}`;
  }));
  if (sizes[0] !== sizes[1]) console.log(`note: ${p}: iipsrv answers ${sizes[0]}, Wenyuan ${sizes[1]}`);
}
console.log(`aligned tiles: ${aligned.length} (every tile of every level); unaligned regions: ${unaligned.length} distinct; wrk ${CONNECTIONS} connections, 2 threads, ${SECONDS} s per timed case, ${ROUNDS} rounds`);

// ---- The cases, interleaved -----------------------------------------------------------------
type Server = 'iipsrv' | 'wenyuan';
/** CPU ms per answer: the server's processes, and (Wenyuan) its main thread, where JavaScript runs. */
interface Cpu { total: number; main: number | null }
interface Measured extends WrkResult { load: string; cpu: Cpu }
const CASES = ['aligned tiles, cold', 'aligned tiles, warm', 'unaligned → 256 px', 'full !1024,1024', 'repeated tiles (memcached / our cache)'] as const;
type CaseName = (typeof CASES)[number];
const best = new Map<string, Measured>();
const cpuText = (c: Cpu) => `${c.total.toFixed(2)}${c.main === null ? '' : ` (main thread ${c.main.toFixed(2)})`}`;
function keep(name: CaseName, server: Server, r: WrkResult, load: string, cpu: Cpu): void {
  const key = `${name}|${server}`;
  const old = best.get(key);
  if (!old || r.rps > old.rps) best.set(key, { ...r, load, cpu });
  console.log(`  ${name.padEnd(40)} ${server.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  ${r.requests} answers, ${r.avgKiB.toFixed(1)} KiB avg, CPU ${cpuText(cpu)} ms/answer${r.errors ? `, ${r.errors} ERRORS` : ''}  (load ${load})`);
}
/** One timed case; `pids` are the server's processes, whose CPU time is read before and after. */
const ONLY = process.env.BENCH_CASES?.split(',').map((w) => w.trim()).filter(Boolean) ?? [];
async function timed(name: CaseName, server: Server, origin: string, file: string, once: boolean, offset = 0): Promise<void> {
  if (ONLY.length > 0 && !ONLY.some((word) => name.includes(word))) return;
  const load = loadAverage();
  const pids = server === 'iipsrv' ? [...iipsrv!.pids, ...(memcached ? [memcached.pid] : [])] : [(origin === wenyuanCold.origin ? wenyuanCold : wenyuanWarm).child.pid!];
  const total = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const main = () => (server === 'wenyuan' ? cpuMs(pids[0]!, pids[0]!) : 0);
  const [total0, main0] = [total(), main()];
  const r = await runWrk(processes, origin, file, { connections: CONNECTIONS, seconds: SECONDS, once, offset });
  const n = Math.max(1, r.requests);
  keep(name, server, r, load, { total: (total() - total0) / n, main: server === 'wenyuan' ? (main() - main0) / n : null });
}
const warmUp = (origin: string, file: string) => runWrk(processes, origin, file, { connections: CONNECTIONS, seconds: SECONDS, once: true });

for (let round = 0; round < ROUNDS; round++) {
  console.log(`round ${round + 1}:`);
  // Cold: a fresh iipsrv (empty tile cache); Wenyuan without its answer cache.
  iipOrigin = await restartIipsrv(false);
  await timed('aligned tiles, cold', 'iipsrv', iipOrigin, lists.aligned.iipsrv, true);
  await timed('aligned tiles, cold', 'wenyuan', wenyuanCold.origin, lists.aligned.wenyuan, true);
  // Warm: the cold pass filled iipsrv's cache; Wenyuan's cache-on server gets one pass first.
  if (round === 0) await warmUp(wenyuanWarm.origin, lists.aligned.wenyuan);
  await timed('aligned tiles, warm', 'iipsrv', iipOrigin, lists.aligned.iipsrv, false);
  await timed('aligned tiles, warm', 'wenyuan', wenyuanWarm.origin, lists.aligned.wenyuan, false);
  // Each round starts further down the unaligned list, so no region is asked for twice.
  const offset = round * Math.floor(unaligned.length / ROUNDS);
  await timed('unaligned → 256 px', 'iipsrv', iipOrigin, lists.unaligned.iipsrv, false, offset);
  await timed('unaligned → 256 px', 'wenyuan', wenyuanWarm.origin, lists.unaligned.wenyuan, false, offset);
  await timed('full !1024,1024', 'iipsrv', iipOrigin, lists.full.iipsrv, false);
  await timed('full !1024,1024', 'wenyuan', wenyuanCold.origin, lists.full.wenyuan, false);
  iipOrigin = await restartIipsrv(true);
  await warmUp(iipOrigin, lists.aligned.iipsrv);
  await timed('repeated tiles (memcached / our cache)', 'iipsrv', iipOrigin, lists.aligned.iipsrv, false);
  await timed('repeated tiles (memcached / our cache)', 'wenyuan', wenyuanWarm.origin, lists.aligned.wenyuan, false);
}
const rss = (child: ChildProcess) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const rssLine = `Wenyuan peak RSS: cache off ${rss(wenyuanCold.child)} MiB, cache on ${rss(wenyuanWarm.child)} MiB`;
iipsrv!.stop();
memcached!.stop();
await Promise.all([stopWenyuan(wenyuanCold), stopWenyuan(wenyuanWarm)]);

// ---- The table ------------------------------------------------------------------------------
const GOALS: Partial<Record<CaseName, { ratio: number; p99?: number }>> = {
  'aligned tiles, cold': { ratio: 1.0, p99: 30 },
  'aligned tiles, warm': { ratio: 1.0, p99: 30 },
  'unaligned → 256 px': { ratio: 1.5 },
  'repeated tiles (memcached / our cache)': { ratio: 0.8 },
};
console.log(`\nbest of ${ROUNDS} (req/s, p50 / p99 ms, CPU ms per answer — iipsrv: lighttpd + both iipsrv processes, Wenyuan: the process (its main thread); load average 1/5/15 min before the run):`);
console.log('| case | iipsrv req/s | p50 | p99 | CPU | load | Wenyuan req/s | p50 | p99 | CPU | load | Wenyuan / iipsrv | goal |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |');
for (const name of CASES) {
  const i = best.get(`${name}|iipsrv`), w = best.get(`${name}|wenyuan`);
  if (!i || !w) continue;
  const ratio = w.rps / i.rps;
  const goal = GOALS[name];
  const verdict = goal ? `≥ ${goal.ratio.toFixed(1)}×${goal.p99 ? ` at p99 ≤ ${goal.p99} ms` : ''}: ${ratio >= goal.ratio && (!goal.p99 || w.p99Ms <= goal.p99) ? 'met' : 'NOT met'}` : '—';
  const cells = (m: Measured) => `${m.rps.toFixed(0)} | ${m.p50Ms.toFixed(1)} | ${m.p99Ms.toFixed(1)} | ${cpuText(m.cpu)} | ${m.load}`;
  console.log(`| ${name} | ${cells(i)} | ${cells(w)} | ${ratio.toFixed(2)}× | ${verdict} |`);
}
console.log(rssLine);
console.log(`\npyramid of the ${((W * H) / 1e6).toFixed(0)}-megapixel image (JPEG tiles, Q ${DEFAULT_PYRAMID_QUALITY}, 256 px):`);
console.log(`  Wenyuan publish.pyramid, original pyramid (sharp ${sharp.versions.sharp}/libvips ${sharp.versions.vips}, with fsync and sha256): ${wenyuanBuildSeconds.toFixed(1)} s; the public (watermarked) one: ${publicBuildSeconds.toFixed(1)} s (all the upload's jobs: ${jobsSeconds.toFixed(1)} s)`);
console.log(`  ${vipsVersion} tiffsave CLI: ${vipsSeconds.toFixed(1)} s, ${(fs.statSync(tiff).size / MiB).toFixed(1)} MiB; Wenyuan / vips time ${(wenyuanBuildSeconds / vipsSeconds).toFixed(2)}×`);
process.exit(0);

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

// Scale benchmark (issue 16): real `wenyuan serve` processes on PostgreSQL + an S3 server (s3rver),
// behind nginx (round robin), under a mixed load driven by autocannon; job throughput with 1 and 2
// worker processes; and the same load on the one-process default (SQLite + local disk) beside it.
// Loopback only. Run: npm run bench:scale -- [--works 20000] [--images 100] [--seconds 20]
//   [--connections 32] [--apis 1,2,3] [--skip-sqlite]
// autocannon (not wrk): its programmatic API lets one script build the weighted mix, vary every
// request (search words, ids, distinct upload bodies) and read the figures back; it runs in this
// process, on the same two cores as the servers — its own CPU use is printed beside each figure.
import { parseArgs } from 'node:util';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { seedCatalogue } from '../seed-catalogue.js';
import { machine, mapLimit, postgresDatabase, tempDir } from '../support.js';
import { freePort, loadLine, nginxVersion, procCpuSeconds, S3RVER_KEYS, startNginx, startS3, startWenyuan, waitForHealth, type Child } from './processes.js';

const { values: flags } = parseArgs({
  options: {
    works: { type: 'string', default: '20000' },
    images: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    apis: { type: 'string', default: '1,2,3' },
    'skip-sqlite': { type: 'boolean', default: false },
    'skip-pg': { type: 'boolean', default: false },
  },
});
const WORKS = Number(flags.works);
const IMAGES = Number(flags.images);
const SECONDS = Number(flags.seconds);
const WARMUP = Number(flags.warmup);
const CONNECTIONS = Number(flags.connections);
const API_COUNTS = flags.apis.split(',').map(Number);
const PASSWORD = 'bench-password-1';

// The mix: out of every 20 requests a connection makes (autocannon cycles each connection through the list).
const MIX = [
  { kind: 'catalogue page with facets', weight: 6 },
  { kind: 'search', weight: 5 },
  { kind: 'work page (API)', weight: 5 },
  { kind: 'thumbnail', weight: 3 },
  { kind: 'upload (1 image)', weight: 1 },
] as const;

// Every limit off: one load generator is one address, and this measures capacity, not the limits.
const LIMITS_OFF = {
  WENYUAN_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_SEARCH_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
  WENYUAN_UPLOAD_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_UPLOAD_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
  WENYUAN_IIIF_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_UPLOAD_QUOTA_BYTES: String(1024 ** 4),
  WENYUAN_LOG_LEVEL: 'error',
  WENYUAN_FIXITY_INTERVAL_HOURS: '0',
};

// ── Distinct small PNGs (no two uploads alike: a repeat would be answered as a duplicate) ──
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}
/** A 320×240 RGB PNG with smooth structure and noise (so fingerprints and thumbnails have work to do), unique per seed. */
function png(seed: number, width = 320, height = 240): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let s = (seed * 2_654_435_761) >>> 0;
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
      const o = y * (width * 3 + 1) + 1 + x * 3;
      const v = 128 + 60 * Math.sin((x + seed) / 9) * Math.cos((y * (1 + (seed % 5))) / 13);
      raw[o] = (v + (s >>> 27)) & 0xff;
      raw[o + 1] = (v * 0.8 + (seed % 50)) & 0xff;
      raw[o + 2] = (255 - v) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const BOUNDARY = '----wenyuan-bench-boundary';
function multipart(seed: number): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench-${seed}.png"\r\nContent-Type: image/png\r\n\r\n`),
    png(seed),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}
// Each setup gets its own seeds: the SQLite run uploads the same images as the PostgreSQL one did.
let nextSeed = 1;

// ── One instance: seeded catalogue, a creator with an API token ──
interface Instance {
  label: string;
  env: Record<string, string>;
  databaseUrl: string;
  creatorToken: string;
  workIds: string[];
  images: { workId: string; sha256: string }[];
  drop: () => Promise<void>;
}

async function prepare(label: string, databaseUrl: string, dataDir: string, extraEnv: Record<string, string>, drop: () => Promise<void>): Promise<Instance> {
  const blob = extraEnv.WENYUAN_BLOB_STORE ? { blobStore: extraEnv.WENYUAN_BLOB_STORE, s3AccessKeyId: S3RVER_KEYS.WENYUAN_S3_ACCESS_KEY_ID, s3SecretAccessKey: S3RVER_KEYS.WENYUAN_S3_SECRET_ACCESS_KEY } : {};
  const app = await createApp(loadConfig({ dataDir, databaseUrl, readWorkers: 0, ...blob }, {}));
  await app.instance.configure({ name: { en: 'Bench Museum', 'zh-Hans': '基准馆' }, publicUrl: 'http://127.0.0.1', registryOrigin: 'bench.example/registry' });
  const admin = await app.identity.createUser({ username: 'bench-admin', password: PASSWORD, role: 'admin' });
  const creator = await app.identity.createUser({ username: 'bench-creator', password: PASSWORD, role: 'creator' });
  const creatorToken = (await app.identity.createApiToken(creator.id, 'bench')).token;
  const seconds = await seedCatalogue(app, admin.id, WORKS);
  console.log(`  ${label}: seeded ${WORKS} works in ${seconds.toFixed(1)} s`);
  await app.close();
  return { label, env: { WENYUAN_DATA_DIR: dataDir, WENYUAN_DATABASE_URL: databaseUrl, ...LIMITS_OFF, ...extraEnv }, databaseUrl, creatorToken, workIds: [], images: [], drop };
}

/** Uploads `count` distinct images through `base` (4 at a time); returns their work ids. */
async function uploadImages(base: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const seeds = Array.from({ length: count }, () => nextSeed++);
  await mapLimit(seeds, 4, async (seed) => {
    const response = await fetch(`${base}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: new Uint8Array(multipart(seed)) });
    const body = (await response.json()) as { items?: { status: string; workId?: string }[] };
    const item = body.items?.[0];
    if (response.status !== 200 || item?.status !== 'imported' || !item.workId) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
    ids.push(item.workId);
  });
  return ids;
}

/**
 * Waits until no job that is due is queued or running; returns the seconds from the first job taken
 * (so the workers' start-up is not counted) to the last finished, and what ran meanwhile, by kind.
 */
async function drainJobs(databaseUrl: string, since: string): Promise<{ seconds: number; done: Record<string, number>; dead: number }> {
  const database = openDatabase(databaseUrl, { readWorkers: 0 });
  const begun = performance.now();
  let firstTaken: number | null = null;
  let queuedAtStart: number | null = null;
  try {
    for (;;) {
      const rows = await database.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['queued', 'running']).where('run_at', '<=', new Date().toISOString()).groupBy('status').execute();
      const queued = Number(rows.find((r) => r.status === 'queued')?.n ?? 0);
      const runningJobs = Number(rows.find((r) => r.status === 'running')?.n ?? 0);
      queuedAtStart ??= queued;
      if (firstTaken === null && (runningJobs > 0 || queued < queuedAtStart)) firstTaken = performance.now();
      if (queued + runningJobs === 0) break;
      if (performance.now() - begun > 600_000) throw new Error('jobs did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - (firstTaken ?? begun)) / 1000;
    const rows = await database.db.selectFrom('jobs').select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')]).where('finished_at', '>=', since).groupBy(['kind', 'status']).execute();
    const done: Record<string, number> = {};
    let dead = 0;
    for (const r of rows) {
      if (r.status === 'done') done[r.kind] = Number(r.n);
      else dead += Number(r.n);
    }
    return { seconds, done, dead };
  } finally {
    await database.close();
  }
}

async function imagesOf(instance: Instance): Promise<void> {
  const database = openDatabase(instance.databaseUrl, { readWorkers: 0 });
  const works = await database.db.selectFrom('works').select('id').where('visibility', '=', 'public').orderBy(sql`random()`).limit(5000).execute();
  instance.workIds = works.map((w) => w.id);
  const images = await database.db.selectFrom('works').select(['id', 'primary_file_sha256']).where('primary_file_sha256', 'is not', null).where('visibility', '=', 'public').execute();
  instance.images = images.map((w) => ({ workId: w.id, sha256: w.primary_file_sha256! }));
  await database.close();
}

// ── The load ──
const BROAD = ['图', 'no', '山水', 'landscape', 'mountain', 'river', '花鸟', 'autumn', 'scroll', '松风'];
interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statuses: string;
  requests: number;
  loaderCpu: number;
}

function requestsFor(instance: Instance): autocannon.Request[] {
  let n = Math.floor(Math.random() * 1e6);
  const pick = <T,>(xs: T[]): T => xs[n++ % xs.length]!;
  const get = (p: () => string): autocannon.Request => ({ method: 'GET', setupRequest: (req) => ({ ...req, path: p() }) });
  const kinds: Record<(typeof MIX)[number]['kind'], autocannon.Request> = {
    'catalogue page with facets': get(() => {
      const i = n++;
      return i % 3 === 0 ? `/api/works?page=${1 + (i % 40)}` : i % 3 === 1 ? `/api/works?industry=0${1 + (i % 9)}&page=${1 + (i % 5)}` : `/api/works?yearFrom=${900 + (i % 8) * 100}&yearTo=${1000 + (i % 8) * 100}`;
    }),
    // Every search differs (a word and a year bound): none is answered from the anonymous answer cache.
    search: get(() => {
      const i = n++;
      return `/api/works?q=${encodeURIComponent(BROAD[i % BROAD.length]!)}&yearFrom=${600 + (i % 1400)}`;
    }),
    'work page (API)': get(() => `/api/works/${pick(instance.workIds)}`),
    thumbnail: get(() => {
      const image = pick(instance.images);
      return `/api/works/${image.workId}/files/${image.sha256}/thumbnail`;
    }),
    'upload (1 image)': {
      method: 'POST',
      path: '/api/uploads',
      headers: { authorization: `Bearer ${instance.creatorToken}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      setupRequest: (req) => ({ ...req, body: multipart(nextSeed++) }),
    },
  };
  return MIX.flatMap(({ kind, weight }) => Array.from({ length: weight }, () => kinds[kind]));
}

async function load(base: string, instance: Instance, seconds: number): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  const result = await autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests: requestsFor(instance), timeout: 30 });
  const used = process.cpuUsage(cpu);
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}×${s.count ?? 0}`).join(' ');
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx, statuses, requests: result.requests.total, loaderCpu: (used.user + used.system) / 1e6 / seconds };
}

function row(label: string, r: LoadResult, cpu: string): string {
  return `| ${label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.errors} | ${r.non2xx} | ${r.statuses} | ${cpu} | ${r.loaderCpu.toFixed(2)} |`;
}
const TABLE_HEAD = '| setup | req/s | p50 ms | p99 ms | errors | non-2xx | statuses | server CPU (cores) | autocannon CPU (cores) |\n| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |';

/** Load through `base` after a warm-up, with the CPU each server process used per second of load. */
async function measure(label: string, base: string, instance: Instance, servers: Child[]): Promise<string> {
  if (WARMUP > 0) await load(base, instance, WARMUP);
  const before = servers.map((s) => procCpuSeconds(s.pid));
  const started = performance.now();
  const r = await load(base, instance, SECONDS);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = servers.map((s, i) => ((procCpuSeconds(s.pid) - before[i]!) / elapsed).toFixed(2)).join(' + ');
  const line = row(label, r, cpu);
  console.log(line);
  return line;
}

console.log(`machine: ${machine()}; ${loadLine()}`);
console.log(`load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per phase after a ${WARMUP} s warm-up; mix per 20 requests: ${MIX.map((m) => `${m.kind} ×${m.weight}`).join(', ')}`);
console.log(`catalogue: ${WORKS} synthetic works (90% public) + ${IMAGES * 2} uploaded 320×240 PNG images; load balancer: ${nginxVersion() ?? 'none'}`);
const lines: string[] = [];
const jobLines: string[] = [];

// ── PostgreSQL + S3 fleet ──
if (!flags['skip-pg']) {
  const s3 = await startS3();
  const pgDb = await postgresDatabase('wenyuan_bench_fleet');
  if (!pgDb) throw new Error('no PostgreSQL at 127.0.0.1:5432');
  const dataDir = tempDir('wenyuan-bench-fleet-');
  const instance = await prepare('PostgreSQL + S3', pgDb.url, dataDir, { WENYUAN_BLOB_STORE: s3.url, ...S3RVER_KEYS }, pgDb.drop);

  const ports = await Promise.all(API_COUNTS.map(() => freePort()));
  const maxApis = Math.max(...API_COUNTS);
  const apis: Child[] = [];
  for (let i = 0; i < maxApis; i++) apis.push(startWenyuan(['serve', '--role', 'api', '--port', String(ports[i])], instance.env));
  await Promise.all(apis.map((c, i) => waitForHealth(`http://127.0.0.1:${ports[i]}`, c)));
  const direct = `http://127.0.0.1:${ports[0]}`;

  // Job throughput: N images uploaded while no worker runs, then drained by 1, then (N more) by 2 workers.
  for (const workers of [1, 2]) {
    await uploadImages(direct, instance.creatorToken, IMAGES);
    const since = new Date().toISOString();
    const started = Array.from({ length: workers }, () => startWenyuan(['serve', '--role', 'worker'], instance.env));
    const drained = await drainJobs(instance.databaseUrl, since);
    await Promise.all(started.map((w) => w.stop()));
    const total = Object.values(drained.done).reduce((a, b) => a + b, 0);
    const line = `| PostgreSQL + S3, ${workers} worker process${workers > 1 ? 'es' : ''} | ${IMAGES} | ${drained.seconds.toFixed(1)} | ${(IMAGES / drained.seconds).toFixed(1)} | ${(total / drained.seconds).toFixed(1)} | ${Object.entries(drained.done).map(([k, v]) => `${k} ${v}`).join(', ')}${drained.dead ? `, dead ${drained.dead}` : ''} |`;
    console.log(line);
    jobLines.push(line);
  }
  await imagesOf(instance);

  // HTTP load, with one worker running beside the API processes (the uploads' jobs run as in a deployment).
  const worker = startWenyuan(['serve', '--role', 'worker'], instance.env);
  console.log(TABLE_HEAD);
  lines.push(await measure('PostgreSQL + S3, 1 API process, direct (no balancer)', direct, instance, [apis[0]!, worker]));
  for (const count of API_COUNTS) {
    const lbPort = await freePort();
    const nginx = startNginx(lbPort, ports.slice(0, count).map((p) => `127.0.0.1:${p}`), tempDir('wenyuan-bench-nginx-'));
    if (!nginx) {
      console.log('nginx is not installed (apt-get install -y nginx-light): the balanced phases are skipped');
      break;
    }
    await waitForHealth(`http://127.0.0.1:${lbPort}`, nginx, 10_000);
    lines.push(await measure(`PostgreSQL + S3, ${count} API process${count > 1 ? 'es' : ''} behind nginx`, `http://127.0.0.1:${lbPort}`, instance, [...apis.slice(0, count), worker, nginx]));
    await nginx.stop();
  }
  await Promise.all([...apis, worker].map((c) => c.stop()));
  await s3.child.stop();
  await instance.drop();
}

// ── The one-process default: SQLite + local disk, `wenyuan serve` (API and workers in one process) ──
if (!flags['skip-sqlite']) {
  nextSeed = 1;
  const dataDir = tempDir('wenyuan-bench-fleet-sqlite-');
  const instance = await prepare('SQLite + local disk', `sqlite:${path.join(dataDir, 'wenyuan.db')}`, dataDir, {}, async () => undefined);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Uploaded with the API alone, then drained by the default process (its jobs run inside it).
  const uploader = startWenyuan(['serve', '--role', 'api', '--port', String(port)], instance.env);
  await waitForHealth(base, uploader);
  await uploadImages(base, instance.creatorToken, IMAGES);
  await uploader.stop();
  const since = new Date().toISOString();
  const server = startWenyuan(['serve', '--port', String(port)], instance.env);
  const drained = await drainJobs(instance.databaseUrl, since);
  const total = Object.values(drained.done).reduce((a, b) => a + b, 0);
  const jobLine = `| SQLite + local disk, the one \`serve\` process | ${IMAGES} | ${drained.seconds.toFixed(1)} | ${(IMAGES / drained.seconds).toFixed(1)} | ${(total / drained.seconds).toFixed(1)} | ${Object.entries(drained.done).map(([k, v]) => `${k} ${v}`).join(', ')}${drained.dead ? `, dead ${drained.dead}` : ''} |`;
  console.log(jobLine);
  jobLines.push(jobLine);
  await waitForHealth(base, server);
  await imagesOf(instance);
  console.log(TABLE_HEAD);
  lines.push(await measure('SQLite + local disk, 1 `serve` process (API + workers)', base, instance, [server]));
  await server.stop();
}

console.log(`\nsummary (${loadLine()}):`);
console.log(TABLE_HEAD);
for (const line of lines) console.log(line);
console.log('\n| job throughput | images | drain s | images/s | jobs/s | jobs done |\n| --- | ---: | ---: | ---: | ---: | --- |');
for (const line of jobLines) console.log(line);
process.exit(0);

// Scale benchmark (issue 16): a million works on PostgreSQL, one real API process (`wenyuan serve
// --role api`), measured over HTTP: catalogue pages with facet counts, search, and the process's memory.
// Goals: catalogue and facets p95 ≤ 150 ms, search p95 ≤ 200 ms, API RSS ≤ 1 GiB.
//
//   npm run bench:scale-million -- --keep                  seed 1,000,000 works, measure, keep the database
//   npm run bench:scale-million -- --reuse <url>           measure again against a kept database (no seed)
//   npm run bench:scale-million -- --seed-only             seed and keep the database, measure nothing
//   options: --from-source (run src/ through tsx; by default the compiled CLI, as `npm start`), --works N (1000000), --rounds N (30 distinct requests per scenario), --concurrency N (1),
//            --facet-counts memory|database (sets WENYUAN_FACET_COUNTS); any WENYUAN_* variable is passed on
//            to the API process. BENCH_POSTGRES_URL is the admin URL the fresh database is made through.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { PlaceFacetRefresh } from '../../src/archive/place-facet.job.js';
import { SearchIndex } from '../../src/discover/search-index.js';
import type { Actor } from '../../src/govern/roles.js';
import { loadConfig } from '../../src/platform/config.js';
import { freePort } from '../../test/e2e/server-process.js';
import { machine, percentile, postgresDatabase, tempDir } from '../support.js';
import { seedPostgres } from './seed-postgres.js';

const { values: args } = parseArgs({
  options: {
    works: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    'seed-only': { type: 'boolean', default: false },
    reuse: { type: 'string' },
    'facet-counts': { type: 'string' },
    'from-source': { type: 'boolean', default: false },
  },
});
const WORKS = Number(args.works);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const facetCounts = args['facet-counts'];
if (facetCounts !== undefined && !['memory', 'database'].includes(facetCounts)) throw new Error('--facet-counts must be memory or database');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The API runs as a deployment runs it (`npm start`: the compiled CLI), so its memory is not the
// TypeScript loader's; `--from-source` runs the sources through tsx instead (slower start, more memory).
const COMPILED = path.join(repoRoot, 'dist/cli/main.js');
const PASSWORD = 'bench-password-1';
const STAFF = 'bench-curator';
const OWNERS = ['bench-owner-1', 'bench-owner-2', 'bench-owner-3', 'bench-owner-4'];
// The seeded vocabulary (bench/seed-catalogue.ts), for queries that match.
const ZH = ['山水', '溪山', '行旅', '松风', '秋色', '寒林', '春山', '渔父', '花鸟', '仕女', '竹石', '梅花', '楼阁', '雪景', '云山', '江帆', '牡丹', '墨竹', '观瀑', '归樵'];
const ZH_NAMES = ['范宽', '郭熙', '李成', '马远', '夏圭', '赵孟頫', '沈周', '文徵明', '唐寅', '董其昌'];
const EN = ['landscape', 'mountain', 'river', 'autumn', 'pine', 'bamboo', 'plum', 'scroll', 'album', 'vase', 'bronze', 'jade', 'portrait', 'travelers', 'snow', 'lotus', 'crane', 'garden', 'temple', 'fisherman'];
const PINYIN = ['shanshui', 'xishan', 'xinglv', 'songfeng', 'qiuse', 'hanlin', 'chunshan', 'huaniao', 'meihua', 'xuejing', 'fan kuan', 'guo xi', 'ma yuan', 'shen zhou', 'tang yin', 'dong qichang'];
const INDUSTRY = ['01', '02', '03', '04', '05', '06', '07', '08', '09'];
const HERITAGE = ['tangible', 'intangible', 'creative'];

// ---- the database: a fresh one seeded now, or one kept from an earlier run ----
let databaseUrl: string;
let drop: (() => Promise<void>) | null = null;
if (args.reuse) {
  databaseUrl = args.reuse;
  console.log(`reusing ${databaseUrl} (no seed)`);
} else {
  const fresh = await postgresDatabase('wenyuan_bench_million');
  if (!fresh) throw new Error('no PostgreSQL server answers (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)');
  databaseUrl = fresh.url;
  drop = fresh.drop;
  await seed(databaseUrl);
  if (args['seed-only']) {
    console.log(`\ndatabase kept; measure with:\n  npm run bench:scale-million -- --reuse ${databaseUrl}`);
    process.exit(0);
  }
}

/** Accounts, collections and WORKS works, through the app (migrations, users, collections) and the bulk seeder. */
async function seed(url: string): Promise<void> {
  const dataDir = tempDir('wenyuan-bench-million-seed-');
  const app = await createApp(loadConfig({ dataDir, databaseUrl: url, readWorkers: 0 }, {}));
  try {
    // With no works yet these record the current tokenizer and gazetteer versions, so no process rebuilds what we write.
    await new SearchIndex(app.database).needsRebuild();
    await new PlaceFacetRefresh(app.database, app.workRepository).needed();
    const curator = await app.identity.createUser({ username: STAFF, password: PASSWORD, role: 'curator' });
    const owners = await Promise.all(OWNERS.map((username) => app.identity.createUser({ username, password: PASSWORD, role: 'creator' })));
    const actor: Actor = { kind: 'user', id: curator.id, username: STAFF, role: 'curator' };
    // Five public collections with three sub-collections each: a collection filter takes its sub-collections too.
    const collectionIds: string[] = [];
    for (let c = 1; c <= 5; c++) {
      const parent = await app.collections.create(actor, { name: { 'zh-Hans': `藏品系列 ${c}`, en: `Series ${c}` }, visibility: 'public' });
      collectionIds.push(parent.id);
      for (let s = 1; s <= 3; s++) collectionIds.push((await app.collections.create(actor, { name: { 'zh-Hans': `分辑 ${c}.${s}`, en: `Part ${c}.${s}` }, parentId: parent.id, visibility: 'public' })).id);
    }
    let lastReport = 0;
    const seedStart = performance.now();
    const seconds = await seedPostgres(app, {
      count: WORKS,
      ownerIds: [curator.id, ...owners.map((o) => o.id)],
      collectionIds,
      unfiledShare: 0.2,
      publicShare: 0.9,
      onIndexes: (count, s) => console.log(`  built ${count} indexes again in ${s.toFixed(0)} s`),
      onProgress: (done) => {
        if (done - lastReport >= Math.min(100_000, WORKS / 10) || done === WORKS) {
          lastReport = done;
          console.log(`  seeded ${done.toLocaleString('en')} works (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`);
        }
      },
    });
    console.log(`seeded ${WORKS.toLocaleString('en')} works in ${seconds.toFixed(0)} s (${(WORKS / seconds).toFixed(0)} works/s, with VACUUM ANALYZE)`);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Collection ids, parents first (a parent's filter covers its three sub-collections). */
async function collectionsOf(url: string): Promise<{ parents: string[]; leaves: string[]; works: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM collections ORDER BY created_at, id')).rows;
    const works = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM works')).rows[0]!.n);
    return { parents: rows.filter((r) => r.parent_id === null).map((r) => r.id), leaves: rows.filter((r) => r.parent_id !== null).map((r) => r.id), works };
  } finally {
    await client.end();
  }
}

// ---- one API process ----
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = tempDir('wenyuan-bench-million-api-');
const passedOn = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('WENYUAN_')));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  // One visitor's latency is measured: rate limits off unless the caller sets them.
  WENYUAN_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_SEARCH_RATE_LIMIT_PER_MINUTE: '0',
  WENYUAN_SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
  WENYUAN_LOG_LEVEL: 'warn',
  ...passedOn,
  WENYUAN_DATA_DIR: dataDir,
  WENYUAN_DATABASE_URL: databaseUrl,
  ...(facetCounts ? { WENYUAN_FACET_COUNTS: facetCounts } : {}),
};
const startedAt = performance.now();
const fromSource = args['from-source'];
if (!fromSource && !fs.existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build:server` first (or pass --from-source)');
if (!fromSource && fs.statSync(COMPILED).mtimeMs < Math.max(...fs.readdirSync(path.join(repoRoot, 'src'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => fs.statSync(path.join(f.parentPath, f.name)).mtimeMs))) {
  console.warn('warning: dist/ is older than src/: run `npm run build:server` to measure the current code');
}
const serve = fromSource ? ['--import', 'tsx', path.join(repoRoot, 'test/support/cli-child.ts')] : ['--max-semi-space-size=64', path.join(repoRoot, 'bin/wenyuan.js')];
const child: ChildProcess = spawn(process.execPath, [...serve, 'serve', '--role', 'api', '--port', String(port)], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

async function stopChild(): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// Interrupted (Ctrl-C), the API process goes too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopChild().finally(() => process.exit(130)));

/** The API process's resident memory now and at its peak (MiB), from /proc. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

async function get(url: string, cookie?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}${url}`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(120_000) });
  return { status: res.status, body: await res.text() };
}

try {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited:\n${output}`);
    if (performance.now() - startedAt > 300_000) throw new Error(`API process did not answer in 5 minutes:\n${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const listeningMs = performance.now() - startedAt;
  // The server warms the facet index in the background; the first answer waits for it.
  let t = performance.now();
  for (let attempt = 1; ; attempt++) {
    const first = await get('/api/works?pageSize=2').catch((error: unknown) => ({ status: 0, body: String(error) }));
    if (first.status === 200) break;
    if (attempt === 10) throw new Error(`first catalogue page: ${first.status} ${first.body}`);
  }
  const firstMs = performance.now() - t;
  t = performance.now();
  // Search-as-you-type builds its index in a thread at start-up too; measuring during the build would measure the build.
  for (;;) {
    const ready = await get(`/api/search/suggest?q=${encodeURIComponent('山水')}`).then((res) => res.status === 200 && (JSON.parse(res.body) as { items: unknown[] }).items.length > 0, () => false);
    if (ready || performance.now() - t > 600_000) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const suggestMs = performance.now() - t;

  const signIn = async (username: string): Promise<string> => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
    return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  };
  const staff = await signIn(STAFF);
  const owner = await signIn(OWNERS[0]!);
  const { parents, leaves, works } = await collectionsOf(databaseUrl);
  const collections = [...parents, ...leaves];

  // Each round asks something else (another value or page): anonymous answers are cached for 30 s, so a
  // repeated request would measure the cache. The one repeated scenario says so.
  const at = <T>(xs: readonly T[], r: number) => xs[r % xs.length]!;
  const page = (r: number, n: number) => 1 + Math.floor(r / n);
  const q = (s: string) => encodeURIComponent(s);
  type Scenario = { group: 'catalogue' | 'search'; name: string; url: (r: number) => string; cookie?: string };
  const scenarios: Scenario[] = [
    { group: 'catalogue', name: 'anonymous, no filter (pages 1…n)', url: (r) => `/api/works?page=${r + 1}` },
    { group: 'catalogue', name: 'anonymous, home page repeated (cache)', url: () => '/api/works' },
    { group: 'catalogue', name: 'anonymous, one facet', url: (r) => `/api/works?industry=${at(INDUSTRY, r)}&page=${page(r, 9)}` },
    { group: 'catalogue', name: 'anonymous, two facets', url: (r) => `/api/works?industry=${at(INDUSTRY, r)}&heritage=${at(HERITAGE, Math.floor(r / 9))}&page=${page(r, 27)}` },
    { group: 'catalogue', name: 'anonymous, year range', url: (r) => { const from = 600 + ((r * 37) % 1200); return `/api/works?yearFrom=${from}&yearTo=${from + 100 + (r % 5) * 50}`; } },
    { group: 'catalogue', name: 'anonymous, collection', url: (r) => `/api/works?collection=${at(collections, r)}&page=${page(r, collections.length)}` },
    { group: 'catalogue', name: 'anonymous, page 200+', url: (r) => `/api/works?page=${200 + r}` },
    { group: 'catalogue', name: 'staff, no filter', url: (r) => `/api/works?page=${r + 1}`, cookie: staff },
    { group: 'catalogue', name: 'staff, two facets + years', url: (r) => `/api/works?industry=${at(INDUSTRY, r)}&heritage=${at(HERITAGE, r)}&yearFrom=${900 + r * 10}&yearTo=${1400 + r * 10}`, cookie: staff },
    { group: 'catalogue', name: 'staff, collection', url: (r) => `/api/works?collection=${at(collections, r)}&page=${page(r, collections.length)}`, cookie: staff },
    { group: 'catalogue', name: 'owner, mine', url: (r) => `/api/works?mine=true&page=${r + 1}`, cookie: owner },
    { group: 'search', name: 'zh broad word (山水…)', url: (r) => `/api/works?q=${q(at(ZH, r))}&page=${page(r, ZH.length)}` },
    { group: 'search', name: 'zh two words (溪山 行旅…)', url: (r) => `/api/works?q=${q(`${at(ZH, r)}${at(ZH, r * 7 + 3)}`)}` },
    { group: 'search', name: 'zh creator (范宽…)', url: (r) => `/api/works?q=${q(at(ZH_NAMES, r))}&page=${page(r, ZH_NAMES.length)}` },
    { group: 'search', name: 'en broad word (landscape…)', url: (r) => `/api/works?q=${at(EN, r)}&page=${page(r, EN.length)}` },
    { group: 'search', name: 'en narrow words (crane temple…)', url: (r) => `/api/works?q=${q(`${at(EN, r)} ${at(EN, r * 7 + 3)}`)}` },
    { group: 'search', name: 'en prefix (trav…)', url: (r) => `/api/works?q=${at(EN, r).slice(0, 4)}&page=${page(r, EN.length)}` },
    { group: 'search', name: 'pinyin (shanshui, fan kuan…)', url: (r) => `/api/works?q=${q(at(PINYIN, r))}&page=${page(r, PINYIN.length)}` },
    { group: 'search', name: 'catalogue number (1 work)', url: (r) => `/api/works?q=${(100_003 + r * 7_919) % works}` },
    { group: 'search', name: 'zh word + facet + years', url: (r) => `/api/works?q=${q(at(ZH, r))}&industry=${at(INDUSTRY, r)}&yearFrom=900&yearTo=1300&sort=date` },
    { group: 'search', name: 'staff, en broad word', url: (r) => `/api/works?q=${at(EN, r)}&page=${page(r, EN.length)}`, cookie: staff },
  ];

  // A failed request (a read over its time limit, the server busy) is counted and timed, not fatal.
  const run = async (s: Scenario, rounds: number, offset: number): Promise<{ times: number[]; total: number; failed: string[] }> => {
    const times: number[] = [];
    const failed: string[] = [];
    let total = 0;
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < rounds) {
        const url = s.url(offset + next++);
        const start = performance.now();
        const res = await get(url, s.cookie);
        times.push(performance.now() - start);
        if (res.status === 200) total = Math.max(total, (JSON.parse(res.body) as { total: number }).total);
        else failed.push(`${res.status} ${(/"code":"([^"]+)"/.exec(res.body)?.[1] ?? res.body.slice(0, 80))}`);
      }
    }));
    return { times: times.sort((a, b) => a - b), total, failed };
  };

  // Warm-up: a few requests of each kind (rounds past the measured ones, so the measured ones stay uncached).
  for (const s of scenarios) await run(s, 2, ROUNDS);
  const warm = memoryOf(child.pid!);

  console.log(`machine: ${machine()}; PostgreSQL ${(await pgVersion(databaseUrl)) ?? '?'}`);
  console.log(`database: ${databaseUrl} (${works.toLocaleString('en')} works); load average before the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`API process (pid ${child.pid}, ${fromSource ? "sources through tsx" : "compiled, as npm start"}): WENYUAN_FACET_COUNTS=${env.WENYUAN_FACET_COUNTS ?? "(unset: the app's default)"}; listening after ${(listeningMs / 1000).toFixed(1)} s, first catalogue answer ${(firstMs / 1000).toFixed(1)} s later, suggestions ready ${(suggestMs / 1000).toFixed(1)} s after that`);
  console.log(`${ROUNDS} distinct requests per scenario, ${CONCURRENCY} at a time\n`);
  console.log(`| scenario | p50 ms | p95 ms | p99 ms | max ms | results |`);
  console.log(`|---|---|---|---|---|---|`);
  const worst = { catalogue: 0, search: 0 };
  for (const s of scenarios) {
    const { times, total, failed } = await run(s, ROUNDS, 0);
    const p95 = percentile(times, 95);
    if (!s.name.includes('(cache)')) worst[s.group] = Math.max(worst[s.group], p95);
    console.log(`| ${s.group}: ${s.name} | ${percentile(times, 50).toFixed(0)} | ${p95.toFixed(0)} | ${percentile(times, 99).toFixed(0)} | ${times[times.length - 1]!.toFixed(0)} | ${total.toLocaleString('en')}${failed.length ? ` (${failed.length} failed: ${[...new Set(failed)].join(', ')})` : ''} |`);
  }
  const loaded = memoryOf(child.pid!);
  console.log(`\nAPI RSS after warm-up: ${warm.rss.toFixed(0)} MiB (peak ${warm.hwm.toFixed(0)} MiB); after the load: ${loaded.rss.toFixed(0)} MiB (peak ${loaded.hwm.toFixed(0)} MiB)`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`goals: catalogue p95 ≤ 150 ms ${verdict(worst.catalogue <= 150)} (worst ${worst.catalogue.toFixed(0)} ms); search p95 ≤ 200 ms ${verdict(worst.search <= 200)} (worst ${worst.search.toFixed(0)} ms); RSS ≤ 1 GiB ${verdict(loaded.hwm <= 1024)} (peak ${loaded.hwm.toFixed(0)} MiB)`);
} finally {
  await stopChild();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (drop && !args.keep) {
    await drop();
    console.log('database dropped (pass --keep to keep it)');
  } else if (!args.reuse) {
    console.log(`\ndatabase kept; measure again with:\n  npm run bench:scale-million -- --reuse ${databaseUrl}`);
  }
}

async function pgVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? null;
  } finally {
    await client.end();
  }
}

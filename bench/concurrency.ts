// Concurrency benchmark (issue 10): a crowd of anonymous visitors against a real server process
// holding N works (default 100,000) on SQLite. It measures broad searches one at a time, then
// 50 and 200 concurrent visitors mixing broad searches and catalogue pages, while a monitor asks
// /api/health every 25 ms: the server must keep answering it (goal p99 ≤ 100 ms) and search
// throughput must not fall below the one-at-a-time rate. Each visitor has its own address (the
// server trusts the bench's X-Forwarded-For), as a real crowd would; one last run floods from a
// single address to show the per-IP limit answering 429.
// Run: npm run bench:concurrency   (BENCH_WORKS=100000 BENCH_SECONDS=15)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { seedCatalogue } from './seed-catalogue.js';
import { machine, percentile, tempDir } from './support.js';

const N = Number(process.env.BENCH_WORKS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
// Words in most titles: '图' and 'no' are in every one (100% of works match), the others in 5–10%.
const BROAD = ['图', 'no', '山水', 'landscape', 'mountain', 'river', '花鸟', 'autumn', 'scroll', '松风'];

const dataDir = tempDir('wenyuan-bench-concurrency-');
{
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}`, readWorkers: 0 }, {}));
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  await app.instance.configure({ name: { en: 'Bench Museum', 'zh-Hans': '基准馆' }, publicUrl: 'http://127.0.0.1', registryOrigin: 'bench.example/registry' });
  const seconds = await seedCatalogue(app, admin.id, N);
  console.log(`seeded ${N} works in ${seconds.toFixed(1)} s`);
  await app.close();
}

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
// BENCH_CPU_PROFILE=<dir> writes the server's main-thread CPU profile there (node --cpu-prof).
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/serve-source.ts', 'serve', '--data-dir', dataDir, '--port', String(port), '--role', 'api'], {
  env: { ...process.env, WENYUAN_TRUSTED_PROXIES: '127.0.0.1', WENYUAN_LOG_LEVEL: 'error', WENYUAN_FIXITY_INTERVAL_HOURS: '0' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stopServer = () => child.kill('SIGTERM');
process.on('exit', stopServer);

interface Answer {
  status: number;
  ms: number;
  retryAfter: number;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const monitorAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url: string, ip: string, useAgent = agent): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: useAgent, headers: { 'x-forwarded-for': ip } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, retryAfter: Number(res.headers['retry-after'] ?? 0) }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start, retryAfter: 0 }));
  });
}

for (let i = 0; ; i++) {
  if ((await get('/api/health', '10.0.0.1')).status === 200) break;
  if (i > 300) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
// The first catalogue request loads the facet index; a real server is warm by the time the crowd comes.
await get('/api/works', '10.0.0.1');

// Every search differs (a broad word and a year bound), so none is answered from the anonymous
// answer cache: this measures the search engine, not the cache. Catalogue pages repeat, as real browsing does.
// Each phase asks with its own page size, so no phase finds another's answers either.
const searchUrl = (i: number, pageSize = 24) => `/api/works?q=${encodeURIComponent(BROAD[Math.floor(i / 1400) % BROAD.length]!)}&yearFrom=${600 + (i % 1400)}&pageSize=${pageSize}`;
const pageUrl = (i: number) => (i % 3 === 0 ? `/api/works?page=${1 + (i % 40)}` : i % 3 === 1 ? `/api/works?industry=0${1 + (i % 9)}&page=${1 + (i % 5)}` : `/api/works?yearFrom=${900 + (i % 8) * 100}&yearTo=${1000 + (i % 8) * 100}`);

function summary(answers: Answer[]): string {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  const codes = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
  return `p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${ms[ms.length - 1]?.toFixed(0)} ms [${codes}]`;
}

/** Asks /api/health every 25 ms until stopped; returns every answer. */
function monitor(): { stop: () => Promise<Answer[]> } {
  const answers: Answer[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      answers.push(await get('/api/health', '10.255.255.254', monitorAgent));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

console.log(`machine: ${machine()}`);
console.log(`server: ${N} works, SQLite, one process (--role api), read workers: default`);

// The monitor on an idle server: the reference for its answers during the floods.
{
  const idle = monitor();
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`/api/health, idle server: ${summary(await idle.stop())}`);
}

// One at a time: the rate a single visitor gets, the reference for the crowd.
const sequential: Answer[] = [];
const seqStart = performance.now();
for (let i = 0; performance.now() - seqStart < SECONDS * 1000 * 0.5; i++) sequential.push(await get(searchUrl(i), `10.0.${1 + (i >> 8)}.${i & 255}`));
const seqRate = sequential.length / ((performance.now() - seqStart) / 1000);
console.log(`one at a time, broad searches (uncached): ${seqRate.toFixed(1)} /s, ${summary(sequential)}`);

// Each crowd twice: broad searches only (compared with one at a time), then catalogue pages only.
for (const crowd of [50, 200]) {
  for (const kind of ['searches', 'pages'] as const) {
    const health = monitor();
    const answers: Answer[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: crowd }, async (_, slot) => {
        for (let i = slot; performance.now() - start < SECONDS * 1000; i += crowd) {
          // A crowd of many people, `crowd` of them waiting for an answer at any moment (one address each).
          const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
          const answer = await get(kind === 'searches' ? searchUrl(i, crowd === 50 ? 25 : 26) : pageUrl(i), ip);
          answers.push(answer);
          // A polite client (the web interface) waits as long as a refusal says before asking again.
          if (answer.retryAfter > 0) await new Promise((r) => setTimeout(r, answer.retryAfter * 1000));
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const healthAnswers = await health.stop();
    const ok = answers.filter((a) => a.status === 200).length / elapsed;
    const ratio = kind === 'searches' ? ` (${(ok / seqRate).toFixed(2)}× one at a time)` : '';
    console.log(`\n${crowd} concurrent visitors, ${kind === 'searches' ? 'broad searches (uncached)' : 'catalogue pages'}, ${elapsed.toFixed(1)} s:`);
    console.log(`  ${ok.toFixed(1)} answered /s${ratio}, ${summary(answers)}`);
    console.log(`  /api/health during the flood: ${summary(healthAnswers)}`);
  }
}

// One address flooding: the per-IP search limit answers 429 with Retry-After.
const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => get(searchUrl(i), '10.9.9.9')));
console.log(`\none address, 200 searches at once: ${summary(flood)}`);

const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
console.log(`server peak RSS: ${Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)} MiB`);
stopServer();
await new Promise((r) => child.once('exit', r));
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

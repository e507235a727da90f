// Catalogue benchmark: seeds N synthetic works (default 100,000) into SQLite, then measures the
// catalogue page and the search API through the real HTTP stack (in-process inject).
// Run: npm run bench:catalogue  (BENCH_WORKS=100000 BENCH_DIALECT=sqlite|postgres)
import path from 'node:path';
import fs from 'node:fs';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { buildServer } from '../src/platform/http/server.js';
import { seedCatalogue } from './seed-catalogue.js';
import { machine, peakRssMiB, percentile, tempDir } from './support.js';

const N = Number(process.env.BENCH_WORKS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const pgUrl = process.env.BENCH_POSTGRES_URL;

const dataDir = tempDir('wenyuan-bench-catalogue-');
// Rate limits off: this measures one visitor's latency, 40 rounds of each request in a row.
const app = await createApp(loadConfig({ dataDir, databaseUrl: pgUrl ?? `sqlite:${path.join(dataDir, 'wenyuan.db')}`, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0 }, {}));
const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
const { token } = await app.identity.createApiToken(admin.id, 'bench');

const seedSeconds = await seedCatalogue(app, admin.id, N);

const server = await buildServer(app.http, { webRoot: null });
await server.ready();

const scenarios: { name: string; url: string; auth?: boolean }[] = [
  { name: 'catalogue page 1 (anonymous, facets)', url: '/api/works' },
  { name: 'catalogue page 50 (anonymous)', url: '/api/works?page=50' },
  { name: 'catalogue, staff view', url: '/api/works', auth: true },
  { name: 'search zh "溪山行旅"', url: `/api/works?q=${encodeURIComponent('溪山行旅')}` },
  { name: 'search zh "范宽"', url: `/api/works?q=${encodeURIComponent('范宽')}` },
  { name: 'search en "mountain river"', url: '/api/works?q=mountain%20river' },
  { name: 'search en prefix "trav"', url: '/api/works?q=trav' },
  { name: 'facet filter industry=02 + heritage', url: '/api/works?industry=02&heritage=tangible' },
  { name: 'year range 1368-1644', url: '/api/works?yearFrom=1368&yearTo=1644' },
  { name: 'search + facet + years + sort=date', url: `/api/works?q=${encodeURIComponent('山水')}&industry=02&yearFrom=900&yearTo=1300&sort=date` },
];

// The first request loads the in-memory facet index (a server does this at start-up).
const warmStart = performance.now();
await server.inject({ method: 'GET', url: '/api/works' });
const warmMs = performance.now() - warmStart;

console.log(`machine: ${machine()}`);
console.log(`database: ${app.database.dialect}; seeded ${N} works in ${seedSeconds.toFixed(1)} s (${(N / seedSeconds).toFixed(0)} works/s)`);
console.log(`first request (loads the facet index of ${N} works): ${warmMs.toFixed(0)} ms`);
console.log(`${'scenario'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  results`);
for (const s of scenarios) {
  const times: number[] = [];
  let total = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const res = await server.inject({ method: 'GET', url: s.url, headers: s.auth ? { authorization: `Bearer ${token}` } : {} });
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${s.url} → ${res.statusCode} ${res.body}`);
    total = (res.json() as { total: number }).total;
  }
  times.sort((a, b) => a - b);
  console.log(`${s.name.padEnd(42)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)} ${times[times.length - 1]!.toFixed(1).padStart(8)}  ${total}`);
}
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);
await server.close();
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });

// Review queue benchmark (issue 15 item 1). Goal: queue pages p95 <= 50 ms with 100,000 open items.
// Seeds BENCH_WORKS (default 100,000) works and one open review item per work (submissions, a tenth
// of them reports), then asks the API, as a reviewer, for: the first page, pages deep in the queue
// by keyset (following `next`), the first page filtered by kind, and the workload figures. Each
// request goes through the whole HTTP stack in process (fastify inject), BENCH_ROUNDS (default 200)
// times per kind of page, after a warm-up.
// Run: npm run bench:govern-review   (BENCH_DIALECTS=sqlite,postgres)
import fs from 'node:fs';
import { sql } from 'kysely';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { buildServer } from '../../src/platform/http/server.js';
import { newId } from '../../src/platform/ids.js';
import { seedCatalogue } from '../seed-catalogue.js';
import { machine, peakRssMiB, percentile, tempDir, postgresDatabase } from '../support.js';

const WORKS = Number(process.env.BENCH_WORKS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');

console.log(`machine: ${machine()}`);


/** One open item per work, opened a second apart (oldest first), every tenth a report case. */
async function seedQueue(app: App, creatorId: string): Promise<void> {
  const works = await app.database.db.selectFrom('works').select('id').orderBy('seq').execute();
  const start = Date.now() - works.length * 1000;
  for (let from = 0; from < works.length; from += 1000) {
    const rows = works.slice(from, from + 1000).map((w, k) => {
      const at = new Date(start + (from + k) * 1000).toISOString();
      const report = (from + k) % 10 === 0;
      return {
        id: newId(),
        kind: report ? 'report' : 'submission',
        work_id: w.id,
        submitter_id: report ? null : creatorId,
        state: 'open',
        stage: 'first',
        opened_at: at,
        stage_opened_at: at,
        report_count: report ? 1 : 0,
        checks_state: 'done',
        updated_at: at,
      };
    });
    await app.database.db.insertInto('review_items').values(rows).execute();
  }
  await sql`ANALYZE`.execute(app.database.db);
}

async function timed(rounds: number, ask: (round: number) => Promise<void>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < 10; i++) await ask(i);
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await ask(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1]! };
}

for (const dialect of DIALECTS) {
  const dataDir = tempDir('wy-bench-review-');
  const database = dialect === 'postgres' ? await postgresDatabase('wy_bench_review') : null;
  if (dialect === 'postgres' && !database) {
    console.log('postgres: no server reachable, skipped');
    continue;
  }
  const app = await createApp(loadConfig({ dataDir, databaseUrl: database?.url ?? `sqlite:${dataDir}/wenyuan.db`, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0 }, {}));
  try {
    const creator = await app.identity.createUser({ username: 'bench-creator', password: 'correct horse battery', role: 'creator' });
    const reviewer = await app.identity.createUser({ username: 'bench-reviewer', password: 'correct horse battery', role: 'reviewer' });
    const { token } = await app.identity.createApiToken(reviewer.id, 'bench');
    const headers = { authorization: `Bearer ${token}` };
    // The queue never searches: works without search tokens seed much faster.
    const seedWorks = await seedCatalogue(app, creator.id, WORKS, { searchIndex: false });
    const t = performance.now();
    await seedQueue(app, creator.id);
    console.log(`${dialect}: ${WORKS} works seeded in ${seedWorks.toFixed(1)} s, ${WORKS} open items in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const server = await buildServer(app.http, { logger: false, webRoot: null });
    const get = async (url: string) => {
      const res = await server.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res.json() as { items: unknown[]; next?: string | null };
    };
    // Cursors deep in the queue: follow `next` 50 pages from the start, keep every one.
    const cursors: string[] = [];
    let next: string | null | undefined = null;
    for (let i = 0; i < 50; i++) {
      const page: { items: unknown[]; next?: string | null } = await get(`/api/review/items?limit=50${next ? `&after=${encodeURIComponent(next)}` : ''}`);
      if (!page.next) break;
      cursors.push(page.next);
      next = page.next;
    }
    const figures = {
      'first page (50)': await timed(ROUNDS, async () => void (await get('/api/review/items?limit=50'))),
      'a later page by keyset': await timed(ROUNDS, async (i) => void (await get(`/api/review/items?limit=50&after=${encodeURIComponent(cursors[i % cursors.length]!)}`))),
      'reports only': await timed(ROUNDS, async () => void (await get('/api/review/items?limit=50&kind=report'))),
      'workload': await timed(Math.min(ROUNDS, 50), async () => void (await get('/api/review/workload'))),
    };
    for (const [name, f] of Object.entries(figures)) console.log(`${dialect}: ${name.padEnd(24)} p50 ${f.p50.toFixed(1)} ms  p95 ${f.p95.toFixed(1)} ms  max ${f.max.toFixed(1)} ms`);
    console.log(`${dialect}: peak RSS ${peakRssMiB()} MiB`);
    await server.close();
  } finally {
    await app.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

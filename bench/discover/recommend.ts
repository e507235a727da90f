// Recommendation benchmark (issue 13).
//  1. The offline evaluation on the shared public logs (MovieLens latest-small, Last.fm 2k) when
//     ../shared/data/interactions is there: the same protocol and table as `wenyuan eval recommend`.
//  2. Serving on SQLite: BENCH_WORKS synthetic works (default 100,000) and BENCH_INTERACTIONS signals
//     (default 1,000,000) from consenting people with category tastes and power-law popularity; the
//     model rebuild (the background job, in its worker thread) is timed, then the personal feed and
//     "more like this" through the HTTP stack (in-process inject), p50/p95/p99.
// Run: node --import tsx bench/discover/recommend.ts   (BENCH_PART=eval|serve, BENCH_WORKS, BENCH_INTERACTIONS, BENCH_ROUNDS)
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { formatEvaluation } from '../../src/cli/eval.command.js';
import { seededRandom } from '../../src/discover/recommend/holdout-split.js';
import { evaluateRecommenders } from '../../src/discover/recommend/offline-evaluation.js';
import { parseItems, parseRatings, type RatingsFormat } from '../../src/discover/recommend/ratings-file.js';
import { loadConfig } from '../../src/platform/config.js';
import { buildServer } from '../../src/platform/http/server.js';
import { newId } from '../../src/platform/ids.js';
import { seedCatalogue } from '../seed-catalogue.js';
import { machine, peakRssMiB, percentile, tempDir } from '../support.js';

const PART = process.env.BENCH_PART;
const WORKS = Number(process.env.BENCH_WORKS ?? 100_000);
const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

console.log(`machine: ${machine()}`);

if (PART !== 'serve') {
  const base = path.resolve('../shared/data/interactions');
  const sets: { name: string; ratings: string; items: string; format: RatingsFormat }[] = [
    { name: 'MovieLens latest-small (2016)', ratings: 'movielens-ml-latest-small-2016/ratings.csv', items: 'movielens-ml-latest-small-2016/movies.csv', format: 'movielens' },
    { name: 'Last.fm HetRec 2k', ratings: 'hetrec2011-lastfm-2k/user_artists.dat', items: 'hetrec2011-lastfm-2k/artists.dat', format: 'lastfm' },
  ];
  for (const set of sets) {
    const ratings = path.join(base, set.ratings);
    if (!fs.existsSync(ratings)) {
      console.log(`\n${set.name}: not found at ${ratings}; skipped`);
      continue;
    }
    const started = performance.now();
    const report = evaluateRecommenders(parseRatings(fs.readFileSync(ratings), set.format), parseItems(fs.readFileSync(path.join(base, set.items)), set.format), { seed: 42 });
    console.log(`\n== ${set.name} (wenyuan eval recommend --ratings ${ratings} --items ${path.join(base, set.items)}) — ${((performance.now() - started) / 1000).toFixed(1)} s\n${formatEvaluation(report)}`);
  }
}

if (PART !== 'eval') {
  const dataDir = tempDir('wenyuan-bench-recommend-');
  const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}`, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0 }, {}));
  const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const seedSeconds = await seedCatalogue(app, admin.id, WORKS);
  const db = app.database.db;
  const works = await db.selectFrom('works').select(['id', 'industry']).where('visibility', '=', 'public').orderBy('seq').execute();
  // People: each has two favourite categories; works are drawn from a Zipf-like popularity within them.
  const random = seededRandom(7);
  const people = Math.max(1000, Math.round(INTERACTIONS / 50));
  const byIndustry = new Map<string, string[]>();
  for (const w of works) {
    const key = w.industry ?? 'none';
    byIndustry.set(key, [...(byIndustry.get(key) ?? []), w.id]);
  }
  const groups = [...byIndustry.values()];
  const zipf = (n: number) => Math.min(n - 1, Math.floor(n * random() ** 3));
  const t0 = performance.now();
  const now = new Date().toISOString();
  const userIds: string[] = [];
  for (let p = 0; p < people; p += 1000) {
    const batch = Array.from({ length: Math.min(1000, people - p) }, (_, k) => ({ id: newId(), username: `person-${p + k}`, display_name: `Person ${p + k}`, password_hash: 'x', role: 'licensee', disabled: 0, preferred_lang: null, created_at: now, updated_at: now }));
    await db.insertInto('users').values(batch).execute();
    await db.insertInto('recommendation_consents').values(batch.map((u) => ({ user_id: u.id, consented_at: now }))).execute();
    userIds.push(...batch.map((u) => u.id));
  }
  let written = 0;
  while (written < INTERACTIONS) {
    const rows = [];
    for (let k = 0; k < 5000 && written < INTERACTIONS; k++, written++) {
      const user = userIds[Math.floor(random() * userIds.length)]!;
      const group = groups[(user.charCodeAt(user.length - 1) + (random() < 0.7 ? 0 : 1 + Math.floor(random() * 2))) % groups.length]!;
      rows.push({ user_id: user, work_id: group[zipf(group.length)]!, kind: 'view', weight: 1, created_at: now });
    }
    await db.insertInto('recommendation_signals').values(rows).execute();
  }
  const signalSeconds = (performance.now() - t0) / 1000;

  const r0 = performance.now();
  const built = await app.recommender.rebuild();
  const rebuildSeconds = (performance.now() - r0) / 1000;
  const modelBytes = (await app.database.db.selectFrom('recommendation_models').select('data').executeTakeFirstOrThrow()).data.length;

  const server = await buildServer(app.http, { webRoot: null });
  await server.ready();
  const sample = userIds.slice(0, ROUNDS);
  const tokens = await Promise.all(sample.map(async (id) => (await app.identity.createApiToken(id, 'bench')).token));
  const time = async (url: (k: number) => string, headers: (k: number) => Record<string, string>) => {
    const times: number[] = [];
    // One request first: the first one of a process loads the stored model (a one-off, not a request's cost).
    await server.inject({ method: 'GET', url: url(0), headers: headers(0) });
    for (let k = 0; k < ROUNDS; k++) {
      const t = performance.now();
      const res = await server.inject({ method: 'GET', url: url(k), headers: headers(k) });
      if (res.statusCode !== 200) throw new Error(`${url(k)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b);
  };
  const auth = (k: number) => ({ authorization: `Bearer ${tokens[k % tokens.length]}` });
  const feed = await time(() => '/api/recommendations?limit=12', auth);
  const explore = await time(() => '/api/recommendations?limit=12&slider=1', auth);
  const general = await time((k) => `/api/recommendations?mode=general&limit=12&seed=${k}`, () => ({}));
  const more = await time((k) => `/api/works/${works[Math.floor((k * 7919) % works.length)]!.id}/recommendations`, () => ({}));
  const line = (name: string, t: number[]) => console.log(`  ${name.padEnd(44)} p50 ${percentile(t, 50).toFixed(1)} ms  p95 ${percentile(t, 95).toFixed(1)} ms  p99 ${percentile(t, 99).toFixed(1)} ms`);
  console.log(`\n== serving on SQLite: ${works.length} public works (of ${WORKS}; seeded in ${seedSeconds.toFixed(0)} s), ${people} consenting people, ${INTERACTIONS} signals (${signalSeconds.toFixed(0)} s)`);
  console.log(`  model rebuild (job, worker thread): ${rebuildSeconds.toFixed(1)} s for ${built.works} works, ${built.interactions} (person, work) pairs; model ${(modelBytes / 1e6).toFixed(1)} MB`);
  line('personal feed, slider 0.5 (HTTP, 12 works)', feed);
  line('personal feed, slider 1', explore);
  line('general mode (anonymous)', general);
  line('more like this (anonymous)', more);
  console.log(`  peak RSS ${peakRssMiB()} MiB`);
  await server.close();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

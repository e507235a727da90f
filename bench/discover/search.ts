// Search benchmark: seeds N synthetic works (default 100,000; Chinese and English titles, creators
// and places) into SQLite, then measures in-process, through the services (no HTTP):
//  - catalogue search (with snippets) for a mix of queries: a common word, a rare word, pinyin, a
//    typo, a synonym, a CJK bigram, each as a signed-in visitor (not cached: anonymous answers are);
//  - search-as-you-type suggestions for 1–4 character prefixes, as a visitor and as staff.
// Run: node --import tsx bench/discover/search.ts  (BENCH_WORKS=1000000 for the 1 M figure; BENCH_ROUNDS=40;
// BENCH_DATA_DIR=<dir> keeps the seeded instance there and reuses it on the next run — seeding a million
// works takes ~20 minutes, a measurement one)
import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'kysely';
import { createApp, type App } from '../../src/app.js';
import { facetColumns } from '../../src/archive/work-facets.js';
import { workMetadataSchema } from '../../src/archive/metadata.schema.js';
import type { Actor } from '../../src/govern/roles.js';
import { loadConfig } from '../../src/platform/config.js';
import { newId } from '../../src/platform/ids.js';
import { SearchIndex } from '../../src/discover/search-index.js';
import { syntheticMetadata } from '../seed-catalogue.js';
import { machine, peakRssMiB, percentile, tempDir } from '../support.js';

const N = Number(process.env.BENCH_WORKS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

// Deterministic, as seed-catalogue.ts: every run seeds the same works.
let seed = 7;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const PLACES = [
  { 'zh-Hans': '杭州', en: 'Hangzhou' },
  { 'zh-Hant': '蘇州', en: 'Suzhou' },
  { 'zh-Hans': '景德镇', en: 'Jingdezhen' },
  { 'zh-Hans': '敦煌', en: 'Dunhuang' },
  { 'zh-Hans': '北京', en: 'Beijing' },
  { 'zh-Hans': '西安', en: "Xi'an" },
  { en: 'London' },
  { en: 'Kyoto' },
] as const;
const SUBJECTS = [{ 'zh-Hans': '国画', en: 'Chinese painting' }, { 'zh-Hans': '书法', en: 'calligraphy' }, { 'zh-Hans': '瓷器', en: 'porcelain' }];
// About one work in 5,000 has this word in its description: the rare-word query.
const RARE = 'quillwork';

/** seed-catalogue.ts's works, with a place, a subject from the thesaurus and a description. */
function benchMetadata(i: number) {
  const base = syntheticMetadata(i);
  return workMetadataSchema.parse({
    ...base,
    place: pick(PLACES),
    subjects: [...base.subjects, pick(SUBJECTS)],
    description: { en: `A ${pick(['small', 'large', 'fine', 'damaged'])} work${rand() < 0.0002 ? ` decorated with ${RARE}` : ''}, recorded in the bench catalogue as number ${i}.` },
  });
}

/** Inserts and indexes `count` works (90% public) in batches, as bench/seed-catalogue.ts does. */
async function seedWorks(app: App, ownerId: string, count: number): Promise<number> {
  const index = new SearchIndex(app.database);
  const start = performance.now();
  const BATCH = 1000;
  for (let from = 0; from < count; from += BATCH) {
    await app.database.db.transaction().execute(async (trx) => {
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const metadata = benchMetadata(i);
        const now = new Date().toISOString();
        const row = await app.workRepository.insertWork(trx, { id: newId(), source_key: null, collection_id: null, owner_id: ownerId, visibility: rand() < 0.9 ? 'public' : 'private', work_type: 'record', metadata: JSON.stringify(metadata), version: 1, ...facetColumns(metadata), primary_file_sha256: null, created_at: now, updated_at: now });
        await index.indexWork(trx, { seq: Number(row.seq), metadata });
      }
    });
    if ((from / BATCH) % 20 === 19) process.stdout.write(`  seeded ${from + BATCH}\r`);
  }
  await sql`ANALYZE`.execute(app.database.db);
  return (performance.now() - start) / 1000;
}

async function measure(rounds: number, run: () => Promise<number>): Promise<{ p50: number; p95: number; max: number; results: number }> {
  const times: number[] = [];
  let results = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    results = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, results };
}

const row = (name: string, m: { p50: number; p95: number; max: number; results: number }) =>
  console.log(`${name.padEnd(40)} ${m.p50.toFixed(2).padStart(8)} ${m.p95.toFixed(2).padStart(8)} ${m.max.toFixed(2).padStart(8)}  ${m.results}`);

const keptDir = process.env.BENCH_DATA_DIR;
const dataDir = keptDir ?? tempDir('wenyuan-bench-search-');
const reuse = keptDir !== undefined && fs.existsSync(path.join(keptDir, 'seeded.json'));
if (keptDir) fs.mkdirSync(keptDir, { recursive: true });
const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}`, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0 }, {}));
try {
  const admin = reuse ? (await app.identity.findByUsername('bench'))! : await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
  const visitorUser = reuse ? (await app.identity.findByUsername('visitor'))! : await app.identity.createUser({ username: 'visitor', password: 'bench-password-1', role: 'licensee' });
  const staff: Actor = { kind: 'user', id: admin.id, username: admin.username, role: 'admin' };
  const visitor: Actor = { kind: 'user', id: visitorUser.id, username: visitorUser.username, role: 'licensee' };

  console.log(`machine: ${machine()}`);
  if (reuse) {
    const seeded = JSON.parse(fs.readFileSync(path.join(dataDir, 'seeded.json'), 'utf8')) as { works: number };
    if (seeded.works !== N) throw new Error(`${dataDir} holds ${seeded.works} works, not BENCH_WORKS=${N}`);
    console.log(`database: sqlite; reusing ${N} works seeded in ${dataDir}`);
  } else {
    const seedSeconds = await seedWorks(app, admin.id, N);
    if (keptDir) fs.writeFileSync(path.join(dataDir, 'seeded.json'), JSON.stringify({ works: N }));
    console.log(`database: sqlite; seeded ${N} works in ${seedSeconds.toFixed(1)} s (${(N / seedSeconds).toFixed(0)} works/s)`);
  }

  // The facet index loads on the first search, the suggestion index on warm-up (a server does both at start-up).
  let start = performance.now();
  await app.catalogue.warm();
  console.log(`facet index load: ${(performance.now() - start).toFixed(0)} ms`);
  start = performance.now();
  await app.suggestions.warm();
  console.log(`suggestion index build: ${(performance.now() - start).toFixed(0)} ms (heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB after)`);

  const searches: { name: string; q: string }[] = [
    { name: 'common word "landscape"', q: 'landscape' },
    { name: `rare word "${RARE}"`, q: RARE },
    { name: 'pinyin "shanshui"', q: 'shanshui' },
    { name: 'typo "mountian"', q: 'mountian' },
    { name: 'synonym "国画"', q: '国画' },
    { name: 'CJK bigram "溪山"', q: '溪山' },
    { name: 'two words "pine river"', q: 'pine river' },
  ];
  console.log(`\nsearch (visitor, 24 per page, with snippets)  ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  results`);
  const allSearch: number[] = [];
  for (const s of searches) {
    const m = await measure(ROUNDS, async () => {
      const t0 = performance.now();
      const page = await app.catalogue.search(visitor, { q: s.q, pageSize: 24 });
      allSearch.push(performance.now() - t0);
      if (page.items.length > 0 && page.items.every((item) => !item.snippet)) throw new Error(`no snippet for ${s.q}`);
      return page.total;
    });
    row(s.name, m);
  }
  allSearch.sort((a, b) => a - b);
  console.log(`${'all searches'.padEnd(40)} ${percentile(allSearch, 50).toFixed(2).padStart(8)} ${percentile(allSearch, 95).toFixed(2).padStart(8)}`);

  const prefixes = ['s', 'l', '山', 'x', 'sh', 'la', '山水', 'xs', 'fan', 'lan', '范宽', 'hang', 'shan', 'land', 'xssy', '景德镇'];
  for (const [who, actor] of [['visitor', visitor], ['staff', staff]] as const) {
    console.log(`\nsuggest (${who}, limit 8)${' '.repeat(22 - who.length)}${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  results`);
    const all: number[] = [];
    for (const prefix of prefixes) {
      const m = await measure(ROUNDS, async () => {
        const t0 = performance.now();
        const items = await app.suggestions.suggest(actor, prefix, 8);
        all.push(performance.now() - t0);
        return items.length;
      });
      row(`"${prefix}"`, m);
    }
    all.sort((a, b) => a - b);
    console.log(`${'all prefixes'.padEnd(40)} ${percentile(all, 50).toFixed(2).padStart(8)} ${percentile(all, 95).toFixed(2).padStart(8)}`);
  }
  console.log(`\npeak RSS: ${peakRssMiB().toFixed(0)} MiB`);
} finally {
  await app.close();
  if (!keptDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

// Facet index memory and speed: fills an in-memory SQLite database (openDatabase + migrations) with N
// synthetic works in one INSERT … SELECT, loads them into a FacetIndex through its own code path, and
// prints the bytes it holds per work (heap + typed-array buffers, after a full GC) and count() latency
// for a few query shapes: no filter, one filter, two filters with years and a reuse use, a text match
// of 100,000 works, staff (no access test), and a filter on a 20,000-value facet.
// Run: node --expose-gc --import tsx bench/discover/facet-memory.ts   (BENCH_WORKS, default 1000000; BENCH_ROUNDS, 40)
// BENCH_COMPARE=<path of a module exporting FacetIndex and SeqSet> also measures that implementation (an
// older facet-index.ts) on the same database, alternating rounds so both see the same machine load, and
// checks that both give the same answers.
import { sql } from 'kysely';
import type { Actor } from '../../src/govern/roles.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import * as current from '../../src/discover/facet-index.js';
import { machine, percentile } from '../support.js';

const N = Number(process.env.BENCH_WORKS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const implementations: { name: string; module: typeof current }[] = [{ name: 'src/discover/facet-index.ts', module: current }];
if (process.env.BENCH_COMPARE) implementations.push({ name: process.env.BENCH_COMPARE, module: (await import(process.env.BENCH_COMPARE)) as typeof current });

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
/** Heap plus typed-array buffers (outside the heap), after collecting everything collectable. */
const held = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const database = openDatabase(':memory:');
await migrateToLatest(database);
// The works reference users and collections that the bench does not create; the sort and SQL-facet
// indexes only slow the seeding (the index reads by change_version alone).
await sql`PRAGMA foreign_keys = OFF`.execute(database.db);
const sqlIndexes = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'works' AND sql IS NOT NULL`.execute(database.db);
for (const { name } of sqlIndexes.rows) if (name !== 'works_change_version') await sql`DROP INDEX ${sql.id(name)}`.execute(database.db);

// Value counts per column, roughly a large museum catalogue's: medium, institution and place pass 255
// distinct values (16-bit codes), one owner in 50, a work in 5 in a collection, 5% undated, 10% private.
let start = performance.now();
await sql`
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
  INSERT INTO works (id, collection_id, owner_id, visibility, work_type, version, title_sort, industry, heritage,
    earliest_year, latest_year, period, medium_facet, institution_facet, rights_uri, place_key, change_version, created_at, updated_at)
  SELECT 'w' || i,
    CASE WHEN i % 5 = 0 THEN 'c' || (i * 7919 % 5000) END,
    'u' || (i * 31 % 50),
    CASE WHEN i % 10 = 3 THEN 'private' ELSE 'public' END,
    CASE WHEN i % 4 = 0 THEN 'record' ELSE 'image' END,
    1, 'title ' || i,
    printf('%02d', i * 13 % 20),
    CASE WHEN i % 3 = 0 THEN 'intangible' ELSE 'tangible' END,
    CASE WHEN i % 20 = 7 THEN NULL ELSE (i * 104729 % 5000) - 3000 END,
    CASE WHEN i % 20 = 7 THEN NULL ELSE (i * 104729 % 5000) - 2950 END,
    'c' || ((i * 104729 % 5000) / 100 - 30),
    CASE WHEN i % 7 = 0 THEN NULL ELSE 'medium ' || (i * 6007 % 600) END,
    'institution ' || (i * 2011 % 2000),
    'https://rightsstatements.org/vocab/' || (i * 17 % 11) || '/1.0/',
    CASE WHEN i % 9 = 0 THEN NULL ELSE 'place.' || (i * 3001 % 20000) END,
    i, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
  FROM n`.execute(database.db);
await sql`UPDATE catalogue_state SET version = ${N} WHERE id = 1`.execute(database.db);
console.log(`machine: ${machine()}`);
console.log(`seeded ${N} works in ${((performance.now() - start) / 1000).toFixed(1)} s`);

const rights = (uri: string | null) => (uri && Number(/vocab\/(\d+)/.exec(uri)?.[1]) % 3 === 0 ? 1 | 4 : 0);
const indexes: { name: string; index: InstanceType<typeof current.FacetIndex>; SeqSet: typeof current.SeqSet }[] = [];
for (const { name, module } of implementations) {
  const before = held();
  const index = new module.FacetIndex(database, rights);
  start = performance.now();
  await index.rightsValues();
  const loadMs = performance.now() - start;
  const bytes = held() - before;
  console.log(`${name}: load ${loadMs.toFixed(0)} ms; held ${(bytes / 2 ** 20).toFixed(1)} MiB = ${(bytes / N).toFixed(1)} bytes per work`);
  indexes.push({ name, index, SeqSet: module.SeqSet });
}

const anonymous: Actor = { kind: 'anonymous' };
const staff: Actor = { kind: 'user', id: 'u1', username: 'staff', role: 'admin' };
const facets = ['industry', 'heritage', 'period', 'medium', 'institution', 'rights', 'type', 'visibility', 'place'] as const;
// 100,000 distinct seqs spread over the whole catalogue.
const matches: number[] = [];
for (let k = 0; k < Math.min(100_000, N); k++) matches.push(1 + ((k * 9973) % N));
type Query = Parameters<InstanceType<typeof current.FacetIndex>['count']>[0];
const shapes: { name: string; query: (seqSet: typeof current.SeqSet) => Query }[] = [
  { name: 'no filter', query: () => ({ actor: anonymous, filters: {}, matching: null, facets: [...facets], facetLimit: 20 }) },
  { name: 'one filter (industry)', query: () => ({ actor: anonymous, filters: { industry: ['03'] }, matching: null, facets: [...facets], facetLimit: 20 }) },
  {
    name: 'two filters + years + reuse',
    query: () => ({ actor: anonymous, filters: { industry: ['03', '05'], heritage: ['tangible'] }, yearFrom: -500, yearTo: 1200, rightsUse: 1, matching: null, facets: [...facets], facetLimit: 20 }),
  },
  { name: 'text match (100k seqs)', query: (seqSet) => ({ actor: anonymous, filters: {}, matching: seqSet.of(matches), facets: [...facets], facetLimit: 20 }) },
  { name: 'staff, no filter', query: () => ({ actor: staff, filters: {}, matching: null, facets: [...facets], facetLimit: 20 }) },
  { name: 'place filter (20k values)', query: () => ({ actor: anonymous, filters: { place: ['place.42', 'place.4242'] }, matching: null, facets: [...facets], facetLimit: 20 }) },
];
// One pass over every shape first, so that no shape is measured while the counting loop is still being optimised.
for (const shape of shapes) for (const { index, SeqSet } of indexes) await index.count(shape.query(SeqSet));
// Wall time, and the CPU time of the process (less disturbed when other processes share the cores).
console.log(`\ncount() ${N} works, ${ROUNDS} rounds      p50 ms   p95 ms  cpu p50 ms    total`);
for (const shape of shapes) {
  const runs = indexes.map(({ name, index, SeqSet }) => ({ name, index, query: shape.query(SeqSet), times: [] as number[], cpu: [] as number[], answer: '' }));
  for (const run of runs) {
    for (let r = 0; r < 3; r++) run.answer = JSON.stringify(await run.index.count(run.query));
    if (run.answer !== runs[0]!.answer) throw new Error(`${run.name} answers ${shape.name} differently`);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of runs) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await run.index.count(run.query);
      const c = process.cpuUsage(c0);
      run.times.push(performance.now() - t0);
      run.cpu.push((c.user + c.system) / 1000);
    }
  }
  for (const run of runs) {
    run.times.sort((a, b) => a - b);
    run.cpu.sort((a, b) => a - b);
    const label = runs.length > 1 ? `${shape.name} [${run === runs[0] ? 'src' : 'compare'}]` : shape.name;
    const total = (JSON.parse(run.answer) as { total: number }).total;
    console.log(`${label.padEnd(34)} ${percentile(run.times, 50).toFixed(1).padStart(8)} ${percentile(run.times, 95).toFixed(1).padStart(8)} ${percentile(run.cpu, 50).toFixed(1).padStart(11)} ${String(total).padStart(8)}`);
  }
}
await database.close();

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacetIndex, SeqSet, type FacetCountQuery } from '../../src/discover/facet-index.js';
import type { Actor } from '../../src/govern/roles.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';

const anonymous: Actor = { kind: 'anonymous' };
const staff: Actor = { kind: 'user', id: 'staff', username: 'staff', role: 'admin' };

interface Work {
  seq: number;
  visibility?: 'public' | 'private';
  industry?: string | null;
  medium?: string | null;
  place?: string | null;
  earliest?: number | null;
  latest?: number | null;
}

// The index's typed columns grow by doubling and widen their codes (1 → 2 → 4 bytes) as dictionaries
// grow; these tests drive each path through the database, as the catalogue does, and check the counts.
describe.each(await testDialects())('facet index growth (%s)', (dialect) => {
  let target: TestDatabase;
  let database: Database;
  let version = 0;
  let index: FacetIndex;

  const now = '2026-01-01T00:00:00Z';
  const row = (w: Work) => ({
    seq: w.seq,
    id: `w${w.seq}`,
    visibility: w.visibility ?? 'public',
    work_type: 'image',
    version: 1,
    title_sort: `work ${w.seq}`,
    industry: w.industry ?? null,
    medium_facet: w.medium ?? null,
    place_key: w.place ?? null,
    earliest_year: w.earliest ?? null,
    latest_year: w.latest ?? w.earliest ?? null,
    change_version: ++version,
    created_at: now,
    updated_at: now,
  });
  const publish = () => database.db.updateTable('catalogue_state').set({ version }).where('id', '=', 1).execute();
  const insert = async (works: Work[]) => {
    for (let from = 0; from < works.length; from += 1000) await database.db.insertInto('works').values(works.slice(from, from + 1000).map(row)).execute();
    await publish();
  };
  const update = async (seq: number, set: { visibility?: string; medium_facet?: string | null }) => {
    await database.db.updateTable('works').set({ ...set, change_version: ++version }).where('seq', '=', seq).execute();
    await publish();
  };
  const setReuse = async (seq: number, free: boolean) => {
    await database.db
      .insertInto('work_reuse_flags')
      .values({ work_seq: seq, active: 1, free_to_reuse: free ? 1 : 0, licensable: 0, ai_training: 0, change_version: ++version })
      .execute();
    await publish();
  };
  const count = (query: Partial<FacetCountQuery> = {}) => index.count({ actor: anonymous, filters: {}, matching: null, facets: ['industry', 'medium', 'place'], facetLimit: 5, ...query });

  beforeAll(async () => {
    target = await createTestDatabase(dialect);
    database = openDatabase(target.url);
    await migrateToLatest(database);
    index = new FacetIndex(database);
  });
  afterAll(async () => {
    await database.close();
    await target.drop();
  });

  it('finds works by seq across gaps, and applies reuse flags written before their work', async () => {
    await insert([
      { seq: 1, industry: '02', earliest: -221, latest: -206 },
      { seq: 5, industry: '02', earliest: 1400 },
      { seq: 5000, industry: '03' },
    ]);
    expect((await count()).total).toBe(3);
    // Flags for a work not written yet, and a seq far past any the index has seen.
    await setReuse(250_000, true);
    await insert([{ seq: 250_000, industry: '03', earliest: 1900 }]);
    const all = await count();
    expect(all.total).toBe(4);
    expect(all.facets.industry).toEqual([
      { value: '02', count: 2 },
      { value: '03', count: 2 },
    ]);
    expect((await count({ rightsUse: 1 })).total).toBe(1);
    expect((await count({ matching: SeqSet.of([5, 250_000, 7]) })).total).toBe(2);
    expect((await count({ matching: SeqSet.of([5000]), filters: { industry: ['03'] } })).total).toBe(1);
    // BCE years are negative; undated works fail any year bound.
    expect((await count({ yearTo: -100 })).total).toBe(1);
    expect((await count({ yearFrom: -10_000 })).total).toBe(3);
    expect((await count({ yearFrom: -210, yearTo: 1400 })).total).toBe(2);
    // Flags written after the work replace the rights URI's, and clearing them returns to it.
    await setReuse(5, true);
    expect((await count({ rightsUse: 1 })).total).toBe(2);
    await database.db.updateTable('work_reuse_flags').set({ active: 0, change_version: ++version }).where('work_seq', '=', 5).execute();
    await publish();
    expect((await count({ rightsUse: 1 })).total).toBe(1);
  });

  it('keeps one position for a work updated many times', async () => {
    for (let n = 1; n <= 120; n++) {
      await update(5000, { visibility: n % 2 === 0 ? 'public' : 'private', medium_facet: `medium ${n}` });
      const counts = await count();
      expect(counts.total).toBe(n % 2 === 0 ? 4 : 3);
      expect(counts.facets.medium).toEqual(n % 2 === 0 ? [{ value: `medium ${n}`, count: 1 }] : []);
    }
    // Staff see private works too: still four works, not one per update.
    expect((await index.count({ actor: staff, filters: {}, matching: null, facets: ['medium'], facetLimit: 500 })).total).toBe(4);
    // The 120 values stay in the dictionary; only the last is held by a work.
    expect((await count({ facetLimit: 500 })).facets.medium).toEqual([{ value: 'medium 120', count: 1 }]);
  });

  it('widens a facet past 255 and past 65,535 distinct values without losing the codes before', async () => {
    // 300 distinct media (two bytes), then 70,000 distinct places (four bytes), on works 1,000,001…
    const works = (from: number, n: number, medium: (k: number) => string, place: (k: number) => string): Work[] =>
      Array.from({ length: n }, (_, k) => from + k).map((j) => ({ seq: 1_000_000 + j, industry: j % 2 === 0 ? '04' : '05', medium: medium(j), place: place(j) }));
    await insert(works(0, 200, (k) => `m${k}`, () => 'p0'));
    expect((await count({ filters: { medium: ['m199'] } })).total).toBe(1);
    await insert(works(200, 200, (k) => `m${k % 300}`, () => 'p0'));
    let counts = await count({ filters: { industry: ['04'] } });
    expect(counts.total).toBe(200);
    // m0…m99 are on two works each (k and k + 300), the others on one.
    expect(counts.facets.medium).toEqual(['m0', 'm10', 'm12', 'm14', 'm16'].map((value) => ({ value, count: 2 })));
    expect((await count({ filters: { medium: ['m0', 'm299'] } })).total).toBe(3);

    const places = 70_000;
    await insert(works(400, places + 500, (k) => `m${k % 300}`, (k) => `p${(k - 400) % places}`));
    const total = 400 + places + 500;
    counts = await count({ facetLimit: 3 });
    expect(counts.total).toBe(total + 4);
    // p0: the 400 first works and two more; p1…p499: two works each.
    expect(counts.facets.place).toEqual([
      { value: 'p0', count: 402 },
      { value: 'p1', count: 2 },
      { value: 'p10', count: 2 },
    ]);
    expect((await count({ filters: { place: ['p69999'] } })).total).toBe(1);
    expect((await count({ filters: { place: ['p499', 'p500'] } })).total).toBe(3);
    // Codes written before the widening are still read right.
    expect((await count({ filters: { medium: ['m199'] } })).total).toBe(Math.floor((total - 1 - 199) / 300) + 1);
    expect((await count({ filters: { place: ['p0'], industry: ['04'] } })).total).toBe(202);
    // A work moved from an old value to a new one.
    await update(1_000_000 + 3, { medium_facet: 'a new medium' });
    expect((await count({ filters: { medium: ['a new medium'] } })).total).toBe(1);
    expect((await index.rightsValues()).length).toBe(0);
  }, 60_000);
});

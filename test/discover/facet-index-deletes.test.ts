import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchivePersonalData } from '../../src/archive/personal-data.repository.js';
import { FacetIndex, type FacetCountQuery } from '../../src/discover/facet-index.js';
import type { Actor } from '../../src/govern/roles.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';

const anonymous: Actor = { kind: 'anonymous' };
const staff: Actor = { kind: 'user', id: 'staff', username: 'staff', role: 'admin' };
const now = '2026-01-01T00:00:00Z';

// Deleted rows are never among `works.change_version > v`: the index learns of a deletion (privacy
// erasure, archive's deleteWorksOf) from work_tombstones. These run the archive's own erasure.
describe.each(await testDialects())('facet index after deletions (%s)', (dialect) => {
  let target: TestDatabase;
  let database: Database;
  let archive: ArchivePersonalData;
  let seq = 0;

  const user = (id: string) => database.db.insertInto('users').values({ id, username: id, display_name: id, password_hash: 'x', role: 'creator', disabled: 0, created_at: now, updated_at: now }).execute();
  /** Works as the archive writes them: each takes the next catalogue version. */
  const insert = async (owner: string, n: number, industry: string, visibility = 'public'): Promise<number[]> => {
    const seqs: number[] = [];
    for (let k = 0; k < n; k++) {
      await database.db.transaction().execute(async (trx) => {
        const { version } = await trx.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
        const s = ++seq;
        await trx.insertInto('works').values({ seq: s, id: `w${s}`, owner_id: owner, visibility, work_type: 'image', version: 1, title_sort: `work ${s}`, industry, change_version: Number(version), created_at: now, updated_at: now }).execute();
        seqs.push(s);
      });
    }
    return seqs;
  };
  const count = (index: FacetIndex, query: Partial<FacetCountQuery> = {}) => index.count({ actor: anonymous, filters: {}, matching: null, facets: ['industry'], facetLimit: 10, ...query });

  beforeAll(async () => {
    target = await createTestDatabase(dialect);
    database = openDatabase(target.url);
    await migrateToLatest(database);
    archive = new ArchivePersonalData(database, []);
    for (const id of ['alice', 'bob', 'carol', 'dan', 'erin']) await user(id);
  });
  afterAll(async () => {
    await database.close();
    await target.drop();
  });

  it('leaves out the works of a person erased since the last count, on every count', async () => {
    const index = new FacetIndex(database);
    await insert('alice', 3, 'alice-industry');
    await insert('alice', 1, 'alice-industry', 'private');
    await insert('bob', 2, 'bob-industry');
    expect((await count(index)).total).toBe(5);
    expect((await count(index, { actor: staff })).total).toBe(6);

    expect(await archive.deleteWorksOf('alice', now)).toEqual({ deleted: 4, kept: 0 });
    const after = await count(index);
    expect(after.total).toBe(2);
    expect(after.facets.industry).toEqual([{ value: 'bob-industry', count: 2 }]);
    expect((await count(index, { actor: staff })).total).toBe(2);
    expect((await count(index, { actor: staff, filters: { industry: ['alice-industry'] } })).total).toBe(0);
    // A later write does not bring them back.
    await insert('bob', 1, 'bob-industry');
    expect((await count(index, { actor: staff })).total).toBe(3);
  });

  it('never counts a work inserted and deleted between two counts, nor one inserted after a count and deleted with others', async () => {
    const index = new FacetIndex(database);
    const before = (await count(index, { actor: staff })).total;
    // Created and erased between two counts: the index never reads its row.
    await insert('carol', 2, 'carol-industry');
    await archive.deleteWorksOf('carol', now);
    expect((await count(index, { actor: staff })).total).toBe(before);
    // Read by one count, its owner's older works read by an earlier one: all go.
    await insert('dan', 2, 'dan-industry');
    expect((await count(index, { actor: staff })).total).toBe(before + 2);
    await insert('dan', 1, 'dan-industry');
    expect((await count(index, { actor: staff })).total).toBe(before + 3);
    await insert('dan', 1, 'dan-industry');
    expect((await archive.deleteWorksOf('dan', now)).deleted).toBe(4);
    const after = await count(index, { actor: staff });
    expect(after.total).toBe(before);
    expect(after.facets.industry?.map((f) => f.value)).not.toContain('dan-industry');
    // An index started after the deletions counts the same.
    expect((await count(new FacetIndex(database), { actor: staff })).total).toBe(before);
  });

  it('reads one erasure’s tombstones (one version) page by page, and follows a transfer of owner', async () => {
    const index = new FacetIndex(database, () => 0, 2);
    const before = (await count(index, { actor: staff })).total;
    await insert('erin', 5, 'erin-industry');
    const [kept] = await insert('bob', 1, 'bob-industry');
    expect((await count(index, { actor: staff })).total).toBe(before + 6);
    expect(await archive.deleteWorksOf('erin', now)).toEqual({ deleted: 5, kept: 0 });
    const tombstones = await database.db.selectFrom('work_tombstones').select(['seq', 'change_version']).where('seq', '>', kept! - 6).execute();
    expect(tombstones).toHaveLength(5);
    expect(new Set(tombstones.map((t) => Number(t.change_version))).size).toBe(1);
    expect((await count(index, { actor: staff })).total).toBe(before + 1);
    // A transfer to the institution is a change of works: the owner filter no longer finds bob's.
    expect((await count(index, { actor: staff, ownerId: 'bob' })).total).toBeGreaterThan(0);
    await archive.transferWorksOf('bob', now);
    expect((await count(index, { actor: staff, ownerId: 'bob' })).total).toBe(0);
    expect((await count(index, { actor: staff })).total).toBe(before + 1);
  });
});

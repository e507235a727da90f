import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_JOB } from '../../src/archive/bulk-operation.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser, type TestUser } from './route-helpers.js';

/**
 * Staff bulk operations: 500 works published in one action (by search and by ids), each edited
 * through the ordinary path (a version whose note names the operation), progress counted per
 * work, undo that leaves alone what was edited since, and the roles and limits around them.
 */

interface Counts {
  total: number;
  pending: number;
  done: number;
  unchanged: number;
  skipped: number;
  failed: number;
}
interface OperationJson {
  id: string;
  status: string;
  selection: string;
  counts: Counts;
  undoOf: string | null;
  undoneBy: string | null;
  canUndo: boolean;
  problems: { workId: string; title: Record<string, string> | null; status: string; reason: { key: string; params: Record<string, string | number> } }[];
  moreProblems: number;
}
interface ErrorJson {
  error: { code: string; key: string; params: Record<string, unknown>; details?: { field: string }[] };
}
interface VersionJson {
  version: number;
  note: string | null;
  changedFields: string[];
}

const WORKS = 500;

describe.each(await testDialects())('bulk operations (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;
  let otherCurator: TestUser;
  let creator: TestUser;
  let reviewer: TestUser;
  let batch: { id: string }; // the collection the 500 works are in
  let ids: string[];

  const asActor = (user: TestUser, role: 'admin' | 'curator' | 'creator'): Actor => ({ kind: 'user', id: user.id, username: user.username, role });
  const submit = (headers: Record<string, string>, payload: Record<string, unknown>) => ctx.server.inject({ method: 'POST', url: '/api/works/bulk', headers, payload });
  const operation = async (id: string, headers = curator.headers): Promise<OperationJson> => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/bulk-operations/${id}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as OperationJson;
  };
  const started = async (res: { statusCode: number; body: string; json: () => unknown }): Promise<OperationJson> => {
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { operation: OperationJson }).operation;
  };
  const runJobs = () => ctx.app.worker.drain([BULK_JOB]);
  const versions = async (workId: string): Promise<VersionJson[]> => ((await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/versions`, headers: admin.headers })).json() as { items: VersionJson[] }).items;
  const visibilityOf = async (workId: string): Promise<string> => ((await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}`, headers: admin.headers })).json() as { visibility: string }).visibility;
  const versionsNoted = async (note: string): Promise<number> => {
    const row = await ctx.app.database.db.selectFrom('work_versions').select((eb) => eb.fn.countAll<number>().as('n')).where('note', '=', note).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    otherCurator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    reviewer = await makeUser(ctx, 'reviewer');
    const collection = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Accession batch 2026-11' }, visibility: 'public' } });
    batch = collection.json() as { id: string };
    // The works of an import, private until a curator publishes them.
    const owner = asActor(creator, 'creator');
    ids = [];
    for (let i = 0; i < WORKS; i++) {
      const work = await ctx.app.works.create(owner, { metadata: { title: { en: `Export porcelain plate ${i}`, 'zh-Hans': `外销瓷盘 ${i}` } } });
      ids.push(work.id);
    }
    // Filed by a curator (creators may not file into a curated collection).
    const filed = await submit(curator.headers, { ids, action: { type: 'collection', mode: 'move', collectionId: batch.id } });
    await started(filed);
    await runJobs();
  }, 240_000);

  afterAll(async () => ctx?.close());

  it('publishes 500 works found by a search in one action, each with a version naming the operation', async () => {
    expect((await browse(ctx, `collection=${batch.id}`)).total).toBe(0);
    const op = await started(await submit(curator.headers, { query: { collection: batch.id, q: 'porcelain' }, action: { type: 'visibility', visibility: 'public' } }));
    expect(op).toMatchObject({ status: 'queued', selection: 'query', counts: { total: WORKS, pending: WORKS, done: 0 } });

    const t0 = performance.now();
    await runJobs();
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds, `${WORKS} works took ${seconds.toFixed(1)} s`).toBeLessThan(60);

    const done = await operation(op.id);
    expect(done).toMatchObject({ status: 'done', counts: { total: WORKS, pending: 0, done: WORKS, unchanged: 0, skipped: 0, failed: 0 }, problems: [], canUndo: true });
    // Every work has exactly one new version with the note, and the catalogue (and its facets) sees them public.
    expect(await versionsNoted(`bulk operation ${op.id}: publish`)).toBe(WORKS);
    const latest = (await versions(ids[17]!))[0]!;
    expect(latest).toMatchObject({ version: 3, note: `bulk operation ${op.id}: publish`, changedFields: ['visibility'] });
    const visible = await browse(ctx, `collection=${batch.id}&pageSize=1`);
    expect(visible.total).toBe(WORKS);
    const events = (await ctx.server.inject({ method: 'GET', url: `/api/works/${ids[17]}/events`, headers: curator.headers })).json() as { items: { type: string; detail: { version?: number } }[] };
    expect(events.items[0]).toMatchObject({ type: 'edited', detail: { version: 3 } });
  }, 120_000);

  it('reports works already as asked as unchanged', async () => {
    const op = await started(await submit(curator.headers, { ids: ids.slice(0, 20), action: { type: 'visibility', visibility: 'public' } }));
    await runJobs();
    expect((await operation(op.id)).counts).toMatchObject({ total: 20, done: 0, unchanged: 20 });
    expect((await operation(op.id)).canUndo).toBe(false);
  });

  it('unpublishes by ids; undo puts back every work except one edited since, and is itself in the history', async () => {
    const op = await started(await submit(curator.headers, { ids, action: { type: 'visibility', visibility: 'private' } }));
    expect(op.selection).toBe('ids');
    await runJobs();
    expect((await operation(op.id)).counts).toMatchObject({ done: WORKS, failed: 0 });
    expect((await browse(ctx, `collection=${batch.id}`)).total).toBe(0);

    // Someone describes one work after the operation: the undo must not overwrite their edit.
    const edited = ids[3]!;
    const before = (await ctx.server.inject({ method: 'GET', url: `/api/works/${edited}`, headers: admin.headers })).json() as { version: number };
    const patched = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${edited}`, headers: admin.headers, payload: { expectedVersion: before.version, metadata: { title: { en: 'Export porcelain plate 3, with armorial' } } } });
    expect(patched.statusCode, patched.body).toBe(200);

    const undoRes = await ctx.server.inject({ method: 'POST', url: `/api/bulk-operations/${op.id}/undo`, headers: curator.headers });
    const undo = await started(undoRes);
    expect(undo).toMatchObject({ undoOf: op.id, counts: { total: WORKS } });
    await runJobs();
    const undone = await operation(undo.id);
    expect(undone).toMatchObject({ status: 'done', counts: { done: WORKS - 1, skipped: 1, failed: 0 } });
    expect(undone.problems).toEqual([expect.objectContaining({ workId: edited, status: 'skipped', reason: expect.objectContaining({ key: 'bulk.changed_since' }) })]);
    expect(undone.problems[0]!.title).toMatchObject({ en: 'Export porcelain plate 3, with armorial' });
    expect(await visibilityOf(ids[0]!)).toBe('public');
    expect(await visibilityOf(edited)).toBe('private');
    expect((await versions(ids[0]!))[0]).toMatchObject({ note: `bulk operation ${undo.id}: undo bulk operation ${op.id}`, changedFields: ['visibility'] });
    expect((await browse(ctx, `collection=${batch.id}&pageSize=1`)).total).toBe(WORKS - 1);

    // The original is marked undone, and cannot be undone twice.
    expect(await operation(op.id)).toMatchObject({ status: 'undone', undoneBy: undo.id, canUndo: false });
    const again = await ctx.server.inject({ method: 'POST', url: `/api/bulk-operations/${op.id}/undo`, headers: curator.headers });
    expect(again.statusCode).toBe(409);
    expect((again.json() as ErrorJson).error).toMatchObject({ key: 'bulk.not_undoable', params: { id: op.id, status: 'undone' } });
    // Publishing the edited one again for the tests below.
    await started(await submit(curator.headers, { ids: [edited], action: { type: 'visibility', visibility: 'public' } }));
    await runJobs();
  }, 120_000);

  it('sets rights and classification through the metadata (validated, facets follow), and refuses a bad rights URI', async () => {
    const some = ids.slice(100, 110);
    const bad = await submit(curator.headers, { ids: some, action: { type: 'rights', uri: 'https://example.com/all-rights-reserved' } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as ErrorJson).error).toMatchObject({ code: 'invalid_input', key: 'invalid_input.fields' });
    expect((bad.json() as ErrorJson).error.details?.[0]?.field).toBe('action.uri');

    const rights = await started(await submit(curator.headers, { ids: some, action: { type: 'rights', uri: 'https://creativecommons.org/publicdomain/zero/1.0/' } }));
    const classified = await started(await submit(curator.headers, { ids: some, action: { type: 'classification', industry: '03', heritage: 'tangible' } }));
    await runJobs();
    expect((await operation(rights.id)).counts.done).toBe(10);
    expect((await operation(classified.id)).counts.done).toBe(10);
    const found = await browse(ctx, `collection=${batch.id}&industry=03&heritage=tangible&rights=${encodeURIComponent('https://creativecommons.org/publicdomain/zero/1.0/')}`);
    expect(found.total).toBe(10);
    const work = (await ctx.server.inject({ method: 'GET', url: `/api/works/${some[0]}`, headers: admin.headers })).json() as { metadata: { rights?: { uri: string }; classification: Record<string, string> } };
    expect(work.metadata).toMatchObject({ rights: { uri: 'https://creativecommons.org/publicdomain/zero/1.0/' }, classification: { industry: '03', heritage: 'tangible' } });

    // Undo of the classification puts back the empty classification: the facet empties again.
    await started(await ctx.server.inject({ method: 'POST', url: `/api/bulk-operations/${classified.id}/undo`, headers: curator.headers }));
    await runJobs();
    expect((await browse(ctx, `collection=${batch.id}&industry=03`)).total).toBe(0);

    const empty = await submit(curator.headers, { ids: some, action: { type: 'classification' } });
    expect((empty.json() as ErrorJson).error.key).toBe('bulk.classification_empty');
  });

  it('adds to a collection only works in none, and moves or removes on request', async () => {
    const shelf = (await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Export ware shelf' } } })).json() as { id: string };
    const loose = await createWork(ctx, curator.headers, { title: { en: 'Unfiled bowl' } });
    const add = await started(await submit(curator.headers, { ids: [loose.id, ids[200]!], action: { type: 'collection', mode: 'add', collectionId: shelf.id } }));
    await runJobs();
    const added = await operation(add.id);
    expect(added.counts).toMatchObject({ done: 1, skipped: 1 });
    expect(added.problems[0]).toMatchObject({ workId: ids[200], reason: { key: 'bulk.in_other_collection', params: { id: ids[200], collection: batch.id } } });

    const remove = await started(await submit(curator.headers, { ids: [loose.id, ids[200]!], action: { type: 'collection', mode: 'remove', collectionId: shelf.id } }));
    await runJobs();
    expect((await operation(remove.id)).counts).toMatchObject({ done: 1, unchanged: 1 });
    const work = (await ctx.server.inject({ method: 'GET', url: `/api/works/${loose.id}`, headers: admin.headers })).json() as { collectionId: string | null };
    expect(work.collectionId).toBeNull();

    const unknown = await submit(curator.headers, { ids: [loose.id], action: { type: 'collection', mode: 'move', collectionId: 'no-such-collection' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('is for admins and curators only: creators and reviewers get 403, and see no operation', async () => {
    for (const user of [creator, reviewer]) {
      const refused = await submit(user.headers, { query: { mine: 'true' }, action: { type: 'visibility', visibility: 'private' } });
      expect(refused.statusCode, refused.body).toBe(403);
      expect((await ctx.server.inject({ method: 'GET', url: '/api/bulk-operations', headers: user.headers })).statusCode).toBe(403);
    }
    expect((await submit({}, { ids: [ids[0]!], action: { type: 'visibility', visibility: 'public' } })).statusCode).toBe(401);
    // The creator's private works stayed private (nothing ran on their behalf).
    const mine = await browse(ctx, 'mine=true&visibility=private', creator.headers);
    expect(mine.total).toBe(0);
  });

  it('shows a curator their own operations only; admins see everyone’s', async () => {
    const op = await started(await submit(curator.headers, { ids: ids.slice(0, 2), action: { type: 'visibility', visibility: 'public' } }));
    const theirs = await ctx.server.inject({ method: 'GET', url: `/api/bulk-operations/${op.id}`, headers: otherCurator.headers });
    expect(theirs.statusCode).toBe(404);
    expect((await ctx.server.inject({ method: 'POST', url: `/api/bulk-operations/${op.id}/undo`, headers: otherCurator.headers })).statusCode).toBe(404);
    const otherList = (await ctx.server.inject({ method: 'GET', url: '/api/bulk-operations', headers: otherCurator.headers })).json() as { items: OperationJson[] };
    expect(otherList.items).toEqual([]);
    const adminList = (await ctx.server.inject({ method: 'GET', url: '/api/bulk-operations', headers: admin.headers })).json() as { items: OperationJson[] };
    expect(adminList.items.map((o) => o.id)).toContain(op.id);
    await operation(op.id, admin.headers);
  });

  it('never names a work the reader may not see, and skips works that are gone', async () => {
    const secret = await createWork(ctx, creator.headers, { title: { en: 'Unpublished donor letter' } });
    const op = await started(await submit(curator.headers, { ids: [secret.id, 'no-such-work'], action: { type: 'rights', uri: 'http://rightsstatements.org/vocab/InC/1.0/' } }));
    // The curator is demoted before the job runs: the job refuses to act for them any more.
    const demoted = await ctx.server.inject({ method: 'PATCH', url: `/api/users/${curator.id}`, headers: admin.headers, payload: { role: 'creator' } });
    expect(demoted.statusCode).toBe(200);
    await runJobs();
    const result = await operation(op.id, admin.headers);
    expect(result.counts).toMatchObject({ done: 0, skipped: 2 });
    expect(result.problems.map((p) => p.reason.key)).toEqual(['bulk.actor_not_allowed', 'bulk.actor_not_allowed']);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${secret.id}`, headers: admin.headers })).json()).toMatchObject({ version: 1 });
    // As a creator now, the former curator sees neither the operation nor the private work's title.
    const asCreator = await ctx.server.inject({ method: 'GET', url: `/api/bulk-operations/${op.id}`, headers: curator.headers });
    expect(asCreator.statusCode).toBe(403);
    expect(asCreator.body).not.toContain('donor letter');
    await ctx.server.inject({ method: 'PATCH', url: `/api/users/${curator.id}`, headers: admin.headers, payload: { role: 'curator' } });

    // A work that does not exist is skipped as unknown, without failing the rest.
    const op2 = await started(await submit(admin.headers, { ids: [secret.id, 'no-such-work'], action: { type: 'visibility', visibility: 'private' } }));
    await runJobs();
    const second = await operation(op2.id, admin.headers);
    expect(second.counts).toMatchObject({ unchanged: 1, skipped: 1 });
    expect(second.problems).toEqual([expect.objectContaining({ workId: 'no-such-work', title: null, reason: expect.objectContaining({ key: 'not_found.work' }) })]);
  });

  it('resumes after a stop without redoing the works already changed', async () => {
    const some = ids.slice(300, 420);
    const op = await started(await submit(admin.headers, { ids: some, action: { type: 'visibility', visibility: 'private' } }));
    const stop = new AbortController();
    // The worker stops after the first chunk (a shutdown; a crash leaves the job's lease to expire the same way).
    await expect(ctx.app.bulk.run(op.id, { signal: stop.signal, onChunk: () => stop.abort() })).rejects.toThrow(/resumes/);
    const halfway = await operation(op.id, admin.headers);
    expect(halfway).toMatchObject({ status: 'running', counts: { done: 50, pending: some.length - 50 } });
    await runJobs();
    expect((await operation(op.id, admin.headers)).counts).toMatchObject({ done: some.length, pending: 0 });
    expect(await versionsNoted(`bulk operation ${op.id}: unpublish`)).toBe(some.length);
  });

  it('refuses a search that selects more than 10,000 works, and more than 10,000 ids', async () => {
    // 10,001 bare rows (no record): only the selection's count is being tested.
    await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
      INSERT INTO works (id, visibility, work_type, version, title_sort, industry, change_version, created_at, updated_at)
      SELECT 'overcap-' || i, 'private', 'record', 1, 'overcap', '09', 0, '2026-01-01', '2026-01-01' FROM n`.execute(ctx.app.database.db);
    const res = await submit(admin.headers, { query: { industry: '09' }, action: { type: 'visibility', visibility: 'public' } });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error).toMatchObject({ code: 'invalid_input', key: 'bulk.too_many', params: { max: 10_000, count: 10_001 } });
    const tooManyIds = await submit(admin.headers, { ids: Array.from({ length: 10_001 }, (_, i) => `overcap-${i + 1}`), action: { type: 'visibility', visibility: 'public' } });
    expect(tooManyIds.statusCode).toBe(400);
    const neither = await submit(admin.headers, { action: { type: 'visibility', visibility: 'public' } });
    expect((neither.json() as ErrorJson).error.key).toBe('bulk.selection_required');
  }, 60_000);
});

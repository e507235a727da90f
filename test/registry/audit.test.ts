import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { encodeEntry } from '../../src/registry/entry.js';
import type { Actor } from '../../src/govern/roles.js';
import { newId } from '../../src/platform/ids.js';
import { testDialects } from '../support/databases.js';
import { makeUser, uploadImage } from '../routes/route-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** Puts `count` valid entries straight into the pending table and sequences them in batches. */
async function fillLog(ctx: TestContext, count: number, batches: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const entry = new TextDecoder().decode(
      encodeEntry({ contentSha256: i.toString(16).padStart(64, '0'), registrant: `ed25519:${'a'.repeat(32)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_700_000_000 + i }),
    );
    await ctx.app.registryRepository.insertPending({ id: newId(), entry, work_id: null, user_id: null, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString() });
  }
  for (const size of batches) await ctx.app.registry.log.sequence(size);
  await ctx.app.registry.log.drain();
}

/** Adds `count` more entries through the repository and sequences them. */
async function fillMore(ctx: TestContext, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const entry = new TextDecoder().decode(encodeEntry({ contentSha256: (1_000_000 + i).toString(16).padStart(64, 'c'), registrant: `ed25519:${'a'.repeat(32)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_700_000_000 }));
    await ctx.app.registryRepository.insertPending({ id: newId(), entry, work_id: null, user_id: null, created_at: new Date().toISOString() });
  }
  await ctx.app.registry.log.drain();
}

describe.each(await testDialects())('registry audit (%s)', (dialect) => {
  let ctx: TestContext;
  let key: string;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
    await fillLog(ctx, 600, [1, 2, 100, 200]);
    key = await ctx.app.registry.log.verifierKey();
  });
  afterEach(async () => ctx.close());

  const audit = () => auditLog(ctx.app.registryRepository, key);
  const db = () => ctx.app.database.db;

  it('passes on an untouched log and checks every checkpoint', async () => {
    const report = await audit();
    expect(report).toMatchObject({ ok: true, entries: 600, problems: [] });
    expect(report.checkpoints).toBeGreaterThanOrEqual(5);
  });

  it('reports an edited entry with its index', async () => {
    const row = await db().selectFrom('registry_entries').select('entry').where('idx', '=', 300).executeTakeFirstOrThrow();
    await db().updateTable('registry_entries').set({ entry: row.entry.replace('role author', 'role institution') }).where('idx', '=', 300).execute();
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.kind === 'entry-changed').map((p) => p.index)).toEqual([300]);
    expect(report.problems.filter((p) => p.kind === 'tile-mismatch').map((p) => p.index)).toEqual([300]);
    expect(report.problems.some((p) => p.kind === 'checkpoint-root-mismatch' && p.index === 600)).toBe(true);
  });

  it('reports an edited entry even when the forger also rewrote its recorded leaf hash', async () => {
    const row = await db().selectFrom('registry_entries').select(['entry']).where('idx', '=', 7).executeTakeFirstOrThrow();
    const forged = row.entry.replace(/accepted \d+/, 'accepted 1000000000');
    const { hashLeaf } = await import('../../src/registry/merkle.js');
    await db().updateTable('registry_entries').set({ entry: forged, leaf_hash: hashLeaf(Buffer.from(forged)).toString('base64') }).where('idx', '=', 7).execute();
    const report = await audit();
    expect(report.problems.filter((p) => p.kind === 'tile-mismatch').map((p) => p.index)).toEqual([7]);
    // Size 1 and 3 were signed before entry 7 existed; every later checkpoint breaks.
    const broken = report.problems.filter((p) => p.kind === 'checkpoint-root-mismatch').map((p) => p.index);
    expect(broken).not.toContain(3);
    expect(broken).toContain(103);
  });

  it('reports a deleted entry', async () => {
    await db().deleteFrom('registry_entries').where('idx', '=', 450).execute();
    const report = await audit();
    expect(report.problems.filter((p) => p.kind === 'missing-entry').map((p) => p.index)).toEqual([450]);
    expect(report.ok).toBe(false);
  });

  it('reports reordered entries at both positions', async () => {
    const a = await db().selectFrom('registry_entries').select(['entry', 'leaf_hash']).where('idx', '=', 10).executeTakeFirstOrThrow();
    const b = await db().selectFrom('registry_entries').select(['entry', 'leaf_hash']).where('idx', '=', 11).executeTakeFirstOrThrow();
    await db().updateTable('registry_entries').set({ entry: b.entry, leaf_hash: b.leaf_hash }).where('idx', '=', 10).execute();
    await db().updateTable('registry_entries').set({ entry: a.entry, leaf_hash: a.leaf_hash }).where('idx', '=', 11).execute();
    const report = await audit();
    expect(report.problems.filter((p) => p.kind === 'tile-mismatch').map((p) => p.index)).toEqual([10, 11]);
  });

  it('reports a checkpoint whose signature was tampered with', async () => {
    const checkpoint = await db().selectFrom('registry_checkpoints').select(['size', 'note']).where('size', '=', 103).executeTakeFirstOrThrow();
    await db().updateTable('registry_checkpoints').set({ note: checkpoint.note.replace('\n103\n', '\n104\n') }).where('size', '=', 103).execute();
    const report = await audit();
    expect(report.problems.map((p) => [p.kind, p.index])).toContainEqual(['checkpoint-signature', 103]);
  });

  // --- issue 10, item 11: what the tree alone did not show -------------------------------------------

  const checkpointRows = () => db().selectFrom('registry_checkpoints').selectAll().orderBy('size').execute();
  const kinds = (report: Awaited<ReturnType<typeof audit>>) => report.problems.map((p) => p.kind);

  it('numbers every checkpoint in a signed history, each linked to the one before', async () => {
    const rows = await checkpointRows();
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    const { openHistory } = await import('../../src/registry/checkpoint-history.js');
    const { parseVerifierKey } = await import('../../src/registry/signed-note.js');
    const { nodeCrypto } = await import('../../src/registry/crypto-node.js');
    const verifier = await parseVerifierKey(key, nodeCrypto);
    const records = await Promise.all(rows.map((r) => openHistory(r.history!, verifier)));
    records.forEach((record, i) => {
      expect(record).toMatchObject({ seq: i + 1, size: Number(rows[i]!.size), rootHash: rows[i]!.root_hash, time: rows[i]!.created_at });
      expect(record.prev).toEqual(i === 0 ? null : { seq: i, size: Number(rows[i - 1]!.size), rootHash: rows[i - 1]!.root_hash });
    });
  });

  it('reports a deleted older checkpoint, and a history renumbered to hide it', async () => {
    await db().deleteFrom('registry_checkpoints').where('size', '=', 103).execute();
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-missing', index: 303 }));
    expect(report.problems.find((p) => p.kind === 'checkpoint-missing')!.detail).toMatch(/no\. 3 is missing .*after size 3, before size 303/);

    // Renumbering the later rows does not help: their numbers are signed.
    const later = (await checkpointRows()).filter((r) => Number(r.size) > 103);
    for (const r of later) await db().updateTable('registry_checkpoints').set({ seq: Number(r.seq) - 1 }).where('size', '=', r.size).execute();
    const renumbered = await audit();
    expect(renumbered.ok).toBe(false);
    expect(renumbered.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-history', index: 303 }));
  });

  it('reports a checkpoint whose history record was removed or replaced by another one', async () => {
    const rows = await checkpointRows();
    await db().updateTable('registry_checkpoints').set({ seq: null, history: null }).where('size', '=', 303).execute();
    expect((await audit()).problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-history', index: 303 }));
    // Another checkpoint's (validly signed) record does not fit this row.
    const other = rows.find((r) => Number(r.size) === 3)!;
    await db().updateTable('registry_checkpoints').set({ seq: 4, history: other.history }).where('size', '=', 303).execute();
    expect((await audit()).problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-history', index: 303 }));
  });

  it('reports a back-dated sequenced_at, and a back-dated checkpoint', async () => {
    await db().updateTable('registry_entries').set({ sequenced_at: '2020-01-01T00:00:00.000Z' }).where('idx', '=', 250).execute();
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.kind === 'sequenced-at').map((p) => p.index)).toContain(250);
    // Every entry of the batch moved with its checkpoint's row: the signed history still has the real time.
    const batch = (await db().selectFrom('registry_entries').select('idx').where('idx', '>=', 103).where('idx', '<', 303).execute()).length;
    await db().updateTable('registry_entries').set({ sequenced_at: '2020-01-01T00:00:00.000Z' }).where('idx', '>=', 103).where('idx', '<', 303).execute();
    await db().updateTable('registry_checkpoints').set({ created_at: '2020-01-01T00:00:00.000Z' }).where('size', '=', 303).execute();
    const both = await audit();
    expect(both.problems.filter((p) => p.kind === 'sequenced-at').length).toBeGreaterThanOrEqual(batch);
    expect(both.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-history', index: 303 }));
  });

  it('reports an entry dated before the time it signs as accepted', async () => {
    // Entries 0‥599 sign acceptance at 2023-11-14; moving one entry before that shows even without the history.
    await db().updateTable('registry_entries').set({ sequenced_at: '2023-01-01T00:00:00.000Z' }).where('idx', '=', 0).execute();
    const report = await audit();
    expect(report.problems.filter((p) => p.kind === 'sequenced-at' && /accepted/.test(p.detail)).map((p) => p.index)).toEqual([0]);
  });

  it('reports a pending row inserted into the database, and the sequencer never puts it into the log', async () => {
    const entry = new TextDecoder().decode(encodeEntry({ contentSha256: 'f'.repeat(64), registrant: `ed25519:${'b'.repeat(32)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_700_000_000 }));
    await db().insertInto('registry_pending').values({ id: 'forged-1', entry, work_id: null, user_id: null, created_at: new Date(0).toISOString() }).execute();
    // A forger who also writes a request row cannot make its seal without the key outside the database.
    const real = await db().selectFrom('registry_requests').selectAll().limit(1).executeTakeFirstOrThrow();
    await db().insertInto('registry_pending').values({ id: 'forged-2', entry, work_id: null, user_id: null, created_at: new Date(1).toISOString() }).execute();
    await db().insertInto('registry_requests').values({ ...real, request_key: 'f'.repeat(64), registration_id: 'forged-2' }).execute();
    const before = await audit();
    expect(before.ok).toBe(false);
    expect(before.problems.filter((p) => p.kind === 'pending-unrequested').map((p) => p.detail)).toEqual([
      expect.stringContaining('forged-1 has no registration request'),
      expect.stringContaining('forged-2 does not match its sealed registration request'),
    ]);

    // A genuine registration after them is sequenced; the forged rows are refused, not logged.
    await ctx.app.registryRepository.insertPending({ id: 'genuine', entry: entry.replace('f'.repeat(64), 'e'.repeat(64)), work_id: null, user_id: null, created_at: new Date().toISOString() });
    expect(await ctx.app.registry.sequencePending()).toBe(1);
    const entries = await db().selectFrom('registry_entries').select('registration_id').where('registration_id', 'in', ['forged-1', 'forged-2', 'genuine']).execute();
    expect(entries.map((e) => e.registration_id)).toEqual(['genuine']);
    expect(await db().selectFrom('registry_pending').select('id').execute()).toEqual([]);
    const after = await audit();
    expect(after.entries).toBe(601);
    const refused = after.problems.filter((p) => p.kind === 'pending-unrequested').map((p) => p.detail).sort();
    expect(refused).toEqual([
      expect.stringMatching(/forged-1 was refused by the sequencer .*no registration request/),
      expect.stringMatching(/forged-2 was refused by the sequencer .*seal does not verify/),
    ]);
    expect(after.problems.every((p) => p.kind === 'pending-unrequested')).toBe(true);
    expect((await ctx.app.registry.health()).rejected).toBe(2);
  });

  it('reports an entry whose sealed request no longer matches it, or that has none', async () => {
    await db().updateTable('registry_entries').set({ user_id: 'someone-else' }).where('idx', '=', 42).execute();
    await db().deleteFrom('registry_requests').where('registration_id', '=', (await db().selectFrom('registry_entries').select('registration_id').where('idx', '=', 43).executeTakeFirstOrThrow()).registration_id).execute();
    const report = await audit();
    expect(report.problems.filter((p) => p.kind === 'request-seal').map((p) => p.index)).toEqual([42]);
    expect(report.problems.filter((p) => p.kind === 'request-missing').map((p) => p.index)).toEqual([43]);
  });

  it('reports entries left without their newest checkpoint', async () => {
    await db().deleteFrom('registry_checkpoints').where('size', '=', 600).execute();
    const report = await audit();
    expect(kinds(report)).toContain('entries-unsigned');
    expect(kinds(report)).toContain('state-mismatch');
  });

  it('cannot see a clean tail rollback by itself, and says that only a witness would', async () => {
    // Newest entries, checkpoint, state and requests removed consistently: an older log, whole.
    const keep = await db().selectFrom('registry_checkpoints').selectAll().where('size', '=', 303).executeTakeFirstOrThrow();
    const gone = await db().selectFrom('registry_entries').select('registration_id').where('idx', '>=', 303).execute();
    await db().deleteFrom('registry_entries').where('idx', '>=', 303).execute();
    await db().deleteFrom('registry_checkpoints').where('size', '>', 303).execute();
    for (let i = 0; i < gone.length; i += 100) await db().deleteFrom('registry_requests').where('registration_id', 'in', gone.slice(i, i + 100).map((g) => g.registration_id)).execute();
    await db().updateTable('registry_state').set({ size: 303, root_hash: keep.root_hash }).execute();
    expect(await audit()).toMatchObject({ ok: true, entries: 303, problems: [] });
    const health = await ctx.app.registry.health();
    expect(health).toMatchObject({ witnesses: 0, rollbackDetectable: false, treeSize: 303 });
    const doctor = await runCli(['doctor'], ctx);
    expect(doctor.stdout).toContain('no witness configured: a rollback of the log cannot be detected');
    expect(doctor.stdout).toContain('未配置见证者：日志被回滚时无法发现');
    expect(doctor.stdout).toContain('WENYUAN_REGISTRY_WITNESSES');
  });

  it('adopts the checkpoints signed before the history once, when the history begins, and never again', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const marker = path.join(ctx.app.config.dataDir, 'keys', 'registry-history.json');
    expect(JSON.parse(fs.readFileSync(marker, 'utf8'))).toMatchObject({ since: 0 });
    // As after the upgrade to 0009: checkpoints without numbers, and no marker yet.
    await db().updateTable('registry_checkpoints').set({ seq: null, history: null }).execute();
    fs.rmSync(marker);
    expect((await auditLog(ctx.app.registryRepository, key, undefined, { historySince: ctx.app.registry.log.historySince() })).ok).toBe(true);
    await fillMore(ctx, 3);
    expect(JSON.parse(fs.readFileSync(marker, 'utf8'))).toMatchObject({ since: 600 });
    const rows = await checkpointRows();
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    expect(await auditLog(ctx.app.registryRepository, key, undefined, { historySince: 600 })).toMatchObject({ ok: true, entries: 603 });
    // Once begun, a checkpoint stripped of its number is not adopted again: the audit reports it.
    await db().updateTable('registry_checkpoints').set({ seq: null, history: null }).where('size', '=', 3).execute();
    await fillMore(ctx, 1);
    expect((await auditLog(ctx.app.registryRepository, key, undefined, { historySince: 600 })).problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-history', index: 3 }));
  });

  it('is exposed as `wenyuan registry audit` with exit code 2 on problems', async () => {
    await sql`UPDATE registry_entries SET entry = entry || ' ' WHERE idx = 5`.execute(db());
    const run = await runCli(['registry', 'audit', '--json'], ctx);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: { kind: string; index: number }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry-changed', index: 5 }));
    expect(run.code).toBe(2);
  });

  it('reports a registration pointed at another work (the entry signs its work), by `wenyuan registry audit` too', async () => {
    const owner = await makeUser(ctx, 'creator', 'auditowner');
    const actor: Actor = { kind: 'user', id: owner.id, username: owner.username, role: 'creator' };
    const mine = await uploadImage(ctx, owner.headers, 3301, { visibility: 'public' });
    const hidden = await uploadImage(ctx, owner.headers, 3302, { visibility: 'private' });
    const other = await uploadImage(ctx, owner.headers, 3303, { visibility: 'public' });
    const registered = [await ctx.app.registry.register(actor, mine.workId), await ctx.app.registry.register(actor, hidden.workId)];
    await ctx.app.registry.sequencePending();
    // Only the binding checks are looked at here (the fill's other properties are other tests' business).
    const bindings = async () => (await audit()).problems.filter((p) => ['registration-mismatch', 'work-mismatch', 'entry-unreadable', 'opening-missing', 'opening-mismatch'].includes(p.kind));
    const before = await audit();
    expect(before).toMatchObject({ entries: 602, unboundEntries: 600 });
    expect(await bindings()).toEqual([]);

    for (const { registrationId } of registered) {
      await db().updateTable('registry_entries').set({ work_id: other.workId }).where('registration_id', '=', registrationId).execute();
    }
    const report = await audit();
    expect(report.ok).toBe(false);
    const problems = await bindings();
    expect(problems.map((p) => [p.kind, p.index])).toEqual([['work-mismatch', 600], ['work-mismatch', 601]]);
    expect(problems[0]!.detail).toBe(`entry 600 (registration ${registered[0]!.registrationId}) signs work ${mine.workId}, but the database links it to work ${other.workId}: the registration was pointed at another work`);

    const run = await runCli(['registry', 'audit'], ctx);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`work-mismatch`);
    expect(run.stdout).toContain(`signs work ${hidden.workId}, but the database links it to work ${other.workId}`);

    // Re-labelling a row with another registration's id is caught the same way.
    await db().updateTable('registry_entries').set({ work_id: mine.workId, registration_id: 'relabelled' }).where('registration_id', '=', registered[0]!.registrationId).execute();
    expect((await bindings()).map((p) => [p.kind, p.index])).toEqual([['registration-mismatch', 600], ['work-mismatch', 601]]);
  });
});

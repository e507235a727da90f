import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { encodeEntry } from '../../src/registry/entry.js';
import { newId } from '../../src/platform/ids.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** Puts `count` valid entries straight into the pending table and sequences them in batches. */
async function fillLog(ctx: TestContext, count: number, batches: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const entry = new TextDecoder().decode(
      encodeEntry({ contentSha256: i.toString(16).padStart(64, '0'), registrant: `ed25519:${'a'.repeat(32)}`, role: 'author', termsSha256: null, fingerprints: [], acceptedAt: 1_800_000_000 + i }),
    );
    await ctx.app.registryRepository.insertPending({ id: newId(), entry, work_id: null, user_id: null, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString() });
  }
  for (const size of batches) await ctx.app.registry.log.sequence(size);
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

  it('is exposed as `wenyuan registry audit` with exit code 2 on problems', async () => {
    await sql`UPDATE registry_entries SET entry = entry || ' ' WHERE idx = 5`.execute(db());
    const run = await runCli(['registry', 'audit', '--json'], ctx);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: { kind: string; index: number }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry-changed', index: 5 }));
    expect(run.code).toBe(2);
  });
});

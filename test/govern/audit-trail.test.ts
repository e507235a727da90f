import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { chainRecord, hashAuditRecord } from '../../src/govern/audit-chain.js';
import { loadConfig } from '../../src/platform/config.js';
import { makeUser, TEST_PASSWORD, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * The audit trail on each database: security actions land in one hash chain, admins list, filter,
 * export and verify it over HTTP; many concurrent records (and, on PostgreSQL, two app instances on
 * one database) make one unbroken chain; an edited row is named by `wenyuan audit verify`; an anchor
 * in the transparency log catches a chain rewritten with fresh hashes.
 */
for (const dialect of await testDialects()) {
  describe(`audit trail (${dialect})`, () => {
    let ctx: TestContext;
    let admin: TestUser;
    let curator: TestUser;

    const get = (url: string, who: TestUser) => ctx.server.inject({ method: 'GET', url, headers: who.headers });

    beforeAll(async () => {
      ctx = await createTestContext(dialect);
      admin = await makeUser(ctx, 'admin');
      curator = await makeUser(ctx, 'curator');
    });

    afterAll(async () => {
      await ctx?.close();
    });

    it('records sign-ins (a failed one pseudonymised, without the address), role changes and tokens', async () => {
      const ok = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: curator.username, password: TEST_PASSWORD }, remoteAddress: '203.0.113.9' });
      expect(ok.statusCode).toBe(200);
      const bad = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: curator.username, password: 'wrong wrong wrong' }, remoteAddress: '203.0.113.9' });
      expect(bad.statusCode).toBe(401);
      const patched = await ctx.server.inject({ method: 'PATCH', url: `/api/users/${curator.id}`, headers: admin.headers, payload: { role: 'reviewer' } });
      expect(patched.statusCode).toBe(200);
      const token = await ctx.server.inject({ method: 'POST', url: '/api/auth/tokens', headers: admin.headers, payload: { name: 'audited' } });
      expect(token.statusCode).toBe(200);
      await ctx.app.audit.flush();

      const page = (await get('/api/audit?limit=50', admin)).json() as { items: { action: string; actor: string; targetId: string; outcome: string; details: string; ip: string }[] };
      const actions = page.items.map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['auth.sign_in', 'auth.sign_in_failed', 'user.role_change', 'token.create']));
      const failed = page.items.find((r) => r.action === 'auth.sign_in_failed')!;
      expect(failed).toMatchObject({ actor: 'anonymous', targetId: curator.id, outcome: 'failed' });
      expect(failed.ip).toMatch(/^[0-9a-f]{32}$/);
      expect(JSON.stringify(page.items)).not.toContain('203.0.113.9');
      expect(page.items.find((r) => r.action === 'user.role_change')).toMatchObject({ actor: admin.id, targetId: curator.id, details: '{"from":"curator","to":"reviewer"}' });
    });

    it('filters, pages by keyset and exports CSV', async () => {
      for (let i = 0; i < 7; i++) await ctx.app.audit.record({ actor: 'system', action: 'key.use', target: { type: 'key', id: `k${i}` } });
      const first = (await get('/api/audit?action=key.use&limit=3', admin)).json() as { items: { seq: number; targetId: string }[]; next: number };
      expect(first.items.map((r) => r.targetId)).toEqual(['k6', 'k5', 'k4']);
      const second = (await get(`/api/audit?action=key.use&limit=3&before=${first.next}`, admin)).json() as { items: { targetId: string }[] };
      expect(second.items.map((r) => r.targetId)).toEqual(['k3', 'k2', 'k1']);
      expect((await get('/api/audit?actor=system&targetType=key&targetId=k0', admin)).json().items).toHaveLength(1);

      const csv = await get('/api/audit/export.csv?action=key.use', admin);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('seq,at,actor,action,target_type,target_id,outcome,details,ip,prev_hash,hash');
      expect(lines).toHaveLength(8);
      expect((await get('/api/audit', curator)).statusCode).toBe(403);
    });

    it('keeps one unbroken chain under 2,000 concurrent records', async () => {
      const before = await ctx.app.audit.head();
      await Promise.all(Array.from({ length: 2000 }, (_, i) => ctx.app.audit.record({ actor: 'system', action: 'key.use', target: { type: 'burst', id: String(i) } })));
      expect((await ctx.app.audit.head()).seq).toBe(before.seq + 2000);
      const report = (await get('/api/audit/verify', admin)).json();
      expect(report).toMatchObject({ ok: true, firstBreak: null });
    });

    it.runIf(dialect === 'postgres')('keeps one chain when two app instances append to the same database', async () => {
      const other = await createApp(loadConfig({ dataDir: ctx.app.config.dataDir, databaseUrl: ctx.app.config.databaseUrl }, {}));
      try {
        const before = await ctx.app.audit.head();
        const write = (trail: typeof ctx.app.audit, tag: string) => Promise.all(Array.from({ length: 500 }, (_, i) => trail.record({ actor: 'system', action: 'key.use', target: { type: tag, id: String(i) } })));
        await Promise.all([write(ctx.app.audit, 'a'), write(other.audit, 'b'), write(ctx.app.audit, 'c'), write(other.audit, 'd')]);
        expect((await ctx.app.audit.head()).seq).toBe(before.seq + 2000);
        expect(await ctx.app.audit.verify()).toMatchObject({ ok: true, firstBreak: null });
      } finally {
        await other.close();
      }
    });

    it('anchors the head in the transparency log; a chain rewritten with fresh hashes no longer matches it', async () => {
      const registrationId = await ctx.app.auditAnchorer.anchorNow();
      expect(registrationId).toMatch(/\S/);
      expect(await ctx.app.auditAnchorer.anchorNow()).toBeNull();
      await ctx.app.registry.sequencePending();
      const anchored = await ctx.app.audit.verify();
      expect(anchored).toMatchObject({ ok: true, anchor: { status: 'matches', registrationId } });
      const head = await ctx.app.audit.head();

      // Rewrite the last record and recompute its hash and the state row: the chain alone verifies again…
      const db = ctx.app.database.db;
      const last = await db.selectFrom('audit_records').selectAll().where('seq', '=', head.seq).executeTakeFirstOrThrow();
      const prev = { seq: head.seq - 1, hash: last.prev_hash };
      const forged = chainRecord(prev, { at: last.at, actor: 'someone-else', action: last.action, targetType: last.target_type, targetId: last.target_id, outcome: last.outcome, details: last.details, ip: last.ip });
      await db.updateTable('audit_records').set({ actor: forged.actor, hash: forged.hash }).where('seq', '=', head.seq).execute();
      await db.updateTable('audit_state').set({ hash: forged.hash }).where('id', '=', 1).execute();
      const report = await ctx.app.audit.verify();
      expect(report.firstBreak).toBeNull();
      // …but not the anchor.
      expect(report).toMatchObject({ ok: false, anchor: { status: 'mismatch', seq: head.seq } });
      await db.updateTable('audit_records').set({ actor: last.actor, hash: last.hash }).where('seq', '=', head.seq).execute();
      await db.updateTable('audit_state').set({ hash: last.hash }).where('id', '=', 1).execute();
      expect((await ctx.app.audit.verify()).ok).toBe(true);
    });

    it.runIf(dialect === 'sqlite')('`wenyuan audit verify` names an edited row and exits 1', async () => {
      const clean = await runCli(['audit', 'verify'], ctx);
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.stdout).toContain('audit trail verified');

      const db = ctx.app.database.db;
      const victim = await db.selectFrom('audit_records').selectAll().where('action', '=', 'user.role_change').executeTakeFirstOrThrow();
      await db.updateTable('audit_records').set({ details: '{"from":"curator","to":"admin"}' }).where('seq', '=', victim.seq).execute();
      const tampered = await runCli(['audit', 'verify'], ctx);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toContain(`BROKEN at record ${victim.seq}`);
      const json = JSON.parse((await runCli(['audit', 'verify', '--json'], ctx)).stdout) as { firstBreak: { seq: number; reason: string } };
      expect(json.firstBreak).toEqual(expect.objectContaining({ seq: Number(victim.seq), reason: 'hash_mismatch' }));

      const listed = await runCli(['audit', 'list', '--action', 'user.role_change', '--csv'], ctx);
      expect(listed.stdout.split('\r\n')[0]).toMatch(/^seq,at,actor/);
      await db.updateTable('audit_records').set({ details: victim.details }).where('seq', '=', victim.seq).execute();
      expect(hashAuditRecord({ seq: Number(victim.seq), at: victim.at, actor: victim.actor, action: victim.action, targetType: victim.target_type, targetId: victim.target_id, outcome: victim.outcome, details: victim.details, ip: victim.ip, prevHash: victim.prev_hash })).toBe(victim.hash);
    });
  });
}

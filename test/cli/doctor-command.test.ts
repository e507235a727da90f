import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS_BACKED_UP_MARKER } from '../../src/cli/doctor-checks.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

interface Check {
  name: string;
  level: 'ok' | 'warn' | 'fail';
  detail: { en: string; 'zh-Hans': string };
  fix?: { en: string; 'zh-Hans': string };
}

describe.each(await testDialects())('wenyuan doctor (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const run = async (...args: string[]) => {
    const out = await runCli(['doctor', '--json', ...args], ctx);
    return { code: out.code, checks: (JSON.parse(out.stdout) as { checks: Check[] }).checks };
  };
  const find = (checks: Check[], name: string) => checks.find((c) => c.name === name);

  it('checks the database, migrations, disk, blob store and clock, in both languages', async () => {
    const { code, checks } = await run();
    expect(code).toBe(0);
    for (const name of ['database', 'migrations', 'disk space', 'blob store', 'clock', 'setup', 'registry log']) expect(find(checks, name)?.level, name).toBe('ok');
    for (const check of checks) {
      expect(check.detail.en.length, check.name).toBeGreaterThan(0);
      expect(check.detail['zh-Hans'], check.name).toMatch(/[\u4e00-\u9fff]/);
    }
    // The probe the blob store check wrote is gone again.
    const blobs: string[] = [];
    for await (const sha of ctx.app.blobs.list()) blobs.push(sha);
    expect(blobs).toEqual([]);
  });

  it('asks for a backup of the keys until one is recorded, and again when a key changes', async () => {
    const keysDir = path.join(ctx.app.config.dataDir, 'keys');
    fs.rmSync(path.join(keysDir, KEYS_BACKED_UP_MARKER), { force: true });
    const before = find((await run()).checks, 'keys')!;
    expect(before.level).toBe('warn');
    expect(before.fix?.en).toContain('--keys-backed-up');
    expect(find((await run('--keys-backed-up')).checks, 'keys')?.level).toBe('ok');
    fs.writeFileSync(path.join(keysDir, 'new-after-backup.key'), 'x\n');
    try {
      expect(find((await run()).checks, 'keys')?.detail.en).toMatch(/changed since the backup/);
    } finally {
      fs.rmSync(path.join(keysDir, 'new-after-backup.key'));
    }
  });

  it('fails when the clock is behind the log and names the fix', async () => {
    // A checkpoint to be behind: the audit trail's head registered (an admin must exist to sign it).
    await ctx.userWithRole('admin');
    await ctx.app.audit.record({ actor: 'system', action: 'settings.change', target: { type: 'setting', id: 'doctor-test' } });
    await ctx.app.auditAnchorer.anchorNow();
    await ctx.app.registry.sequencePending();
    await ctx.app.database.db.updateTable('registry_checkpoints').set({ created_at: new Date(Date.now() + 3_600_000).toISOString() }).execute();
    const inserted = await ctx.app.database.db.selectFrom('registry_checkpoints').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(inserted.n)).toBeGreaterThan(0);
    const { code, checks } = await run();
    expect(code).toBe(1);
    expect(find(checks, 'clock')).toMatchObject({ level: 'fail', fix: { en: expect.stringContaining('NTP') } });
  });

  it('prints one language when asked', async () => {
    const out = await runCli(['doctor', '--lang', 'zh-Hans'], ctx);
    expect(out.stdout).toMatch(/数据库/);
    expect(out.stdout).not.toMatch(/answers/);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, type TestUser } from '../routes/route-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * `wenyuan transfer …` and `wenyuan export --to` in-process on SQLite: the rules printed, a dry-run
 * check exiting 3 when blocked, an export of core data to the US refused (no bag written, the
 * decision logged), and an export to Germany under an assessment approved with `transfer approve`.
 */
describe('wenyuan transfer', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;
  let tmp = '';
  let collectionId = '';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    admin = await makeUser(ctx, 'admin', 'boss');
    curator = await makeUser(ctx, 'curator');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-transfer-cli-'));
    const made = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Secrets' } } });
    collectionId = made.json().id;
    await createWork(ctx, curator.headers, { title: { en: 'Ledger' } }, { collectionId });
  });

  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the rules', async () => {
    const out = await runCli(['transfer', 'rules'], ctx);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/default-5\s+\*\s+core\s+refuse/);
    expect(JSON.parse((await runCli(['transfer', 'rules', '--json'], ctx)).stdout).contradictions).toEqual([]);
  });

  it('refuses an export of core data to the US and writes nothing', async () => {
    await ctx.server.inject({ method: 'PUT', url: `/api/collections/${collectionId}/data-class`, headers: curator.headers, payload: { dataClass: 'core' } });
    const check = await runCli(['transfer', 'check', '--to', 'US', '--collection', collectionId], ctx);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain('REFUSE');
    const out = path.join(tmp, 'us-bag');
    const refused = await runCli(['export', '--collection', collectionId, '--out', out, '--to', 'US'], ctx);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused by the transfer rules');
    expect(fs.existsSync(out)).toBe(false);
    const log = await ctx.app.transfers.decisions.list({ kind: 'user', id: admin.id, username: admin.username, role: 'admin' }, { path: 'bag_export', limit: 5 });
    expect(log[0]).toMatchObject({ destination: 'US', outcome: 'refuse', proceeded: false, actor: 'system' });
    // Without --to the bag stays in the mainland: allowed.
    const home = await runCli(['export', '--collection', collectionId, '--out', path.join(tmp, 'home-bag')], ctx);
    expect(home.code, home.stderr).toBe(0);
  });

  it('exports important data to Germany under an assessment approved on the command line', async () => {
    await ctx.server.inject({ method: 'PUT', url: `/api/collections/${collectionId}/data-class`, headers: curator.headers, payload: { dataClass: 'important' } });
    const blocked = await runCli(['export', '--collection', collectionId, '--out', path.join(tmp, 'de-none'), '--to', 'DE'], ctx);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('needs an approved risk assessment');
    const submitted = await ctx.server.inject({
      method: 'POST',
      url: '/api/transfers/assessments',
      headers: curator.headers,
      payload: { destination: 'DE', dataClasses: ['important'], scope: { type: 'collection', ids: [collectionId] }, purpose: 'loan', recipient: 'Berlin', volume: '1 work', safeguards: 'encrypted' },
    });
    const id = submitted.json().id as string;
    expect((await runCli(['transfer', 'assessments', '--status', 'pending'], ctx)).stdout).toContain(id);
    const approved = await runCli(['transfer', 'approve', id, '--as', admin.username, '--expires', new Date(Date.now() + 30 * 86_400_000).toISOString()], ctx);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`${id} approved until`);
    const check = await runCli(['transfer', 'check', '--to', 'DE', '--collection', collectionId, '--json'], ctx);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ outcome: 'assess', assessmentId: id, problem: null });
    const out = path.join(tmp, 'de-bag');
    const made = await runCli(['export', '--collection', collectionId, '--out', out, '--to', 'DE', '--assessment', id], ctx);
    expect(made.code, made.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'bagit.txt'))).toBe(true);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { pngBytes, uploadImage } from '../routes/route-helpers.js';

/** `wenyuan setup` with flags (no terminal: nothing is asked), and what it refuses. */
describe('wenyuan setup', () => {
  let ctx: TestContext;
  let tmp: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite', { registryOrigin: undefined }, { setup: false });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-setup-cli-'));
  });

  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('without flags and without a terminal, says which flags it needs', async () => {
    const run = await runCli(['setup'], ctx);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('wenyuan: setup needs --institution-zh or --institution-en, --public-url (or run `wenyuan setup` in a terminal to be asked)');
    expect((await ctx.app.instance.identity()).setupDone).toBe(false);
  });

  it('refuses registering before setup, pointing to it', async () => {
    const admin = await ctx.userWithRole('admin', 'cli-admin');
    const { workId } = await uploadImage(ctx, admin.headers, 9001, { visibility: 'public' });
    const run = await runCli(['register', workId, '--as', 'cli-admin', '--out', tmp, '--json'], ctx);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^wenyuan: this instance is not set up yet: .*`wenyuan setup`/);
  });

  it('refuses a batch size it cannot use, naming the option', async () => {
    for (const batch of ['0', '-3', '1.5', 'many', '5000']) {
      const run = await runCli(['register', 'any-work', '--as', 'cli-admin', '--out', tmp, '--batch', batch], ctx);
      expect(run.code, batch).not.toBe(0);
      expect(run.stderr, batch).toContain("option '--batch <n>' argument");
      expect(run.stderr, batch).toContain('must be a whole number from 1 to 4096');
    }
  });

  it('explains a wrong public URL or origin and changes nothing', async () => {
    const badUrl = await runCli(['setup', '--institution-en', 'Museum', '--public-url', 'ftp://museum.example'], ctx);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toBe('wenyuan: public URL: "ftp://museum.example" must start with http:// or https://, like https://museum.example');
    const badOrigin = await runCli(['setup', '--institution-en', 'Museum', '--public-url', 'https://museum.example', '--registry-origin', 'https://museum.example/registry'], ctx);
    expect(badOrigin.code).toBe(1);
    expect(badOrigin.stderr).toMatch(/^wenyuan: registry origin "https:\/\/museum.example\/registry" must not start with a scheme/);
    expect((await ctx.app.instance.identity()).setupDone).toBe(false);
  });

  it('sets the name, public URL, origin (from the URL by default) and logo from flags', async () => {
    const logo = path.join(tmp, 'logo.png');
    fs.writeFileSync(logo, await pngBytes(5, 90, 30));
    const run = await runCli(['setup', '--institution-zh', '故宫博物院', '--institution-en', 'The Palace Museum', '--public-url', 'https://dpm.museum.example/', '--logo', logo, '--json'], ctx);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const settings = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(settings).toMatchObject({
      setupDone: true,
      name: { 'zh-Hans': '故宫博物院', en: 'The Palace Museum' },
      publicUrl: 'https://dpm.museum.example',
      registryOrigin: 'dpm.museum.example/registry',
      registryOriginFixed: false,
    });
    expect(settings.logoUrl).toMatch(/^\/api\/instance\/logo\?v=/);
    const res = await ctx.server.inject({ method: 'GET', url: '/api/instance' });
    expect(res.json()).toMatchObject({ setupDone: true, name: { en: 'The Palace Museum' }, logoUrl: settings.logoUrl });
  });

  it('changes only what the flags name later, prints a summary, and cannot move the origin once the log key exists', async () => {
    const renamed = await runCli(['setup', '--institution-zh-hant', '故宮博物院'], ctx);
    expect(renamed.code).toBe(0);
    const [summary, witness] = renamed.stdout.split('\n\n');
    expect(summary).toBe(
      [
        'set up: 故宫博物院 / 故宮博物院 / The Palace Museum',
        '  public URL       https://dpm.museum.example',
        '  registry origin  dpm.museum.example/registry (fixed for good at the first registration)',
        `  logo             ${(await ctx.app.instance.identity()).logoUrl}`,
      ].join('\n'),
    );
    // No witness is configured: setup says what that means and which variables configure one.
    expect(witness).toMatch(/^no witness configured: a rollback of the log cannot be detected\n未配置见证者：日志被回滚时无法发现\n/);
    expect(witness).toContain('WENYUAN_REGISTRY_WITNESSES=');
    expect(witness).toContain('WENYUAN_REGISTRY_WITNESS_QUORUM=1');

    const admin = await ctx.userWithRole('admin', 'cli-admin-2');
    const { workId } = await uploadImage(ctx, admin.headers, 9002, { visibility: 'public' });
    const registered = await runCli(['register', workId, '--as', 'cli-admin-2', '--out', tmp, '--json'], ctx);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ registered: 1 });

    const moved = await runCli(['setup', '--registry-origin', 'elsewhere.example/registry'], ctx);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toBe('wenyuan: the registry origin is fixed as "dpm.museum.example/registry": the log\'s key already carries it, and receipts name it');
    const same = await runCli(['setup', '--registry-origin', 'dpm.museum.example/registry', '--json'], ctx);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ registryOrigin: 'dpm.museum.example/registry', registryOriginFixed: true });
  });
});

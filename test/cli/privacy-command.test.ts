import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from '../privacy/privacy-helpers.js';
import { makeUser, type TestUser } from '../routes/route-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** `wenyuan privacy …` in-process on SQLite: export to a zip, erase (only with --yes), retention rules shown and run. */
describe('wenyuan privacy', () => {
  let ctx: TestContext;
  let person: TestUser;
  let tmp = '';
  const cli = (...args: string[]) => runCli(['privacy', ...args], ctx);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-privacy-cli-'));
    ctx = await createTestContext('sqlite');
    await makeUser(ctx, 'admin');
    person = await makeUser(ctx, 'creator', 'cli-person');
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exports a person to a zip', async () => {
    const out = path.join(tmp, 'person.zip');
    const run = await cli('export', person.username, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*person\.zip: \d+ bytes, sha256 [0-9a-f]{64}/);
    const entries = await unzip(fs.readFileSync(out));
    expect(JSON.parse(entries.get('account.json')!.toString())).toMatchObject({ user: { id: person.id, username: person.username } });
    expect((await cli('export', 'nobody-at-all', '--out', out)).stderr).toContain('no user "nobody-at-all"');
  });

  it('erases only with --yes, then says so', async () => {
    const dry = await cli('erase', person.username);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('add --yes to erase');
    expect(await ctx.app.erasure.status(person.id)).toBeNull();
    const run = await cli('erase', person.username, '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`erased ${person.id} (works: transfer)`);
    expect((await ctx.app.identity.getUser(person.id)).username).toMatch(/^erased-/);
    const again = await cli('erase', person.id, '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('erased already');
  });

  it('shows and runs the retention rules', async () => {
    const shown = await cli('retention');
    expect(shown.stdout).toContain('recommendationSignalsDays: 365 days');
    expect(shown.stdout).toContain('last run: never');
    const run = await cli('retention', '--run', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sessions: expect.any(Number), ranAt: expect.any(String) });
    expect((await cli('retention')).stdout).not.toContain('last run: never');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, type TestUser } from '../routes/route-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * `wenyuan review …` in-process on SQLite: the policy shown and set (bad values exit 2), a creator's
 * publication then waiting in `review list`, decided with `review decide` (the work becomes public),
 * and a decision on an item someone else holds refused.
 */
describe('wenyuan review', () => {
  let ctx: TestContext;
  let creator: TestUser;
  let reviewer: TestUser;
  let other: TestUser;
  const cli = (...args: string[]) => runCli(['review', ...args], ctx);

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    creator = await makeUser(ctx, 'creator');
    reviewer = await makeUser(ctx, 'reviewer', 'rev');
    other = await makeUser(ctx, 'reviewer', 'oth');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('shows and sets the policy', async () => {
    expect((await cli('policy')).stdout).toContain('policy: none');
    const bad = await cli('policy', 'everyone');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('policy must be one of none, creators, collections');
    const set = await cli('policy', 'creators', '--appeal-days', '7');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('policy: creators');
    expect(set.stdout).toContain('appeal within: 7 days');
    expect((await ctx.app.reviewSettings.read()).policy).toBe('creators');
  });

  it('lists a waiting submission and decides it', async () => {
    const work = await createWork(ctx, creator.headers, { title: { 'zh-Hans': '待审作品' } }, { visibility: 'public' });
    expect(work.visibility).toBe('private');
    const list = await cli('list', '--kind', 'submission');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('待审作品');
    const itemId = (work.review as { itemId: string }).itemId;
    expect(list.stdout).toContain(itemId);
    const json = JSON.parse((await cli('list', '--json')).stdout);
    expect(json.items[0]).toMatchObject({ id: itemId, kind: 'submission', state: 'open' });

    expect((await cli('claim', itemId, '--as', other.username)).code).toBe(0);
    const refused = await cli('decide', itemId, '--as', reviewer.username, '--decision', 'approved');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('another reviewer holds');
    expect((await cli('decide', itemId, '--as', reviewer.username, '--decision', 'maybe')).code).toBe(2);
    await ctx.app.review.release({ kind: 'user', id: other.id, username: other.username, role: 'reviewer' }, itemId);

    const decided = await cli('decide', itemId, '--as', reviewer.username, '--decision', 'approved');
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toContain('approved');
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${work.id}` })).json().visibility).toBe('public');
    expect((await cli('list')).stdout).toBe('the queue is empty');
  });
});

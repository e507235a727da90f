import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, type TestUser } from '../routes/route-helpers.js';
import { findInDatabase, unzip } from './privacy-helpers.js';

/**
 * Each module's part of the person's data, as the privacy module runs them: review's text written by
 * the person is exported and blanked on erasure (a reviewer's reasons stay), and deleting an erased
 * person's works goes through the archive, which moves the catalogue version on.
 */
describe.each(await testDialects())('personal data sources (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;

  const newWork = async (owner: TestUser, title: string) => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: owner.headers, payload: { metadata: { title: { en: title } } } });
    expect(created.statusCode, created.body).toBe(201);
    return (created.json() as { id: string }).id;
  };

  const exportOf = async (userId: string) => {
    const file = path.join(ctx.app.config.dataDir, `sources-${userId}.zip`);
    await ctx.app.personalExports.writeZip(userId, file);
    const entries = await unzip(fs.readFileSync(file));
    fs.rmSync(file);
    return { account: JSON.parse(entries.get('account.json')!.toString()) as Record<string, unknown>, events: JSON.parse(entries.get('events.json')!.toString()) as Record<string, unknown[]> };
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
  });
  afterAll(async () => ctx?.close());

  it('exports what the person wrote to the review desk, then blanks it; the reviewer’s reason stays', async () => {
    const creator = await makeUser(ctx, 'creator', 'appealer');
    const reporter = await makeUser(ctx, 'licensee', 'reporter');
    const workId = await newWork(creator, 'Reviewed scroll');
    const now = new Date().toISOString();
    const db = ctx.app.database.db;
    const itemId = `ri-${creator.id}`;
    await db
      .insertInto('review_items')
      .values({ id: itemId, kind: 'publication', work_id: workId, submitter_id: creator.id, state: 'open', stage: 'appeal', opened_at: now, stage_opened_at: now, claimed_by: null, claim_expires_at: null, decision: 'reject', decided_by: admin.id, decided_at: now, reason_code: 'other', reason_text: 'reviewer-reason-kept', first_decided_by: admin.id, appeal_text: 'appeal-text-of-the-creator', appealed_at: now, report_count: 1, checks_state: 'done', updated_at: now })
      .execute();
    await db.insertInto('review_decisions').values({ id: `rd-${creator.id}`, item_id: itemId, stage: 'first', reviewer_id: admin.id, decision: 'reject', reason_code: 'other', reason_text: 'reviewer-reason-kept', stage_opened_at: now, decided_at: now }).execute();
    await db.insertInto('review_reports').values({ id: `rr-${reporter.id}`, item_id: itemId, reason_code: 'other', details: 'report-details-of-the-reporter', reporter_key: `user:${reporter.id}`, created_at: now }).execute();
    await db.insertInto('notifications').values({ id: `n-${creator.id}`, user_id: creator.id, kind: 'review.rejected', params: JSON.stringify({ workId }), created_at: now, read_at: null }).execute();

    const creatorExport = await exportOf(creator.id);
    expect(creatorExport.events.reviewAppeals).toEqual([expect.objectContaining({ itemId, workId, text: 'appeal-text-of-the-creator' })]);
    expect(creatorExport.account.notifications).toEqual([expect.objectContaining({ id: `n-${creator.id}`, kind: 'review.rejected' })]);
    expect((await exportOf(reporter.id)).events.reviewReports).toEqual([expect.objectContaining({ caseId: itemId, details: 'report-details-of-the-reporter' })]);

    for (const person of [creator, reporter]) {
      await ctx.app.erasure.request(person.id, admin.id);
      await ctx.app.erasure.run(person.id);
      expect(await ctx.app.erasure.status(person.id)).toMatchObject({ status: 'done' });
    }
    expect(await findInDatabase(ctx, 'appeal-text-of-the-creator')).toEqual([]);
    expect(await findInDatabase(ctx, 'report-details-of-the-reporter')).toEqual([]);
    // The institution's record of its decision stays, as do the ids the rows refer to.
    expect((await findInDatabase(ctx, 'reviewer-reason-kept')).length).toBe(2);
    const item = await db.selectFrom('review_items').select(['submitter_id', 'appeal_text', 'appealed_at']).where('id', '=', itemId).executeTakeFirstOrThrow();
    expect(item).toMatchObject({ submitter_id: creator.id, appeal_text: '', appealed_at: now });
    expect(await db.selectFrom('notifications').select('id').where('user_id', '=', creator.id).execute()).toEqual([]);
    // Running the phases again (a crash before the step was recorded) changes nothing.
    const again = await ctx.app.erasure.status(creator.id);
    await ctx.app.database.db.updateTable('user_erasures').set({ step: 1, status: 'running', finished_at: null }).where('user_id', '=', creator.id).execute();
    await ctx.app.erasure.run(creator.id);
    expect(await ctx.app.erasure.status(creator.id)).toMatchObject({ status: 'done', step: again!.steps });
    expect(await db.selectFrom('review_items').select('appeal_text').where('id', '=', itemId).executeTakeFirstOrThrow()).toEqual({ appeal_text: '' });
  });

  it('deletes an erased person’s works through the archive: the catalogue version moves on, a licensed work stays', async () => {
    expect((await ctx.server.inject({ method: 'PUT', url: '/api/privacy/settings', headers: admin.headers, payload: { erasureWorks: 'delete' } })).statusCode).toBe(200);
    const owner = await makeUser(ctx, 'creator', 'deleted-owner');
    const doomed = await newWork(owner, 'Doomed leaf');
    const licensed = await newWork(owner, 'Licensed leaf');
    const at = new Date().toISOString();
    await ctx.app.database.db
      .insertInto('license_orders')
      .values({ id: `lo-${owner.id}`, work_id: licensed, offer_id: 'offer', licensee_id: admin.id, licensee_name: 'Museum buyer', request: '{}', decision: '{}', price_minor: 100, currency: 'CNY', copies: 1, status: 'requested', invoice_number: null, decided_by: null, decided_at: null, note: null, version: 1, created_at: at, updated_at: at })
      .execute();
    const before = await ctx.app.workRepository.catalogueVersion();
    await ctx.app.erasure.request(owner.id, admin.id);
    await ctx.app.erasure.run(owner.id);
    expect(await ctx.app.workRepository.findById(doomed)).toBeUndefined();
    // Its order is a financial record: the licensed work passes to the institution instead.
    expect((await ctx.app.workRepository.findById(licensed))?.owner_id).toBeNull();
    expect(await ctx.app.workRepository.catalogueVersion()).toBeGreaterThan(before);
    // Nothing left to delete: a repeated works phase does not move the version again.
    const after = await ctx.app.workRepository.catalogueVersion();
    await ctx.app.database.db.updateTable('user_erasures').set({ step: 2, status: 'running', finished_at: null }).where('user_id', '=', owner.id).execute();
    await ctx.app.erasure.run(owner.id);
    expect(await ctx.app.workRepository.catalogueVersion()).toBe(after);
    await ctx.server.inject({ method: 'PUT', url: '/api/privacy/settings', headers: admin.headers, payload: { erasureWorks: 'transfer' } });
  });

  it('retention: each module deletes its own expired rows, the queue its old finished jobs', async () => {
    const person = await makeUser(ctx, 'licensee', 'expiring');
    const db = ctx.app.database.db;
    const long = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    await db.insertInto('sessions').values([{ token_hash: `old-${person.id}`, user_id: person.id, created_at: long, expires_at: long, last_seen_at: null, user_agent: null, ip: null }, { token_hash: `live-${person.id}`, user_id: person.id, created_at: long, expires_at: soon, last_seen_at: null, user_agent: null, ip: null }]).execute();
    await db.insertInto('login_throttle').values({ key: `old-${person.id}`, failures: 1, failed_at: long, ticket_at: null, expires_at: long }).execute();
    await db.insertInto('jobs').values({ kind: 'test.old', payload: '{}', status: 'done', dedupe_key: null, attempts: 1, max_attempts: 1, run_at: long, locked_by: null, lease_expires_at: null, last_error: null, created_at: long, updated_at: long, finished_at: long }).execute();
    const report = await ctx.app.retention.run();
    expect(report.sessions).toBeGreaterThanOrEqual(1);
    expect(report.loginThrottle).toBeGreaterThanOrEqual(1);
    expect(report.jobs).toBeGreaterThanOrEqual(1);
    expect((await db.selectFrom('sessions').select('token_hash').where('user_id', '=', person.id).execute()).map((r) => r.token_hash)).toEqual([`live-${person.id}`]);
    expect(await db.selectFrom('login_throttle').select('key').where('key', '=', `old-${person.id}`).execute()).toEqual([]);
    expect(await db.selectFrom('jobs').select('id').where('kind', '=', 'test.old').execute()).toEqual([]);
  });
});

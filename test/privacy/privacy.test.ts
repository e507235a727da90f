import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, TEST_PASSWORD, type TestUser } from '../routes/route-helpers.js';
import { findInDatabase, findInFiles, sha256, unzip } from './privacy-helpers.js';

/**
 * Consent and the rights of the person: consents per purpose under a notice version, the one-time
 * export zip, and erasure (crash-safe, refusing the last admin, leaving the audit trail and the
 * transparency log verifiable, and the person's name nowhere).
 */
describe.each(await testDialects())('privacy (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  const inject = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, user: TestUser | null, payload?: object) =>
    ctx.server.inject({ method, url, headers: user?.headers ?? {}, ...(payload ? { payload } : {}) });

  /** A creator's work with one image, registered in the log; returns the work id and the file's digest. */
  const creatorWork = async (owner: TestUser, seed: number) => {
    const created = await inject('POST', '/api/works', owner, { metadata: { title: { en: `Landscape ${seed}` } } });
    expect(created.statusCode, created.body).toBe(201);
    const workId = (created.json() as { id: string }).id;
    const image = await photoBytes(seed);
    const body = multipart([{ name: 'file', filename: `leaf-${seed}.png`, contentType: 'image/png', data: image }]);
    const added = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/files`, headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(added.statusCode, added.body).toBe(200);
    const edited = await inject('PATCH', `/api/works/${workId}`, owner, { metadata: { title: { en: `Landscape ${seed} (revised)` } }, expectedVersion: 1 });
    expect(edited.statusCode, edited.body).toBe(200);
    const registered = await inject('POST', `/api/works/${workId}/registrations`, owner, { wait: false });
    expect(registered.statusCode, registered.body).toBe(202);
    await ctx.app.registry.sequencePending();
    return { workId, sha: sha256(image) };
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
  });
  afterAll(async () => ctx?.close());

  it('records consent per purpose with time and notice version, and asks again under a new notice', async () => {
    const reader = await makeUser(ctx, 'licensee');
    const first = (await inject('GET', '/api/privacy/consents', reader)).json() as { noticeVersion: number; needsReview: boolean; consents: { purpose: string; granted: boolean; current: boolean }[] };
    expect(first.needsReview).toBe(true);
    expect(first.consents.map((c) => [c.purpose, c.granted])).toEqual([['recommendations', false], ['analytics', false], ['email', false]]);

    const decided = await inject('PUT', '/api/privacy/consents', reader, { noticeVersion: first.noticeVersion, consents: { recommendations: true, analytics: false, email: true } });
    expect(decided.statusCode, decided.body).toBe(200);
    const state = decided.json() as typeof first;
    expect(state.needsReview).toBe(false);
    expect(state.consents.find((c) => c.purpose === 'email')).toMatchObject({ granted: true, current: true, noticeVersion: first.noticeVersion });
    // One source of truth: discover's consent follows.
    expect((await inject('GET', '/api/recommendations/consent', reader)).json()).toMatchObject({ consented: true });

    // An admin's token changes only the admin's own consents: there is no way to name someone else.
    const byAdmin = await inject('PUT', '/api/privacy/consents', admin, { noticeVersion: first.noticeVersion, consents: { email: false }, userId: reader.id } as object);
    expect(byAdmin.statusCode).toBe(400);
    await inject('PUT', '/api/privacy/consents', admin, { noticeVersion: first.noticeVersion, consents: { email: false } });
    expect(((await inject('GET', '/api/privacy/consents', reader)).json() as typeof first).consents.find((c) => c.purpose === 'email')!.granted).toBe(true);

    // A new notice: decisions under the old one are shown as such, and a decision about the old text is refused.
    const published = await inject('PUT', '/api/privacy/notice', admin, { text: { en: 'We changed the notice.', 'zh-Hans': '我们更新了隐私声明。' } });
    expect(published.statusCode, published.body).toBe(200);
    const v2 = (published.json() as { version: number }).version;
    expect(v2).toBe(first.noticeVersion + 1);
    const after = (await inject('GET', '/api/privacy/consents', reader)).json() as typeof first;
    expect(after.needsReview).toBe(true);
    expect(after.consents.find((c) => c.purpose === 'email')).toMatchObject({ granted: true, current: false });
    const stale = await inject('PUT', '/api/privacy/consents', reader, { noticeVersion: first.noticeVersion, consents: { email: false } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { key: 'privacy.notice_changed', params: { version: first.noticeVersion, current: v2 } } });

    // Withdrawing on the recommendations page is seen here too (decided elsewhere: no notice version).
    await inject('PUT', '/api/recommendations/consent', reader, { consented: false });
    const withdrawn = ((await inject('GET', '/api/privacy/consents', reader)).json() as typeof first).consents.find((c) => c.purpose === 'recommendations');
    expect(withdrawn).toMatchObject({ granted: false, noticeVersion: null, current: false });

    const history = await ctx.app.consents.exportOf(reader.id);
    expect(history.history.map((h) => [h.purpose, h.granted, h.noticeVersion])).toEqual([
      ['recommendations', true, 1],
      ['analytics', false, 1],
      ['email', true, 1],
    ]);
    expect((await inject('GET', '/api/privacy/notice', null)).json()).toMatchObject({ version: v2, text: { en: 'We changed the notice.' } });
  });

  it('exports everything about a person as a zip, once; a second request while one runs is refused', async () => {
    const creator = await makeUser(ctx, 'creator');
    const { workId, sha } = await creatorWork(creator, 71);
    const { noticeVersion } = (await inject('GET', '/api/privacy/consents', creator)).json() as { noticeVersion: number };
    expect((await inject('PUT', '/api/privacy/consents', creator, { noticeVersion, consents: { analytics: true } })).statusCode).toBe(200);
    const started = await inject('POST', '/api/privacy/exports', creator);
    expect(started.statusCode, started.body).toBe(202);
    const exportId = (started.json() as { id: string }).id;
    const again = await inject('POST', '/api/privacy/exports', creator);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { key: 'privacy.export_running', params: { id: exportId } } });
    const early = await inject('GET', `/api/privacy/exports/${exportId}/download`, creator);
    expect(early.json()).toMatchObject({ error: { key: 'privacy.export_not_ready' } });

    await ctx.app.worker.drain(['privacy.export']);
    const list = (await inject('GET', '/api/privacy/exports', creator)).json() as { items: { id: string; status: string; bytes: number }[] };
    expect(list.items[0]).toMatchObject({ id: exportId, status: 'ready' });

    // Someone else cannot fetch it.
    expect((await inject('GET', `/api/privacy/exports/${exportId}/download`, admin)).statusCode).toBe(404);
    const download = await inject('GET', `/api/privacy/exports/${exportId}/download`, creator);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const entries = await unzip(download.rawPayload);
    expect([...entries.keys()].sort()).toEqual(['account.json', 'consents.json', 'events.json', `files/${sha}.png`, 'orders.json', 'works.json'].sort());
    expect(sha256(entries.get(`files/${sha}.png`)!)).toBe(sha);
    const account = JSON.parse(entries.get('account.json')!.toString()) as { user: { id: string; username: string } };
    expect(account.user).toMatchObject({ id: creator.id, username: creator.username });
    const events = JSON.parse(entries.get('events.json')!.toString()) as { workEvents: { workId: string; type: string }[]; auditRecords: { action: string }[] };
    expect(events.workEvents.some((e) => e.workId === workId)).toBe(true);
    expect(events.auditRecords.some((r) => r.action === 'consent.change')).toBe(true);
    const works = JSON.parse(entries.get('works.json')!.toString()) as { works: { id: string; versions: unknown[]; files: { sha256: string; path: string }[] }[] };
    expect(works.works).toHaveLength(1);
    expect(works.works[0]!.versions.length).toBeGreaterThanOrEqual(2);
    expect(works.works[0]!.files[0]).toMatchObject({ sha256: sha, path: `files/${sha}.png` });
    expect(JSON.parse(entries.get('orders.json')!.toString())).toMatchObject({ asLicensee: { orders: [] } });

    const second = await inject('GET', `/api/privacy/exports/${exportId}/download`, creator);
    expect(second.statusCode).toBe(410);
    expect(second.json()).toMatchObject({ error: { key: 'privacy.export_downloaded', params: { id: exportId } } });
    // A new one may be made after.
    expect((await inject('POST', '/api/privacy/exports', creator)).statusCode).toBe(202);
    await ctx.app.worker.drain(['privacy.export']);
  });

  it('of two requests racing, one export and one erasure start; the other gets its precise 409', async () => {
    const racer = await makeUser(ctx, 'licensee', 'racer');
    const exports = await Promise.all([inject('POST', '/api/privacy/exports', racer), inject('POST', '/api/privacy/exports', racer)]);
    expect(exports.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    expect(exports.find((r) => r.statusCode === 409)!.json()).toMatchObject({ error: { key: 'privacy.export_running' } });
    await ctx.app.worker.drain(['privacy.export']);
    const erasures = await Promise.allSettled([ctx.app.erasure.request(racer.id, admin.id), ctx.app.erasure.request(racer.id, admin.id)]);
    expect(erasures.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = erasures.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ key: 'privacy.erasure_running' });
    await ctx.app.worker.drain(['privacy.erase']);
    expect(await ctx.app.erasure.status(racer.id)).toMatchObject({ status: 'done' });
  });

  it('refuses to erase the last active admin and leaves it untouched', async () => {
    const solo = await createTestContext(dialect);
    try {
      const only = await makeUser(solo, 'admin');
      const refused = await solo.server.inject({ method: 'POST', url: '/api/privacy/erasure', headers: only.headers, payload: { password: TEST_PASSWORD } });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { key: 'privacy.last_admin' } });
      expect((await solo.server.inject({ method: 'GET', url: '/api/auth/me', headers: only.headers })).json()).toMatchObject({ user: { id: only.id, disabled: false } });
      expect(await solo.app.erasure.status(only.id)).toBeNull();
    } finally {
      await solo.close();
    }
  });

  it('erases a person: signed out, name nowhere in the database or files, audit trail and log still verify', async () => {
    const name = 'zhang-unique-8f3k';
    const user = await ctx.app.identity.createUser({ username: name, password: TEST_PASSWORD, role: 'creator', displayName: `张 ${name}` });
    const { token } = await ctx.app.identity.createApiToken(user.id, 'laptop');
    const person: TestUser = { id: user.id, username: name, headers: { authorization: `Bearer ${token}` } };
    const { workId } = await creatorWork(person, 91);
    // Where the review module keeps an email address for notifications (erased by review's part).
    await sql`insert into notification_addresses (user_id, email, updated_at) values (${user.id}, ${`${name}@example.org`}, ${new Date().toISOString()})`.execute(ctx.app.database.db);
    await inject('PUT', '/api/recommendations/consent', person, { consented: true });
    await inject('POST', '/api/recommendations/signals', person, { workId, kind: 'view' });
    const exportId = ((await inject('POST', '/api/privacy/exports', person)).json() as { id: string }).id;
    await ctx.app.worker.drain(['privacy.export']);
    const zip = ctx.app.personalExports.fileOf(exportId);
    expect(fs.existsSync(zip)).toBe(true); // the ready zip (compressed) names them
    expect((await findInDatabase(ctx, name)).length).toBeGreaterThan(0);

    expect((await inject('POST', '/api/privacy/erasure', person, { password: 'not the password' })).json()).toMatchObject({ error: { key: 'privacy.password_wrong' } });
    const started = await inject('POST', '/api/privacy/erasure', person, { password: TEST_PASSWORD });
    expect(started.statusCode, started.body).toBe(202);
    // Signed out at once: the token no longer works.
    expect((await inject('GET', '/api/privacy/consents', person)).statusCode).toBe(401);
    const twice = await inject('POST', `/api/privacy/users/${user.id}/erasure`, admin, { password: TEST_PASSWORD });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: { key: 'privacy.erasure_running' } });

    await ctx.app.worker.drain(['privacy.erase']);
    expect(await ctx.app.erasure.status(user.id)).toMatchObject({ status: 'done' });
    expect((await inject('POST', `/api/privacy/users/${user.id}/erasure`, admin, { password: TEST_PASSWORD })).json()).toMatchObject({ error: { key: 'privacy.already_erased' } });
    // Policy `transfer`: the work stays, owned by the institution.
    expect((await ctx.app.workRepository.findById(workId))!.owner_id).toBeNull();

    await ctx.app.audit.flush();
    expect(await findInDatabase(ctx, name)).toEqual([]);
    expect(await findInDatabase(ctx, '张 ')).toEqual([]);
    expect(findInFiles(ctx.app.config.dataDir, name)).toEqual([]);
    expect(fs.existsSync(zip)).toBe(false);
    expect((await ctx.app.audit.verify()).ok).toBe(true);
    const records = await ctx.app.audit.list({ action: 'user.erase' }, 10);
    expect(records.items.some((r) => r.targetId === user.id)).toBe(true);
    const log = await auditLog(ctx.app.registryRepository, await ctx.app.registry.log.verifierKey());
    expect(log.problems).toEqual([]);
    expect(log.ok).toBe(true);
  });

  it('resumes an erasure interrupted between steps, and a repeated step changes nothing', async () => {
    const user = await makeUser(ctx, 'licensee', 'crashy');
    await ctx.app.erasure.request(user.id, user.id);
    expect(await ctx.app.erasure.runStep(user.id)).toBe(true);
    expect(await ctx.app.erasure.runStep(user.id)).toBe(true);
    // A crash after step 3 ran but before it was recorded: the step runs again on resume.
    await ctx.app.erasure.runStep(user.id);
    await ctx.app.database.db.updateTable('user_erasures').set({ step: 2 }).where('user_id', '=', user.id).execute();
    await ctx.app.worker.drain(['privacy.erase']);
    expect(await ctx.app.erasure.status(user.id)).toMatchObject({ status: 'done', step: 5 });
    expect(await findInDatabase(ctx, user.username)).toEqual([]);
  });

  it('deletes the works when the instance says so, and applies retention rules', async () => {
    expect((await inject('PUT', '/api/privacy/settings', admin, { erasureWorks: 'delete', retention: { recommendationSignalsDays: 30 } })).statusCode).toBe(200);
    const owner = await makeUser(ctx, 'creator', 'leaving');
    const { workId } = await creatorWork(owner, 93);
    const search = async () => ((await ctx.server.inject({ method: 'GET', url: '/api/works?q=landscape', headers: admin.headers })).json() as { items: { id: string }[] }).items.map((w) => w.id);
    expect(await search()).toContain(workId);
    await ctx.app.erasure.request(owner.id, admin.id);
    await ctx.app.worker.drain(['privacy.erase']);
    expect(await ctx.app.workRepository.findById(workId)).toBeUndefined();
    expect(await search()).not.toContain(workId);

    // A signal older than the 30 days just set, and one from today.
    const reader = await makeUser(ctx, 'licensee', 'old-reader');
    const long = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await ctx.app.database.db.insertInto('recommendation_signals').values([{ user_id: reader.id, work_id: 'w-old', kind: 'view', weight: 1, created_at: long }, { user_id: reader.id, work_id: 'w-new', kind: 'view', weight: 1, created_at: new Date().toISOString() }]).execute();
    const report = await inject('POST', '/api/privacy/retention/run', admin);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toMatchObject({ workEvents: 0, recommendationSignals: 1 });
    const left = await ctx.app.database.db.selectFrom('recommendation_signals').select('work_id').where('user_id', '=', reader.id).execute();
    expect(left.map((r) => r.work_id)).toEqual(['w-new']);
    expect(((await inject('GET', '/api/privacy/settings', admin)).json() as { lastRun: unknown; erasureWorks: string }).erasureWorks).toBe('delete');
    await inject('PUT', '/api/privacy/settings', admin, { erasureWorks: 'transfer' });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createWork, makeUser, multipart, photoBytes, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * The review queue over HTTP on a real database: the publication gate (policy none → public at once;
 * creators → the work stays private and waits), the automatic checks (a term written in Traditional
 * characters found by its Simplified form, another owner's identical image), claims that two
 * reviewers race for, decisions only by the claimer, rejection → appeal → another reviewer approves,
 * a second and a late appeal refused, a flood of reports merged into one case, the workload figures,
 * and the decision emailed through SMTP.
 */

/** A minimal SMTP server that keeps what it is sent (enough for nodemailer without TLS). */
function smtpCapture(): Promise<{ port: number; messages: string[]; close: () => Promise<void> }> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let data: string | null = null;
    socket.write('220 capture ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(data + buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          data = null;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-capture\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          data = '';
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({ port, messages, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe.each(await testDialects())('review queue (%s)', (dialect) => {
  let ctx: TestContext;
  let smtp: Awaited<ReturnType<typeof smtpCapture>>;
  let admin: TestUser;
  let creator: TestUser;
  let otherCreator: TestUser;
  let reviewerA: TestUser;
  let reviewerB: TestUser;
  let termWork = '';
  let termItem = '';
  let copyWork = '';
  let copyItem = '';
  let originalWork = '';

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, who: TestUser | null, payload?: unknown, extra: Record<string, string> = {}) =>
    ctx.server.inject({ method, url, headers: { ...(who?.headers ?? {}), ...extra }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  const item = async (id: string) => (await call('GET', `/api/review/items/${id}`, reviewerA)).json();
  const settled = async (id: string) => {
    for (let i = 0; i < 80; i++) {
      await ctx.app.worker.drain();
      const found = await item(id);
      if (found.checksState === 'done') return found;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`checks of ${id} did not finish`);
  };

  beforeAll(async () => {
    smtp = await smtpCapture();
    ctx = await createTestContext(dialect, { smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    admin = await makeUser(ctx, 'admin');
    creator = await makeUser(ctx, 'creator');
    otherCreator = await makeUser(ctx, 'creator', 'other');
    reviewerA = await makeUser(ctx, 'reviewer', 'ra');
    reviewerB = await makeUser(ctx, 'reviewer', 'rb');
  });

  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  it('publishes at once while the policy is none (the default)', async () => {
    const work = await createWork(ctx, creator.headers, { title: { en: 'Open at once' } }, { visibility: 'public' });
    expect(work.visibility).toBe('public');
    expect(work.review ?? null).toBeNull();
    expect((await call('GET', `/api/works/${work.id}`, null)).statusCode).toBe(200);
    // Another owner's image, public before review begins: the original a later copy is matched against.
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'original.png', contentType: 'image/png', data: await sharp(await photoBytes(11, 512, 384)).png().toBuffer() }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...otherCreator.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    originalWork = res.json().items[0].workId;
    await ctx.app.worker.drain();
  });

  it('lets admins set the policy (audited), refusing reviewers', async () => {
    const current = (await call('GET', '/api/review/settings', reviewerA)).json();
    expect(current.policy).toBe('none');
    const next = { ...current, policy: 'creators', terms: [{ term: '违禁词', outcome: 'fail' }], rules: [{ id: 'no-draft', field: 'title', contains: 'DRAFT', outcome: 'warn' }] };
    expect((await call('PUT', '/api/review/settings', reviewerA, next)).statusCode).toBe(403);
    const put = await call('PUT', '/api/review/settings', admin, next);
    expect(put.statusCode, put.body).toBe(200);
    await ctx.app.audit.flush();
    const records = (await call('GET', '/api/audit?action=settings.change', admin)).json();
    expect(records.items.some((r: { targetId: string }) => r.targetId === 'review')).toBe(true);
  });

  it('says so when an import asked to publish a creator’s works that the policy holds for review', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wy-review-import-'));
    try {
      fs.writeFileSync(path.join(folder, 'held.png'), await sharp(await photoBytes(23, 320, 240)).png().toBuffer());
      const run = await runCli(['import', folder, '--visibility', 'public', '--as', creator.username, '--json'], ctx);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { visibility: { private: number; public: number }; items: { status: string; visibility?: string; warnings?: string[]; workId?: string }[] };
      expect(report.visibility).toEqual({ private: 1, public: 0 });
      const item = report.items.find((i) => i.status === 'imported')!;
      expect(item.visibility).toBe('private');
      expect(item.warnings?.join(' ')).toMatch(/reviewer/);
      expect((await ctx.app.workRepository.findById(item.workId!))?.visibility).toBe('private');
      // Out of the queue again, so the workload figures below count only their own items.
      await ctx.app.database.db.deleteFrom('review_items').where('work_id', '=', item.workId!).execute();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('holds a creator’s publication for review: the work stays private and enters the queue', async () => {
    const made = await call('POST', '/api/works', creator, { metadata: { title: { 'zh-Hant': '山水 違 禁 詞 冊 draft' } }, visibility: 'public' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().visibility).toBe('private');
    expect(made.json().review).toMatchObject({ state: 'pending' });
    termWork = made.json().id;
    termItem = made.json().review.itemId;
    expect((await call('GET', `/api/works/${termWork}`, null)).statusCode).toBe(404);
    // Staff publish directly.
    const staff = await createWork(ctx, admin.headers, { title: { en: 'Staff work' } }, { visibility: 'public' });
    expect(staff.visibility).toBe('public');
    // Asking again while it waits joins the same submission.
    const again = await call('PATCH', `/api/works/${termWork}`, creator, { expectedVersion: made.json().version, visibility: 'public' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().review.itemId).toBe(termItem);

    const queue = (await call('GET', '/api/review/items?kind=submission', reviewerA)).json();
    expect(queue.items.map((i: { id: string }) => i.id)).toContain(termItem);
    expect((await call('GET', '/api/review/items', creator)).statusCode).toBe(403);
    const mine = (await call('GET', '/api/review/mine', creator)).json();
    expect(mine.items[0]).toMatchObject({ id: termItem, state: 'open' });
  });

  it('checks a submission: a Traditional-script term by its Simplified form, a rule, and another owner’s identical image', async () => {
    const checked = await settled(termItem);
    const byCode = Object.fromEntries(checked.checks.map((c: { code: string }) => [c.code, c]));
    expect(byCode.terms).toMatchObject({ outcome: 'fail', params: { terms: '违禁词' } });
    expect(byCode['rule.no-draft']).toMatchObject({ outcome: 'warn' });
    expect(byCode.metadata).toMatchObject({ outcome: 'warn' });
    expect(byCode.files.outcome).toBe('pass');

    // The same picture re-encoded (other bytes, so not the same archived file): the fingerprint still matches.
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'copy.jpg', contentType: 'image/jpeg', data: await sharp(await photoBytes(11, 512, 384)).jpeg({ quality: 90 }).toBuffer() }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    copyWork = res.json().items[0].workId;
    const work = (await call('GET', `/api/works/${copyWork}`, creator)).json();
    expect(work.visibility).toBe('private');
    copyItem = work.review.itemId;
    const copy = await settled(copyItem);
    const fingerprint = copy.checks.find((c: { code: string }) => c.code === 'fingerprint');
    expect(fingerprint.outcome).toBe('fail');
    expect(String(fingerprint.params.workIds)).toContain(originalWork);
  });

  it('gives a contested claim to exactly one reviewer; only the claimer decides', async () => {
    const [a, b] = await Promise.all([call('POST', `/api/review/items/${termItem}/claim`, reviewerA), call('POST', `/api/review/items/${termItem}/claim`, reviewerB)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.key).toBe('review.claimed_by_other');
    // From here on reviewerA holds it (if B won the race, B lets go and A claims).
    if (b.statusCode === 200) {
      expect((await call('POST', `/api/review/items/${termItem}/release`, reviewerB)).statusCode).toBe(200);
      expect((await call('POST', `/api/review/items/${termItem}/claim`, reviewerA)).statusCode).toBe(200);
    }
    const other = await call('POST', `/api/review/items/${termItem}/decision`, reviewerB, { decision: 'approved' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.key).toBe('review.claimed_by_other');
    expect((await call('POST', `/api/review/items/${termItem}/decision`, creator, { decision: 'approved' })).statusCode).toBe(403);
    const noReason = await call('POST', `/api/review/items/${termItem}/decision`, reviewerA, { decision: 'rejected' });
    expect(noReason.json().error.key).toBe('review.reason_required');
    const wrongKind = await call('POST', `/api/review/items/${termItem}/decision`, reviewerA, { decision: 'dismissed' });
    expect(wrongKind.json().error.key).toBe('review.decision_invalid');
    // A refused decision leaves the claim and the work as they were.
    expect((await item(termItem)).claimedBy).toBe(reviewerA.id);
  });

  it('rejects with a reason, tells the submitter (in the interface and by email), and takes one appeal', async () => {
    expect((await call('PUT', '/api/notifications/email', creator, { email: 'creator@example.org' })).json()).toMatchObject({ email: 'creator@example.org', mailConfigured: true });
    const rejected = await call('POST', `/api/review/items/${termItem}/decision`, reviewerA, { decision: 'rejected', reasonCode: 'inappropriate', reasonText: '标题含有违禁词 / forbidden term in the title' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ state: 'decided', decision: 'rejected', reasonCode: 'inappropriate' });
    expect((await call('GET', `/api/works/${termWork}`, null)).statusCode).toBe(404);
    const again = await call('POST', `/api/review/items/${termItem}/decision`, reviewerA, { decision: 'approved' });
    expect(again.json().error.key).toBe('review.already_decided');

    const notes = (await call('GET', '/api/notifications', creator)).json();
    expect(notes.unread).toBeGreaterThanOrEqual(1);
    expect(notes.items[0]).toMatchObject({ kind: 'review.decision', params: { decision: 'rejected', reason: 'inappropriate', workId: termWork } });
    expect((await call('POST', '/api/notifications/read', creator, {})).statusCode).toBe(200);
    expect((await call('GET', '/api/notifications', creator)).json().unread).toBe(0);
    for (let i = 0; i < 40 && smtp.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.length).toBe(1);
    expect(smtp.messages[0]).toContain('creator@example.org');

    expect((await call('POST', `/api/review/items/${termItem}/appeal`, otherCreator, { text: 'not mine' })).statusCode).toBe(404);
    const appealed = await call('POST', `/api/review/items/${termItem}/appeal`, creator, { text: '这是古籍原文 / the phrase is a quotation from the original' });
    expect(appealed.statusCode, appealed.body).toBe(200);
    expect(appealed.json()).toMatchObject({ state: 'open', stage: 'appeal' });
    const twice = await call('POST', `/api/review/items/${termItem}/appeal`, creator, { text: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.key).toBe('review.appeal_used');
  });

  it('has another reviewer decide the appeal: approval makes the work public, with the history saying why', async () => {
    const same = await call('POST', `/api/review/items/${termItem}/claim`, reviewerA);
    expect(same.statusCode).toBe(403);
    expect(same.json().error.key).toBe('review.appeal_same_reviewer');
    expect((await call('POST', `/api/review/items/${termItem}/claim`, reviewerB)).statusCode).toBe(200);
    const approved = await call('POST', `/api/review/items/${termItem}/decision`, reviewerB, { decision: 'approved' });
    expect(approved.statusCode, approved.body).toBe(200);
    const work = await call('GET', `/api/works/${termWork}`, null);
    expect(work.statusCode).toBe(200);
    expect(work.json().visibility).toBe('public');
    const versions = (await call('GET', `/api/works/${termWork}/versions`, creator)).json().items;
    expect(versions[0].note).toBe('review approved on appeal');
    expect(versions[0].changedBy).toBe(reviewerB.id);
    const status = (await call('GET', `/api/works/${termWork}`, creator)).json().review;
    expect(status).toMatchObject({ state: 'approved', appealUntil: null });
  });

  it('refuses an appeal after the deadline', async () => {
    expect((await call('POST', `/api/review/items/${copyItem}/claim`, reviewerA)).statusCode).toBe(200);
    expect((await call('POST', `/api/review/items/${copyItem}/decision`, reviewerA, { decision: 'rejected', reasonCode: 'possible_infringement' })).statusCode).toBe(200);
    await ctx.app.database.db.updateTable('review_items').set({ decided_at: new Date(Date.now() - 20 * 86_400_000).toISOString() }).where('id', '=', copyItem).execute();
    const late = await call('POST', `/api/review/items/${copyItem}/appeal`, creator, { text: 'too late' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.key).toBe('review.appeal_late');
    expect((await item(copyItem)).stage).toBe('first');
    expect((await call('GET', `/api/works/${copyWork}`, null)).statusCode).toBe(404);
    // Submitted again (within the deadline this time): the new submission is what gets reviewed, not an appeal.
    await ctx.app.database.db.updateTable('review_items').set({ decided_at: new Date().toISOString() }).where('id', '=', copyItem).execute();
    const version = (await call('GET', `/api/works/${copyWork}`, creator)).json().version;
    const again = await call('PATCH', `/api/works/${copyWork}`, creator, { expectedVersion: version, visibility: 'public' });
    expect(again.json().review).toMatchObject({ state: 'pending' });
    expect(again.json().review.itemId).not.toBe(copyItem);
    const superseded = await call('POST', `/api/review/items/${copyItem}/appeal`, creator, { text: 'please' });
    expect(superseded.statusCode).toBe(409);
    expect(superseded.json().error.key).toBe('review.appeal_superseded');
    // It is dismissed from the queue by rejecting it again, so the workload below counts nothing open.
    const resubmitted = again.json().review.itemId;
    expect((await call('POST', `/api/review/items/${resubmitted}/claim`, reviewerA)).statusCode).toBe(200);
    expect((await call('POST', `/api/review/items/${resubmitted}/decision`, reviewerA, { decision: 'changes_requested', reasonCode: 'possible_infringement' })).statusCode).toBe(200);
  });

  it('merges a flood of reports from one address into one case with one report, rate limited', async () => {
    const statuses: number[] = [];
    const cases = new Set<string>();
    for (let i = 0; i < 14; i++) {
      const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${originalWork}/reports`, remoteAddress: '203.0.113.9', payload: { reasonCode: 'privacy', details: `flood ${i}` } });
      statuses.push(res.statusCode);
      if (res.statusCode === 201) cases.add(res.json().caseId);
    }
    expect(statuses.filter((s) => s === 201).length).toBe(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    expect(cases.size).toBe(1);
    const caseId = [...cases][0]!;
    expect((await item(caseId)).reportCount).toBe(1);
    const signedIn = await call('POST', `/api/works/${originalWork}/reports`, creator, { reasonCode: 'rights_unclear', details: 'the seal is ours' });
    expect(signedIn.json()).toEqual({ caseId, merged: true });
    const detail = await item(caseId);
    expect(detail.reportCount).toBe(2);
    expect(detail.reports).toHaveLength(2);
    expect((await call('POST', `/api/works/${termWork}/reports`, null, { reasonCode: 'metadata_incomplete' })).json().error.key).toBe('review.reason_unknown');
    expect((await call('POST', `/api/works/${copyWork}/reports`, creator, { reasonCode: 'privacy' })).statusCode).toBe(404);

    // A case is decided like a submission: unpublishing needs a reason and tells the owner.
    expect((await call('POST', `/api/review/items/${caseId}/claim`, reviewerA)).statusCode).toBe(200);
    const unpublished = await call('POST', `/api/review/items/${caseId}/decision`, reviewerA, { decision: 'unpublished', reasonCode: 'privacy' });
    expect(unpublished.statusCode, unpublished.body).toBe(200);
    expect((await call('GET', `/api/works/${originalWork}`, null)).statusCode).toBe(404);
    expect((await call('GET', '/api/notifications', otherCreator)).json().items[0]).toMatchObject({ kind: 'review.case_decision', params: { decision: 'unpublished' } });
  });

  it('reports the workload: queue, decisions per reviewer, time to decision, appeal overturn rate', async () => {
    const workload = await call('GET', '/api/review/workload', reviewerB);
    expect(workload.statusCode, workload.body).toBe(200);
    const w = workload.json();
    expect(w.open).toEqual({ submissions: 0, appeals: 0, reports: 0 });
    const count = (id: string) => w.decisions.find((d: { reviewerId: string }) => d.reviewerId === id)?.count;
    expect(count(reviewerA.id)).toBe(4);
    expect(count(reviewerB.id)).toBe(1);
    expect(w.medianDecisionSeconds).toBeGreaterThanOrEqual(0);
    expect(w.appeals).toEqual({ decided: 1, overturned: 1, rate: 1 });
    expect((await call('GET', '/api/review/workload', creator)).statusCode).toBe(403);
  });

  it('records every step in the audit trail', async () => {
    await ctx.app.audit.flush();
    for (const action of ['review.submit', 'review.claim', 'review.decision', 'review.appeal', 'review.report', 'review.case_decision']) {
      const records = (await call('GET', `/api/audit?action=${action}`, admin)).json();
      expect(records.items.length, action).toBeGreaterThan(0);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * Cross-border data rules over HTTP on a real database: classification inherited down collections,
 * rules with their contradictions (strictest wins, a bad set changes nothing), a refused export of
 * core data to the US, an assessed export to Germany (submitted by a curator, approved by another
 * admin, its expiry, destination, classes and scope checked), a licensed copy to a licensee in the
 * US refused for important data, and every decision in the log and the audit trail.
 */
const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld'];

describe.each(await testDialects())('cross-border transfers (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let admin2: TestUser;
  let curator: TestUser;
  let reviewer: TestUser;
  let creator: TestUser;
  let licensee: TestUser;
  let archiveId = '';
  let innerId = '';
  let otherId = '';
  let workId = '';

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, who: TestUser | null, payload?: unknown) =>
    ctx.server.inject({ method, url, headers: who?.headers ?? {}, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  const newCollection = async (name: string, parentId?: string) => {
    const res = await call('POST', '/api/collections', curator, { name: { en: name }, ...(parentId ? { parentId } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    admin2 = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    reviewer = await makeUser(ctx, 'reviewer');
    creator = await makeUser(ctx, 'creator');
    licensee = await makeUser(ctx, 'licensee');
    archiveId = await newCollection('Archive');
    innerId = await newCollection('Letters', archiveId);
    otherId = await newCollection('Other');
    workId = (await createWork(ctx, curator.headers, { title: { en: 'Letter' } }, { collectionId: innerId })).id;
    await createWork(ctx, curator.headers, { title: { en: 'Other' } }, { collectionId: otherId });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('classifies works and collections; a work carries the strictest class of its own and its collections', async () => {
    expect((await call('GET', `/api/works/${workId}/data-class`, reviewer)).json()).toEqual({ own: 'public', effective: 'public', inheritedFrom: null });
    expect((await call('PUT', `/api/collections/${archiveId}/data-class`, reviewer, { dataClass: 'core' })).statusCode).toBe(403);
    expect((await call('GET', `/api/works/${workId}/data-class`, creator)).statusCode).toBe(403);
    expect((await call('PUT', `/api/collections/${archiveId}/data-class`, curator, { dataClass: 'internal' })).statusCode).toBe(200);
    expect((await call('GET', `/api/works/${workId}/data-class`, reviewer)).json()).toEqual({ own: 'public', effective: 'internal', inheritedFrom: archiveId });
    expect((await call('PUT', `/api/works/${workId}/data-class`, curator, { dataClass: 'core' })).json()).toEqual({ own: 'core', effective: 'core', inheritedFrom: null });
    expect((await call('PUT', `/api/works/${workId}/data-class`, curator, { dataClass: 'secret' })).statusCode).toBe(400);
    expect((await call('GET', `/api/collections/${innerId}/data-class`, curator)).json()).toEqual({ own: 'public', effective: 'internal', inheritedFrom: archiveId });
  });

  it('keeps the rules whole: contradictions are shown (strictest wins), a bad set changes nothing', async () => {
    const defaults = (await call('GET', '/api/transfers/rules', reviewer)).json();
    expect(defaults.items).toHaveLength(5);
    expect(defaults.contradictions).toEqual([]);
    expect((await call('PUT', '/api/transfers/rules', curator, { items: [] })).statusCode).toBe(403);
    const bad = await call('PUT', '/api/transfers/rules', admin, { items: [...defaults.items, { destination: 'Germany', dataClass: 'core', outcome: 'allow' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ key: 'transfer.rule_destination_invalid', params: { index: 6, value: 'Germany' } });
    expect((await call('GET', '/api/transfers/rules', reviewer)).json().items).toEqual(defaults.items);
    const loosen = await call('PUT', '/api/transfers/rules', admin, { items: [...defaults.items, { id: 'de-core', destination: 'de', dataClass: 'core', outcome: 'assess' }] });
    expect(loosen.statusCode, loosen.body).toBe(200);
    expect(loosen.json().contradictions).toEqual([{ ruleId: 'de-core', overriddenBy: 'default-5', outcome: 'assess', effective: 'refuse' }]);
    const check = (await call('POST', '/api/transfers/check', reviewer, { destination: 'DE', workIds: [workId] })).json();
    expect(check).toMatchObject({ outcome: 'refuse', classes: [{ dataClass: 'core', outcome: 'refuse', ruleIds: ['default-5'] }], problem: { key: 'transfer.refused' } });
    expect((await call('PUT', '/api/transfers/rules', admin, { items: defaults.items })).statusCode).toBe(200);
  });

  it('refuses an export of core data to the US, writes nothing, and logs the decision', async () => {
    const refused = await call('POST', '/api/transfers/exports', curator, { collectionId: archiveId, destination: 'US' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ key: 'transfer.refused', params: { destination: 'US', classes: 'core' } });
    const log = (await call('GET', '/api/transfers/decisions?destination=us', reviewer)).json().items;
    expect(log[0]).toMatchObject({ path: 'api_export', destination: 'US', outcome: 'refuse', proceeded: false, reason: 'transfer.refused', subjectType: 'collection', subjectId: archiveId });
    expect(log[0].dataClasses).toContain('core');
    expect(log[0].rules.map((r: { id: string }) => r.id)).toEqual(['default-3', 'default-5']);
    const audit = (await call('GET', '/api/audit?action=data_transfer.decision', admin)).json().items;
    expect(audit[0]).toMatchObject({ outcome: 'denied', targetType: 'transfer_decision', targetId: log[0].id });
    // Domestic transfers are allowed whatever the class.
    const domestic = await call('POST', '/api/transfers/exports', curator, { collectionId: archiveId, destination: 'CN-11' });
    expect(domestic.statusCode, domestic.body).toBe(201);
  });

  it('exports important data to Germany only under an approved assessment that covers it, and logs it', async () => {
    expect((await call('PUT', `/api/works/${workId}/data-class`, curator, { dataClass: 'important' })).statusCode).toBe(200);
    const none = await call('POST', '/api/transfers/exports', curator, { collectionId: archiveId, destination: 'DE' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({ key: 'transfer.assessment_required', params: { destination: 'DE', classes: 'internal,important' } });

    const form = { destination: 'DE', dataClasses: ['internal', 'important'], scope: { type: 'collection', ids: [archiveId] }, purpose: 'Joint exhibition', recipient: 'Staatliche Museen', volume: '1 work, 2 MB', safeguards: 'Encrypted transfer; no onward transfer', notes: { 'zh-Hans': '联合展览', en: 'Joint exhibition' } };
    expect((await call('POST', '/api/transfers/assessments', reviewer, form)).statusCode).toBe(403);
    expect((await call('POST', '/api/transfers/assessments', curator, { ...form, scope: { type: 'collection', ids: ['nope'] } })).statusCode).toBe(404);
    const submitted = await call('POST', '/api/transfers/assessments', curator, form);
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = submitted.json().id as string;
    const pending = await call('POST', '/api/transfers/exports', curator, { collectionId: archiveId, destination: 'DE', assessmentId: id });
    expect(pending.json().error).toMatchObject({ key: 'transfer.assessment_not_approved', params: { id, status: 'pending' } });
    expect((await call('POST', `/api/transfers/assessments/${id}/approve`, curator)).statusCode).toBe(403);
    expect((await call('POST', `/api/transfers/assessments/${id}/approve`, admin, { expiresAt: '2001-01-01' })).json().error.key).toBe('transfer.expiry_invalid');
    const approved = await call('POST', `/api/transfers/assessments/${id}/approve`, admin, { note: 'ok' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: admin.id, expired: false });
    expect((await call('POST', `/api/transfers/assessments/${id}/approve`, admin2)).json().error.key).toBe('transfer.assessment_state');

    // Wrong destination, wrong scope: each its own error.
    expect((await call('POST', '/api/transfers/exports', curator, { collectionId: archiveId, destination: 'FR', assessmentId: id })).json().error).toMatchObject({ key: 'transfer.assessment_destination', params: { assessed: 'DE', destination: 'FR' } });
    expect((await call('PUT', `/api/collections/${otherId}/data-class`, curator, { dataClass: 'internal' })).statusCode).toBe(200);
    expect((await call('POST', '/api/transfers/exports', curator, { collectionId: otherId, destination: 'DE', assessmentId: id })).json().error.key).toBe('transfer.assessment_scope');

    const made = await call('POST', '/api/transfers/exports', curator, { collectionId: innerId, destination: 'DE-BY', assessmentId: id });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ works: 1, decision: { outcome: 'assess', assessmentId: id } });
    const download = await call('GET', made.json().downloadUrl, curator);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/x-tar');
    expect(download.rawPayload.toString('latin1')).toContain('BagIt-Version: 1.0');
    expect((await call('GET', made.json().downloadUrl, reviewer)).statusCode).toBe(403);
    const log = (await call('GET', '/api/transfers/decisions?outcome=assess', reviewer)).json().items;
    expect(log[0]).toMatchObject({ destination: 'DE-BY', proceeded: true, assessmentId: id });
  });

  it('lets only another admin approve an admin’s own assessment, and honours expiry', async () => {
    const form = { destination: 'JP', dataClasses: ['internal'], scope: { type: 'works', ids: [workId] }, purpose: 'p', recipient: 'r', volume: 'v', safeguards: 's' };
    const own = (await call('POST', '/api/transfers/assessments', admin, form)).json();
    expect((await call('POST', `/api/transfers/assessments/${own.id}/approve`, admin)).json().error.key).toBe('transfer.own_assessment');
    expect((await call('POST', `/api/transfers/assessments/${own.id}/approve`, admin2)).statusCode).toBe(200);
    // Important data is not among the classes it covers.
    expect((await call('POST', '/api/transfers/exports', curator, { workIds: [workId], destination: 'JP', assessmentId: own.id })).json().error).toMatchObject({ key: 'transfer.assessment_classes', params: { missing: 'important' } });
    await ctx.app.database.db.updateTable('transfer_assessments').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', own.id).execute();
    expect((await call('POST', '/api/transfers/exports', curator, { workIds: [workId], destination: 'JP', assessmentId: own.id })).json().error.key).toBe('transfer.assessment_expired');
    expect((await call('GET', `/api/transfers/assessments/${own.id}`, reviewer)).json().expired).toBe(true);
    const rejected = (await call('POST', '/api/transfers/assessments', curator, form)).json();
    expect((await call('POST', `/api/transfers/assessments/${rejected.id}/reject`, admin, { note: 'too vague' })).json()).toMatchObject({ status: 'rejected', decisionNote: 'too vague' });
  });

  it('refuses a licensed copy of important data to a licensee in the US without an assessment; the grant stays valid', async () => {
    const pub = await createWork(ctx, creator.headers, { title: { en: 'Map' } }, { visibility: 'public', collectionId: null });
    expect((await call('PUT', `/api/works/${pub.id}/data-class`, curator, { dataClass: 'important' })).statusCode).toBe(200);
    const offer = await call('POST', '/api/offers', creator, { target: { type: 'work', id: pub.id }, title: { en: 'Free reuse' }, odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce' }] } });
    expect(offer.statusCode, offer.body).toBe(201);
    const order = await call('POST', '/api/orders', licensee, { workId: pub.id, offerId: offer.json().id, licenseeName: 'Studio', request: { action: 'reproduce', count: 1, until: '2099-12-31' } });
    expect(order.statusCode, order.body).toBe(201);
    const approved = await call('POST', `/api/orders/${order.json().id}/approve`, creator);
    expect(approved.statusCode, approved.body).toBe(200);
    const grantId = ((await call('GET', '/api/grants', licensee)).json().items as { id: string }[])[0]!.id;

    // No country on the account: the copy waits for one.
    expect((await call('POST', `/api/grants/${grantId}/copy`, licensee)).json().error.key).toBe('transfer.country_unknown');
    expect((await call('PUT', '/api/auth/country', licensee, { country: 'us' })).statusCode).toBe(400);
    expect((await call('PUT', '/api/auth/country', licensee, { country: 'US' })).json().country).toBe('US');
    const copy = await call('POST', `/api/grants/${grantId}/copy`, licensee);
    expect(copy.statusCode).toBe(409);
    expect(copy.json().error).toMatchObject({ key: 'transfer.assessment_required', params: { destination: 'US', classes: 'important' } });
    expect((await call('GET', `/api/grants/${grantId}`, licensee)).json().state).toBe('valid');
    const log = (await call('GET', '/api/transfers/decisions?path=licensed_copy', reviewer)).json().items;
    expect(log.map((d: { destination: string; proceeded: boolean }) => [d.destination, d.proceeded])).toEqual([['US', false], ['ZZ', false]]);
    // An admin sets the licensee's country to the mainland: the rules let the copy go (it then fails only for lack of a file).
    const patched = await call('PATCH', `/api/users/${licensee.id}`, admin, { country: 'CN' });
    expect(patched.json().country).toBe('CN');
    const domestic = await call('POST', `/api/grants/${grantId}/copy`, licensee);
    expect(domestic.json().error?.key ?? '').not.toMatch(/^transfer\./);
    expect((await call('GET', '/api/transfers/decisions?path=licensed_copy', reviewer)).json().items[0]).toMatchObject({ destination: 'CN', outcome: 'allow', proceeded: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, TEST_PASSWORD, type TestUser } from '../routes/route-helpers.js';
import { findInDatabase, findInFiles } from './privacy-helpers.js';

const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];

/**
 * Erasing a licensee who bought a licence: the order, payment, grant and ledger stay (bookkeeping),
 * without the person's name anywhere — not in the order, the grant's agreement, the watermarked copy's
 * record — while the ledger still balances and the audit trail and the transparency log still verify.
 */
describe.each(await testDialects())('erasing a licensee (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let creator: TestUser;
  const name = 'wang-unique-5q2z';
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: TestUser | null, payload?: object) => ctx.server.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    creator = await makeUser(ctx, 'creator');
  });
  afterAll(async () => ctx?.close());

  it('keeps the financial records without the name', async () => {
    const upload = multipart([
      { name: 'visibility', value: 'public' },
      { name: 'file', filename: 'mural.png', contentType: 'image/png', data: await photoBytes(17, 512, 384) },
    ]);
    const uploaded = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...upload.headers }, payload: upload.payload });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const workId = (uploaded.json() as { items: { workId: string }[] }).items[0]!.workId;
    const party = await call('POST', '/api/parties', admin, { kind: 'institution', name: { en: 'County Museum' } });
    expect(party.statusCode, party.body).toBe(201);
    const split = await call('PUT', `/api/works/${workId}/royalty-split`, creator, { version: 0, shares: [{ partyId: (party.json() as { id: string }).id, basisPoints: 10000 }] });
    expect(split.statusCode, split.body).toBe(200);
    const offer = await call('POST', '/api/offers', creator, {
      target: { type: 'work', id: workId },
      title: { en: 'Print licence' },
      odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '100.00', unit: 'CNY' }] }] }] },
    });
    expect(offer.statusCode, offer.body).toBe(201);

    const user = await ctx.app.identity.createUser({ username: name, password: TEST_PASSWORD, role: 'licensee', displayName: `王 ${name}` });
    const { token } = await ctx.app.identity.createApiToken(user.id, 'studio laptop');
    const licensee: TestUser = { id: user.id, username: name, headers: { authorization: `Bearer ${token}` } };
    const placed = await call('POST', '/api/orders', licensee, { workId, offerId: (offer.json() as { id: string }).id, request: { action: 'reproduce', purpose: ['commercial'], count: 1 } });
    expect(placed.statusCode, placed.body).toBe(201);
    const orderId = (placed.json() as { id: string }).id;
    expect((await call('POST', `/api/orders/${orderId}/approve`, creator)).statusCode).toBe(200);
    ctx.app.sequencer.start();
    const paid = await call('POST', `/api/orders/${orderId}/payment`, creator, { amount: '100.00', currency: 'CNY', reference: 'bank 7' });
    expect(paid.statusCode, paid.body).toBe(200);
    const grantId = (paid.json() as { grantId: string }).grantId;
    const copy = await call('POST', `/api/grants/${grantId}/copy`, licensee);
    expect(copy.statusCode).toBe(200);
    expect((await findInDatabase(ctx, name)).some((hit) => hit.startsWith('license_grants'))).toBe(true);

    const erased = await call('POST', `/api/privacy/users/${user.id}/erasure`, admin, { password: TEST_PASSWORD });
    expect(erased.statusCode, erased.body).toBe(202);
    await ctx.app.worker.drain(['privacy.erase']);
    await ctx.app.audit.flush();

    expect(await findInDatabase(ctx, name)).toEqual([]);
    expect(await findInDatabase(ctx, `王 ${name}`)).toEqual([]);
    expect(findInFiles(ctx.app.config.dataDir, name)).toEqual([]);
    // The bookkeeping stays: the order and its grant, under the placeholder name; the ledger balances.
    const order = await ctx.app.database.db.selectFrom('license_orders').select(['status', 'licensee_name', 'licensee_id']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'granted', licensee_name: `erased-${user.id.slice(-8)}`, licensee_id: user.id });
    expect((await call('GET', '/api/ledger/balances', admin)).json()).toMatchObject({ balanced: true });
    expect((await ctx.app.audit.verify()).ok).toBe(true);
    await ctx.app.sequencer.stop();
    const log = await auditLog(ctx.app.registryRepository, await ctx.app.registry.log.verifierKey());
    expect(log.problems).toEqual([]);
  });
});

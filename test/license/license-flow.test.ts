import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, photoBytes, multipart, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * Licensing over HTTP on a real database: terms as ODRL (a CC BY-NC public licence plus a commercial
 * offer: the CC+ pattern), heritage rules every decision inherits, the "may I?" check, an order from
 * request to grant with its refusals (own approval, double approval, wrong amount, double payment),
 * royalties split to the cent, the grant's agreement in the log verified offline, the licensed copy,
 * revocation, the last copies of a limited edition, and the AI-training reservation.
 */
const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe.each(await testDialects())('licensing (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let creator: TestUser;
  let studio: TestUser;
  let rival: TestUser;
  let workId = '';
  let offerId = '';
  const parties: Record<string, string> = {};
  let tmp = '';

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who: TestUser | null, payload?: unknown) =>
    ctx.server.inject({ method, url, headers: who?.headers ?? {}, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-license-'));
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    studio = await makeUser(ctx, 'licensee', 'studio');
    rival = await makeUser(ctx, 'licensee', 'rival');
    const upload = multipart([
      { name: 'visibility', value: 'public' },
      { name: 'file', filename: 'mural.png', contentType: 'image/png', data: await sharp(await photoBytes(7, 512, 384)).png().toBuffer() },
    ]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...upload.headers }, payload: upload.payload });
    expect(res.statusCode, res.body).toBe(200);
    workId = (res.json() as { items: { workId: string }[] }).items[0]!.workId;
    for (const [key, kind, name] of [['artist', 'person', 'Li Bai'], ['museum', 'institution', 'County Museum'], ['fund', 'community', 'Mask Fund']] as const) {
      const made = await call('POST', '/api/parties', curator, { kind, name: { en: name } });
      expect(made.statusCode, made.body).toBe(201);
      parties[key] = (made.json() as { id: string }).id;
    }
  });

  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps versioned royalty splits that sum to exactly 10,000 basis points', async () => {
    const bad = await call('PUT', `/api/works/${workId}/royalty-split`, creator, { version: 0, shares: [{ partyId: parties.artist, basisPoints: 6000 }, { partyId: parties.museum, basisPoints: 3999 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.key).toBe('license.split_invalid');
    expect((await call('PUT', `/api/works/${workId}/royalty-split`, studio, { version: 0, shares: [{ partyId: parties.artist, basisPoints: 10000 }] })).statusCode).toBe(403);
    const ok = await call('PUT', `/api/works/${workId}/royalty-split`, creator, {
      version: 0,
      shares: [{ partyId: parties.artist, basisPoints: 6000, role: 'artist' }, { partyId: parties.museum, basisPoints: 3000, role: 'institution' }, { partyId: parties.fund, basisPoints: 1000, role: 'community' }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().version).toBe(1);
    // A stale version is refused rather than silently overwriting.
    expect((await call('PUT', `/api/works/${workId}/royalty-split`, creator, { version: 0, shares: [{ partyId: parties.artist, basisPoints: 10000 }] })).statusCode).toBe(409);
  });

  it('publishes a public licence and a commercial offer (the CC+ pattern), refusing bad policies precisely', async () => {
    const licence = await call('PUT', `/api/terms/work/${workId}/public-licence`, creator, { rightsUri: 'https://creativecommons.org/licenses/by-nc/4.0/' });
    expect(licence.statusCode, licence.body).toBe(200);
    const unknownAction = await call('POST', '/api/offers', creator, { target: { type: 'work', id: workId }, title: { en: 'x' }, odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'teleport' }] } });
    expect(unknownAction.statusCode).toBe(400);
    expect(unknownAction.json().error).toMatchObject({ key: 'license.policy_invalid', params: { code: 'unknown_action' } });
    const offer = await call('POST', '/api/offers', creator, {
      target: { type: 'work', id: workId },
      title: { en: 'Game texture licence', 'zh-Hans': '游戏贴图授权' },
      editionSize: 3,
      odrl: {
        '@context': CONTEXT,
        '@type': 'Offer',
        permission: [{
          action: 'reproduce',
          constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }, { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' }, { leftOperand: 'media', operator: 'isAnyOf', rightOperand: ['game', 'web'] }],
          duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '1200.00', unit: 'CNY' }] }, { action: 'attribute' }],
        }],
      },
    });
    expect(offer.statusCode, offer.body).toBe(201);
    offerId = offer.json().id;
    expect(offer.json().price).toMatchObject({ minor: 120000, currency: 'CNY', display: '1200.00' });

    // A heritage element (a Peking-opera mask pattern) the work uses: 5 % of commercial use to the fund, no parody.
    const element = await call('POST', '/api/heritage-elements', curator, {
      name: { en: 'Peking-opera mask', 'zh-Hans': '京剧脸谱' },
      custodianPartyId: parties.fund,
      rules: {
        '@context': CONTEXT,
        '@type': 'Set',
        conflict: 'prohibit',
        permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', compensatedParty: `urn:wenyuan:party:${parties.fund}`, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: 5 }] }] }],
        prohibition: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'parody' }] }],
      },
    });
    expect(element.statusCode, element.body).toBe(201);
    expect((await call('PUT', `/api/works/${workId}/heritage-elements`, creator, { elementIds: [element.json().id] })).statusCode).toBe(200);

    const terms = (await call('GET', `/api/works/${workId}/terms`, null)).json();
    expect(terms.publicLicenceSource).toBe('policy');
    expect(terms.licensable).toBe(true);
    expect(terms.aiTraining).toBe('reserved');
    const free = (action: string, purpose: string) => terms.freeUses.find((u: { action: string; purpose: string }) => u.action === action && u.purpose === purpose).outcome;
    expect(free('reproduce', 'non-commercial')).not.toBe('deny');
    expect(free('reproduce', 'commercial')).toBe('deny');
    expect(terms.heritage[0].rules).toHaveLength(1);
  });

  it('answers "may I?" with the basis, the price and the reason', async () => {
    const nonCommercial = (await call('POST', '/api/license/check', null, { workId, action: 'display', purpose: ['non-commercial'] })).json();
    expect(nonCommercial).toMatchObject({ basis: 'public-licence' });
    expect(nonCommercial.outcome).not.toBe('deny');
    const game = (await call('POST', '/api/license/check', studio, { workId, action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game' })).json();
    expect(game).toMatchObject({ outcome: 'deny', basis: 'offer', offerId, price: { minor: 120000 } });
    const abroad = (await call('POST', '/api/license/check', studio, { workId, action: 'reproduce', purpose: ['commercial'], territory: 'US', media: 'game' })).json();
    expect(abroad.basis).toBe('none');
    const parody = (await call('POST', '/api/license/check', studio, { workId, action: 'reproduce', purpose: ['non-commercial', 'parody'] })).json();
    expect(parody.outcome).toBe('deny');
  });

  it('walks an order to a grant: approval by the right holder, one payment, a balanced ledger split to the cent', async () => {
    const placed = await call('POST', '/api/orders', studio, { workId, offerId, licenseeName: 'Dunhuang Games Ltd', request: { action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game', count: 1, until: '2099-12-31' } });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({ status: 'requested', price: { minor: 120000 }, canDecide: false });

    const own = await call('POST', `/api/orders/${order.id}/approve`, studio);
    expect(own.json().error.key, own.body).toBe('license.own_order');
    expect((await call('POST', `/api/orders/${order.id}/approve`, rival)).statusCode).toBe(404);
    const approved = await call('POST', `/api/orders/${order.id}/approve`, creator);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().invoiceNumber).toMatch(/^WY-\d{4}-/);
    expect((await call('POST', `/api/orders/${order.id}/approve`, creator)).json().error.key).toBe('license.order_state');

    expect((await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '1199.99', currency: 'CNY' })).json().error.key).toBe('license.amount_mismatch');
    expect((await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '1200.00', currency: 'USD' })).json().error.key).toBe('license.currency_no_rate');
    expect((await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '1200.001', currency: 'CNY' })).statusCode).toBe(400);
    ctx.app.sequencer.start();
    const paid = await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '1200.00', currency: 'CNY', reference: 'ICBC 0042' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'granted' });
    expect(paid.json().grantId).toBeTruthy();
    expect((await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '1200.00', currency: 'CNY' })).statusCode).toBe(409);

    const balances = (await call('GET', '/api/ledger/balances', curator)).json();
    expect(balances.balanced).toBe(true);
    const statement = async (party: string) => (await call('GET', `/api/ledger/statements/${party}?from=2000-01-01&to=2100-01-01`, curator)).json();
    // 5 % to the fund first (60.00), then 60/30/10 of 1,140.00.
    expect((await statement(parties.artist!)).closing.display).toBe('684.00');
    expect((await statement(parties.museum!)).closing.display).toBe('342.00');
    expect((await statement(parties.fund!)).closing.display).toBe('174.00');
    const csv = await call('GET', `/api/ledger/statements/${parties.artist}/statement.csv?from=2000-01-01&to=2100-01-01&lang=zh-Hans`, curator);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    // A party's statement is its own and staff's business.
    expect((await call('GET', `/api/ledger/statements/${parties.artist}?from=2000-01-01&to=2100-01-01`, studio)).statusCode).toBe(403);
  });

  it('registers the agreement in the log, verifies it offline, and hands out a copy watermarked for the grant', async () => {
    const grants = (await call('GET', '/api/grants', studio)).json().items;
    expect(grants).toHaveLength(1);
    const grant = grants[0];
    expect(grant).toMatchObject({ state: 'valid', licenseeName: 'Dunhuang Games Ltd' });
    const agreement = await call('GET', `/api/grants/${grant.id}/agreement.json`, studio);
    expect(sha256(agreement.rawPayload)).toBe(grant.agreementSha256);
    expect(agreement.json()).toMatchObject({ '@type': 'Agreement', assignee: { name: 'Dunhuang Games Ltd' } });
    let receipt = await call('GET', `/api/grants/${grant.id}/receipt.json`, studio);
    for (let i = 0; i < 50 && receipt.statusCode !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      receipt = await call('GET', `/api/grants/${grant.id}/receipt.json`, studio);
    }
    expect(receipt.statusCode, receipt.body).toBe(200);
    fs.writeFileSync(path.join(tmp, 'agreement.jsonld'), agreement.rawPayload);
    fs.writeFileSync(path.join(tmp, 'receipt.json'), receipt.rawPayload);
    const logKey = (await ctx.server.inject({ method: 'GET', url: '/api/registry/key' })).body.trim();
    const verified = await runCli(['verify', path.join(tmp, 'receipt.json'), '--file', path.join(tmp, 'agreement.jsonld'), '--log-key', logKey]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    // The licensee may now do what was granted, on the grant's basis; others still see the offer.
    const mine = (await call('POST', '/api/license/check', studio, { workId, action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game' })).json();
    expect(mine, JSON.stringify(mine.decision?.trace)).toMatchObject({ basis: 'grant', grantId: grant.id });
    expect(mine.outcome).not.toBe('deny');
    expect((await call('POST', '/api/license/check', rival, { workId, action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game' })).json().basis).toBe('offer');

    const copy = await call('POST', `/api/grants/${grant.id}/copy`, studio);
    expect(copy.statusCode, copy.body.slice(0, 200)).toBe(200);
    expect(copy.headers['content-type']).toBe('image/jpeg');
    // The copy's watermark names the grant: a scan by the right holder shows the grant in force.
    const scanBody = multipart([{ name: 'file', filename: 'leak.jpg', contentType: 'image/jpeg', data: copy.rawPayload }]);
    const scan = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...creator.headers, ...scanBody.headers }, payload: scanBody.payload });
    expect(scan.statusCode, scan.body.slice(0, 300)).toBe(200);
    const watermark = (scan.json() as { items: { watermark: { copy: { reference: string; licence: { state: string } } | null } | null }[] }).items[0]!.watermark;
    expect(watermark?.copy?.reference).toBe(`grant:${grant.id}`);
    expect(watermark?.copy?.licence?.state).toBe('valid');

    // Revoked: the revocation goes into the log, copies stop, and the certificate's QR code says so.
    expect((await call('POST', `/api/grants/${grant.id}/revoke`, studio, { reason: 'x' })).statusCode).toBe(403);
    const revoked = await call('POST', `/api/grants/${grant.id}/revoke`, creator, { reason: 'used outside the licensed territory' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().state).toBe('revoked');
    expect((await call('POST', `/api/grants/${grant.id}/copy`, studio)).json().error.key).toBe('license.grant_not_valid');
    expect((await call('GET', `/api/grants/${grant.id}/status?sha256=${grant.agreementSha256}`, null)).json()).toMatchObject({ state: 'revoked', licenseeName: 'Dunhuang Games Ltd' });
    expect((await call('POST', '/api/license/check', studio, { workId, action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game' })).json().basis).toBe('offer');
    expect((await call('GET', `/api/grants/${grant.id}/status?sha256=${'0'.repeat(64)}`, null)).statusCode).toBe(404);
    const rescan = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...creator.headers, ...scanBody.headers }, payload: scanBody.payload });
    expect((rescan.json() as { items: { watermark: { copy: { licence: { state: string } } } }[] }).items[0]!.watermark.copy.licence.state).toBe('revoked');
  });

  it('sells the last copies of a limited edition to one buyer only', async () => {
    // The edition has 3 copies and one is sold: two buyers race for 2 each.
    const order = (who: TestUser) => call('POST', '/api/orders', who, { workId, offerId, request: { action: 'reproduce', purpose: ['commercial'], territory: 'CN', media: 'web', count: 2 } });
    const [a, b] = await Promise.all([order(studio), order(rival)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().error.key).toBe('license.edition_sold_out');
    // Cancelling gives the copies back.
    const won = [a, b].find((r) => r.statusCode === 201)!.json();
    const owner = won.licenseeId === studio.id ? studio : rival;
    expect((await call('POST', `/api/orders/${won.id}/cancel`, owner)).json().status).toBe('cancelled');
    expect((await order(owner === studio ? rival : studio)).statusCode).toBe(201);
  });

  it('keeps the ledger balanced under concurrent orders and double payments', async () => {
    const offer = await call('POST', '/api/offers', creator, {
      target: { type: 'work', id: workId },
      title: { en: 'Web use' },
      odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'display', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '33.33', unit: 'CNY' }] }] }] },
    });
    expect(offer.statusCode, offer.body).toBe(201);
    const buyers = [studio, rival];
    const placed = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', '/api/orders', buyers[i % 2]!, { workId, offerId: offer.json().id, request: { action: 'display', purpose: ['commercial'] } })));
    expect(placed.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    const ids = placed.map((r) => r.json().id as string);
    await Promise.all(ids.map((id) => call('POST', `/api/orders/${id}/approve`, creator)));
    // Every invoice confirmed twice at once: exactly one payment each.
    const paid = await Promise.all(ids.flatMap((id) => [1, 2].map(() => call('POST', `/api/orders/${id}/payment`, creator, { amount: '33.33', currency: 'CNY' }))));
    const codes = paid.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(12);
    expect(codes.filter((c) => c !== 200).every((c) => c === 409)).toBe(true);
    const balances = (await call('GET', '/api/ledger/balances', curator)).json();
    expect(balances.balanced).toBe(true);
    const bank = balances.accounts.find((a: { account: string }) => a.account === 'asset:bank');
    // 1,200.00 before, and 12 × 33.33 now; every party's share adds up to the same.
    expect(bank.minor).toBe(120000 + 12 * 3333);
    const owed = balances.accounts.filter((a: { account: string }) => a.account.startsWith('liability:payable:')).reduce((sum: number, a: { minor: number }) => sum + a.minor, 0);
    expect(owed).toBe(-(120000 + 12 * 3333));
  });

  it('refuses orders for private works and uses the offer does not allow', async () => {
    const hidden = await createWork(ctx, creator.headers, { title: { en: 'Unpublished' } });
    expect((await call('POST', '/api/orders', studio, { workId: hidden.id, offerId, request: { action: 'reproduce', purpose: ['commercial'] } })).statusCode).toBe(404);
    const denied = await call('POST', '/api/orders', studio, { workId, offerId, request: { action: 'sell', purpose: ['commercial'], territory: 'CN', media: 'game' } });
    expect(denied.statusCode).toBe(422);
    expect(denied.json().error.key).toBe('license.use_denied');
  });

  it('publishes the AI-training reservation (TDMRep)', async () => {
    const tdmrep = await ctx.server.inject({ method: 'GET', url: '/.well-known/tdmrep.json' });
    expect(tdmrep.statusCode).toBe(200);
    const rules = tdmrep.json() as { location: string; 'tdm-reservation': number }[];
    expect(rules.at(-1)).toMatchObject({ location: '/*', 'tdm-reservation': 1 });
    expect(rules.some((r) => r.location.includes(workId))).toBe(false);
    const work = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}` });
    expect(work.headers['tdm-reservation']).toBe('1');
    // A CC0 work may be mined: listed first, and its answers say so.
    const open = await createWork(ctx, curator.headers, { title: { en: 'Open' }, rights: { uri: 'https://creativecommons.org/publicdomain/zero/1.0/' } }, { visibility: 'public' });
    ctx.app.tdm.forget();
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${open.id}` })).headers['tdm-reservation']).toBe('0');
    const again = (await ctx.server.inject({ method: 'GET', url: '/.well-known/tdmrep.json' })).json() as { location: string; 'tdm-reservation': number }[];
    expect(again.find((r) => r.location === `/works/${open.id}`)).toMatchObject({ 'tdm-reservation': 0 });
  });
});

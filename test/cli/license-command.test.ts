import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * `wenyuan license …` in-process on SQLite: a public licence and an offer set from the command line
 * (a bad policy file refused precisely, exit 2), "may I?" with exit 0 / 3 and the API's JSON shape, a
 * grant made over HTTP then listed, shown, exported and verified offline with `wenyuan verify`,
 * revoked, and the ledger's balances, statement (text, JSON, CSV) and settlement.
 */
const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];

describe('wenyuan license', () => {
  let ctx: TestContext;
  let creator: TestUser;
  let curator: TestUser;
  let studio: TestUser;
  let tmp = '';
  let workId = '';
  let offerId = '';
  let grantId = '';
  let artist = '';

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: TestUser, payload?: unknown) =>
    ctx.server.inject({ method, url, headers: who.headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  const cli = (...args: string[]) => runCli(['license', ...args], ctx);
  const writeJson = (name: string, value: unknown) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-license-cli-'));
    ctx = await createTestContext('sqlite');
    creator = await makeUser(ctx, 'creator');
    curator = await makeUser(ctx, 'curator');
    studio = await makeUser(ctx, 'licensee', 'studio');
    workId = (await uploadImage(ctx, creator.headers, 4242, { visibility: 'public' })).workId;
    artist = (await call('POST', '/api/parties', curator, { kind: 'person', name: { en: 'Li Bai' } })).json().id;
    expect((await call('PUT', `/api/works/${workId}/royalty-split`, creator, { version: 0, shares: [{ partyId: artist, basisPoints: 10000 }] })).statusCode).toBe(200);
  });

  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sets a public licence and adds an offer from a file, refusing a bad action with its path and exit 2', async () => {
    const pub = await cli('public', workId, '--rights-uri', 'https://creativecommons.org/licenses/by-nc/4.0/', '--as', creator.username);
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.stdout).toMatch(/^public licence of /);
    expect((await cli('public', workId, '--as', creator.username)).code).toBe(2);

    const bad = writeJson('bad.jsonld', { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'teleport' }] });
    const refused = await cli('offer', 'add', workId, '--file', bad, '--as', creator.username);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^wenyuan: permission\[0\]\.action: .*teleport/);
    expect((await cli('offer', 'add', workId, '--file', path.join(tmp, 'missing.jsonld'), '--as', creator.username)).stderr).toBe(`wenyuan: no file at ${path.join(tmp, 'missing.jsonld')}`);
    const offerFile = writeJson('game.jsonld', {
      '@context': CONTEXT,
      '@type': 'Offer',
      permission: [{
        action: 'reproduce',
        constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }, { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' }],
        duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '300.00', unit: 'CNY' }] }, { action: 'attribute' }],
      }],
    });
    // Without --as nobody is named to make the change.
    expect((await cli('offer', 'add', workId, '--file', offerFile)).code).toBe(2);
    const added = await cli('offer', 'add', workId, '--file', offerFile, '--title-en', 'Game licence', '--title-zh', '游戏授权', '--edition', '5', '--as', creator.username, '--json');
    expect(added.code, added.stderr).toBe(0);
    const offer = JSON.parse(added.stdout);
    expect(offer).toMatchObject({ kind: 'offer', price: { minor: 30000, currency: 'CNY', display: '300.00' }, editionSize: 5, title: { en: 'Game licence', 'zh-Hans': '游戏授权' } });
    offerId = offer.id;
    const list = await cli('offer', 'list', workId);
    expect(list.stdout).toContain(`${offerId}  offer  active    300.00 CNY`);
  });

  it('answers "may I?": exit 0 when permitted, 3 when denied, with the basis, reason and the API shape', async () => {
    const free = await cli('check', workId, '--action', 'reproduce', '--purpose', 'non-commercial');
    expect(free.code, free.stderr).toBe(0);
    expect(free.stdout).toMatch(/^PERMIT( WITH DUTIES)?\nbasis: {2}the public licence\nreason: /);

    const paid = await cli('check', workId, '--action', 'reproduce', '--purpose', 'commercial', '--territory', 'CN-44', '--party', studio.username, '--explain');
    expect(paid.code).toBe(3);
    expect(paid.stdout.split('\n')[0]).toBe(`DENY — licensable under offer ${offerId} at 300.00 CNY`);
    expect(paid.stdout).toContain('\ntrace:\n');

    const json = await cli('check', workId, '--action', 'reproduce', '--purpose', 'commercial', '--territory', 'US', '--json');
    expect(json.code).toBe(3);
    const body = JSON.parse(json.stdout);
    const api = (await ctx.server.inject({ method: 'POST', url: '/api/license/check', payload: { workId, action: 'reproduce', purpose: ['commercial'], territory: 'US' } })).json();
    expect(Object.keys(body).sort()).toEqual(Object.keys(api).sort());
    expect(body).toMatchObject({ outcome: 'deny', basis: 'none', decision: { reason: { code: api.decision.reason.code } } });

    const badTerritory = await cli('check', workId, '--action', 'reproduce', '--territory', 'china');
    expect(badTerritory.code).toBe(2);
    expect(badTerritory.stderr).toMatch(/^wenyuan: check territory: must be a country code/);
    expect((await cli('check', 'no-such-work', '--action', 'display')).code).toBe(1);
  });

  it('lists, shows and exports a grant that `wenyuan verify` accepts, then revokes it', async () => {
    const order = (await call('POST', '/api/orders', studio, { workId, offerId, request: { action: 'reproduce', purpose: ['commercial'], territory: 'CN-44' } })).json();
    expect((await call('POST', `/api/orders/${order.id}/approve`, creator)).statusCode).toBe(200);
    const paid = await call('POST', `/api/orders/${order.id}/payment`, creator, { amount: '300.00', currency: 'CNY' });
    expect(paid.statusCode, paid.body).toBe(200);
    grantId = paid.json().grantId;

    const list = await cli('grant', 'list', '--work', workId, '--json');
    expect(JSON.parse(list.stdout).items.map((g: { id: string }) => g.id)).toEqual([grantId]);
    expect((await runCli(['license', 'grant', 'list', '--as', studio.username], ctx)).stdout).toContain(`${grantId}  valid`);
    const shown = await cli('grant', 'show', grantId);
    expect(shown.stdout).toMatch(/^grant {6}\S+ \(order \S+\)\nstate {6}valid\n/);

    // Now the check rests on the grant.
    const check = await cli('check', workId, '--action', 'reproduce', '--purpose', 'commercial', '--territory', 'CN-44', '--party', studio.username, '--json');
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ basis: 'grant', grantId });

    const out = path.join(tmp, 'export');
    const exported = await cli('grant', 'export', grantId, '--out', out, '--json');
    expect(exported.code, exported.stdout + exported.stderr).toBe(0);
    const files = JSON.parse(exported.stdout) as { agreement: string; receipt: string; logKey: string };
    const verified = await runCli(['verify', files.receipt, '--file', files.agreement, '--log-key', files.logKey]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/receipt verified$/);

    expect((await cli('revoke', grantId, '--reason', 'x', '--as', studio.username)).code).toBe(1);
    const revoked = await cli('revoke', grantId, '--reason', 'used outside the territory', '--as', creator.username);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('state      revoked since ');
    expect((await cli('check', workId, '--action', 'reproduce', '--purpose', 'commercial', '--territory', 'CN-44', '--party', studio.username)).code).toBe(3);
  });

  it('prints the trial balance, a statement (text, JSON, CSV) and settles', async () => {
    const balances = await cli('ledger', 'balances', '--json');
    expect(balances.code).toBe(0);
    expect(JSON.parse(balances.stdout).balanced).toBe(true);
    expect((await cli('ledger', 'balances')).stdout).toMatch(/\nbalanced$/);

    const period = ['--from', '2000-01-01', '--to', '2100-01-01'];
    const text = await cli('ledger', 'statement', artist, ...period);
    expect(text.stdout).toMatch(/^statement of Li Bai /);
    expect(text.stdout).toMatch(/closing +300\.00$/);
    const json = JSON.parse((await cli('ledger', 'statement', artist, ...period, '--json')).stdout);
    expect(json).toMatchObject({ closing: { minor: 30000 }, party: { id: artist } });
    const csv = await cli('ledger', 'statement', artist, ...period, '--csv', '--lang', 'en');
    expect(csv.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(csv.stdout.split('\n').length).toBeGreaterThanOrEqual(3);
    expect((await cli('ledger', 'statement', artist, '--from', 'soon', '--to', '2100-01-01')).code).toBe(2);

    expect((await cli('ledger', 'settle', '--to', '2100-01-01')).code).toBe(2);
    const settled = await cli('ledger', 'settle', '--to', '2100-01-01', '--as', curator.username, '--json');
    expect(settled.code, settled.stderr).toBe(0);
    expect(JSON.parse(settled.stdout)).toMatchObject({ total: { minor: 30000 }, lines: [{ partyId: artist }] });
    expect(JSON.parse((await cli('ledger', 'statement', artist, ...period, '--json')).stdout).closing.minor).toBe(0);
    // Nothing left to pay is a conflict with the ledger's state, not bad input: exit 1 with the reason.
    const again = await cli('ledger', 'settle', '--to', '2100-01-01', '--as', curator.username);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^wenyuan: nobody is owed anything in CNY/);
  });
});

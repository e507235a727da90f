// Orders → grants → ledger postings, end to end on SQLite (issue 14). Goal: >= 1,000 per minute.
// A temp instance with one public work (a three-way royalty split, a heritage element taking 5 % of
// commercial use, a CC BY-NC public licence and a 120.00 CNY offer that a person approves), then
// BENCH_ORDERS licensees (default 1,000) each order → the right holder approves → confirms payment,
// through the services (as the routes call them). Each confirmation books the payment and its
// postings, makes the grant and registers its agreement in the transparency log; the registry's
// sequencer runs in the background and the clock stops only when every grant is sequenced. A
// second pass (BENCH_HTTP_ORDERS, default 200) walks the same flow through the HTTP stack (inject).
// Afterwards: the trial balance is balanced and the parties' statements add up to the payments.
// Run: node --import tsx bench/license/orders.ts   (BENCH_ORDERS, BENCH_HTTP_ORDERS, BENCH_CONCURRENCY)
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import type { Actor, Role } from '../../src/govern/roles.js';
import { facetColumns } from '../../src/archive/work-facets.js';
import { workMetadataSchema } from '../../src/archive/metadata.schema.js';
import { loadConfig } from '../../src/platform/config.js';
import { buildServer } from '../../src/platform/http/server.js';
import { newId } from '../../src/platform/ids.js';
import { machine, mapLimit, percentile, tempDir } from '../support.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1000);
const HTTP_ORDERS = Number(process.env.BENCH_HTTP_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];

console.log(`machine: ${machine()}`);
const dataDir = tempDir('wenyuan-bench-orders-');
const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'wenyuan.db')}`, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0 }, {}));
await app.instance.configure({ name: { en: 'Bench Museum' }, publicUrl: 'https://bench.example', registryOrigin: 'bench.example/registry' });
const db = app.database.db;
const asActor = (u: { id: string; username: string; role: Role }): Actor => ({ kind: 'user', id: u.id, username: u.username, role: u.role });

const curatorUser = await app.identity.createUser({ username: 'curator', password: 'bench-password-1', role: 'curator' });
const creatorUser = await app.identity.createUser({ username: 'creator', password: 'bench-password-1', role: 'creator' });
const curator = asActor(curatorUser);
const creator = asActor(creatorUser);

// Licensees straight into the table: hashing 1,000 passwords would time argon2, not licensing.
const now = new Date().toISOString();
const licensees: Actor[] = [];
for (let from = 0; from < ORDERS + HTTP_ORDERS; from += 500) {
  const batch = Array.from({ length: Math.min(500, ORDERS + HTTP_ORDERS - from) }, (_, k) => ({ id: newId(), username: `studio-${from + k}`, display_name: `Studio ${from + k}`, password_hash: 'x', role: 'licensee', disabled: 0, preferred_lang: null, created_at: now, updated_at: now }));
  await db.insertInto('users').values(batch).execute();
  licensees.push(...batch.map((u) => ({ kind: 'user' as const, id: u.id, username: u.username, role: 'licensee' as const })));
}

const metadata = workMetadataSchema.parse({ title: { en: 'Mask of Guan Yu', 'zh-Hans': '关羽脸谱' }, rights: { uri: 'http://rightsstatements.org/vocab/InC/1.0/' } });
const workId = newId();
await db.transaction().execute((trx) => app.workRepository.insertWork(trx, { id: workId, source_key: null, collection_id: null, owner_id: creatorUser.id, visibility: 'public', work_type: 'record', metadata: JSON.stringify(metadata), version: 1, ...facetColumns(metadata), primary_file_sha256: null, created_at: now, updated_at: now }));

const party = async (kind: 'person' | 'institution' | 'community', name: string) => (await app.royalties.createParty(curator, { kind, name: { en: name } })).id;
const parties = { artist: await party('person', 'Li Bai'), museum: await party('institution', 'County Museum'), fund: await party('community', 'Mask Fund') };
await app.royalties.setSplit(creator, workId, { version: 0, shares: [{ partyId: parties.artist, basisPoints: 6000 }, { partyId: parties.museum, basisPoints: 3000 }, { partyId: parties.fund, basisPoints: 1000 }] });
const element = await app.heritage.create(curator, {
  name: { en: 'Peking-opera mask' },
  custodianPartyId: parties.fund,
  rules: { '@context': CONTEXT, '@type': 'Set', conflict: 'prohibit', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', compensatedParty: `urn:wenyuan:party:${parties.fund}`, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: 5 }] }] }] },
});
await app.heritage.setWorkElements(creator, workId, [element.id]);
await app.terms.setPublicLicence(creator, { type: 'work', id: workId }, { rightsUri: 'https://creativecommons.org/licenses/by-nc/4.0/' });
const offer = await app.terms.createOffer(creator, {
  target: { type: 'work', id: workId },
  title: { en: 'Game texture licence' },
  autoApprove: false,
  editionSize: null,
  odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }, { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' }], duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '120.00', unit: 'CNY' }] }, { action: 'attribute' }] }] },
});
const request = { action: 'reproduce', purpose: ['commercial'], territory: 'CN-44', media: 'game', until: '2099-12-31' };

const registered = async () => Number((await db.selectFrom('license_grants').select((eb) => eb.fn.countAll<number>().as('n')).where('registration_id', 'is not', null).executeTakeFirstOrThrow()).n);
const pending = () => app.registryRepository.countPending();
/** Waits until every grant is registered and the log has sequenced everything; returns when that happened. */
async function sequenced(grants: number): Promise<number> {
  while ((await registered()) < grants || (await pending()) > 0) await new Promise((r) => setTimeout(r, 5));
  return performance.now();
}

app.sequencer.start();
const steps = { order: [] as number[], approve: [] as number[], pay: [] as number[] };
const t0 = performance.now();
await mapLimit(licensees.slice(0, ORDERS), CONCURRENCY, async (licensee) => {
  let t = performance.now();
  const order = await app.orders.createOrder(licensee, { workId, offerId: offer.id, request });
  steps.order.push(performance.now() - t);
  t = performance.now();
  await app.orders.approve(creator, order.id);
  steps.approve.push(performance.now() - t);
  t = performance.now();
  const paid = await app.orders.confirmPayment(creator, order.id, { amount: '120.00', currency: 'CNY', reference: `bank ${order.id}` });
  steps.pay.push(performance.now() - t);
  if (paid.status !== 'granted') throw new Error(`order ${order.id} ended ${paid.status}`);
});
const tServices = performance.now();
const tSequenced = await sequenced(ORDERS);
const ms = (xs: number[], p: number) => percentile([...xs].sort((a, b) => a - b), p).toFixed(1);
const perMinute = (n: number, millis: number) => Math.round((n / millis) * 60_000);
console.log(`\nservices, ${ORDERS} orders, concurrency ${CONCURRENCY}: ${((tServices - t0) / 1000).toFixed(1)} s → ${perMinute(ORDERS, tServices - t0)} order→grant→postings per minute`);
console.log(`  every grant registered and sequenced into the log after ${((tSequenced - t0) / 1000).toFixed(1)} s → ${perMinute(ORDERS, tSequenced - t0)} per minute end to end (goal >= 1,000)`);
for (const [name, xs] of Object.entries(steps)) console.log(`  ${name.padEnd(8)} p50 ${ms(xs, 50)} ms  p95 ${ms(xs, 95)} ms  p99 ${ms(xs, 99)} ms`);

if (HTTP_ORDERS > 0) {
  const server = await buildServer(app.http, { logger: false, webRoot: null });
  await server.ready();
  const token = async (userId: string) => ({ authorization: `Bearer ${(await app.identity.createApiToken(userId, 'bench')).token}` });
  const creatorHeaders = await token(creatorUser.id);
  const httpLicensees = licensees.slice(ORDERS);
  const headers = await Promise.all(httpLicensees.map((l) => token((l as { id: string }).id)));
  const h0 = performance.now();
  for (const h of headers) {
    const placed = await server.inject({ method: 'POST', url: '/api/orders', headers: h, payload: { workId, offerId: offer.id, request } });
    if (placed.statusCode !== 201) throw new Error(`order: ${placed.statusCode} ${placed.body}`);
    const id = (placed.json() as { id: string }).id;
    const approved = await server.inject({ method: 'POST', url: `/api/orders/${id}/approve`, headers: creatorHeaders });
    if (approved.statusCode !== 200) throw new Error(`approve: ${approved.statusCode} ${approved.body}`);
    const paid = await server.inject({ method: 'POST', url: `/api/orders/${id}/payment`, headers: creatorHeaders, payload: { amount: '120.00', currency: 'CNY' } });
    if (paid.statusCode !== 200) throw new Error(`payment: ${paid.statusCode} ${paid.body}`);
  }
  const hDone = performance.now();
  const hSequenced = await sequenced(ORDERS + HTTP_ORDERS);
  console.log(`\nHTTP (inject), ${HTTP_ORDERS} orders: ${((hDone - h0) / 1000).toFixed(1)} s → ${perMinute(HTTP_ORDERS, hDone - h0)} per minute; sequenced after ${((hSequenced - h0) / 1000).toFixed(1)} s → ${perMinute(HTTP_ORDERS, hSequenced - h0)} per minute`);
  await server.close();
}

// The books: balanced, and what the parties are owed is exactly what was paid.
const balance = await app.royalties.trialBalance(curator);
const paidTotal = Number((await db.selectFrom('license_payments').select((eb) => eb.fn.sum<number>('amount_minor').as('s')).executeTakeFirstOrThrow()).s);
let owed = 0;
for (const partyId of Object.values(parties)) owed += (await app.royalties.statement(curator, partyId, { from: '2000-01-01', to: '2100-01-01', currency: 'CNY' })).closing.minor;
const grants = Number((await db.selectFrom('license_grants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
console.log(`\nchecks: ${grants} grants; trial balance ${balance.balanced ? 'balanced' : 'NOT balanced'}; payments ${paidTotal} fen, statements ${owed} fen: ${paidTotal === owed ? 'equal' : 'NOT equal'}`);
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });
if (!balance.balanced || paidTotal !== owed || grants !== ORDERS + HTTP_ORDERS) process.exitCode = 1;

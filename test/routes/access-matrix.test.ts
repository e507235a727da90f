import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sessionIdOf, sessionTokenHash } from '../../src/govern/session.service.js';
import { base32Decode, totpAt } from '../../src/govern/totp.js';
import { ANONYMOUS } from '../../src/govern/roles.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/review/review-settings.service.js';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { SoftAuthenticator, type CeremonyOptions } from '../support/soft-authenticator.js';
import { createWork, makeUser, multipart, photoBytes, pngBytes, TEST_PASSWORD, uploadImage, type TestUser } from './route-helpers.js';

/**
 * The status ladder of every route: anonymous → 401 (even with a body that would fail validation),
 * a role that may act but sends bad input → 400, a role that may not → 403, a role that may → 2xx.
 * Public routes answer anonymous visitors. A coverage test fails when a route exists that this
 * matrix does not describe (or when the matrix names a route that no longer exists).
 */

type ActorName = 'admin' | 'curator' | 'reviewer' | 'creator' | 'otherCreator' | 'licensee';
const ACTORS: ActorName[] = ['admin', 'curator', 'reviewer', 'creator', 'otherCreator', 'licensee'];

interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  payload?: unknown;
  /** Merged over the actor's headers (e.g. multipart content type, or another user's token). */
  headers?: Record<string, string>;
}

interface Fixture {
  users: Record<ActorName, TestUser>;
  /** Public work owned by `creator`, with an image file (and its thumbnail). */
  publicWork: { id: string; sha256: string };
  /** Public collection made by `curator`. */
  collection: { id: string };
  /** A licensee the admin may rename. */
  target: TestUser;
  /** A finished fixity audit. */
  fixityRunId: string;
  /** A sequenced registration of `publicWork` (so the log has a checkpoint). */
  registrationId: string;
  /** Public work owned by `creator` whose image is large and detailed enough to fingerprint and watermark. */
  photoWork: { id: string };
  /** An evidence report made by `creator`. */
  evidenceId: string;
  license: LicenseFixture;
}

/** Licensing state: what orders, grants and statements need to exist before a route can succeed. */
interface LicenseFixture {
  /** A party (made by the curator) that every split pays. */
  partyId: string;
  /** The commercial offer on `photoWork` (1200.00 CNY, no edition limit); the work has a split. */
  offerId: string;
  /** A public work owned by `otherCreator`, with its own offer and split, so they decide orders too. */
  otherWork: LicensableWork;
  /** A heritage element (made by the curator). */
  heritageId: string;
  /** A grant on `photoWork` held by `licensee` (never revoked: read routes rely on it). */
  grant: { id: string; orderId: string; agreementSha256: string };
}

interface LicensableWork {
  id: string;
  offerId: string;
}

interface Case {
  /** `METHOD /api/path/:param`, as Fastify lists the route. */
  route: string;
  /** Anonymous visitors get the success status. */
  public?: boolean;
  /** Actors that may act (protected routes); every other actor must get 403. */
  allow?: ActorName[];
  /** A request that fails validation (null: the route takes no input to get wrong). */
  invalid: ((fx: Fixture) => Req | Promise<Req>) | null;
  /** A request that succeeds for an allowed actor (and is refused for a denied one). */
  valid: (fx: Fixture, who: TestUser, ctx: TestContext) => Req | Promise<Req>;
  ok: 200 | 201 | 202 | 204 | 303;
}

const LONG_ID = 'x'.repeat(65);

const passkeyAuthenticator = () => new SoftAuthenticator({ origin: TEST_PUBLIC_URL, rpId: new URL(TEST_PUBLIC_URL).hostname });

/** Registers a passkey for a user (through the service); returns the authenticator holding it. */
async function registerPasskey(ctx: TestContext, userId: string): Promise<{ authenticator: SoftAuthenticator; passkeyId: string }> {
  const user = await ctx.app.identity.getUser(userId);
  const authenticator = passkeyAuthenticator();
  const options = await ctx.app.passkeys.registrationOptions({ id: user.id, username: user.username, displayName: user.displayName });
  const passkey = await ctx.app.passkeys.register(user.id, 'matrix', authenticator.create(options as CeremonyOptions) as unknown as RegistrationResponseJSON);
  return { authenticator, passkeyId: passkey.id };
}

/** Turns two-factor sign-in on for a user (through the service); returns the TOTP key. */
async function enrolTotp(ctx: TestContext, user: TestUser): Promise<Buffer> {
  const { secret } = await ctx.app.twoFactor.startEnrolment(user.id, user.username);
  const key = base32Decode(secret);
  await ctx.app.twoFactor.confirmEnrolment(user.id, totpAt(key, Date.now()));
  return key;
}
const EVERYONE: ActorName[] = ACTORS;
const CONTRIBUTORS: ActorName[] = ['admin', 'curator', 'creator', 'otherCreator'];
/** Editing one work: admins, curators and the owning creator (`creator` owns the fixture works). */
const WORK_EDITORS: ActorName[] = ['admin', 'curator', 'creator'];
// History is readable by the work's editors and by every staff role (reviewers audit it).
const HISTORY_READERS = [...new Set([...WORK_EDITORS, 'reviewer' as const])];

let seed = 1000;

async function freshPublicWork(ctx: TestContext, fx: Fixture): Promise<{ id: string; version: number }> {
  return createWork(ctx, fx.users.creator.headers, { title: { en: `Matrix work ${++seed}` } }, { visibility: 'public' });
}

/** An evidence report made by `who` (so each allowed actor reads one it may see). */
async function evidenceBy(ctx: TestContext, who: TestUser): Promise<string> {
  const user = await ctx.app.identity.getUser(who.id);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-matrix-')), 'suspect.png');
  fs.writeFileSync(file, await photoBytes(++seed));
  const view = await ctx.app.evidence.create({ kind: 'user', id: user.id, username: user.username, role: user.role }, file, 'suspect.png');
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return view.id;
}

/** The report `who` may read: their own (staff may read the creator's). */
async function readableEvidence(fx: Fixture, who: TestUser, ctx: TestContext): Promise<string> {
  return who === fx.users.otherCreator ? evidenceBy(ctx, who) : fx.evidenceId;
}

async function scanUpload(seedValue: number): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  return multipart([{ name: 'file', filename: 'suspect.png', contentType: 'image/png', data: await photoBytes(seedValue) }]);
}

/** A finished bulk operation that published a fresh work, made by `who` when they may (else by the admin). */
async function bulkOperationFor(ctx: TestContext, fx: Fixture, who: TestUser): Promise<string> {
  const by = who === fx.users.admin || who === fx.users.curator ? who : fx.users.admin;
  const work = await createWork(ctx, fx.users.creator.headers, { title: { en: `Bulk matrix work ${++seed}` } });
  const res = await ctx.server.inject({ method: 'POST', url: '/api/works/bulk', headers: by.headers, payload: { ids: [work.id], action: { type: 'visibility', visibility: 'public' } } });
  expect(res.statusCode, res.body).toBe(202);
  await ctx.app.worker.drain(['archive.bulk']);
  return (res.json() as { operation: { id: string } }).operation.id;
}

async function deadJobId(ctx: TestContext): Promise<number> {
  await ctx.app.jobs.enqueue(ctx.app.database.db, 'media.display', { sha256: (++seed).toString(16).padStart(64, '0') });
  await ctx.app.worker.drain();
  const { items } = await ctx.app.jobs.list({ status: 'dead', limit: 1, offset: 0 });
  if (!items[0]) throw new Error('no dead job');
  return items[0].id;
}

/** A draft exhibition made by the curator, to change or delete. */
async function freshExhibition(ctx: TestContext, fx: Fixture): Promise<{ id: string; slug: string }> {
  const res = await ctx.server.inject({ method: 'POST', url: '/api/exhibitions', headers: fx.users.curator.headers, payload: { slug: `matrix-${++seed}`, title: { en: 'Matrix exhibition' } } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; slug: string };
}

const publishedExhibitions = new WeakMap<TestContext, Promise<string>>();
/** The slug of a published exhibition showing the public work (made once per test context). */
function publishedExhibition(ctx: TestContext, fx: Fixture): Promise<string> {
  let slug = publishedExhibitions.get(ctx);
  if (!slug) {
    slug = ctx.server
      .inject({
        method: 'POST',
        url: '/api/exhibitions',
        headers: fx.users.curator.headers,
        payload: { slug: 'matrix-published', title: { en: 'Matrix' }, status: 'published', sections: [{ id: 's1', body: { en: 'Text' }, media: { workId: fx.publicWork.id, region: { x: 0, y: 0, width: 8, height: 8 } } }] },
      })
      .then((res) => {
        expect(res.statusCode, res.body).toBe(201);
        return (res.json() as { slug: string }).slug;
      });
    publishedExhibitions.set(ctx, slug);
  }
  return slug;
}

// Licensing (orders, grants, the ledger). Deciding, paying and revoking change state, so each call
// gets a fresh order or grant; reads share one per actor.

const ODRL_CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];
const ORDER_REQUEST = { action: 'reproduce', purpose: ['commercial'] };
const PAYMENT = { amount: '1200.00', currency: 'CNY' };
/** Actors that manage a work with an offer: staff and the owners (`otherCreator` decides on `otherWork`). */
const MANAGERS: ActorName[] = CONTRIBUTORS;

/** A commercial ODRL offer: reproduce for commercial use against 1200.00 CNY. */
function commercialOffer(): Record<string, unknown> {
  return {
    '@context': ODRL_CONTEXT,
    '@type': 'Offer',
    permission: [{
      action: 'reproduce',
      constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }],
      duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '1200.00', unit: 'CNY' }] }],
    }],
  };
}

/** Sends a request as `who` and insists on its status (fixture steps, not the behaviour under test). */
async function call<T>(ctx: TestContext, who: TestUser, method: Req['method'], url: string, status: number, payload?: unknown): Promise<T> {
  const res = await ctx.server.inject({ method, url, headers: who.headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  expect(res.statusCode, `${method} ${url} → ${res.body.slice(0, 300)}`).toBe(status);
  return res.json() as T;
}

async function createOffer(ctx: TestContext, who: TestUser, workId: string): Promise<string> {
  const offer = await call<{ id: string }>(ctx, who, 'POST', '/api/offers', 201, { target: { type: 'work', id: workId }, title: { en: `Matrix offer ${++seed}` }, odrl: commercialOffer() });
  return offer.id;
}

/** Builds the licensing fixture: a party, splits and offers on two owners' works, a heritage element, and a granted order. */
async function licenseFixture(ctx: TestContext, users: Record<ActorName, TestUser>, photoWorkId: string): Promise<LicenseFixture> {
  const party = await call<{ id: string }>(ctx, users.curator, 'POST', '/api/parties', 201, { kind: 'institution', name: { en: 'Matrix Museum' } });
  const split = { version: 0, shares: [{ partyId: party.id, basisPoints: 10000 }] };
  await call(ctx, users.creator, 'PUT', `/api/works/${photoWorkId}/royalty-split`, 200, split);
  const offerId = await createOffer(ctx, users.creator, photoWorkId);
  const other = await createWork(ctx, users.otherCreator.headers, { title: { en: 'Matrix work of the other creator' } }, { visibility: 'public' });
  await call(ctx, users.otherCreator, 'PUT', `/api/works/${other.id}/royalty-split`, 200, split);
  const otherWork = { id: other.id, offerId: await createOffer(ctx, users.otherCreator, other.id) };
  const heritage = await call<{ id: string }>(ctx, users.curator, 'POST', '/api/heritage-elements', 201, { name: { en: 'Matrix motif' } });
  const photoWork = { id: photoWorkId, offerId };
  const grant = await grantOn(ctx, users.licensee, users.creator, photoWork);
  return { partyId: party.id, offerId, otherWork, heritageId: heritage.id, grant };
}

/** A fresh order (status requested) placed by `buyer`. */
async function placeOrder(ctx: TestContext, buyer: TestUser, work: LicensableWork): Promise<string> {
  return (await call<{ id: string }>(ctx, buyer, 'POST', '/api/orders', 201, { workId: work.id, offerId: work.offerId, request: ORDER_REQUEST })).id;
}

/** A fresh grant: `buyer` orders, `decider` (who manages the work) approves and confirms the payment. */
async function grantOn(ctx: TestContext, buyer: TestUser, decider: TestUser, work: LicensableWork): Promise<{ id: string; orderId: string; agreementSha256: string }> {
  const orderId = await placeOrder(ctx, buyer, work);
  await call(ctx, decider, 'POST', `/api/orders/${orderId}/approve`, 200);
  const { grantId } = await call<{ grantId: string }>(ctx, decider, 'POST', `/api/orders/${orderId}/payment`, 200, PAYMENT);
  const grant = await call<{ agreementSha256: string }>(ctx, buyer, 'GET', `/api/grants/${grantId}`, 200);
  return { id: grantId, orderId, agreementSha256: grant.agreementSha256 };
}

/** The licensable work `who` manages: `otherCreator` their own, everyone else `photoWork`. */
function managedWork(fx: Fixture, who: TestUser): LicensableWork {
  return who === fx.users.otherCreator ? fx.license.otherWork : { id: fx.photoWork.id, offerId: fx.license.offerId };
}

/** A licensable work `who` does not own (a right holder does not order a licence of their own work). */
function buyableWork(fx: Fixture, who: TestUser): LicensableWork {
  return who === fx.users.creator ? fx.license.otherWork : { id: fx.photoWork.id, offerId: fx.license.offerId };
}

function isManager(fx: Fixture, who: TestUser): boolean {
  return MANAGERS.some((actor) => fx.users[actor] === who);
}

/**
 * A fresh order for `who` to decide: placed by the licensee on a work `who` manages. Someone who
 * manages no work gets an order they placed themselves, which they may not decide (403).
 */
async function orderToDecide(ctx: TestContext, fx: Fixture, who: TestUser, approved: boolean): Promise<string> {
  const manager = isManager(fx, who);
  const work = manager ? managedWork(fx, who) : managedWork(fx, fx.users.creator);
  const orderId = await placeOrder(ctx, manager ? fx.users.licensee : who, work);
  if (approved) await call(ctx, manager ? who : fx.users.creator, 'POST', `/api/orders/${orderId}/approve`, 200);
  return orderId;
}

const readableGrants = new Map<string, Promise<{ id: string; orderId: string; agreementSha256: string }>>();
/** A grant `who` may read: the fixture's for the licensee and the work's managers, else one `who` bought (made once per user). */
function readableGrant(ctx: TestContext, fx: Fixture, who: TestUser): Promise<{ id: string; orderId: string; agreementSha256: string }> {
  const { users } = fx;
  if (who === users.licensee || who === users.admin || who === users.curator || who === users.creator) return Promise.resolve(fx.license.grant);
  let grant = readableGrants.get(who.id);
  if (!grant) {
    grant = grantOn(ctx, who, users.creator, managedWork(fx, users.creator));
    readableGrants.set(who.id, grant);
  }
  return grant;
}

const ownParties = new Map<string, Promise<string>>();
/** A party linked to `who`'s account (linked by the curator; made once per user), so `who` may read its statement. */
function ownParty(ctx: TestContext, fx: Fixture, who: TestUser): Promise<string> {
  let party = ownParties.get(who.id);
  if (!party) {
    party = call<{ id: string }>(ctx, fx.users.curator, 'POST', '/api/parties', 201, { kind: 'person', name: { en: `Party of ${who.username}` }, userId: who.id }).then((p) => p.id);
    ownParties.set(who.id, party);
  }
  return party;
}

const REVIEWERS: ActorName[] = ['admin', 'curator', 'reviewer'];
/** A fresh report case (on a fresh public work of the curator's), so each allowed actor claims or decides its own. */
async function freshCase(ctx: TestContext, fx: Fixture): Promise<string> {
  const work = await createWork(ctx, fx.users.curator.headers, { title: { en: `Reported ${++seed}` } }, { visibility: 'public' });
  return (await ctx.app.review.report(ANONYMOUS, work.id, { reasonCode: 'other' }, '198.51.100.7')).caseId;
}
/** A case `who` holds (reviewers), or any case (the role guard refuses the others first). */
async function caseHeldBy(ctx: TestContext, fx: Fixture, who: TestUser): Promise<string> {
  const id = await freshCase(ctx, fx);
  const user = await ctx.app.identity.getUser(who.id);
  if (REVIEWERS.includes(user.role as ActorName)) await ctx.app.review.claim({ kind: 'user', id: who.id, username: who.username, role: user.role }, id);
  return id;
}
/** A rejected submission of `who` (written directly: licensees and reviewers own no works, yet the route is theirs too). */
async function rejectedSubmissionOf(ctx: TestContext, fx: Fixture, who: TestUser): Promise<string> {
  const work = await createWork(ctx, fx.users.curator.headers, { title: { en: `Held ${++seed}` } });
  const id = `matrix-appeal-${++seed}`;
  const now = new Date().toISOString();
  await ctx.app.database.db
    .insertInto('review_items')
    .values({ id, kind: 'submission', work_id: work.id, submitter_id: who.id, state: 'decided', stage: 'first', opened_at: now, stage_opened_at: now, claimed_by: null, claim_expires_at: null, decision: 'rejected', decided_by: fx.users.reviewer.id, decided_at: now, reason_code: 'other', reason_text: null, first_decided_by: fx.users.reviewer.id, appeal_text: null, appealed_at: null, report_count: 0, checks_state: 'done', updated_at: now })
    .execute();
  return id;
}

const TRANSFER_STAFF: ActorName[] = ['admin', 'curator', 'reviewer'];
/** A transfer risk assessment's form, for the fixture's collection. */
const assessmentForm = (fx: Fixture) => ({ destination: 'DE', dataClasses: ['internal'], scope: { type: 'collection', ids: [fx.collection.id] }, purpose: 'loan', recipient: 'museum', volume: 'one collection', safeguards: 'encrypted' });
/** A pending assessment submitted by the curator (so an admin may approve it). */
async function freshAssessment(ctx: TestContext, fx: Fixture): Promise<string> {
  const curator = { kind: 'user' as const, id: fx.users.curator.id, username: fx.users.curator.username, role: 'curator' as const };
  return (await ctx.app.transfers.assessments.submit(curator, assessmentForm(fx) as Parameters<typeof ctx.app.transfers.assessments.submit>[1])).id;
}

const CASES: Case[] = [
  { route: 'GET /api/health', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/health' }), ok: 200 },
  // Operators' probes: no identity is resolved; /metrics answers a scraper on this machine (inject connects over loopback) or one with the token.
  { route: 'GET /healthz', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/healthz' }), ok: 200 },
  { route: 'GET /readyz', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/readyz' }), ok: 200 },
  { route: 'GET /metrics', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/metrics' }), ok: 200 },

  // the instance's identity (the test context is set up; its log key exists, so the origin is left out)
  { route: 'GET /api/instance', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/instance' }), ok: 200 },
  { route: 'GET /api/instance/settings', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/instance/settings' }), ok: 200 },
  {
    route: 'PUT /api/instance',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/instance', payload: { name: 'not a map' } }),
    valid: () => ({ method: 'PUT', url: '/api/instance', payload: { name: { en: `Matrix Museum ${++seed}` }, publicUrl: TEST_PUBLIC_URL } }),
    ok: 200,
  },
  {
    route: 'PUT /api/instance/logo',
    allow: ['admin'],
    invalid: () => {
      const body = multipart([{ name: 'file', filename: 'logo.png', contentType: 'image/png', data: Buffer.from('not an image') }]);
      return { method: 'PUT', url: '/api/instance/logo', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = multipart([{ name: 'file', filename: 'logo.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'PUT', url: '/api/instance/logo', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'DELETE /api/instance/logo',
    allow: ['admin'],
    invalid: null,
    valid: async (_fx, _who, ctx) => {
      await ctx.app.instance.setLogo(await pngBytes(++seed));
      return { method: 'DELETE', url: '/api/instance/logo' };
    },
    ok: 200,
  },
  {
    route: 'GET /api/instance/logo',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/instance/logo?v=not-hex' }),
    valid: async (_fx, _who, ctx) => ({ method: 'GET', url: (await ctx.app.instance.setLogo(await pngBytes(++seed))).logoUrl! }),
    ok: 200,
  },

  // accounts
  {
    route: 'POST /api/auth/login',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: '' } }),
    valid: (fx) => ({ method: 'POST', url: '/api/auth/login', payload: { username: fx.target.username, password: TEST_PASSWORD } }),
    ok: 200,
  },
  { route: 'POST /api/auth/logout', public: true, invalid: null, valid: () => ({ method: 'POST', url: '/api/auth/logout' }), ok: 200 },
  { route: 'GET /api/auth/me', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/auth/me' }), ok: 200 },
  {
    route: 'POST /api/auth/password',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/auth/password', payload: { current: 5 } }),
    valid: async (_fx, who, ctx) => {
      // A fresh user of the same role, so the fixture users keep their passwords.
      const user = await ctx.app.identity.getUser(who.id);
      const fresh = await makeUser(ctx, user.role, 'pw');
      return { method: 'POST', url: '/api/auth/password', headers: fresh.headers, payload: { current: TEST_PASSWORD, next: 'a much newer password' } };
    },
    ok: 200,
  },
  { route: 'GET /api/auth/tokens', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/auth/tokens' }), ok: 200 },
  { route: 'GET /api/uploads/usage', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/uploads/usage' }), ok: 200 },
  {
    route: 'POST /api/auth/tokens',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/auth/tokens', payload: { name: '' } }),
    valid: () => ({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'matrix token' } }),
    ok: 200,
  },
  {
    route: 'DELETE /api/auth/tokens/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'DELETE', url: `/api/auth/tokens/${LONG_ID}` }),
    valid: async (_fx, who, ctx) => {
      const { id } = await ctx.app.identity.createApiToken(who.id, 'to revoke');
      return { method: 'DELETE', url: `/api/auth/tokens/${id}` };
    },
    ok: 200,
  },
  // strong sign-in (two-factor, one's sessions)
  {
    route: 'POST /api/auth/login/mfa',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/auth/login/mfa', payload: { challenge: '' } }),
    valid: async (_fx, _who, ctx) => {
      const user = await makeUser(ctx, 'licensee', 'mfa');
      const key = await enrolTotp(ctx, user);
      const result = await ctx.app.identity.login(user.username, TEST_PASSWORD);
      if (!('challenge' in result)) throw new Error('two-factor sign-in expected');
      // The enrolment used this step; the next one (inside the ±1 window) is fresh.
      return { method: 'POST', url: '/api/auth/login/mfa', payload: { challenge: result.challenge, code: totpAt(key, Date.now() + 30_000) } };
    },
    ok: 200,
  },
  { route: 'GET /api/account/mfa', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/account/mfa' }), ok: 200 },
  {
    route: 'POST /api/account/mfa/totp',
    allow: EVERYONE,
    invalid: null,
    valid: async (_fx, who, ctx) => {
      const fresh = await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'mfa');
      return { method: 'POST', url: '/api/account/mfa/totp', headers: fresh.headers };
    },
    ok: 200,
  },
  {
    route: 'POST /api/account/mfa/totp/confirm',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/account/mfa/totp/confirm', payload: { code: 'abc' } }),
    valid: async (_fx, who, ctx) => {
      const fresh = await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'mfa');
      const { secret } = await ctx.app.twoFactor.startEnrolment(fresh.id, fresh.username);
      return { method: 'POST', url: '/api/account/mfa/totp/confirm', headers: fresh.headers, payload: { code: totpAt(base32Decode(secret), Date.now()) } };
    },
    ok: 200,
  },
  {
    route: 'DELETE /api/account/mfa/totp',
    allow: EVERYONE,
    invalid: () => ({ method: 'DELETE', url: '/api/account/mfa/totp', payload: { code: 'abc' } }),
    valid: async (_fx, who, ctx) => {
      const fresh = await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'mfa');
      await enrolTotp(ctx, fresh);
      return { method: 'DELETE', url: '/api/account/mfa/totp', headers: fresh.headers, payload: { password: TEST_PASSWORD } };
    },
    ok: 200,
  },
  { route: 'GET /api/account/sessions', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/account/sessions' }), ok: 200 },
  {
    route: 'DELETE /api/account/sessions/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'DELETE', url: `/api/account/sessions/${LONG_ID}` }),
    valid: async (_fx, who, ctx) => {
      const user = await ctx.app.identity.getUser(who.id);
      const session = await ctx.app.identity.openSessionFor(user.id);
      return { method: 'DELETE', url: `/api/account/sessions/${sessionIdOf(sessionTokenHash(session.token))}` };
    },
    ok: 200,
  },
  { route: 'GET /api/security/two-factor-policy', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/security/two-factor-policy' }), ok: 200 },
  {
    route: 'PUT /api/security/two-factor-policy',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/security/two-factor-policy', payload: { roles: ['emperor'] } }),
    valid: () => ({ method: 'PUT', url: '/api/security/two-factor-policy', payload: { roles: [] } }),
    ok: 200,
  },
  { route: 'GET /api/users', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/users' }), ok: 200 },
  // passkeys (WebAuthn, with a software authenticator) and the admins' reset of someone's second factors
  { route: 'GET /api/account/passkeys', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/account/passkeys' }), ok: 200 },
  { route: 'POST /api/account/passkeys/options', allow: EVERYONE, invalid: null, valid: () => ({ method: 'POST', url: '/api/account/passkeys/options' }), ok: 200 },
  {
    route: 'POST /api/account/passkeys',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/account/passkeys', payload: { name: '' } }),
    valid: async (_fx, who, ctx) => {
      const user = await ctx.app.identity.getUser(who.id);
      const options = await ctx.app.passkeys.registrationOptions({ id: user.id, username: user.username, displayName: user.displayName });
      return { method: 'POST', url: '/api/account/passkeys', payload: { name: 'matrix', response: passkeyAuthenticator().create(options as CeremonyOptions) } };
    },
    ok: 200,
  },
  {
    route: 'PATCH /api/account/passkeys/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'PATCH', url: `/api/account/passkeys/${LONG_ID}`, payload: { name: 'x' } }),
    valid: async (_fx, who, ctx) => ({ method: 'PATCH', url: `/api/account/passkeys/${(await registerPasskey(ctx, who.id)).passkeyId}`, payload: { name: 'renamed' } }),
    ok: 200,
  },
  {
    route: 'DELETE /api/account/passkeys/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'DELETE', url: `/api/account/passkeys/${LONG_ID}` }),
    valid: async (_fx, who, ctx) => ({ method: 'DELETE', url: `/api/account/passkeys/${(await registerPasskey(ctx, who.id)).passkeyId}` }),
    ok: 200,
  },
  {
    route: 'POST /api/auth/passkey/options',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/auth/passkey/options', payload: { challenge: '' } }),
    valid: () => ({ method: 'POST', url: '/api/auth/passkey/options' }),
    ok: 200,
  },
  {
    route: 'POST /api/auth/passkey',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/auth/passkey', payload: { response: {} } }),
    valid: async (_fx, _who, ctx) => {
      const user = await makeUser(ctx, 'licensee', 'passkey');
      const { authenticator } = await registerPasskey(ctx, user.id);
      const options = await ctx.app.passkeys.signInOptions(null);
      return { method: 'POST', url: '/api/auth/passkey', payload: { response: authenticator.get(options as CeremonyOptions) } };
    },
    ok: 200,
  },
  {
    route: 'POST /api/users/:id/two-factor/reset',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: `/api/users/${LONG_ID}/two-factor/reset` }),
    valid: async (_fx, _who, ctx) => ({ method: 'POST', url: `/api/users/${(await makeUser(ctx, 'curator', 'reset')).id}/two-factor/reset` }),
    ok: 200,
  },
  // privacy: the notice, one's consents, exports and erasure (always one's own; fresh users where it changes them)
  { route: 'GET /api/privacy/notice', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/privacy/notice' }), ok: 200 },
  {
    route: 'PUT /api/privacy/notice',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/privacy/notice', payload: { text: { 'not a tag!': 'x' } } }),
    valid: () => ({ method: 'PUT', url: '/api/privacy/notice', payload: { text: null } }),
    ok: 200,
  },
  { route: 'GET /api/privacy/consents', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/privacy/consents' }), ok: 200 },
  {
    route: 'PUT /api/privacy/consents',
    allow: EVERYONE,
    invalid: () => ({ method: 'PUT', url: '/api/privacy/consents', payload: { noticeVersion: 0, consents: { sell: true } } }),
    valid: async (_fx, _who, ctx) => ({ method: 'PUT', url: '/api/privacy/consents', payload: { noticeVersion: (await ctx.app.consents.notice()).version, consents: { analytics: true } } }),
    ok: 200,
  },
  { route: 'GET /api/privacy/exports', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/privacy/exports' }), ok: 200 },
  {
    route: 'POST /api/privacy/exports',
    allow: EVERYONE,
    invalid: null,
    valid: async (_fx, who, ctx) => ({ method: 'POST', url: '/api/privacy/exports', headers: (await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'export')).headers }),
    ok: 202,
  },
  {
    route: 'GET /api/privacy/exports/:id/download',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/privacy/exports/${LONG_ID}/download` }),
    valid: async (_fx, who, ctx) => {
      const fresh = await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'export');
      const made = await ctx.app.personalExports.request(fresh.id, fresh.id);
      await ctx.app.worker.drain(['privacy.export']);
      return { method: 'GET', url: `/api/privacy/exports/${made.id}/download`, headers: fresh.headers };
    },
    ok: 200,
  },
  { route: 'GET /api/privacy/erasure', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/privacy/erasure' }), ok: 200 },
  {
    route: 'POST /api/privacy/erasure',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/privacy/erasure', payload: { password: '' } }),
    valid: async (_fx, who, ctx) => ({ method: 'POST', url: '/api/privacy/erasure', headers: (await makeUser(ctx, (await ctx.app.identity.getUser(who.id)).role, 'erase')).headers, payload: { password: TEST_PASSWORD } }),
    ok: 202,
  },
  {
    route: 'POST /api/privacy/users/:id/erasure',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: `/api/privacy/users/${LONG_ID}/erasure`, payload: { password: TEST_PASSWORD } }),
    valid: async (_fx, _who, ctx) => ({ method: 'POST', url: `/api/privacy/users/${(await makeUser(ctx, 'licensee', 'erase')).id}/erasure`, payload: { password: TEST_PASSWORD } }),
    ok: 202,
  },
  { route: 'GET /api/privacy/settings', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/privacy/settings' }), ok: 200 },
  {
    route: 'PUT /api/privacy/settings',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/privacy/settings', payload: { erasureWorks: 'burn' } }),
    valid: () => ({ method: 'PUT', url: '/api/privacy/settings', payload: { retention: { workEventsDays: 0 } } }),
    ok: 200,
  },
  { route: 'POST /api/privacy/retention/run', allow: ['admin'], invalid: null, valid: () => ({ method: 'POST', url: '/api/privacy/retention/run' }), ok: 200 },
  // the audit trail (admins only)
  { route: 'GET /api/audit', allow: ['admin'], invalid: () => ({ method: 'GET', url: '/api/audit?limit=0' }), valid: () => ({ method: 'GET', url: '/api/audit?limit=5' }), ok: 200 },
  { route: 'GET /api/audit/export.csv', allow: ['admin'], invalid: () => ({ method: 'GET', url: '/api/audit/export.csv?action=nope' }), valid: () => ({ method: 'GET', url: '/api/audit/export.csv?action=token.create' }), ok: 200 },
  { route: 'GET /api/audit/verify', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/audit/verify' }), ok: 200 },
  // cross-border transfers (issue 15 item 4): staff read, admins and curators send and assess, admins rule and approve
  { route: 'PUT /api/auth/country', allow: EVERYONE, invalid: () => ({ method: 'PUT', url: '/api/auth/country', payload: { country: 'usa' } }), valid: () => ({ method: 'PUT', url: '/api/auth/country', payload: { country: 'CN' } }), ok: 200 },
  { route: 'GET /api/works/:id/data-class', allow: TRANSFER_STAFF, invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/data-class` }), valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/data-class` }), ok: 200 },
  { route: 'PUT /api/works/:id/data-class', allow: ['admin', 'curator'], invalid: (fx) => ({ method: 'PUT', url: `/api/works/${fx.publicWork.id}/data-class`, payload: { dataClass: 'secret' } }), valid: (fx) => ({ method: 'PUT', url: `/api/works/${fx.publicWork.id}/data-class`, payload: { dataClass: 'public' } }), ok: 200 },
  { route: 'GET /api/collections/:id/data-class', allow: TRANSFER_STAFF, invalid: () => ({ method: 'GET', url: `/api/collections/${LONG_ID}/data-class` }), valid: (fx) => ({ method: 'GET', url: `/api/collections/${fx.collection.id}/data-class` }), ok: 200 },
  { route: 'PUT /api/collections/:id/data-class', allow: ['admin', 'curator'], invalid: (fx) => ({ method: 'PUT', url: `/api/collections/${fx.collection.id}/data-class`, payload: { dataClass: 'secret' } }), valid: (fx) => ({ method: 'PUT', url: `/api/collections/${fx.collection.id}/data-class`, payload: { dataClass: 'public' } }), ok: 200 },
  { route: 'GET /api/transfers/rules', allow: TRANSFER_STAFF, invalid: null, valid: () => ({ method: 'GET', url: '/api/transfers/rules' }), ok: 200 },
  { route: 'PUT /api/transfers/rules', allow: ['admin'], invalid: () => ({ method: 'PUT', url: '/api/transfers/rules', payload: { items: 'all' } }), valid: async (_fx, _who, ctx) => ({ method: 'PUT', url: '/api/transfers/rules', payload: { items: await ctx.app.transfers.rules.rules() } }), ok: 200 },
  { route: 'GET /api/transfers/classes', allow: TRANSFER_STAFF, invalid: null, valid: () => ({ method: 'GET', url: '/api/transfers/classes' }), ok: 200 },
  { route: 'PUT /api/transfers/classes', allow: ['admin'], invalid: () => ({ method: 'PUT', url: '/api/transfers/classes', payload: { items: [{ dataClass: 'secret' }] } }), valid: () => ({ method: 'PUT', url: '/api/transfers/classes', payload: { items: [{ dataClass: 'public', label: { 'zh-Hans': '公开数据', en: 'Public' } }] } }), ok: 200 },
  { route: 'POST /api/transfers/check', allow: TRANSFER_STAFF, invalid: () => ({ method: 'POST', url: '/api/transfers/check', payload: { destination: 5 } }), valid: (fx) => ({ method: 'POST', url: '/api/transfers/check', payload: { destination: 'DE', collectionId: fx.collection.id } }), ok: 200 },
  { route: 'GET /api/transfers/assessments', allow: TRANSFER_STAFF, invalid: () => ({ method: 'GET', url: '/api/transfers/assessments?status=nope' }), valid: () => ({ method: 'GET', url: '/api/transfers/assessments' }), ok: 200 },
  { route: 'GET /api/transfers/assessments/:id', allow: TRANSFER_STAFF, invalid: () => ({ method: 'GET', url: `/api/transfers/assessments/${LONG_ID}` }), valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/api/transfers/assessments/${await freshAssessment(ctx, fx)}` }), ok: 200 },
  { route: 'POST /api/transfers/assessments', allow: ['admin', 'curator'], invalid: () => ({ method: 'POST', url: '/api/transfers/assessments', payload: { destination: 'DE' } }), valid: (fx) => ({ method: 'POST', url: '/api/transfers/assessments', payload: assessmentForm(fx) }), ok: 201 },
  { route: 'POST /api/transfers/assessments/:id/approve', allow: ['admin'], invalid: () => ({ method: 'POST', url: `/api/transfers/assessments/${LONG_ID}/approve` }), valid: async (fx, _who, ctx) => ({ method: 'POST', url: `/api/transfers/assessments/${await freshAssessment(ctx, fx)}/approve` }), ok: 200 },
  { route: 'POST /api/transfers/assessments/:id/reject', allow: ['admin'], invalid: () => ({ method: 'POST', url: `/api/transfers/assessments/${LONG_ID}/reject` }), valid: async (fx, _who, ctx) => ({ method: 'POST', url: `/api/transfers/assessments/${await freshAssessment(ctx, fx)}/reject`, payload: { note: 'no' } }), ok: 200 },
  { route: 'GET /api/transfers/decisions', allow: TRANSFER_STAFF, invalid: () => ({ method: 'GET', url: '/api/transfers/decisions?limit=0' }), valid: () => ({ method: 'GET', url: '/api/transfers/decisions' }), ok: 200 },
  { route: 'POST /api/transfers/exports', allow: ['admin', 'curator'], invalid: () => ({ method: 'POST', url: '/api/transfers/exports', payload: { destination: 5 } }), valid: (fx) => ({ method: 'POST', url: '/api/transfers/exports', payload: { destination: 'CN', collectionId: fx.collection.id } }), ok: 201 },
  {
    route: 'GET /api/transfers/exports/:id/download',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'GET', url: `/api/transfers/exports/${LONG_ID}/download` }),
    valid: async (fx, _who, ctx) => ({ method: 'GET', url: (await ctx.app.transfers.exports.create({ kind: 'user', id: fx.users.curator.id, username: fx.users.curator.username, role: 'curator' }, { subject: { collectionId: fx.collection.id }, destination: 'CN' })).downloadUrl }),
    ok: 200,
  },
  {
    route: 'POST /api/users',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: '/api/users', payload: { username: 'a', role: 'emperor' } }),
    valid: () => ({ method: 'POST', url: '/api/users', payload: { username: `made-${++seed}`, password: 'long enough password', role: 'licensee' } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/users/:id',
    allow: ['admin'],
    invalid: (fx) => ({ method: 'PATCH', url: `/api/users/${fx.target.id}`, payload: { role: 'emperor' } }),
    valid: (fx) => ({ method: 'PATCH', url: `/api/users/${fx.target.id}`, payload: { displayName: `Renamed ${++seed}` } }),
    ok: 200,
  },

  // works
  {
    route: 'GET /api/works',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/works?pageSize=1000' }),
    valid: () => ({ method: 'GET', url: '/api/works?q=matrix&yearFrom=1000&yearTo=2000&industry=02|03&sort=title' }),
    ok: 200,
  },
  // the search thesaurus: read by anyone, edited by admins and curators
  { route: 'GET /api/search/synonyms', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/search/synonyms' }), ok: 200 },
  {
    route: 'PUT /api/search/synonyms',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/search/synonyms', payload: { groups: [['only one']] } }),
    valid: () => ({ method: 'PUT', url: '/api/search/synonyms', payload: { groups: [['国画', '中国画', `Chinese painting ${++seed}`]] } }),
    ok: 200,
  },
  // recommendations: the feed and "more like this" for anyone; consent for signed-in people; the curators' page for admins and curators
  { route: 'GET /api/recommendations', public: true, invalid: () => ({ method: 'GET', url: '/api/recommendations?slider=2' }), valid: () => ({ method: 'GET', url: '/api/recommendations?limit=4' }), ok: 200 },
  {
    route: 'GET /api/works/:id/recommendations',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/recommendations` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/recommendations` }),
    ok: 200,
  },
  { route: 'GET /api/recommendations/consent', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/recommendations/consent' }), ok: 200 },
  {
    route: 'PUT /api/recommendations/consent',
    allow: EVERYONE,
    invalid: () => ({ method: 'PUT', url: '/api/recommendations/consent', payload: { consented: 'yes' } }),
    valid: () => ({ method: 'PUT', url: '/api/recommendations/consent', payload: { consented: true } }),
    ok: 200,
  },
  {
    route: 'POST /api/recommendations/signals',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/recommendations/signals', payload: { workId: 'x', kind: 'stare' } }),
    valid: (fx) => ({ method: 'POST', url: '/api/recommendations/signals', payload: { workId: fx.publicWork.id, kind: 'view' } }),
    ok: 200,
  },
  { route: 'GET /api/recommendations/curator', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/recommendations/curator' }), ok: 200 },
  {
    route: 'PUT /api/recommendations/picks',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/recommendations/picks', payload: { workIds: 'all' } }),
    valid: (fx) => ({ method: 'PUT', url: '/api/recommendations/picks', payload: { workIds: [fx.publicWork.id] } }),
    ok: 200,
  },
  { route: 'POST /api/recommendations/rebuild', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'POST', url: '/api/recommendations/rebuild' }), ok: 202 },
  // search-as-you-type: anyone (private works only for staff)
  { route: 'GET /api/search/suggest', public: true, invalid: () => ({ method: 'GET', url: '/api/search/suggest?q=ma&limit=0' }), valid: () => ({ method: 'GET', url: '/api/search/suggest?q=matrix&limit=5' }), ok: 200 },
  {
    route: 'GET /api/works/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/related',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/related` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/related` }),
    ok: 200,
  },
  {
    route: 'POST /api/works',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'POST', url: '/api/works', payload: { metadata: 'not an object' } }),
    valid: () => ({ method: 'POST', url: '/api/works', payload: { metadata: { title: { en: `Created ${++seed}` } } } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/works/:id',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'PATCH', url: `/api/works/${fx.publicWork.id}`, payload: { expectedVersion: 0 } }),
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      return { method: 'PATCH', url: `/api/works/${work.id}`, payload: { expectedVersion: 1, metadata: { title: { en: `Edited ${++seed}` } } } };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/versions',
    allow: HISTORY_READERS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/versions` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/versions/:version',
    allow: HISTORY_READERS,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions/abc` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions/1` }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/restore',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/restore`, payload: { version: 'one' } }),
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      const patched = await ctx.server.inject({
        method: 'PATCH',
        url: `/api/works/${work.id}`,
        headers: fx.users.creator.headers,
        payload: { expectedVersion: 1, metadata: { title: { en: `Second ${++seed}` } } },
      });
      expect(patched.statusCode).toBe(200);
      return { method: 'POST', url: `/api/works/${work.id}/restore`, payload: { version: 1, expectedVersion: 2 } };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/events',
    allow: HISTORY_READERS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/events` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/events` }),
    ok: 200,
  },

  // files
  {
    route: 'POST /api/uploads',
    allow: CONTRIBUTORS,
    invalid: async () => {
      const body = multipart([{ name: 'visibility', value: 'secret' }, { name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: '/api/uploads', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = multipart([{ name: 'file', filename: 'matrix.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: '/api/uploads', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/files',
    allow: WORK_EDITORS,
    invalid: async () => {
      const body = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: `/api/works/${LONG_ID}/files`, headers: body.headers, payload: body.payload };
    },
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      const body = multipart([{ name: 'file', filename: 'extra.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: `/api/works/${work.id}/files`, headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/files/:sha256',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/not-a-sha` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}` }),
    ok: 200,
  },
  // IIIF (mounted at /iiif): public works are everyone's; the private-works test covers the rest.
  { route: 'OPTIONS /iiif/3/*', public: true, invalid: null, valid: (fx) => ({ method: 'OPTIONS', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/info.json`, headers: { origin: 'https://viewer.example', 'access-control-request-method': 'GET' } }), ok: 204 },
  { route: 'GET /iiif/3/:identifier', public: true, invalid: null, valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}` }), ok: 303 },
  { route: 'GET /iiif/3/:identifier/info.json', public: true, invalid: null, valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/info.json` }), ok: 200 },
  {
    route: 'GET /iiif/3/:identifier/:region/:size/:rotation/:qualityFormat',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/full/max/0/default.gif` }),
    valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/full/!64,64/0/default.jpg` }),
    ok: 200,
  },
  { route: 'GET /iiif/3/manifests/:id', public: true, invalid: () => ({ method: 'GET', url: `/iiif/3/manifests/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}` }), ok: 200 },
  { route: 'GET /iiif/3/manifests/:id/annotations/:n', public: true, invalid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}/annotations/0` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}/annotations/1` }), ok: 200 },
  { route: 'GET /iiif/3/collections/all', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/iiif/3/collections/all' }), ok: 200 },
  { route: 'GET /iiif/3/collections/all/page/:page', public: true, invalid: () => ({ method: 'GET', url: '/iiif/3/collections/all/page/first' }), valid: () => ({ method: 'GET', url: '/iiif/3/collections/all/page/1' }), ok: 200 },
  { route: 'GET /iiif/3/collections/:id', public: true, invalid: () => ({ method: 'GET', url: `/iiif/3/collections/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}` }), ok: 200 },
  { route: 'GET /iiif/3/collections/:id/page/:page', public: true, invalid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}/page/0` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}/page/1` }), ok: 200 },

  {
    route: 'GET /api/works/:id/files/:sha256/:derivative',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/huge` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/thumbnail` }),
    ok: 200,
  },

  // collections
  { route: 'GET /api/collections', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/collections' }), ok: 200 },
  {
    route: 'GET /api/collections/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/collections/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/collections/${fx.collection.id}` }),
    ok: 200,
  },
  {
    route: 'POST /api/collections',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/collections', payload: { visibility: 'secret' } }),
    valid: () => ({ method: 'POST', url: '/api/collections', payload: { name: { en: `Matrix collection ${++seed}` } } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/collections/:id',
    allow: ['admin', 'curator'],
    invalid: (fx) => ({ method: 'PATCH', url: `/api/collections/${fx.collection.id}`, payload: { visibility: 'secret' } }),
    valid: (fx) => ({ method: 'PATCH', url: `/api/collections/${fx.collection.id}`, payload: { description: { en: `Described ${++seed}` } } }),
    ok: 200,
  },
  { route: 'GET /api/browse/timeline', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/browse/timeline' }), ok: 200 },
  { route: 'GET /api/browse/places', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/browse/places' }), ok: 200 },
  { route: 'GET /api/vocabulary', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/vocabulary' }), ok: 200 },

  // admin
  {
    route: 'GET /api/admin/jobs',
    allow: ['admin'],
    invalid: () => ({ method: 'GET', url: '/api/admin/jobs?status=bogus' }),
    valid: () => ({ method: 'GET', url: '/api/admin/jobs?status=dead' }),
    ok: 200,
  },
  {
    route: 'POST /api/admin/jobs/:id/retry',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: '/api/admin/jobs/abc/retry' }),
    valid: async (_fx, _who, ctx) => ({ method: 'POST', url: `/api/admin/jobs/${await deadJobId(ctx)}/retry` }),
    ok: 200,
  },
  { route: 'GET /api/admin/fixity', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/admin/fixity' }), ok: 200 },
  {
    route: 'GET /api/admin/fixity/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'GET', url: `/api/admin/fixity/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/admin/fixity/${fx.fixityRunId}` }),
    ok: 200,
  },
  // A full audit runs as a job: accepted, not done.
  { route: 'POST /api/admin/fixity', allow: ['admin'], invalid: null, valid: () => ({ method: 'POST', url: '/api/admin/fixity' }), ok: 202 },

  // registry: owners register their works, admins and curators for the institution (the sequencer runs, so 201 with the receipt)
  {
    route: 'POST /api/works/:id/registrations',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/registrations`, payload: { role: 'emperor' } }),
    // `again`: the fixture registered the work already, and a repeated request answers 200 with that registration.
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/registrations`, payload: { again: true } }),
    ok: 201,
  },
  {
    route: 'GET /api/works/:id/registrations/mine',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/registrations/mine` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/registrations/mine` }),
    ok: 200,
  },
  { route: 'GET /api/registry/health', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/health' }), ok: 200 },
  {
    route: 'GET /api/works/:id/registrations',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/registrations` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/registrations` }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/registrations/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/registry/registrations/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/registry/registrations/${fx.registrationId}` }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/registrations/:id/receipt.json',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/registry/registrations/${LONG_ID}/receipt.json` }),
    valid: (fx) => ({ method: 'GET', url: `/api/registry/registrations/${fx.registrationId}/receipt.json` }),
    ok: 200,
  },
  // Rights protection: scans and evidence for right holders; fingerprints follow the work's visibility.
  {
    route: 'POST /api/scans',
    allow: CONTRIBUTORS,
    invalid: () => {
      const body = multipart([{ name: 'note', value: 'no file here' }]);
      return { method: 'POST', url: '/api/scans', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = await scanUpload(++seed);
      return { method: 'POST', url: '/api/scans', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'POST /api/evidence',
    allow: CONTRIBUTORS,
    invalid: () => {
      const body = multipart([{ name: 'note', value: 'no file here' }]);
      return { method: 'POST', url: '/api/evidence', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = await scanUpload(++seed);
      return { method: 'POST', url: '/api/evidence', headers: body.headers, payload: body.payload };
    },
    ok: 201,
  },
  { route: 'GET /api/evidence', allow: CONTRIBUTORS, invalid: null, valid: () => ({ method: 'GET', url: '/api/evidence' }), ok: 200 },
  {
    route: 'GET /api/evidence/:id',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}` }),
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/bundle.json',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/bundle.json` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}/bundle.json` }),
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/receipt.json',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/receipt.json` }),
    valid: async (fx, who, ctx) => {
      const id = await readableEvidence(fx, who, ctx);
      await ctx.app.registry.sequencePending();
      return { method: 'GET', url: `/api/evidence/${id}/receipt.json` };
    },
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/suspect',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/suspect` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}/suspect` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/fingerprint',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/fingerprint` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/fingerprint` }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/watermarked-copies',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/watermarked-copies`, payload: { reference: 'x'.repeat(201) } }),
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/watermarked-copies`, payload: { reference: 'matrix' } }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/licensed-copies',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/licensed-copies`, payload: { licensee: '  ' } }),
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/licensed-copies`, payload: { licensee: 'Matrix Studio', reference: 'L-1' } }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/watermarked-copies',
    allow: WORK_EDITORS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/watermarked-copies` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/watermarked-copies` }),
    ok: 200,
  },
  // The public log: anyone may read and mirror it. Tile paths that do not parse are 404 (static-file semantics), not 400.
  { route: 'GET /api/registry/key', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/key' }), ok: 200 },
  { route: 'GET /api/registry/checkpoint', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/checkpoint' }), ok: 200 },
  { route: 'GET /api/registry/tile/*', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/tile/0/000.p/1' }), ok: 200 },
  {
    route: 'GET /api/registry/proof/inclusion',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/proof/inclusion?index=-1' }),
    valid: () => ({ method: 'GET', url: '/api/registry/proof/inclusion?index=0&treeSize=1' }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/proof/consistency',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/proof/consistency?from=2&to=1' }),
    valid: () => ({ method: 'GET', url: '/api/registry/proof/consistency?from=1&to=1' }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/consistency-bundle',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/consistency-bundle?from=0' }),
    valid: () => ({ method: 'GET', url: '/api/registry/consistency-bundle?from=1' }),
    ok: 200,
  },
  // Staff bulk operations: admins and curators; each reads and undoes its own (admins anyone's).
  {
    route: 'POST /api/works/bulk',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/works/bulk', payload: { ids: ['x'], action: { type: 'delete' } } }),
    valid: (fx) => ({ method: 'POST', url: '/api/works/bulk', payload: { ids: [fx.publicWork.id], action: { type: 'visibility', visibility: 'public' } } }),
    ok: 202,
  },
  { route: 'GET /api/bulk-operations', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/bulk-operations' }), ok: 200 },
  {
    route: 'GET /api/bulk-operations/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'GET', url: `/api/bulk-operations/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/bulk-operations/${await bulkOperationFor(ctx, fx, who)}` }),
    ok: 200,
  },
  {
    route: 'POST /api/bulk-operations/:id/undo',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: `/api/bulk-operations/${LONG_ID}/undo` }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/bulk-operations/${await bulkOperationFor(ctx, fx, who)}/undo` }),
    ok: 202,
  },

  // showcase: exhibitions and the home page are everyone's to read, admins' and curators' to compose
  { route: 'GET /api/exhibitions', public: true, invalid: () => ({ method: 'GET', url: '/api/exhibitions?status=bogus' }), valid: () => ({ method: 'GET', url: '/api/exhibitions' }), ok: 200 },
  {
    route: 'GET /api/exhibitions/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/exhibitions/${'x'.repeat(81)}` }),
    valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/api/exhibitions/${await publishedExhibition(ctx, fx)}` }),
    ok: 200,
  },
  {
    route: 'POST /api/exhibitions',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/exhibitions', payload: { slug: 'Not A Slug', title: { en: 'x' } } }),
    valid: () => ({ method: 'POST', url: '/api/exhibitions', payload: { slug: `matrix-${++seed}`, title: { en: 'Matrix exhibition' } } }),
    ok: 201,
  },
  {
    route: 'PUT /api/exhibitions/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: `/api/exhibitions/${LONG_ID}`, payload: { slug: 'x', title: { en: 'x' }, version: 0 } }),
    valid: async (fx, _who, ctx) => {
      const made = await freshExhibition(ctx, fx);
      return { method: 'PUT', url: `/api/exhibitions/${made.id}`, payload: { slug: made.slug, title: { en: 'Renamed' }, version: 1 } };
    },
    ok: 200,
  },
  {
    route: 'DELETE /api/exhibitions/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'DELETE', url: `/api/exhibitions/${LONG_ID}` }),
    valid: async (fx, _who, ctx) => ({ method: 'DELETE', url: `/api/exhibitions/${(await freshExhibition(ctx, fx)).id}` }),
    ok: 204,
  },
  { route: 'GET /api/showcase/home', public: true, invalid: () => ({ method: 'GET', url: `/api/showcase/home?seed=${'x'.repeat(65)}` }), valid: () => ({ method: 'GET', url: '/api/showcase/home?seed=matrix' }), ok: 200 },
  { route: 'GET /api/showcase/home/settings', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/showcase/home/settings' }), ok: 200 },
  {
    route: 'PUT /api/showcase/home/settings',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/showcase/home/settings', payload: { featuredWorkIds: 'all of them' } }),
    valid: (fx) => ({ method: 'PUT', url: '/api/showcase/home/settings', payload: { featuredWorkIds: [fx.publicWork.id] } }),
    ok: 200,
  },
  {
    route: 'GET /iiif/3/exhibitions/:slug',
    public: true,
    invalid: () => ({ method: 'GET', url: `/iiif/3/exhibitions/${'x'.repeat(81)}` }),
    valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/iiif/3/exhibitions/${await publishedExhibition(ctx, fx)}` }),
    ok: 200,
  },
  // Licensing: terms and the "may I?" check are public; right holders set terms; ordering needs an
  // account; deciding needs the work's manager. Per-order and per-grant refusals (404 for others,
  // 403 for one's own order) are in the test after the ladders.
  { route: 'GET /api/works/:id/terms', public: true, invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/terms` }), valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/terms` }), ok: 200 },
  {
    route: 'PUT /api/terms/:type/:id/public-licence',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'PUT', url: `/api/terms/gallery/${fx.photoWork.id}/public-licence`, payload: { rightsUri: 'https://creativecommons.org/licenses/by-nc/4.0/' } }),
    valid: async (fx, _who, ctx) => ({ method: 'PUT', url: `/api/terms/work/${(await freshPublicWork(ctx, fx)).id}/public-licence`, payload: { rightsUri: 'https://creativecommons.org/licenses/by-nc/4.0/' } }),
    ok: 200,
  },
  { route: 'GET /api/offers', public: true, invalid: () => ({ method: 'GET', url: '/api/offers?type=gallery&id=x' }), valid: (fx) => ({ method: 'GET', url: `/api/offers?id=${fx.photoWork.id}` }), ok: 200 },
  {
    route: 'POST /api/offers',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: '/api/offers', payload: { target: { type: 'work', id: fx.photoWork.id }, title: { en: 'No policy' } } }),
    valid: (fx) => ({ method: 'POST', url: '/api/offers', payload: { target: { type: 'work', id: fx.photoWork.id }, title: { en: `Matrix offer ${++seed}` }, odrl: commercialOffer() } }),
    ok: 201,
  },
  { route: 'GET /api/offers/:id', public: true, invalid: () => ({ method: 'GET', url: `/api/offers/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/api/offers/${fx.license.offerId}` }), ok: 200 },
  {
    route: 'PUT /api/offers/:id',
    allow: WORK_EDITORS,
    invalid: () => ({ method: 'PUT', url: `/api/offers/${LONG_ID}`, payload: { version: 1 } }),
    valid: async (fx, _who, ctx) => ({ method: 'PUT', url: `/api/offers/${await createOffer(ctx, fx.users.creator, fx.photoWork.id)}`, payload: { title: { en: 'Renamed offer' }, version: 1 } }),
    ok: 200,
  },
  {
    route: 'DELETE /api/offers/:id',
    allow: WORK_EDITORS,
    invalid: () => ({ method: 'DELETE', url: `/api/offers/${LONG_ID}` }),
    valid: async (fx, _who, ctx) => ({ method: 'DELETE', url: `/api/offers/${await createOffer(ctx, fx.users.creator, fx.photoWork.id)}` }),
    ok: 204,
  },
  {
    route: 'POST /api/license/check',
    public: true,
    invalid: (fx) => ({ method: 'POST', url: '/api/license/check', payload: { workId: fx.photoWork.id, action: 'display', purpose: 'non-commercial' } }),
    valid: (fx) => ({ method: 'POST', url: '/api/license/check', payload: { workId: fx.photoWork.id, action: 'reproduce', purpose: ['commercial'], territory: 'CN' } }),
    ok: 200,
  },
  { route: 'GET /api/license/tdm-policy', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/license/tdm-policy' }), ok: 200 },
  { route: 'GET /.well-known/tdmrep.json', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/.well-known/tdmrep.json' }), ok: 200 },

  // heritage elements: everyone reads them; admins and curators define them; a work's managers say which it uses
  { route: 'GET /api/heritage-elements', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/heritage-elements' }), ok: 200 },
  { route: 'GET /api/heritage-elements/:id', public: true, invalid: () => ({ method: 'GET', url: `/api/heritage-elements/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/api/heritage-elements/${fx.license.heritageId}` }), ok: 200 },
  {
    route: 'POST /api/heritage-elements',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/heritage-elements', payload: { name: { en: 'Motif' }, rules: 'none' } }),
    valid: () => ({ method: 'POST', url: '/api/heritage-elements', payload: { name: { en: `Matrix motif ${++seed}` } } }),
    ok: 201,
  },
  {
    route: 'PUT /api/heritage-elements/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: `/api/heritage-elements/${LONG_ID}`, payload: { name: { en: 'Motif' } } }),
    valid: (fx) => ({ method: 'PUT', url: `/api/heritage-elements/${fx.license.heritageId}`, payload: { name: { en: `Matrix motif ${++seed}` } } }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/heritage-elements',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/heritage-elements` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/heritage-elements` }),
    ok: 200,
  },
  {
    route: 'PUT /api/works/:id/heritage-elements',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'PUT', url: `/api/works/${fx.photoWork.id}/heritage-elements`, payload: { elementIds: 'all' } }),
    valid: async (fx, _who, ctx) => ({ method: 'PUT', url: `/api/works/${(await freshPublicWork(ctx, fx)).id}/heritage-elements`, payload: { elementIds: [fx.license.heritageId] } }),
    ok: 200,
  },

  // parties and royalty splits: staff and creators name parties, staff change them; a work's managers keep its split
  { route: 'GET /api/parties', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/parties' }), ok: 200 },
  {
    route: 'POST /api/parties',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'POST', url: '/api/parties', payload: { kind: 'alien', name: { en: 'x' } } }),
    valid: () => ({ method: 'POST', url: '/api/parties', payload: { kind: 'person', name: { en: `Matrix heir ${++seed}` } } }),
    ok: 201,
  },
  {
    route: 'PUT /api/parties/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: `/api/parties/${LONG_ID}`, payload: { kind: 'institution', name: { en: 'x' } } }),
    valid: (fx) => ({ method: 'PUT', url: `/api/parties/${fx.license.partyId}`, payload: { kind: 'institution', name: { en: `Matrix Museum ${++seed}` } } }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/royalty-split',
    allow: WORK_EDITORS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/royalty-split` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/royalty-split` }),
    ok: 200,
  },
  {
    route: 'PUT /api/works/:id/royalty-split',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'PUT', url: `/api/works/${fx.photoWork.id}/royalty-split`, payload: { version: 1, shares: [] } }),
    valid: async (fx, _who, ctx) => ({ method: 'PUT', url: `/api/works/${(await freshPublicWork(ctx, fx)).id}/royalty-split`, payload: { version: 0, shares: [{ partyId: fx.license.partyId, basisPoints: 10000 }] } }),
    ok: 200,
  },

  // orders: anyone signed in orders and cancels their own; the work's managers decide (never their own order)
  { route: 'GET /api/orders', allow: EVERYONE, invalid: () => ({ method: 'GET', url: '/api/orders?status=bogus' }), valid: () => ({ method: 'GET', url: '/api/orders?role=licensee' }), ok: 200 },
  {
    route: 'POST /api/orders',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'POST', url: '/api/orders', payload: { workId: fx.photoWork.id, offerId: fx.license.offerId, request: { action: '' } } }),
    valid: (fx, who) => {
      const work = buyableWork(fx, who);
      return { method: 'POST', url: '/api/orders', payload: { workId: work.id, offerId: work.offerId, request: ORDER_REQUEST, licenseeName: 'Matrix Studio' } };
    },
    ok: 201,
  },
  {
    route: 'GET /api/orders/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/orders/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/orders/${await placeOrder(ctx, who, buyableWork(fx, who))}` }),
    ok: 200,
  },
  {
    route: 'POST /api/orders/:id/approve',
    allow: MANAGERS,
    invalid: () => ({ method: 'POST', url: `/api/orders/${LONG_ID}/approve` }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/orders/${await orderToDecide(ctx, fx, who, false)}/approve`, payload: { note: 'Approved in the matrix' } }),
    ok: 200,
  },
  {
    route: 'POST /api/orders/:id/reject',
    allow: MANAGERS,
    invalid: (fx) => ({ method: 'POST', url: `/api/orders/${fx.license.grant.orderId}/reject`, payload: { note: 5 } }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/orders/${await orderToDecide(ctx, fx, who, false)}/reject` }),
    ok: 200,
  },
  {
    route: 'POST /api/orders/:id/cancel',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: `/api/orders/${LONG_ID}/cancel` }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/orders/${await placeOrder(ctx, who, buyableWork(fx, who))}/cancel` }),
    ok: 200,
  },
  {
    route: 'POST /api/orders/:id/payment',
    allow: MANAGERS,
    invalid: (fx) => ({ method: 'POST', url: `/api/orders/${fx.license.grant.orderId}/payment`, payload: { amount: 'twelve hundred', currency: 'CNY' } }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/orders/${await orderToDecide(ctx, fx, who, true)}/payment`, payload: { ...PAYMENT, reference: 'Matrix transfer' } }),
    ok: 200,
  },

  // grants: their licensee and the work's managers read them and take copies; managers revoke; the QR status is public
  { route: 'GET /api/grants', allow: EVERYONE, invalid: () => ({ method: 'GET', url: `/api/grants?workId=${LONG_ID}` }), valid: () => ({ method: 'GET', url: '/api/grants' }), ok: 200 },
  {
    route: 'GET /api/grants/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/grants/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/grants/${(await readableGrant(ctx, fx, who)).id}` }),
    ok: 200,
  },
  {
    route: 'GET /api/grants/:id/agreement.json',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/grants/${LONG_ID}/agreement.json` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/grants/${(await readableGrant(ctx, fx, who)).id}/agreement.json` }),
    ok: 200,
  },
  {
    route: 'GET /api/grants/:id/receipt.json',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'GET', url: `/api/grants/${fx.license.grant.id}/receipt.json?of=order` }),
    valid: async (fx, who, ctx) => {
      const grant = await readableGrant(ctx, fx, who);
      await ctx.app.registry.sequencePending();
      return { method: 'GET', url: `/api/grants/${grant.id}/receipt.json` };
    },
    ok: 200,
  },
  {
    route: 'GET /api/grants/:id/status',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/api/grants/${fx.license.grant.id}/status?sha256=not-the-hash` }),
    valid: (fx) => ({ method: 'GET', url: `/api/grants/${fx.license.grant.id}/status?sha256=${fx.license.grant.agreementSha256}` }),
    ok: 200,
  },
  {
    route: 'POST /api/grants/:id/copy',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: `/api/grants/${LONG_ID}/copy` }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/grants/${(await readableGrant(ctx, fx, who)).id}/copy` }),
    ok: 200,
  },
  {
    route: 'POST /api/grants/:id/revoke',
    allow: MANAGERS,
    invalid: (fx) => ({ method: 'POST', url: `/api/grants/${fx.license.grant.id}/revoke`, payload: { reason: ' ' } }),
    // A fresh grant on a work `who` manages; the role guard refuses the others before the grant matters.
    valid: async (fx, who, ctx) => {
      const grant = isManager(fx, who) ? await grantOn(ctx, fx.users.licensee, who, managedWork(fx, who)) : fx.license.grant;
      return { method: 'POST', url: `/api/grants/${grant.id}/revoke`, payload: { reason: 'Revoked in the matrix' } };
    },
    ok: 200,
  },

  // the ledger: staff read the trial balance and settle; a party's statement is its own and staff's
  { route: 'GET /api/ledger/balances', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/ledger/balances' }), ok: 200 },
  {
    route: 'GET /api/ledger/statements/:id',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'GET', url: `/api/ledger/statements/${fx.license.partyId}?from=last-year&to=2100-01-01` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/ledger/statements/${await ownParty(ctx, fx, who)}?from=2000-01-01&to=2100-01-01` }),
    ok: 200,
  },
  {
    route: 'GET /api/ledger/statements/:id/statement.csv',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'GET', url: `/api/ledger/statements/${fx.license.partyId}/statement.csv?from=2000-01-01&to=2100-01-01&lang=fr` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/ledger/statements/${await ownParty(ctx, fx, who)}/statement.csv?from=2000-01-01&to=2100-01-01&lang=en` }),
    ok: 200,
  },
  { route: 'GET /api/ledger/settlements', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/ledger/settlements' }), ok: 200 },
  {
    route: 'POST /api/ledger/settlements',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/ledger/settlements', payload: { periodTo: 'soon' } }),
    // A fresh payment first, so there is something owed to settle (staff only: the others are refused by role).
    valid: async (fx, who, ctx) => {
      if (who === fx.users.admin || who === fx.users.curator) await grantOn(ctx, fx.users.licensee, who, managedWork(fx, who));
      return { method: 'POST', url: '/api/ledger/settlements', payload: { currency: 'CNY', periodTo: '2100-01-01' } };
    },
    ok: 201,
  },
  // the review queue (src/review): reviewers work the queue, admins set it up, submitters appeal, anyone reports
  { route: 'GET /api/review/items', allow: REVIEWERS, invalid: () => ({ method: 'GET', url: '/api/review/items?kind=poem' }), valid: () => ({ method: 'GET', url: '/api/review/items?kind=report' }), ok: 200 },
  { route: 'GET /api/review/items/:id', allow: REVIEWERS, invalid: () => ({ method: 'GET', url: `/api/review/items/${LONG_ID}` }), valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/api/review/items/${await freshCase(ctx, fx)}` }), ok: 200 },
  { route: 'POST /api/review/items/:id/claim', allow: REVIEWERS, invalid: () => ({ method: 'POST', url: `/api/review/items/${LONG_ID}/claim` }), valid: async (fx, _who, ctx) => ({ method: 'POST', url: `/api/review/items/${await freshCase(ctx, fx)}/claim` }), ok: 200 },
  { route: 'POST /api/review/items/:id/release', allow: REVIEWERS, invalid: () => ({ method: 'POST', url: `/api/review/items/${LONG_ID}/release` }), valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/review/items/${await caseHeldBy(ctx, fx, who)}/release` }), ok: 200 },
  {
    route: 'POST /api/review/items/:id/decision',
    allow: REVIEWERS,
    invalid: () => ({ method: 'POST', url: `/api/review/items/${LONG_ID}/decision`, payload: { decision: 'maybe' } }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/review/items/${await caseHeldBy(ctx, fx, who)}/decision`, payload: { decision: 'dismissed' } }),
    ok: 200,
  },
  {
    route: 'POST /api/review/items/:id/appeal',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: `/api/review/items/${LONG_ID}/appeal`, payload: { text: '' } }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/review/items/${await rejectedSubmissionOf(ctx, fx, who)}/appeal`, payload: { text: 'Please look again' } }),
    ok: 200,
  },
  { route: 'GET /api/review/mine', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/review/mine' }), ok: 200 },
  {
    route: 'POST /api/works/:id/reports',
    public: true,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/reports`, payload: { reasonCode: '' } }),
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/reports`, payload: { reasonCode: 'privacy', details: 'matrix' } }),
    ok: 201,
  },
  { route: 'GET /api/review/workload', allow: REVIEWERS, invalid: null, valid: () => ({ method: 'GET', url: '/api/review/workload' }), ok: 200 },
  { route: 'GET /api/review/settings', allow: REVIEWERS, invalid: null, valid: () => ({ method: 'GET', url: '/api/review/settings' }), ok: 200 },
  {
    route: 'PUT /api/review/settings',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/review/settings', payload: { ...DEFAULT_REVIEW_SETTINGS, policy: 'everything' } }),
    valid: () => ({ method: 'PUT', url: '/api/review/settings', payload: DEFAULT_REVIEW_SETTINGS }),
    ok: 200,
  },
  { route: 'GET /api/review/reasons', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/review/reasons' }), ok: 200 },
  {
    route: 'PUT /api/review/reasons/:code',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/review/reasons/Bad Code', payload: { label: { 'zh-Hans': '坏', en: 'Bad' }, appliesTo: 'both' } }),
    valid: () => ({ method: 'PUT', url: `/api/review/reasons/matrix_${++seed}`, payload: { label: { 'zh-Hans': '矩阵', en: 'Matrix' }, appliesTo: 'report' } }),
    ok: 200,
  },
  { route: 'GET /api/notifications', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/notifications' }), ok: 200 },
  { route: 'POST /api/notifications/read', allow: EVERYONE, invalid: () => ({ method: 'POST', url: '/api/notifications/read', payload: { ids: 'all' } }), valid: () => ({ method: 'POST', url: '/api/notifications/read', payload: {} }), ok: 200 },
  { route: 'GET /api/notifications/email', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/notifications/email' }), ok: 200 },
  { route: 'PUT /api/notifications/email', allow: EVERYONE, invalid: () => ({ method: 'PUT', url: '/api/notifications/email', payload: { email: 'not an address' } }), valid: () => ({ method: 'PUT', url: '/api/notifications/email', payload: { email: 'someone@example.org' } }), ok: 200 },
];

/** The OpenAPI UI and document: public, served by @fastify/swagger-ui. */
const DOCS: { route: string; url: string; ok: number }[] = [
  { route: 'GET /api/docs', url: '/api/docs', ok: 200 },
  { route: 'GET /api/docs/', url: '/api/docs/', ok: 200 },
  { route: 'GET /api/docs/static/index.html', url: '/api/docs/static/index.html', ok: 302 },
  { route: 'GET /api/docs/static/swagger-initializer.js', url: '/api/docs/static/swagger-initializer.js', ok: 200 },
  { route: 'GET /api/docs/static/*', url: '/api/docs/static/swagger-ui.css', ok: 200 },
  { route: 'GET /api/docs/json', url: '/api/docs/json', ok: 200 },
  { route: 'GET /api/docs/yaml', url: '/api/docs/yaml', ok: 200 },
];

/**
 * Reads `server.printRoutes()` back into `METHOD /full/path` strings (HEAD left out). The tree is
 * printed with common prefixes: find-my-way's flattened form (`commonPrefix: false`) prints a
 * wildcard route under a non-route node as a bare `*`, losing its path (`/api/registry/tile/*`).
 */
function routesFromTree(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const node = /^(.*?)(?: \(([^)]*)\))?$/.exec(match[2]!)!;
    stack.length = depth;
    stack.push(node[1]!);
    const path = stack.join('');
    for (const method of (node[2] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      if (method !== 'HEAD') out.push(`${method} ${path}`);
    }
  }
  return out;
}

function send(ctx: TestContext, req: Req, headers: Record<string, string> | 'anonymous') {
  const merged: Record<string, string> = { ...(headers === 'anonymous' ? {} : headers), ...req.headers };
  if (headers === 'anonymous') delete merged.authorization;
  return ctx.server.inject({
    method: req.method,
    url: req.url,
    headers: merged,
    ...(req.payload !== undefined ? { payload: req.payload as string } : {}),
  });
}

function label(c: Case, who: string, step: string, res: { statusCode: number; body: string }): string {
  return `${c.route} as ${who} (${step}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
}

describe.each(await testDialects())('access matrix (%s)', (dialect) => {
  let ctx: TestContext;
  let fx: Fixture;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const users = {} as Record<ActorName, TestUser>;
    for (const actor of ACTORS) {
      const role = actor === 'otherCreator' ? 'creator' : actor;
      users[actor] = await makeUser(ctx, role, actor);
    }
    const upload = await uploadImage(ctx, users.creator.headers, 1, { visibility: 'public' });
    const publicWork = { id: upload.workId, sha256: upload.sha256 };
    // Its master is offered to everyone (its rights alone would offer visitors only the display copy).
    const opened = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${publicWork.id}`, headers: users.creator.headers, payload: { expectedVersion: 1, downloadPolicy: 'master' } });
    expect(opened.statusCode, opened.body).toBe(200);
    // Its display copy (the marked image IIIF shows visitors) is made.
    await ctx.app.worker.drain();
    ctx.app.sequencer.start();
    const registration = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.id}/registrations`, headers: users.creator.headers, payload: {} });
    expect(registration.statusCode, registration.body).toBe(201);
    const collection = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: users.curator.headers, payload: { name: { en: 'Public collection' }, visibility: 'public' } });
    expect(collection.statusCode).toBe(201);
    const photo = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'photo.png', contentType: 'image/png', data: await photoBytes(7) }]);
    const photoUpload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...users.creator.headers, ...photo.headers }, payload: photo.payload });
    const photoWork = { id: (photoUpload.json() as { items: { workId: string }[] }).items[0]!.workId };
    fx = {
      users,
      publicWork,
      collection: { id: (collection.json() as { id: string }).id },
      target: await makeUser(ctx, 'licensee', 'target'),
      fixityRunId: (await ctx.app.fixity.run('manual')).id,
      registrationId: (registration.json() as { registrationId: string }).registrationId,
      photoWork,
      evidenceId: await evidenceBy(ctx, users.creator),
      license: await licenseFixture(ctx, users, photoWork.id),
    };
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('covers every route the server has, and no route it does not have', () => {
    const actual = routesFromTree(ctx.server.printRoutes());
    expect(actual.length).toBeGreaterThan(30);
    const described = new Set([...CASES.map((c) => c.route), ...DOCS.map((d) => d.route)]);
    expect(actual.filter((r) => !described.has(r)), 'routes missing from the access matrix').toEqual([]);
    expect([...described].filter((r) => !actual.includes(r)), 'matrix routes the server does not have').toEqual([]);
    expect(new Set(CASES.map((c) => c.route)).size).toBe(CASES.length);

    // The OpenAPI document lists the same API (hidden routes such as /api/health aside).
    const doc = ctx.server.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{\*\}/g, '*').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.filter((r) => !described.has(r)), 'documented routes missing from the matrix').toEqual([]);
  });

  it.each(CASES.filter((c) => c.public).map((c) => [c.route, c] as const))('%s is public: anonymous 200, bad input 400', async (_route, c) => {
    const anonymous = await send(ctx, await c.valid(fx, fx.users.licensee, ctx), 'anonymous');
    expect(anonymous.statusCode, label(c, 'anonymous', 'valid', anonymous)).toBe(c.ok);
    if (c.invalid) {
      const bad = await send(ctx, await c.invalid(fx), 'anonymous');
      expect(bad.statusCode, label(c, 'anonymous', 'invalid', bad)).toBe(400);
      expect((bad.json() as { error: { code: string } }).error.code).toBe('invalid_input');
    }
    for (const actor of ACTORS) {
      const res = await send(ctx, await c.valid(fx, fx.users[actor], ctx), fx.users[actor].headers);
      expect(res.statusCode, label(c, actor, 'valid', res)).toBe(c.ok);
    }
  });

  it.each(CASES.filter((c) => !c.public).map((c) => [c.route, c] as const))('%s: 401 → 400 → 403 → 2xx', async (_route, c) => {
    const allow = c.allow ?? [];
    // 401 comes before validation: the invalid request (or, with no input, the valid one) still gets 401.
    const anonymousReq = c.invalid ? await c.invalid(fx) : await c.valid(fx, fx.users.admin, ctx);
    const anonymous = await send(ctx, anonymousReq, 'anonymous');
    expect(anonymous.statusCode, label(c, 'anonymous', 'invalid', anonymous)).toBe(401);
    expect((anonymous.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
    const anonymousValid = await send(ctx, await c.valid(fx, fx.users.admin, ctx), 'anonymous');
    expect(anonymousValid.statusCode, label(c, 'anonymous', 'valid', anonymousValid)).toBe(401);

    for (const actor of ACTORS) {
      const who = fx.users[actor];
      if (allow.includes(actor)) {
        if (c.invalid) {
          const bad = await send(ctx, await c.invalid(fx), who.headers);
          expect(bad.statusCode, label(c, actor, 'invalid', bad)).toBe(400);
          expect((bad.json() as { error: { code: string } }).error.code).toBe('invalid_input');
        }
        const res = await send(ctx, await c.valid(fx, who, ctx), who.headers);
        expect(res.statusCode, label(c, actor, 'valid', res)).toBe(c.ok);
      } else {
        const res = await send(ctx, await c.valid(fx, who, ctx), who.headers);
        expect(res.statusCode, label(c, actor, 'denied', res)).toBe(403);
        expect((res.json() as { error: { code: string } }).error.code).toBe('forbidden');
      }
    }
  });

  // The ladders above admit every signed-in actor to the order and grant routes (the role guard is
  // `requireUser`); what each may do with one order, grant or statement is decided per resource.
  it('licensing refuses per resource: others see no order or grant (404), nobody decides their own order (403)', async () => {
    const { users } = fx;
    const refused = async (who: TestUser, method: Req['method'], url: string, status: 403 | 404, key: string, payload?: unknown) => {
      const res = await send(ctx, { method, url, ...(payload !== undefined ? { payload } : {}) }, who.headers);
      expect(res.statusCode, `${method} ${url} as ${who.username} → ${res.body.slice(0, 300)}`).toBe(status);
      expect((res.json() as { error: { code: string; key: string } }).error).toMatchObject({ code: status === 404 ? 'not_found' : 'forbidden', key });
    };
    const photo = managedWork(fx, users.creator);

    // An order is its licensee's, the work's managers' and staff's business; another licensee, a
    // creator of other works and a reviewer cannot tell it exists.
    const orderId = await placeOrder(ctx, users.licensee, photo);
    for (const who of [fx.target, users.otherCreator, users.reviewer]) {
      await refused(who, 'GET', `/api/orders/${orderId}`, 404, 'not_found.order');
      await refused(who, 'POST', `/api/orders/${orderId}/approve`, 404, 'not_found.order');
      await refused(who, 'POST', `/api/orders/${orderId}/reject`, 404, 'not_found.order');
      await refused(who, 'POST', `/api/orders/${orderId}/cancel`, 404, 'not_found.order');
      await refused(who, 'POST', `/api/orders/${orderId}/payment`, 404, 'not_found.order', PAYMENT);
    }
    // The licensee may not decide their own order, and nor may a curator who ordered for themselves.
    for (const path of ['approve', 'reject']) await refused(users.licensee, 'POST', `/api/orders/${orderId}/${path}`, 403, 'license.own_order');
    await refused(users.licensee, 'POST', `/api/orders/${orderId}/payment`, 403, 'license.own_order', PAYMENT);
    const curatorsOwn = await placeOrder(ctx, users.curator, photo);
    await refused(users.curator, 'POST', `/api/orders/${curatorsOwn}/approve`, 403, 'license.own_order');
    // Only the licensee cancels; the right holder rejects instead.
    await refused(users.creator, 'POST', `/api/orders/${orderId}/cancel`, 403, 'license.edit_forbidden');

    // A grant is its licensee's and the work's managers' (reviewers included: they are not managers).
    const grant = fx.license.grant;
    for (const who of [fx.target, users.otherCreator, users.reviewer]) {
      for (const path of ['', '/agreement.json', '/receipt.json']) await refused(who, 'GET', `/api/grants/${grant.id}${path}`, 404, 'not_found.grant');
      await refused(who, 'POST', `/api/grants/${grant.id}/copy`, 404, 'not_found.grant');
    }
    // `otherCreator` passes the role guard of revocation but does not manage this work.
    await refused(users.otherCreator, 'POST', `/api/grants/${grant.id}/revoke`, 404, 'not_found.grant', { reason: 'not mine' });
    // The public status needs the agreement hash printed on the certificate.
    const wrongHash = await send(ctx, { method: 'GET', url: `/api/grants/${grant.id}/status?sha256=${'0'.repeat(64)}` }, 'anonymous');
    expect(wrongHash.statusCode).toBe(404);

    // A party's statement is for the account linked to it and for staff.
    for (const who of [users.licensee, users.creator, users.reviewer]) {
      await refused(who, 'GET', `/api/ledger/statements/${fx.license.partyId}?from=2000-01-01&to=2100-01-01`, 403, 'license.statement_forbidden');
      await refused(who, 'GET', `/api/ledger/statements/${fx.license.partyId}/statement.csv?from=2000-01-01&to=2100-01-01`, 403, 'license.statement_forbidden');
    }
  });

  it('a bearer token that is not valid is refused with 401 even on public routes', async () => {
    for (const authorization of ['Bearer wyt_not-a-real-token', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const res = await ctx.server.inject({ method: 'GET', url: '/api/works', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('HEAD follows the same rules as GET', async () => {
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users' })).statusCode).toBe(401);
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users', headers: fx.users.licensee.headers })).statusCode).toBe(403);
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users', headers: fx.users.admin.headers })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'HEAD', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/thumbnail` })).statusCode).toBe(200);
    // The master follows the work's download policy for HEAD exactly as for GET.
    const master = `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}`;
    for (const headers of [{}, fx.users.licensee.headers, fx.users.admin.headers]) {
      expect((await ctx.server.inject({ method: 'HEAD', url: master, headers })).statusCode).toBe((await ctx.server.inject({ method: 'GET', url: master, headers })).statusCode);
    }
  });

  it('the docs routes answer anonymously', async () => {
    for (const d of DOCS) {
      const res = await ctx.server.inject({ method: 'GET', url: d.url });
      expect(res.statusCode, d.url).toBe(d.ok);
    }
  });

  it('unknown API paths are 404 with the error shape, whoever asks', async () => {
    for (const headers of [{}, fx.users.admin.headers]) {
      const res = await ctx.server.inject({ method: 'GET', url: '/api/no-such-thing', headers });
      expect(res.statusCode).toBe(404);
      expect((res.json() as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});

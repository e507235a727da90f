import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { decodeEntry } from '../../src/registry/entry.js';
import type { Receipt, RegistrationStatus } from '../../src/registry/registry.service.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { createWork, makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { inspectLog, sha256Hex } from './registry-helpers.js';

/**
 * Registering a work in the transparency log over HTTP: who may (owner as author or right holder,
 * admins and curators for the institution), who may not (403 for those who can see the work, 404
 * for those who cannot), what the receipt holds, and who may read receipts of private works.
 */
describe.each(await testDialects())('registration and receipts (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let otherCreator: TestUser;
  let licensee: TestUser;
  let reviewer: TestUser;
  let curator: TestUser;
  let admin: TestUser;
  let publicWork: { workId: string; sha256: string };
  let privateWork: { workId: string; sha256: string };
  let bareWorkId: string;
  let pinnedKey: string;
  /** A sequenced registration of the private work, made by its owner. */
  let privateRegistration: string;
  let publicRegistration: string;

  const register = (who: TestUser | null, workId: string, payload: Record<string, unknown> = {}) =>
    ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/registrations`, headers: who?.headers ?? {}, payload });

  const errorCode = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  async function registered(who: TestUser, workId: string, payload: Record<string, unknown> = {}): Promise<Receipt> {
    const res = await register(who, workId, payload);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as RegistrationStatus;
    expect(body.status).toBe('sequenced');
    if (body.status !== 'sequenced') throw new Error('not sequenced');
    return body.receipt;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.app.sequencer.start();
    [owner, otherCreator, licensee, reviewer, curator, admin] = await Promise.all([
      makeUser(ctx, 'creator', 'owner'),
      makeUser(ctx, 'creator', 'other'),
      makeUser(ctx, 'licensee'),
      makeUser(ctx, 'reviewer'),
      makeUser(ctx, 'curator'),
      makeUser(ctx, 'admin'),
    ]);
    publicWork = await uploadImage(ctx, owner.headers, 401, { visibility: 'public' });
    privateWork = await uploadImage(ctx, owner.headers, 402, { visibility: 'private' });
    bareWorkId = (await createWork(ctx, owner.headers, { title: { en: 'Metadata only' } }, { visibility: 'public' })).id;
    pinnedKey = await ctx.app.registry.log.verifierKey();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('refuses anonymous visitors with 401, before looking at the body', async () => {
    for (const payload of [{}, { role: 'emperor' }]) {
      const res = await register(null, publicWork.workId, payload);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('unauthenticated');
    }
  });

  it('refuses with 403 those who can see the work but do not own it and are not curators', async () => {
    for (const who of [otherCreator, licensee, reviewer]) {
      const res = await register(who, publicWork.workId);
      expect(res.statusCode, res.body).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    // A reviewer sees private works too, and still may not register them.
    const res = await register(reviewer, privateWork.workId);
    expect(res.statusCode, res.body).toBe(403);
  });

  it('answers 404 for unknown works and for private works the caller cannot see', async () => {
    for (const [who, workId] of [
      [owner, 'no-such-work'],
      [admin, 'no-such-work'],
      [otherCreator, privateWork.workId],
      [licensee, privateWork.workId],
    ] as const) {
      const res = await register(who, workId);
      expect(res.statusCode, `${workId}: ${res.body}`).toBe(404);
      expect(errorCode(res)).toBe('not_found');
    }
  });

  it('answers 400 for bad input and for a work with no file to register', async () => {
    for (const payload of [{ role: 'emperor' }, { termsSha256: 'ABC' }, { wait: 'yes' }]) {
      const res = await register(owner, publicWork.workId, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorCode(res)).toBe('invalid_input');
    }
    for (const who of [owner, curator]) {
      const res = await register(who, bareWorkId);
      expect(res.statusCode, res.body).toBe(400);
      expect(errorCode(res)).toBe('invalid_input');
      expect((res.json() as { error: { message: string } }).error.message).toMatch(/no file/);
    }
    expect(await ctx.app.database.db.selectFrom('registry_pending').select('id').execute()).toEqual([]);
  });

  it('registers the owner’s work (201) with a receipt that verifies offline against the pinned log key', async () => {
    const receipt = await registered(owner, publicWork.workId);
    publicRegistration = receipt.registrationId;
    const entry = decodeEntry(new TextEncoder().encode(receipt.entry));
    expect(entry.contentSha256).toBe(publicWork.sha256);
    expect(entry.role).toBe('author');
    expect(entry.termsSha256).toBeNull();
    expect(entry.registrant).toMatch(/^ed25519:[0-9a-f]{32}$/);
    expect(Math.abs(entry.acceptedAt - Date.now() / 1000)).toBeLessThan(120);
    expect(receipt.work.id).toBe(publicWork.workId);
    expect(receipt.log.verifierKey).toBe(pinnedKey);
    expect(receipt.index).toBeLessThan(receipt.treeSize);

    const result = await verifyReceipt(JSON.stringify(receipt), { crypto: nodeCrypto, pinnedLogKey: pinnedKey, fileSha256: publicWork.sha256 });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(['receipt size', 'receipt format', 'entry', 'registration', 'work', 'file', 'proof index', 'checkpoint signature', 'tree size', 'inclusion']);
    expect(result.unsigned).toEqual([]);
    expect(result.treeSize).toBe(receipt.treeSize);
  });

  it('registers as right holder with licence terms, and names the same registrant key every time', async () => {
    const terms = sha256Hex('CC BY-NC 4.0');
    const first = decodeEntry(new TextEncoder().encode((await registered(owner, publicWork.workId, { role: 'right-holder', termsSha256: terms })).entry));
    expect(first.role).toBe('right-holder');
    expect(first.termsSha256).toBe(terms);
    const secondReceipt = await registered(owner, privateWork.workId);
    const second = decodeEntry(new TextEncoder().encode(secondReceipt.entry));
    expect(second.registrant).toBe(first.registrant);
    // A private work's entry is sealed; the receipt carries what opens it.
    expect(second.contentSha256).toBeNull();
    expect(secondReceipt.opening?.contentSha256).toBe(privateWork.sha256);
  });

  it('lets curators and admins register others’ works for the institution, and refuses that role to a creator', async () => {
    const asInstitution = await registered(curator, publicWork.workId, { role: 'institution' });
    expect(decodeEntry(new TextEncoder().encode(asInstitution.entry)).role).toBe('institution');
    // Not the owner: the role defaults to institution.
    const byDefault = await registered(admin, privateWork.workId);
    const entry = decodeEntry(new TextEncoder().encode(byDefault.entry));
    expect(entry.role).toBe('institution');
    expect(entry.sealed).not.toBeNull();
    expect(byDefault.opening?.contentSha256).toBe(privateWork.sha256);
    // The owner registered the public work as author before: the same request answers with that registration.
    const again = await register(owner, publicWork.workId);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'sequenced', existing: true, registrationId: publicRegistration });
    const ownerEntry = decodeEntry(new TextEncoder().encode((again.json() as { receipt: Receipt }).receipt.entry));
    expect(entry.registrant).not.toBe(ownerEntry.registrant);

    for (const workId of [publicWork.workId, privateWork.workId]) {
      const res = await register(owner, workId, { role: 'institution' });
      expect(res.statusCode, res.body).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
  });

  it('answers 202 with a pending id when not waiting, and the id turns into a receipt', async () => {
    // Registered as author before: `again` asks for a new registration.
    const res = await register(owner, privateWork.workId, { wait: false, again: true });
    expect([201, 202]).toContain(res.statusCode);
    expect((res.json() as { existing?: boolean }).existing).toBeUndefined();
    const { registrationId } = res.json() as { registrationId: string };
    privateRegistration = registrationId;
    await ctx.app.registry.sequencePending();
    const status = await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${registrationId}`, headers: owner.headers });
    expect(status.statusCode).toBe(200);
    const body = status.json() as RegistrationStatus;
    expect(body.status).toBe('sequenced');
  });

  it('shows a public work’s receipt to anyone, as JSON and as a download', async () => {
    for (const headers of [{}, licensee.headers, otherCreator.headers]) {
      const status = await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${publicRegistration}`, headers });
      expect(status.statusCode).toBe(200);
      const file = await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${publicRegistration}/receipt.json`, headers });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-disposition']).toContain(`wenyuan-receipt-${publicRegistration}.json`);
      const result = await verifyReceipt(file.rawPayload, { crypto: nodeCrypto, pinnedLogKey: pinnedKey, fileSha256: publicWork.sha256 });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
  });

  it('hides a private work’s receipt from anonymous visitors (401) and other users (404), not from the owner or staff', async () => {
    for (const suffix of ['', '/receipt.json']) {
      const url = `/api/registry/registrations/${privateRegistration}${suffix}`;
      for (const [who, headers, code] of [['anonymous', {}, 401], ['other creator', otherCreator.headers, 404], ['licensee', licensee.headers, 404]] as const) {
        const res = await ctx.server.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${who} ${url}: ${res.body}`).toBe(code);
        expect(res.body).not.toContain(privateWork.sha256);
      }
      for (const [who, headers] of [['owner', owner.headers], ['reviewer', reviewer.headers], ['curator', curator.headers], ['admin', admin.headers]] as const) {
        const res = await ctx.server.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${who} ${url}: ${res.body}`).toBe(200);
        expect(res.body).toContain(privateWork.sha256);
      }
    }
    const unknown = await ctx.server.inject({ method: 'GET', url: '/api/registry/registrations/no-such-registration', headers: admin.headers });
    expect(unknown.statusCode).toBe(404);
    const unknownFile = await ctx.server.inject({ method: 'GET', url: '/api/registry/registrations/no-such-registration/receipt.json', headers: admin.headers });
    expect(unknownFile.statusCode).toBe(404);
  });

  it('lists a work’s registrations, newest first, to those who may read the work', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/registrations` });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: { registrationId: string; index: number; sequencedAt: string }[] };
    // Author, right holder and institution: the owner's repeated author request made no second entry.
    expect(items.length).toBe(3);
    expect(items.map((i) => i.index)).toEqual([...items.map((i) => i.index)].sort((a, b) => b - a));
    expect(items.map((i) => i.registrationId)).toContain(publicRegistration);

    for (const headers of [{}, otherCreator.headers, licensee.headers]) {
      const hidden = await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork.workId}/registrations`, headers });
      expect(hidden.statusCode).toBe(404);
    }
    for (const headers of [owner.headers, reviewer.headers]) {
      const shown = await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork.workId}/registrations`, headers });
      expect(shown.statusCode).toBe(200);
      expect((shown.json() as { items: { registrationId: string }[] }).items.map((i) => i.registrationId)).toContain(privateRegistration);
    }
    const unknown = await ctx.server.inject({ method: 'GET', url: '/api/works/no-such-work/registrations' });
    expect(unknown.statusCode).toBe(404);
    const bare = await ctx.server.inject({ method: 'GET', url: `/api/works/${bareWorkId}/registrations` });
    expect(bare.statusCode).toBe(200);
    expect((bare.json() as { items: unknown[] }).items).toEqual([]);
  });

  it('leaves a log that audits clean', async () => {
    const audit = await inspectLog(ctx.app);
    expect(audit.pendingIds).toEqual([]);
    expect(audit.entries).toBe(6);
  });
});

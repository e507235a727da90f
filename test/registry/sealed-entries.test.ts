import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog } from '../../src/registry/audit.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { webCryptoProvider } from '../../src/registry/crypto-web.js';
import { decodeEntry } from '../../src/registry/entry.js';
import type { Receipt, RegistrationStatus } from '../../src/registry/registry.service.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { makeUser, multipart, photoBytes, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { sha256Hex } from './registry-helpers.js';

// Fingerprinting the uploads runs sharp, PDQ and ISCC in the worker: slower than most tests on two cores.
vi.setConfig({ testTimeout: 60_000 });

/**
 * Registering a work that is not public (issue 10, item 6): its entry commits to its hashes with a
 * salt instead of naming them, so the public log lets nobody holding a copy confirm the work; the
 * receipt holds the salt, so `wenyuan verify --file` and the browser verifier still prove the file;
 * receipts of private works and documents need a reader who may see them; publishing the work
 * reveals the opening to its readers.
 */
describe.each(await testDialects())('sealed entries of private works (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  let admin: TestUser;
  let logKey: string;
  let tmp: string;
  const files = new Map<string, Buffer>();
  let privateWork: { workId: string; sha256: string };
  let publicWork: { workId: string; sha256: string };
  let privateReceipt: Receipt;
  let fingerprint: { pdq: string; iscc: string };

  async function upload(seed: number, visibility: 'public' | 'private'): Promise<{ workId: string; sha256: string }> {
    const data = await photoBytes(seed, 320, 240);
    const body = multipart([{ name: 'visibility', value: visibility }, { name: 'file', filename: `photo-${seed}.png`, contentType: 'image/png', data }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
    files.set(item.sha256, data);
    return item;
  }

  async function register(workId: string): Promise<Receipt> {
    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/registrations`, headers: owner.headers, payload: { wait: false } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await ctx.app.registry.sequencePending();
    const body: RegistrationStatus = await ctx.app.registry.status((res.json() as { registrationId: string }).registrationId);
    if (body.status !== 'sequenced') throw new Error(`not sequenced: ${res.body}`);
    return body.receipt;
  }

  const get = (url: string, headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url, headers });
  const writeTmp = (name: string, data: string | Buffer) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, data);
    return file;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    [owner, other, admin] = await Promise.all([makeUser(ctx, 'creator', 'sealer'), makeUser(ctx, 'creator', 'stranger'), makeUser(ctx, 'admin', 'sealadmin')]);
    privateWork = await upload(61, 'private');
    publicWork = await upload(62, 'public');
    await ctx.app.worker.drain(); // fingerprints, so that the entries would carry PDQ and ISCC
    const fp = (await get(`/api/works/${privateWork.workId}/fingerprint`, owner.headers)).json() as { status: string; pdq: string; iscc: { iscc: string } };
    expect(fp.status).toBe('ok');
    fingerprint = { pdq: fp.pdq, iscc: fp.iscc.iscc.replace('ISCC:', '') };
    privateReceipt = await register(privateWork.workId);
    await register(publicWork.workId);
    logKey = await ctx.app.registry.log.verifierKey();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-sealed-'));
  });

  afterAll(async () => {
    await ctx?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('publishes no sha256, PDQ or ISCC of a private work in the log’s tiles and entry bundles', async () => {
    const size = Number((await get('/api/registry/checkpoint')).body.split('\n')[1]);
    expect(size).toBe(2);
    const published: Buffer[] = [];
    for (const tile of [`tile/entries/000.p/${size}`, `tile/0/000.p/${size}`]) {
      const res = await get(`/api/registry/${tile}`);
      expect(res.statusCode, tile).toBe(200);
      published.push(res.rawPayload);
    }
    const bytes = Buffer.concat(published);
    const secrets = {
      'sha256 hex': Buffer.from(privateWork.sha256),
      'sha256 bytes': Buffer.from(privateWork.sha256, 'hex'),
      'PDQ hex': Buffer.from(fingerprint.pdq),
      'PDQ bytes': Buffer.from(fingerprint.pdq, 'hex'),
      ISCC: Buffer.from(fingerprint.iscc),
    };
    for (const [name, secret] of Object.entries(secrets)) expect(bytes.includes(secret), name).toBe(false);
    // The search can find what is there: the public work's hash and fingerprint are in the same bundle.
    expect(bytes.includes(Buffer.from(publicWork.sha256))).toBe(true);
    expect(bytes.toString('utf8')).toMatch(/fingerprint pdq:[0-9a-f]{64}/);
    // The private entry is sealed, and the receipt opens it to the same values.
    const entry = decodeEntry(new TextEncoder().encode(privateReceipt.entry));
    expect(entry).toMatchObject({ version: 2, registrationId: privateReceipt.registrationId, workId: privateWork.workId, contentSha256: null, fingerprints: [] });
    expect(entry.sealed?.content).toMatch(/^[0-9a-f]{64}$/);
    expect(privateReceipt.opening).toMatchObject({ contentSha256: privateWork.sha256, termsSha256: null, fingerprints: [`pdq:${fingerprint.pdq}`, `iscc:${fingerprint.iscc}`] });
  });

  it('still proves the file with `wenyuan verify --file` and in the browser verifier, and refuses another file', async () => {
    const receiptFile = writeTmp('private.receipt.json', JSON.stringify(privateReceipt, null, 2));
    const right = writeTmp('right.png', files.get(privateWork.sha256)!);
    const wrong = writeTmp('wrong.png', files.get(publicWork.sha256)!);
    const ok = await runCli(['verify', receiptFile, '--file', right, '--log-key', logKey]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/ok\s+opening/);
    expect(ok.stdout).toMatch(/ok\s+file\s+.*commitment/);
    const refused = await runCli(['verify', receiptFile, '--file', wrong, '--log-key', logKey]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/FAIL\s+file/);
    expect(refused.stdout).toContain('receipt NOT verified');

    // The browser's WebCrypto path computes the same commitment.
    const inBrowser = (fileSha256: string) => verifyReceipt(JSON.stringify(privateReceipt), { crypto: webCryptoProvider, pinnedLogKey: logKey, fileSha256 });
    const good = await inBrowser(privateWork.sha256);
    expect(good.checks.filter((c) => !c.ok)).toEqual([]);
    expect(good).toMatchObject({ ok: true, contentSha256: privateWork.sha256, unsigned: [] });
    expect((await inBrowser(publicWork.sha256)).checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['file']);
  });

  it('fails a receipt whose opening was altered or removed when it must prove a file', async () => {
    const verify = (receipt: unknown) => verifyReceipt(JSON.stringify(receipt), { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256: publicWork.sha256 });
    const opening = privateReceipt.opening!;
    // Claiming another file under the same salt does not open the commitment.
    const claimed = await verify({ ...privateReceipt, opening: { ...opening, contentSha256: publicWork.sha256 } });
    expect(claimed.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['opening', 'file']);
    expect(claimed.contentSha256).toBeNull();
    const { opening: _removed, ...bare } = privateReceipt;
    const withoutOpening = await verifyReceipt(JSON.stringify(bare), { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256: privateWork.sha256 });
    expect(withoutOpening.ok).toBe(false);
    expect(withoutOpening.checks.find((c) => c.name === 'file')?.detail).toMatch(/no \(valid\) salt/);
    // Without a file to prove, the entry's inclusion still verifies.
    expect((await verifyReceipt(JSON.stringify(bare), { crypto: nodeCrypto, pinnedLogKey: logKey })).ok).toBe(true);
  });

  it('asks anonymous readers to sign in for a private work’s receipt, and hides it from other users', async () => {
    for (const suffix of ['', '/receipt.json']) {
      const url = `/api/registry/registrations/${privateReceipt.registrationId}${suffix}`;
      const anonymous = await get(url);
      expect(anonymous.statusCode, anonymous.body).toBe(401);
      expect(anonymous.body).not.toContain(privateWork.sha256);
      const stranger = await get(url, other.headers);
      expect(stranger.statusCode).toBe(404);
      for (const who of [owner, admin]) {
        const res = await get(url, who.headers);
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(privateWork.sha256);
      }
    }
    // Access follows the work the entry signs, so a row pointed at a public work exposes nothing.
    const db = ctx.app.database.db;
    await db.updateTable('registry_entries').set({ work_id: publicWork.workId }).where('registration_id', '=', privateReceipt.registrationId).execute();
    try {
      const pointed = await get(`/api/registry/registrations/${privateReceipt.registrationId}/receipt.json`);
      expect(pointed.statusCode).toBe(401);
      expect(pointed.body).not.toContain(privateWork.sha256);
    } finally {
      await db.updateTable('registry_entries').set({ work_id: privateWork.workId }).where('registration_id', '=', privateReceipt.registrationId).execute();
    }
  });

  it('seals documents (evidence) too, and shows their receipts to their registrant and staff only', async () => {
    const actor = { kind: 'user' as const, id: owner.id, username: owner.username, role: 'creator' as const };
    const bundleSha256 = sha256Hex(`evidence bundle ${dialect}`);
    const pending = await ctx.app.registry.registerDocument(actor, bundleSha256);
    await ctx.app.registry.sequencePending();
    const registration = await ctx.app.registry.status(pending.registrationId);
    if (registration.status !== 'sequenced') throw new Error('not sequenced');
    expect(registration.receipt.entry).not.toContain(bundleSha256);
    expect(decodeEntry(new TextEncoder().encode(registration.receipt.entry))).toMatchObject({ workId: null, registrationId: registration.registrationId });
    const url = `/api/registry/registrations/${registration.registrationId}/receipt.json`;
    expect((await get(url)).statusCode).toBe(401);
    expect((await get(url, other.headers)).statusCode).toBe(404);
    for (const who of [owner, admin]) {
      const res = await get(url, who.headers);
      expect(res.statusCode).toBe(200);
      const result = await verifyReceipt(res.rawPayload, { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256: bundleSha256 });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
  });

  it('reveals the opening to everyone once the work is public, and seals it again from anonymous readers when it is private again', async () => {
    const url = `/api/registry/registrations/${privateReceipt.registrationId}/receipt.json`;
    const patch = async (visibility: 'public' | 'private') => {
      const { version } = (await get(`/api/works/${privateWork.workId}`, owner.headers)).json() as { version: number };
      return ctx.server.inject({ method: 'PATCH', url: `/api/works/${privateWork.workId}`, headers: owner.headers, payload: { expectedVersion: version, visibility } });
    };
    expect((await patch('public')).statusCode).toBe(200);
    const revealed = await get(url);
    expect(revealed.statusCode).toBe(200);
    const receipt = revealed.json() as Receipt;
    expect(receipt.opening?.contentSha256).toBe(privateWork.sha256);
    expect((await verifyReceipt(revealed.rawPayload, { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256: privateWork.sha256 })).ok).toBe(true);
    // The log itself never changes: the entry stays sealed.
    expect(receipt.entry).toBe(privateReceipt.entry);
    expect((await patch('private')).statusCode).toBe(200);
    expect((await get(url)).statusCode).toBe(401);
  });

  it('audits clean, and reports a sealed entry whose opening is gone or altered', async () => {
    const key = await ctx.app.registry.log.verifierKey();
    const clean = await auditLog(ctx.app.registryRepository, key);
    expect(clean.problems).toEqual([]);
    const db = ctx.app.database.db;
    await db.updateTable('registry_openings').set({ content_sha256: publicWork.sha256 }).where('registration_id', '=', privateReceipt.registrationId).execute();
    expect((await auditLog(ctx.app.registryRepository, key)).problems.map((p) => p.kind)).toEqual(['opening-mismatch']);
    await db.deleteFrom('registry_openings').where('registration_id', '=', privateReceipt.registrationId).execute();
    const report = await auditLog(ctx.app.registryRepository, key);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(['opening-missing']);
  });
});

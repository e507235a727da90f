import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeEntry } from '../../src/registry/entry.js';
import type { RegistrationStatus } from '../../src/registry/registry.service.js';
import type { ScanResult } from '../../src/protect/scan.service.js';
import { makeUser, multipart, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';


// Scans hash each suspect ~100 ways and read its watermark (1–2 s for an unmarked image): slower
// than most tests, and slower still when both database runs share the two cores.
vi.setConfig({ testTimeout: 120_000 });

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');
const haveImages = fs.existsSync(KODAK);

/**
 * Rights protection end to end over HTTP: fingerprints made by the ingest job and written into
 * registry entries, scans that find transformed copies (and never a private work the scanner may
 * not read), watermarked copies that name their recipient, and evidence reports whose receipt
 * verifies offline.
 */
describe.skipIf(!haveImages).each(await testDialects())('scans, watermarked copies and evidence (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  let licensee: TestUser;
  let admin: TestUser;
  let publicWork: { workId: string; sha256: string };
  let privateWork: { workId: string; sha256: string };
  let tmp: string;

  async function upload(who: TestUser, file: string, visibility: 'public' | 'private') {
    const body = multipart([{ name: 'visibility', value: visibility }, { name: 'file', filename: path.basename(file), contentType: 'image/png', data: fs.readFileSync(file) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...who.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
    return { workId: item.workId, sha256: item.sha256 };
  }

  async function scan(who: TestUser, files: { name: string; data: Buffer }[]): Promise<ScanResult[]> {
    const body = multipart(files.map((f) => ({ name: 'file', filename: f.name, contentType: 'application/octet-stream', data: f.data })));
    const res = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...who.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: ScanResult[] }).items;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    other = await makeUser(ctx, 'creator', 'other');
    licensee = await makeUser(ctx, 'licensee', 'licensee');
    admin = await makeUser(ctx, 'admin', 'admin');
    publicWork = await upload(owner, path.join(KODAK, 'kodim05.png'), 'public');
    privateWork = await upload(other, path.join(KODAK, 'kodim23.png'), 'private');
    await ctx.app.worker.drain();
    // Registered up front, so every scan of it can link a receipt whatever tests run.
    const registered = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/registrations`, headers: owner.headers, payload: { wait: false } });
    expect(registered.statusCode, registered.body).toBe(202);
    await ctx.app.registry.sequencePending();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-protect-test-'));
  });

  afterAll(async () => {
    await ctx?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fingerprints every ingested image in the background and shows it on the work', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/fingerprint` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { status: string; pdq: string; quality: number; iscc: Record<string, string> };
    expect(body.status).toBe('ok');
    expect(body.pdq).toMatch(/^[0-9a-f]{64}$/);
    expect(body.quality).toBeGreaterThanOrEqual(50);
    expect(body.iscc.iscc).toMatch(/^ISCC:[A-Z2-7]+$/);
    // A private work's fingerprint is as hidden as the work.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork.workId}/fingerprint`, headers: owner.headers })).statusCode).toBe(404);
  });

  it('writes the fingerprint into the registry entry', async () => {
    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/registrations`, headers: owner.headers, payload: { wait: false, again: true } });
    expect(res.statusCode, res.body).toBe(202);
    await ctx.app.registry.sequencePending();
    const status = (await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${(res.json() as { registrationId: string }).registrationId}` })).json() as RegistrationStatus;
    expect(status.status).toBe('sequenced');
    if (status.status !== 'sequenced') return;
    const entry = decodeEntry(new TextEncoder().encode(status.receipt.entry));
    const fingerprint = (await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/fingerprint` })).json() as { pdq: string; iscc: { iscc: string } };
    expect(entry.fingerprints).toEqual([`pdq:${fingerprint.pdq}`, `iscc:${fingerprint.iscc.iscc.replace('ISCC:', '')}`]);
  });

  it('finds resized, re-compressed, cropped, mirrored, turned, tilted, captioned and framed copies and says how they changed', async () => {
    const original = fs.readFileSync(path.join(KODAK, 'kodim05.png'));
    const { width, height } = await sharp(original).metadata();
    const copies = [
      { name: 'small.jpg', data: await sharp(original).resize(Math.round(width! / 2)).jpeg({ quality: 50 }).toBuffer(), expect: /downscaled to about 50%/ },
      { name: 'cropped.jpg', data: await sharp(original).extract({ left: Math.round(width! * 0.1), top: Math.round(height! * 0.1), width: Math.round(width! * 0.8), height: Math.round(height! * 0.8) }).jpeg().toBuffer(), expect: /cropped, about 10% from each side/ },
      { name: 'mirror.png', data: await sharp(original).flop().png().toBuffer(), expect: /mirrored left to right/ },
      { name: 'turned.webp', data: await sharp(original).rotate(90).webp().toBuffer(), expect: /rotated 90° clockwise/ },
      { name: 'tilted.jpg', data: await sharp(original).rotate(3, { background: '#000000' }).resize(width, height, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer(), expect: /tilted by about 3°/ },
      {
        name: 'captioned.jpg',
        data: await sharp(original)
          .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="${height * 0.38}" width="${width}" height="${height * 0.16}" fill="#000000" fill-opacity="0.6"/><text x="50%" y="${height * 0.5}" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${height / 8}" fill="#ffffff">REPOSTED 转载</text></svg>`) }])
          .jpeg({ quality: 80 })
          .toBuffer(),
        expect: /partly covered/,
      },
      { name: 'screenshot.png', data: await sharp(original).extend({ top: 60, bottom: 25, left: 40, right: 40, background: '#f0f0f0' }).png().toBuffer(), expect: /framed with a plain border/ },
    ];
    const results = await scan(owner, copies);
    for (const [i, result] of results.entries()) {
      expect(result.status, result.name).toBe('matched');
      expect(result.matches[0]!.workId).toBe(publicWork.workId);
      if (result.name === 'captioned.jpg') {
        // Past the PDQ radius, confirmed block by block.
        expect(result.matches[0]!.distance).toBeGreaterThan(31);
        expect(result.matches[0]!.blockAgreement).toBeGreaterThanOrEqual(0.5);
      } else {
        expect(result.matches[0]!.distance).toBeLessThanOrEqual(31);
        expect(result.matches[0]!.blockAgreement).toBeNull();
      }
      expect(result.matches[0]!.transforms.join('; '), result.name).toMatch(copies[i]!.expect);
      expect(result.matches[0]!.receipts.length).toBeGreaterThan(0);
      // Receipt links leave the site (CLI output, evidence bundles): absolute, under the public URL.
      expect(result.matches[0]!.receipts[0]!.url).toBe(`${TEST_PUBLIC_URL}/api/registry/registrations/${result.matches[0]!.receipts[0]!.registrationId}/receipt.json`);
    }
  });

  it('never reveals a private work to a scanner who may not read it', async () => {
    const copy = await sharp(path.join(KODAK, 'kodim23.png')).resize(384).jpeg({ quality: 70 }).toBuffer();
    const [asOwner] = await scan(owner, [{ name: 'copy.jpg', data: copy }]);
    expect(asOwner!.status).toBe('no_match');
    expect(JSON.stringify(asOwner)).not.toContain(privateWork.workId);
    const [asItsOwner] = await scan(other, [{ name: 'copy.jpg', data: copy }]);
    expect(asItsOwner!.matches.map((m) => m.workId)).toEqual([privateWork.workId]);
    const [asAdmin] = await scan(admin, [{ name: 'copy.jpg', data: copy }]);
    expect(asAdmin!.matches.map((m) => m.workId)).toEqual([privateWork.workId]);
  });

  it('reports unreadable, flat and unrelated files one by one without failing the batch', async () => {
    const truncated = fs.readFileSync(path.join(KODAK, 'kodim07.png')).subarray(0, 4000);
    const flat = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } }).png().toBuffer();
    const unrelated = fs.readFileSync(path.join(KODAK, 'kodim14.png'));
    const results = await scan(owner, [{ name: 'broken.png', data: truncated }, { name: 'flat.png', data: flat }, { name: 'unrelated.png', data: unrelated }, { name: 'notes.txt', data: Buffer.from('not an image') }]);
    expect(results.map((r) => r.status)).toEqual(['error', 'unmatchable', 'no_match', 'error']);
    expect(results[0]!.error).toMatch(/corrupt|truncated/);
    expect(results[1]!.warnings.join(' ')).toMatch(/too flat/);
    expect((results[1] as unknown as { notices: { key: string; params: Record<string, number> }[] }).notices).toContainEqual(expect.objectContaining({ key: 'notice.too_flat', params: { quality: expect.any(Number), minimum: 50 } }));
  });

  it('refuses scans by roles that hold no rights', async () => {
    const body = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', data: fs.readFileSync(path.join(KODAK, 'kodim05.png')) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...licensee.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode).toBe(403);
  });

  it('a watermarked copy names its recipient to the work’s owner, and only to them', async () => {
    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/watermarked-copies`, headers: licensee.headers, payload: { reference: 'order 42' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const serial = Number(res.headers['x-wenyuan-copy-serial']);
    expect(serial).toBeGreaterThan(0);
    const leaked = await sharp(res.rawPayload).jpeg({ quality: 75 }).toBuffer();
    const [asOwner] = await scan(owner, [{ name: 'leak.jpg', data: leaked }]);
    expect(asOwner!.matches[0]!.workId).toBe(publicWork.workId);
    expect(asOwner!.watermark?.payload).toBe(serial.toString(16).padStart(12, '0'));
    expect(asOwner!.watermark?.copy).toMatchObject({ serial, workId: publicWork.workId, recipientId: licensee.id, purpose: 'download', reference: 'order 42' });
    expect(asOwner!.watermark?.copy?.recipient).toContain(licensee.username);
    // Another right holder learns that the archive marked it, not which copy (the payload is its serial) nor who received it.
    const [asOther] = await scan(other, [{ name: 'leak.jpg', data: leaked }]);
    expect(asOther!.watermark).toMatchObject({ payload: null, copy: null, hidden: true });
    // The original carries no watermark.
    const [unmarked] = await scan(owner, [{ name: 'original.png', data: fs.readFileSync(path.join(KODAK, 'kodim05.png')) }]);
    expect(unmarked!.watermark?.payload).toBeNull();
  });

  it('a licensed copy names its licensee and licence to the work’s managers, who can list every copy', async () => {
    // Only those who manage the work may license it; the licensee needs no account.
    const refused = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/licensed-copies`, headers: other.headers, payload: { licensee: 'Someone' } });
    expect(refused.statusCode).toBe(403);
    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/licensed-copies`, headers: owner.headers, payload: { licensee: '敦煌游戏工作室 Dunhuang Games', reference: 'L-2026-007' } });
    expect(res.statusCode, res.body).toBe(200);
    const serial = Number(res.headers['x-wenyuan-copy-serial']);
    // The studio puts the texture in a game: resized to half and re-compressed.
    const meta = await sharp(res.rawPayload).metadata();
    const leaked = await sharp(res.rawPayload).resize(Math.round(meta.width / 2)).jpeg({ quality: 70 }).toBuffer();
    const [found] = await scan(owner, [{ name: 'game-texture.jpg', data: leaked }]);
    expect(found!.watermark?.copy).toMatchObject({ serial, workId: publicWork.workId, purpose: 'licence', recipient: '敦煌游戏工作室 Dunhuang Games', reference: 'L-2026-007', recipientId: null });
    const list = await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/watermarked-copies`, headers: owner.headers });
    expect(list.statusCode).toBe(200);
    const copies = (list.json() as { copies: { serial: number; purpose: string; recipient: string | null }[] }).copies;
    expect(copies[0]).toMatchObject({ serial, purpose: 'licence', recipient: '敦煌游戏工作室 Dunhuang Games' });
    // Downloads issued earlier are listed with the account that received them.
    expect(copies.some((c) => c.purpose === 'download' && c.recipient?.includes(licensee.username))).toBe(true);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/watermarked-copies`, headers: other.headers })).statusCode).toBe(403);
    // A private work someone cannot read does not exist for them: 404, not 403.
    const licensePrivate = await ctx.server.inject({ method: 'POST', url: `/api/works/${privateWork.workId}/licensed-copies`, headers: owner.headers, payload: { licensee: 'Someone' } });
    expect(licensePrivate.statusCode).toBe(404);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork.workId}/watermarked-copies`, headers: owner.headers })).statusCode).toBe(404);
  });

  it('refuses to mark a work whose image already carries this archive’s mark, and records no copy', async () => {
    // Someone uploads a marked download as a new work; copies of it would carry two cancelling marks.
    const download = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.workId}/watermarked-copies`, headers: owner.headers, payload: {} });
    expect(download.statusCode).toBe(200);
    const body = multipart([{ name: 'visibility', value: 'private' }, { name: 'file', filename: 'reupload.jpg', contentType: 'image/jpeg', data: download.rawPayload }]);
    const up = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(up.statusCode, up.body).toBe(200);
    const reuploaded = (up.json() as { items: { workId: string }[] }).items[0]!.workId;
    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${reuploaded}/licensed-copies`, headers: owner.headers, payload: { licensee: 'Studio' } });
    expect(res.statusCode, res.body).toBe(409);
    expect((res.json() as { error: { message: string } }).error.message).toContain('already carries a watermark');
    const list = await ctx.server.inject({ method: 'GET', url: `/api/works/${reuploaded}/watermarked-copies`, headers: owner.headers });
    expect((list.json() as { copies: unknown[] }).copies).toEqual([]);
  });

  it('public display copies carry a watermark that names their work', async () => {
    const display = await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork.workId}/files/${publicWork.sha256}/display` });
    expect(display.statusCode).toBe(200);
    const screenshot = await sharp(display.rawPayload).extend({ top: 30, bottom: 30, left: 20, right: 20, background: '#ffffff' }).png().toBuffer();
    const [found] = await scan(owner, [{ name: 'screenshot.png', data: screenshot }]);
    expect(found!.watermark?.copy).toMatchObject({ workId: publicWork.workId, purpose: 'public', recipientId: null });
  });

  it('saves a scan as an evidence report whose receipt verifies offline against its bundle', async () => {
    const copy = await sharp(path.join(KODAK, 'kodim05.png')).resize(500).jpeg({ quality: 60 }).toBuffer();
    const body = multipart([{ name: 'file', filename: 'found-online.jpg', contentType: 'image/jpeg', data: copy }]);
    ctx.app.sequencer.start();
    const res = await ctx.server.inject({ method: 'POST', url: '/api/evidence', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json() as { id: string; bundleSha256: string; registration: RegistrationStatus; bundle: { matches: { workId: string; receipts: unknown[] }[]; suspect: { sha256: string } } };
    expect(view.bundle.matches[0]!.workId).toBe(publicWork.workId);
    expect(view.bundle.matches[0]!.receipts.length).toBeGreaterThan(0);
    expect(view.registration.status).toBe('sequenced');

    const bundle = await ctx.server.inject({ method: 'GET', url: `/api/evidence/${view.id}/bundle.json`, headers: owner.headers });
    const receipt = await ctx.server.inject({ method: 'GET', url: `/api/evidence/${view.id}/receipt.json`, headers: owner.headers });
    expect(receipt.statusCode, receipt.body).toBe(200);
    const bundleFile = path.join(tmp, 'bundle.json');
    const receiptFile = path.join(tmp, 'receipt.json');
    fs.writeFileSync(bundleFile, bundle.rawPayload);
    fs.writeFileSync(receiptFile, receipt.rawPayload);
    const logKey = (await ctx.server.inject({ method: 'GET', url: '/api/registry/key' })).body.trim();
    const ok = await runCli(['verify', receiptFile, '--file', bundleFile, '--log-key', logKey]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    // A report edited afterwards no longer matches its registered hash.
    fs.writeFileSync(bundleFile, bundle.body.replace('found-online.jpg', 'found-later.jpg'));
    const tampered = await runCli(['verify', receiptFile, '--file', bundleFile, '--log-key', logKey]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/FAIL/);

    // The suspect image is kept, and the report is private to its author and to staff.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/evidence/${view.id}/suspect`, headers: owner.headers })).rawPayload.equals(copy)).toBe(true);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/evidence/${view.id}`, headers: other.headers })).statusCode).toBe(404);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/evidence/${view.id}`, headers: admin.headers })).statusCode).toBe(200);
    const list = (await ctx.server.inject({ method: 'GET', url: '/api/evidence', headers: other.headers })).json() as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('a fingerprint committed after the index was loaded is found by the next scan', async () => {
    await scan(owner, [{ name: 'warm.png', data: fs.readFileSync(path.join(KODAK, 'kodim05.png')) }]); // index loaded
    const fresh = await upload(owner, path.join(KODAK, 'kodim19.png'), 'public');
    await ctx.app.worker.drain();
    const [result] = await scan(owner, [{ name: 'copy.jpg', data: await sharp(path.join(KODAK, 'kodim19.png')).jpeg({ quality: 80 }).toBuffer() }]);
    expect(result!.matches.map((m) => m.workId)).toEqual([fresh.workId]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ScanResult } from '../../src/protect/scan.service.js';
import { makeUser, multipart, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

// Each scan reads a watermark (1–2 s); two database runs share two cores.
vi.setConfig({ testTimeout: 120_000 });

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');

/**
 * A scan names the watermarked copy it finds only to those who may see that copy: staff and the
 * work's managers (every copy), its recipient or issuer (their own), and readers of the work (its
 * public display copy). Anyone else learns that the mark is this archive's — no serial (the
 * payload is the serial), no recipient — so a scan cannot tell who leaked another person's copy.
 */
describe.skipIf(!fs.existsSync(KODAK)).each(await testDialects())('who a scan shows a watermarked copy to (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser; // creator of the public work
  let stranger: TestUser; // another creator (may scan, manages neither work)
  let buyer: TestUser; // a creator who downloads a copy of the public work
  let admin: TestUser;
  let publicWork: string;
  let privateWork: { workId: string; sha256: string };

  async function upload(who: TestUser, file: string, visibility: 'public' | 'private') {
    const body = multipart([{ name: 'visibility', value: visibility }, { name: 'file', filename: path.basename(file), contentType: 'image/png', data: fs.readFileSync(path.join(KODAK, file)) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...who.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
  }
  async function scan(who: TestUser, data: Buffer): Promise<{ result: ScanResult; raw: string }> {
    const body = multipart([{ name: 'file', filename: 'found.jpg', contentType: 'image/jpeg', data }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...who.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    return { result: (res.json() as { items: ScanResult[] }).items[0]!, raw: res.body };
  }
  async function copyFor(who: TestUser, workId: string, licensee?: string): Promise<{ serial: number; leaked: Buffer }> {
    const url = licensee ? `/api/works/${workId}/licensed-copies` : `/api/works/${workId}/watermarked-copies`;
    const res = await ctx.server.inject({ method: 'POST', url, headers: who.headers, payload: licensee ? { licensee, reference: 'L-1' } : {} });
    expect(res.statusCode, res.body).toBe(200);
    return { serial: Number(res.headers['x-wenyuan-copy-serial']), leaked: await sharp(res.rawPayload).jpeg({ quality: 80 }).toBuffer() };
  }
  const hexOf = (serial: number) => serial.toString(16).padStart(12, '0');

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    stranger = await makeUser(ctx, 'creator', 'stranger');
    buyer = await makeUser(ctx, 'creator', 'buyer');
    admin = await makeUser(ctx, 'admin');
    publicWork = (await upload(owner, 'kodim05.png', 'public')).workId;
    privateWork = await upload(stranger, 'kodim23.png', 'private');
    await ctx.app.worker.drain();
  });
  afterAll(async () => ctx?.close());

  it('hides the serial and recipient of someone else’s copy (the old code sent the serial as the payload)', async () => {
    const { serial, leaked } = await copyFor(buyer, publicWork);
    const { result, raw } = await scan(stranger, leaked);
    expect(result.watermark).toMatchObject({ payload: null, copy: null, hidden: true });
    expect(result.watermark!.confidence).toBeGreaterThan(0);
    expect(raw).not.toContain(hexOf(serial));
    expect(raw).not.toContain(buyer.username);
    // The work itself may still match (it is public): that is the fingerprint, not the copy.
    expect(result.matches.map((m) => m.workId)).toContain(publicWork);

    // Its recipient sees their own copy…
    const mine = (await scan(buyer, leaked)).result.watermark;
    expect(mine).toMatchObject({ payload: hexOf(serial), hidden: false, copy: { serial, workId: publicWork, recipientId: buyer.id } });
    // …the work's owner and staff see every copy of it.
    expect((await scan(owner, leaked)).result.watermark?.copy).toMatchObject({ serial, recipientId: buyer.id });
    expect((await scan(admin, leaked)).result.watermark?.copy).toMatchObject({ serial, recipientId: buyer.id });
  });

  it('hides a licensed copy of a private work from everyone but its managers', async () => {
    const { serial, leaked } = await copyFor(stranger, privateWork.workId, 'Studio Qingming');
    const { result, raw } = await scan(owner, leaked);
    expect(result.watermark).toMatchObject({ payload: null, copy: null, hidden: true });
    expect(raw).not.toContain(hexOf(serial));
    expect(raw).not.toContain('Studio Qingming');
    expect(raw).not.toContain(privateWork.workId);
    expect((await scan(stranger, leaked)).result.watermark?.copy).toMatchObject({ serial, recipient: 'Studio Qingming', purpose: 'licence' });
  });

  it('shows a public display copy to readers of its work, and hides a private work’s display copy', async () => {
    const publicFile = (await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork}` })).json() as { files: { sha256: string }[] };
    const shown = await ctx.server.inject({ method: 'GET', url: `/api/works/${publicWork}/files/${publicFile.files[0]!.sha256}/display` });
    expect(shown.statusCode).toBe(200);
    expect((await scan(stranger, shown.rawPayload)).result.watermark?.copy).toMatchObject({ workId: publicWork, purpose: 'public' });

    const privateDisplay = await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork.workId}/files/${privateWork.sha256}/display`, headers: stranger.headers });
    expect(privateDisplay.statusCode).toBe(200);
    const { result } = await scan(owner, privateDisplay.rawPayload);
    expect(result.watermark).toMatchObject({ payload: null, copy: null, hidden: true });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDisplayImage, type DisplayPixels } from '../../src/media/image-probe.js';
import { makeUser, multipart, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');
const haveImages = fs.existsSync(path.join(KODAK, 'kodim05.png'));

// The public display copy is decoded once: the watermark works on the display job's own pixels
// instead of a JPEG encoded only to be decoded again (and re-encoded, a second lossy generation).
describe.skipIf(!haveImages)('display copies are decoded once and marked from those pixels', () => {
  const file = path.join(KODAK, 'kodim05.png');

  it('hands the marker the upright display-size pixels and stores what it returns', async () => {
    const seen: DisplayPixels[] = [];
    const marked = await makeDisplayImage(file, 50_000_000, async (pixels) => {
      seen.push(pixels);
      return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } }).negate().jpeg().toBuffer();
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ width: 768, height: 512, channels: 3 });
    expect(seen[0]!.data.equals(await sharp(file).toColourspace('srgb').raw().toBuffer())).toBe(true);
    expect(marked).toMatchObject({ name: 'display', mediaType: 'image/jpeg', width: 768, height: 512 });
    // What the marker returned is what is stored (here: a negative), not a re-encode of the input.
    const stats = await sharp(marked.data).stats();
    const source = await sharp(file).stats();
    expect(Math.abs(stats.channels[0]!.mean - (255 - source.channels[0]!.mean))).toBeLessThan(3);
  });

  it('encodes the pixels itself when the marker declines', async () => {
    const display = await makeDisplayImage(file, 50_000_000, async () => null);
    const meta = await sharp(display.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 768, height: 512 });
  });
});

describe.skipIf(!haveImages).each(await testDialects())('public display copies through the job queue (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('stores one marked display copy per image, recorded as the work’s public copy', async () => {
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'kodim05.png', contentType: 'image/png', data: fs.readFileSync(path.join(KODAK, 'kodim05.png')) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    const { workId, sha256 } = (res.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
    await ctx.app.worker.drain();
    const display = (await ctx.app.workRepository.derivativesOf([sha256])).find((d) => d.name === 'display');
    expect(display).toMatchObject({ media_type: 'image/jpeg', width: 768, height: 512 });
    const copies = (await ctx.app.fingerprintRepository.copiesOfWork(workId)).filter((c) => c.purpose === 'public');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.output_sha256).toBe(display!.sha256);
    // The stored copy carries that serial: a scan of it names the public copy of the work.
    const scanBody = multipart([{ name: 'file', filename: 'display.jpg', contentType: 'image/jpeg', data: await ctx.app.blobs.read(display!.sha256) }]);
    const scan = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...owner.headers, ...scanBody.headers }, payload: scanBody.payload });
    expect(scan.statusCode, scan.body).toBe(200);
    const item = (scan.json() as { items: { watermark: { copy: { serial: number; purpose: string; workId: string } | null } | null }[] }).items[0]!;
    expect(item.watermark?.copy).toMatchObject({ serial: Number(copies[0]!.serial), purpose: 'public', workId });
  });
});

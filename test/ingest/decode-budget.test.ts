/**
 * Issue 10, item 8: image decoding takes its memory from one budget per process. With a budget
 * smaller than any image, every decode (upload thumbnails, display copies and their public
 * watermark, fingerprints, scans) must run alone: the budget's counters show each path asked
 * for it and that none ran beside another, though uploads and jobs were started together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_JOB } from '../../src/archive/work.service.js';
import { decodeBudget } from '../../src/media/decode-budget.js';
import { FINGERPRINT_JOB } from '../../src/protect/fingerprint.service.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type TestUser } from '../routes/route-helpers.js';

describe.each(await testDialects())('the decode budget (%s)', (dialect) => {
  let ctx: TestContext;
  let creator: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { decodeBudgetMb: 1, workerConcurrency: 4 });
    creator = await makeUser(ctx, 'creator', 'decoder');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const upload = async (seed: number) => {
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: `photo-${seed}.png`, contentType: 'image/png', data: await photoBytes(seed, 320, 240) }]);
    return ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...body.headers }, payload: body.payload });
  };

  it('takes its limit from WENYUAN_DECODE_BUDGET_MB', () => {
    expect(ctx.app.config.decodeBudgetMb).toBe(1);
    expect(decodeBudget.limit).toBe(1024 * 1024);
  });

  it('serialises the thumbnails of simultaneous uploads', async () => {
    decodeBudget.resetStats();
    const responses = await Promise.all([1, 2, 3, 4].map(upload));
    for (const res of responses) expect(res.statusCode, res.body).toBe(200);
    const stats = decodeBudget.stats();
    expect(stats.granted).toBeGreaterThanOrEqual(4);
    expect(stats.waited).toBeGreaterThanOrEqual(1); // they did arrive together
    expect(stats.peakRunning).toBe(1);
    expect(stats.alone).toBe(stats.granted);
  });

  it('serialises display copies (and their public watermark) and fingerprints run by concurrent workers', async () => {
    decodeBudget.resetStats();
    expect(await drainTogether(ctx, DISPLAY_JOB)).toBe(4);
    const display = decodeBudget.stats();
    expect(display.granted).toBeGreaterThanOrEqual(4); // each display copy (marked from the same decode)
    expect(display.waited).toBeGreaterThanOrEqual(1);
    expect(display.peakRunning).toBe(1);

    decodeBudget.resetStats();
    expect(await drainTogether(ctx, FINGERPRINT_JOB)).toBe(4);
    const fingerprints = decodeBudget.stats();
    expect(fingerprints.granted).toBeGreaterThanOrEqual(4);
    expect(fingerprints.waited).toBeGreaterThanOrEqual(1);
    expect(fingerprints.peakRunning).toBe(1);
    expect(decodeBudget.stats()).toMatchObject({ running: 0, waiting: 0, inUseBytes: 0 });
  });

  it('serialises the decodes of a scan with an upload made at the same time', async () => {
    decodeBudget.resetStats();
    const suspect = multipart([{ name: 'file', filename: 'suspect.png', contentType: 'image/png', data: await photoBytes(1, 320, 240) }]);
    const [scan, uploaded] = await Promise.all([
      ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...creator.headers, ...suspect.headers }, payload: suspect.payload }),
      upload(5),
    ]);
    expect(scan.statusCode, scan.body).toBe(200);
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const stats = decodeBudget.stats();
    expect(stats.granted).toBeGreaterThanOrEqual(3); // the scan's fingerprint and watermark reads, the upload's thumbnail
    expect(stats.peakRunning).toBe(1);
  });
});

/** Runs every due job of `kind` with four drains at once (as four worker slots would). */
async function drainTogether(ctx: TestContext, kind: string): Promise<number> {
  const counts = await Promise.all([1, 2, 3, 4].map(() => ctx.app.worker.drain([kind])));
  return counts.reduce((a, b) => a + b, 0);
}

import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const DAY = 24 * 3_600_000;

describe.each(await testDialects())('blob sweep (%s)', (dialect) => {
  let ctx: TestContext;
  let actor: Actor;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const user = await ctx.app.identity.createUser({ username: 'sweeper', password: 'sweeper password', role: 'curator' });
    actor = { kind: 'user', id: user.id, username: user.username, role: user.role };
  });
  afterAll(async () => ctx.close());

  const stored = async () => {
    const out: string[] = [];
    for await (const sha of ctx.app.blobs.list()) out.push(sha);
    return out.sort();
  };

  it('removes only old bytes that no work or derivative refers to', async () => {
    const good = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
    const imported = await ctx.app.ingest.ingest(actor, Readable.from([good]), 'good.png', {});
    const corrupt = Buffer.concat([good.subarray(0, 8), Buffer.from('not the rest of a PNG')]);
    await expect(ctx.app.ingest.ingest(actor, Readable.from([corrupt]), 'bad.png', {})).rejects.toThrow();
    // A refused file leaves nothing behind (it was only staged); what the sweep is for is bytes
    // stored by a process that died before its commit.
    expect(await stored()).toHaveLength(2);
    const orphan = Buffer.from('bytes of an ingest that crashed before its commit');
    await ctx.app.blobs.put(Readable.from([orphan]));
    const before = await stored();
    // good.png, its thumbnail, and the orphan.
    expect(before).toHaveLength(3);

    expect((await ctx.app.blobSweep.sweep()).removed).toBe(0); // everything is younger than a day

    const dry = await ctx.app.blobSweep.sweep({ dryRun: true, now: Date.now() + 2 * DAY });
    expect(dry).toMatchObject({ scanned: 3, unreferenced: 1, removed: 0, dryRun: true });
    expect(await stored()).toEqual(before);

    const real = await ctx.app.blobSweep.sweep({ now: Date.now() + 2 * DAY });
    expect(real).toMatchObject({ scanned: 3, unreferenced: 1, removed: 1 });
    expect(real.freedBytes).toBe(orphan.length);
    const after = await stored();
    expect(after).toHaveLength(2);
    expect(after).toContain(imported.sha256);
    const work = await ctx.server.inject({ method: 'GET', url: `/api/works/${imported.workId}`, headers: (await ctx.userWithRole('admin')).headers });
    const thumbnail = work.json().files[0].derivatives.thumbnail.url as string;
    expect((await ctx.server.inject({ method: 'GET', url: thumbnail, headers: (await ctx.userWithRole('admin')).headers })).statusCode).toBe(200);
  });
});

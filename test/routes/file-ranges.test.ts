import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, type TestUser } from './route-helpers.js';

/** Range requests on originals (players seek in audio and video; the S3 store reads only the asked bytes). */
describe.each(await testDialects())('GET /api/works/:id/files/:sha256 with Range (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let url: string;
  const data = randomBytes(50_000);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { en: 'Ranges' } } } });
    const workId = (created.json() as { id: string }).id;
    const body = multipart([{ name: 'file', filename: 'data.bin', contentType: 'application/octet-stream', data }]);
    const added = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/files`, headers: { ...curator.headers, ...body.headers }, payload: body.payload });
    url = `/api/works/${workId}/files/${(added.json() as { items: { sha256: string }[] }).items[0]!.sha256}`;
  });
  afterAll(async () => ctx?.close());

  const get = (range?: string) => ctx.server.inject({ method: 'GET', url, headers: { ...curator.headers, ...(range ? { range } : {}) } });

  it('answers 206 with exactly the asked bytes, open-ended and suffix ranges included', async () => {
    const part = await get('bytes=1000-1999');
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${data.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect(part.rawPayload).toEqual(data.subarray(1000, 2000));
    expect((await get('bytes=49990-')).rawPayload).toEqual(data.subarray(49_990));
    expect((await get('bytes=-10')).rawPayload).toEqual(data.subarray(-10));
  });

  it('answers 416 past the end, and the whole file (200, Accept-Ranges) without a usable range', async () => {
    const past = await get(`bytes=${data.length}-`);
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${data.length}`);
    for (const range of [undefined, 'bytes=0-1,5-6', 'lines=1-2']) {
      const whole = await get(range);
      expect(whole.statusCode).toBe(200);
      expect(whole.headers['accept-ranges']).toBe('bytes');
      expect(whole.rawPayload).toEqual(data);
    }
  });
});

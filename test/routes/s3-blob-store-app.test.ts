import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_TEST_CREDENTIALS, S3_TEST_URL, s3Available } from '../support/s3.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type TestUser } from './route-helpers.js';
import { newId } from '../../src/platform/ids.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const available = await s3Available();

/** The test server's URL with a fresh prefix, so this instance starts with an empty store. */
function freshStoreUrl(): string {
  const url = new URL(S3_TEST_URL);
  return `s3://${url.hostname}/${url.pathname.replace(/^\/+|\/+$/g, '')}${url.pathname.replace(/^\/+|\/+$/g, '') ? '/' : ''}app-${newId()}${url.search}`;
}

/** A whole instance on the S3 store: what reads files (thumbnails, display copies, IIIF, fingerprints, fixity) works against it. */
describe.skipIf(!available)('an instance on an S3 blob store', () => {
  let ctx: TestContext;
  let curator: TestUser;

  const add = async (workId: string, name: string, contentType: string, data: Buffer) => {
    const body = multipart([{ name: 'file', filename: name, contentType, data }]);
    const response = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/files`, headers: { ...curator.headers, ...body.headers }, payload: body.payload });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: { sha256: string }[] }).items[0]!.sha256;
  };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite', {
      blobStore: freshStoreUrl(), s3AccessKeyId: S3_TEST_CREDENTIALS.accessKeyId, s3SecretAccessKey: S3_TEST_CREDENTIALS.secretAccessKey, blobDirectDownloadSeconds: 60,
    });
    curator = await makeUser(ctx, 'curator');
  });
  afterAll(async () => ctx?.close());

  it('ingests an image, makes its derivatives and fingerprint in jobs, serves ranges, IIIF and a presigned download, and passes fixity', async () => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { en: 'On S3' } } } });
    const workId = (created.json() as { id: string }).id;
    const png = await photoBytes(7, 640, 480);
    const image = await add(workId, 'leaf.png', 'image/png', png);
    const tiff = randomBytes(20_000);
    const other = await add(workId, 'notes.bin', 'application/octet-stream', tiff);
    expect(image).toBe(sha(png));
    await ctx.app.worker.drain();

    const thumb = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${image}/thumbnail`, headers: curator.headers });
    expect(thumb.statusCode).toBe(200);
    const display = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${image}/display`, headers: curator.headers });
    expect(display.statusCode).toBe(200);
    expect(display.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await ctx.app.fingerprintRepository.find(image))?.status).toMatch(/ok|low_quality/);

    const whole = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${image}`, headers: curator.headers });
    expect(whole.statusCode).toBe(200);
    expect(sha(whole.rawPayload)).toBe(image);
    const part = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${image}`, headers: { ...curator.headers, range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${png.length}`);
    expect(part.rawPayload).toEqual(png.subarray(100, 200));

    const region = await ctx.server.inject({ method: 'GET', url: `/iiif/3/${workId}~${image.slice(0, 16)}/0,0,64,64/64,/0/default.jpg`, headers: curator.headers });
    expect(region.statusCode, region.body).toBe(200);

    const download = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${other}`, headers: curator.headers });
    expect(download.statusCode).toBe(302);
    const fetched = await fetch(download.headers.location!);
    expect(fetched.status).toBe(200);
    expect(sha(Buffer.from(await fetched.arrayBuffer()))).toBe(other);

    const fixity = await ctx.app.fixity.run('cli');
    expect(fixity.problems).toEqual([]);
    expect(fixity.checked).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('an instance whose S3 store is unreachable', () => {
  it('refuses an upload fast with blob_store_unavailable (to try again), and its jobs retry rather than die', async () => {
    const ctx = await createTestContext('sqlite', { blobStore: 's3://nowhere/?endpoint=http://127.0.0.1:9&region=us-east-1', s3AccessKeyId: 'x', s3SecretAccessKey: 'y', s3MaxAttempts: 2 });
    try {
      const curator = await makeUser(ctx, 'curator');
      const body = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', data: await photoBytes(3) }]);
      const started = Date.now();
      const response = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...curator.headers, ...body.headers }, payload: body.payload });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(response.statusCode, response.body).toBe(200);
      expect((response.json() as { items: unknown[] }).items[0]).toMatchObject({ status: 'failed', code: 'blob_store_unavailable', key: 'blob_store_unavailable.unreachable', params: { retryAfterSeconds: 30 } });
      // A job that needs the store meanwhile fails with a retryable error: queued again, not dead.
      await ctx.app.jobs.enqueue(ctx.app.database.db, 'media.display', { sha256: sha(Buffer.from('some image')) });
      await ctx.app.worker.drain();
      expect((await ctx.app.jobs.list({ status: 'dead', limit: 5, offset: 0 })).items).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

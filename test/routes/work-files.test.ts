import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type TestUser } from './route-helpers.js';

/**
 * Adding files to a work that was imported as a record: the main file is the first of its best kind,
 * so a stray document added first does not become what the work shows, registers and fingerprints.
 */
describe.each(await testDialects())('files added to a work (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;

  const add = async (workId: string, name: string, contentType: string, data: Buffer) => {
    const body = multipart([{ name: 'file', filename: name, contentType, data }]);
    const response = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/files`, headers: { ...curator.headers, ...body.headers }, payload: body.payload });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: { sha256: string }[] }).items[0]!.sha256;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('a document first, then images: the first image becomes the main file and the work an image', async () => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { 'zh-Hans': '達摩渡江圖' } } } });
    const workId = (created.json() as { id: string }).id;
    await add(workId, 'records.csv', 'text/csv', Buffer.from('id,title\n1,達摩渡江圖\n'));
    expect((await ctx.app.workRepository.findById(workId))!.work_type).toBe('other');
    const image = await add(workId, 'scroll.png', 'image/png', await photoBytes(31));
    await add(workId, 'detail.png', 'image/png', await photoBytes(32));
    const row = (await ctx.app.workRepository.findById(workId))!;
    expect(row.work_type).toBe('image');
    expect(row.primary_file_sha256).toBe(image);
  });

  it('the first version names only the fields the record was created with', async () => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { en: 'Untitled' }, medium: { en: 'ink' } } } });
    const workId = (created.json() as { id: string }).id;
    const versions = (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/versions`, headers: curator.headers })).json() as { items: { changedFields: string[] }[] };
    expect(versions.items[0]!.changedFields).toEqual(['medium', 'title']);
  });

  it('keeps the main image when more images are added', async () => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { en: 'Album' } } } });
    const workId = (created.json() as { id: string }).id;
    const first = await add(workId, 'leaf-1.png', 'image/png', await photoBytes(41));
    await add(workId, 'leaf-2.png', 'image/png', await photoBytes(42));
    expect((await ctx.app.workRepository.findById(workId))!.primary_file_sha256).toBe(first);
  });
});

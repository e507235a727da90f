import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, type TestUser } from './route-helpers.js';

/**
 * Errors reach the interface as a code, a message key and parameters, which the Chinese interface
 * says in Chinese instead of the server's English message: a missing work, a request body that
 * fails validation, metadata the service refuses, no sign-in, an unknown route, and one file of an
 * upload that fails on its own. (web/src/server-errors.test.ts says these very bodies in both
 * languages; test/platform/error-keys.test.ts checks every key against both catalogues.)
 */

type Params = Record<string, string | number>;
interface ErrorJson {
  error: { code: string; key: string; params: Params; message: string; details?: { field: string; code: string; key: string; params: Params }[] };
}

const catalogue = (lang: string) => JSON.parse(fs.readFileSync(new URL(`../../web/src/locales/${lang}/server-errors.json`, import.meta.url), 'utf8')) as Record<string, string>;
const zhMessages = catalogue('zh-Hans');

describe.each(await testDialects())('error bodies carry message keys (%s)', (dialect) => {
  let ctx: TestContext;
  let creator: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    creator = await makeUser(ctx, 'creator');
  });
  afterAll(() => ctx?.close());

  it('GET a missing work: 404 not_found.work with the id, said in Chinese', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: '/api/works/no-such-work' });
    expect(res.statusCode).toBe(404);
    const { error } = res.json() as ErrorJson;
    expect(error).toMatchObject({ code: 'not_found', key: 'not_found.work', params: { id: 'no-such-work' } });
    expect(error.message).toContain('no-such-work');
    expect(zhMessages[`serverError.${error.key}`]).toBe('找不到作品 {id}，或您无权查看。');
  });

  it('an invalid request body: 400 invalid_input.fields naming each field, with a validation key per field', async () => {
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title: { en: 'x' } }, visibility: 'secret' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as ErrorJson;
    expect(error).toMatchObject({ code: 'invalid_input', key: 'invalid_input.fields', params: { fields: 'visibility', count: 1 } });
    expect(error.details).toEqual([expect.objectContaining({ field: 'visibility', code: 'invalid_value', key: 'validation.invalid_value', params: { field: 'visibility', values: 'private, public' } })]);
    expect(zhMessages[`serverError.${error.details![0]!.key}`]).toBe('{field}：必须是以下之一：{values}。');
  });

  it('metadata the service refuses: the same shape, with the field paths of the metadata', async () => {
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title: { en: 'x' }, date: { earliest: 1368.5 } } } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as ErrorJson;
    expect(error).toMatchObject({ code: 'invalid_input', key: 'invalid_input.fields', params: { fields: 'date.earliest', count: 1 } });
    expect(error.details?.[0]).toMatchObject({ field: 'date.earliest', key: 'validation.invalid_type', params: { field: 'date.earliest', expected: 'int' } });
  });

  it('no sign-in, and an unknown route, have keys too', async () => {
    const anonymous = await ctx.server.inject({ method: 'POST', url: '/api/works', payload: { metadata: { title: { en: 'x' } } } });
    expect(anonymous.statusCode).toBe(401);
    expect((anonymous.json() as ErrorJson).error).toMatchObject({ code: 'unauthenticated', key: 'unauthenticated', params: {} });
    const missing = await ctx.server.inject({ method: 'GET', url: '/api/no-such-route?x=1' });
    expect(missing.statusCode).toBe(404);
    const { error } = missing.json() as ErrorJson;
    expect(error).toMatchObject({ code: 'not_found', key: 'not_found.route', params: { method: 'GET', path: '/api/no-such-route' } });
  });

  it('a failed file of an upload says why with a key and parameters of its own', async () => {
    const body = multipart([{ name: 'file', filename: 'empty.png', contentType: 'image/png', data: Buffer.alloc(0) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    const [item] = (res.json() as { items: { name: string; status: string; code: string; key: string; params: Params; reason: string }[] }).items;
    expect(item).toMatchObject({ name: 'empty.png', status: 'failed', code: 'invalid_input', key: 'file.empty', params: {} });
    expect(item!.reason).toContain('empty.png');
  });
});

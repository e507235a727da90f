import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, pngBytes, uploadImage, type TestUser } from '../routes/route-helpers.js';

/**
 * First-run setup over HTTP: a fresh instance refuses registrations until an admin has set its
 * identity; GET /api/instance is public; only admins change the identity and the logo; the log's
 * origin is the one setup chose and stays fixed once the log key exists.
 */
describe.each(await testDialects())('first-run setup (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;
  let creator: TestUser;
  let work: { workId: string; sha256: string };

  const inject = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, who: TestUser | null, payload?: unknown, headers: Record<string, string> = {}) =>
    ctx.server.inject({ method, url, headers: { ...(who?.headers ?? {}), ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const errorOf = (res: { json(): unknown }) => (res.json() as { error: { code: string; message: string } }).error;
  const logKeyFile = () => path.join(ctx.app.config.dataDir, 'keys', 'log.key');
  const setup = { name: { 'zh-Hans': '文渊测试馆', en: 'Wenyuan Test Museum' }, publicUrl: 'https://archive.museum.example/', registryOrigin: 'archive.museum.example/registry' };

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { registryOrigin: undefined }, { setup: false });
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    work = await uploadImage(ctx, creator.headers, 4242, { visibility: 'public' });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('answers GET /api/instance anonymously: not set up, no name, no public URL', async () => {
    const res = await inject('GET', '/api/instance', null);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: {}, publicUrl: null, logoUrl: null, setupDone: false, theme: { accent: null, headerBackground: null }, map: null });
  });

  it('refuses registrations before setup with setup_required, and makes no log key', async () => {
    const res = await inject('POST', `/api/works/${work.workId}/registrations`, creator, {});
    expect(res.statusCode, res.body).toBe(409);
    expect(errorOf(res).code).toBe('setup_required');
    expect(errorOf(res).message).toMatch(/not set up yet.*wenyuan setup/);
    // Nothing waits in the log, and asking for the log's key does not name it either.
    expect(await ctx.app.registryRepository.countPending()).toBe(0);
    const key = await inject('GET', '/api/registry/key', null);
    expect(key.statusCode).toBe(409);
    expect(errorOf(key).code).toBe('setup_required');
    expect(fs.existsSync(logKeyFile())).toBe(false);
    await expect(ctx.app.registry.registerDocument({ kind: 'user', id: admin.id, username: admin.username, role: 'admin' }, 'a'.repeat(64))).rejects.toMatchObject({ code: 'setup_required', key: 'setup.required' });
  });

  it('shows admins what setup proposes', async () => {
    expect((await inject('GET', '/api/instance/settings', null)).statusCode).toBe(401);
    expect((await inject('GET', '/api/instance/settings', curator)).statusCode).toBe(403);
    const res = await inject('GET', '/api/instance/settings', admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ setupDone: false, registryOrigin: null, registryOriginFixed: false, publicUrlFromEnv: false, suggestedRegistryOrigin: null });
  });

  it('PUT /api/instance: 401 before validation, 400 for bad input, 403 for others than admins, 200 for admins', async () => {
    expect((await inject('PUT', '/api/instance', null, { name: 'not a map' })).statusCode).toBe(401);
    expect((await inject('PUT', '/api/instance', null, setup)).statusCode).toBe(401);
    expect((await inject('PUT', '/api/instance', admin, { name: 'not a map' })).statusCode).toBe(400);
    expect((await inject('PUT', '/api/instance', admin, { ...setup, name: { fr: 'Musée' } })).statusCode).toBe(400);
    for (const who of [curator, creator]) {
      const denied = await inject('PUT', '/api/instance', who, setup);
      expect(denied.statusCode).toBe(403);
      expect(errorOf(denied).code).toBe('forbidden');
    }
    expect((await inject('GET', '/api/instance', null)).json()).toMatchObject({ setupDone: false });
  });

  it('says which part of the identity is wrong or missing, and saves nothing then', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...setup, name: { en: '  ' } }, /name in at least one language/],
      [{ ...setup, publicUrl: 'ftp://museum.example' }, /public URL: "ftp:\/\/museum.example" must start with http:\/\/ or https:\/\//],
      [{ ...setup, publicUrl: 'museum.example' }, /is not a URL/],
      [{ name: setup.name, registryOrigin: setup.registryOrigin }, /give the public URL/],
      [{ ...setup, registryOrigin: 'https://museum.example/registry' }, /must not start with a scheme/],
      [{ ...setup, registryOrigin: 'museum example' }, /without spaces/],
      [{ name: setup.name, publicUrl: setup.publicUrl }, /give the registry origin/],
    ];
    for (const [body, message] of cases) {
      const res = await inject('PUT', '/api/instance', admin, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'invalid_input' });
      expect(errorOf(res).message).toMatch(message);
    }
    expect((await inject('GET', '/api/instance', null)).json()).toEqual({ name: {}, publicUrl: null, logoUrl: null, setupDone: false, theme: { accent: null, headerBackground: null }, map: null });
  });

  it('finishes setup with an admin’s PUT; the origin may still change until the log key exists', async () => {
    const first = await inject('PUT', '/api/instance', admin, { ...setup, registryOrigin: 'first.museum.example/registry' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ setupDone: true, publicUrl: 'https://archive.museum.example', registryOrigin: 'first.museum.example/registry', registryOriginFixed: false });
    const changed = await inject('PUT', '/api/instance', admin, setup);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ registryOrigin: 'archive.museum.example/registry', registryOriginFixed: false });
    expect(fs.existsSync(logKeyFile())).toBe(false);
    expect((await inject('GET', '/api/instance', null)).json()).toEqual({ name: setup.name, publicUrl: 'https://archive.museum.example', logoUrl: null, setupDone: true, theme: { accent: null, headerBackground: null }, map: null });
  });

  it('registers after setup, in a log named by the origin setup chose, which then cannot change', async () => {
    const res = await inject('POST', `/api/works/${work.workId}/registrations`, creator, { wait: false });
    expect(res.statusCode, res.body).toBe(202);
    await ctx.app.registry.sequencePending();
    const { registrationId } = res.json() as { registrationId: string };
    const status = (await inject('GET', `/api/registry/registrations/${registrationId}`, creator)).json() as { receipt: { log: { origin: string } } };
    expect(status.receipt.log.origin).toBe('archive.museum.example/registry');
    expect(fs.readFileSync(logKeyFile(), 'utf8')).toContain('+archive.museum.example/registry+');

    const settings = await inject('GET', '/api/instance/settings', admin);
    expect(settings.json()).toMatchObject({ registryOrigin: 'archive.museum.example/registry', registryOriginFixed: true });
    const refused = await inject('PUT', '/api/instance', admin, { ...setup, registryOrigin: 'elsewhere.example/registry' });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused)).toMatchObject({ code: 'conflict' });
    expect(errorOf(refused).message).toContain('fixed as "archive.museum.example/registry"');
    // The name and the public URL still change; the same origin (or none) is accepted.
    const renamed = await inject('PUT', '/api/instance', admin, { name: { en: 'Renamed Museum' }, publicUrl: 'https://new.museum.example' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: { en: 'Renamed Museum' }, publicUrl: 'https://new.museum.example', registryOrigin: 'archive.museum.example/registry' });
    expect((await inject('PUT', '/api/instance', admin, setup)).statusCode).toBe(200);
  });

  it('takes a logo from admins only, checks its type and size, stores it in the blob store and serves it publicly', async () => {
    const upload = (who: TestUser | null, name: string, contentType: string, data: Buffer) => {
      const body = multipart([{ name: 'file', filename: name, contentType, data }]);
      return inject('PUT', '/api/instance/logo', who, body.payload, body.headers);
    };
    const logo = await pngBytes(77, 120, 40);
    expect((await upload(null, 'logo.png', 'image/png', logo)).statusCode).toBe(401);
    expect((await upload(curator, 'logo.png', 'image/png', logo)).statusCode).toBe(403);

    const text = await upload(admin, 'logo.png', 'image/png', Buffer.from('not an image at all'));
    expect(text.statusCode).toBe(400);
    expect(errorOf(text).message).toMatch(/could not be read as a PNG, JPEG, WebP image/);
    const tiff = await upload(admin, 'logo.tif', 'image/tiff', await sharp(logo).tiff().toBuffer());
    expect(tiff.statusCode).toBe(400);
    expect(errorOf(tiff).message).toMatch(/must be a PNG, JPEG, WebP image \(this is tiff\)/);
    const huge = await upload(admin, 'logo.png', 'image/png', Buffer.concat([logo, Buffer.alloc(1024 * 1024)]));
    expect(huge.statusCode).toBe(400);
    expect(errorOf(huge).message).toMatch(/larger than 1048576 bytes/);
    expect((await inject('GET', '/api/instance', null)).json()).toMatchObject({ logoUrl: null });

    const ok = await upload(admin, 'logo.png', 'image/png', logo);
    expect(ok.statusCode, ok.body).toBe(200);
    const { logoUrl } = ok.json() as { logoUrl: string };
    expect(logoUrl).toMatch(/^\/api\/instance\/logo\?v=[0-9a-f]{16}$/);
    expect((await inject('GET', '/api/instance', null)).json()).toMatchObject({ logoUrl });

    const served = await inject('GET', logoUrl, null);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toContain('immutable');
    expect(served.rawPayload.equals(logo)).toBe(true);
    // Kept by the sweep of unreferenced bytes, however old.
    await ctx.app.blobSweep.sweep({ now: Date.now() + 7 * 24 * 3_600_000 });
    expect((await inject('GET', logoUrl, null)).statusCode).toBe(200);

    expect((await inject('DELETE', '/api/instance/logo', creator)).statusCode).toBe(403);
    const removed = await inject('DELETE', '/api/instance/logo', admin);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ logoUrl: null });
    expect((await inject('GET', '/api/instance/logo', null)).statusCode).toBe(404);
  });
});

describe('WENYUAN_PUBLIC_URL', () => {
  let ctx: TestContext;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite', { publicUrl: 'https://env.museum.example/', registryOrigin: undefined }, { setup: false });
    admin = await makeUser(ctx, 'admin');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('seeds the public URL and the proposed origin, and overrides what setup would store', async () => {
    expect((await ctx.server.inject({ method: 'GET', url: '/api/instance' })).json()).toEqual({ name: {}, publicUrl: 'https://env.museum.example', logoUrl: null, setupDone: false, theme: { accent: null, headerBackground: null }, map: null });
    const settings = await ctx.server.inject({ method: 'GET', url: '/api/instance/settings', headers: admin.headers });
    expect(settings.json()).toMatchObject({ publicUrlFromEnv: true, suggestedRegistryOrigin: 'env.museum.example/registry' });

    const other = await ctx.server.inject({ method: 'PUT', url: '/api/instance', headers: admin.headers, payload: { name: { en: 'Env Museum' }, publicUrl: 'https://elsewhere.example', registryOrigin: 'env.museum.example/registry' } });
    expect(other.statusCode).toBe(409);
    expect((other.json() as { error: { message: string } }).error.message).toContain('WENYUAN_PUBLIC_URL');
    const done = await ctx.server.inject({ method: 'PUT', url: '/api/instance', headers: admin.headers, payload: { name: { en: 'Env Museum' }, registryOrigin: 'env.museum.example/registry' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ setupDone: true, publicUrl: 'https://env.museum.example' });
    expect(await ctx.app.links.absolute('/verify?registration=r1')).toBe('https://env.museum.example/verify?registration=r1');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, type TestUser } from '../routes/route-helpers.js';

/**
 * The instance's colours over PUT /api/instance: admins set an accent and a header background,
 * everyone reads them from GET /api/instance, and a colour whose text would be hard to see
 * (contrast under 3:1) is refused with the ratio so the form can say how far off it is.
 */
describe.each(await testDialects())('instance theme (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;

  const put = (who: TestUser | null, payload: unknown) => ctx.server.inject({ method: 'PUT', url: '/api/instance', headers: who?.headers ?? {}, payload: payload as string });
  const publicTheme = async () => ((await ctx.server.inject({ method: 'GET', url: '/api/instance' })).json() as { theme: unknown }).theme;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('starts with the default colours', async () => {
    expect(await publicTheme()).toEqual({ accent: null, headerBackground: null });
  });

  it('401 anonymous, 400 for a malformed colour, 403 for curators', async () => {
    expect((await put(null, { theme: { accent: '#00487a' } })).statusCode).toBe(401);
    for (const bad of [{ accent: 'navy' }, { accent: '#fff' }, { accent: '00487a' }, { headerBackground: '#00487a80' }, { other: '#00487a' }]) {
      const res = await put(admin, { theme: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect((res.json() as { error: { code: string } }).error.code).toBe('invalid_input');
    }
    expect((await put(curator, { theme: { accent: '#00487a' } })).statusCode).toBe(403);
    expect(await publicTheme()).toEqual({ accent: null, headerBackground: null });
  });

  it('saves the colours an admin sets, lower-cased, and shows them to everyone', async () => {
    const res = await put(admin, { theme: { accent: '#00487A', headerBackground: '#1F1B16' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ theme: { accent: '#00487a', headerBackground: '#1f1b16' } });
    expect(await publicTheme()).toEqual({ accent: '#00487a', headerBackground: '#1f1b16' });
    const settings = await ctx.server.inject({ method: 'GET', url: '/api/instance/settings', headers: admin.headers });
    expect(settings.json()).toMatchObject({ theme: { accent: '#00487a', headerBackground: '#1f1b16' } });
  });

  it('changes only the colours given; a save of other fields keeps them; null returns one to the default', async () => {
    expect((await put(admin, { theme: { headerBackground: '#f1ece2' } })).statusCode).toBe(200);
    expect(await publicTheme()).toEqual({ accent: '#00487a', headerBackground: '#f1ece2' });
    expect((await put(admin, { name: { en: 'Renamed Museum' } })).statusCode).toBe(200);
    expect(await publicTheme()).toEqual({ accent: '#00487a', headerBackground: '#f1ece2' });
    expect((await put(admin, { theme: { headerBackground: null } })).statusCode).toBe(200);
    expect(await publicTheme()).toEqual({ accent: '#00487a', headerBackground: null });
  });

  it('accepts an accent between 3:1 and 4.5:1 (the form warns), refuses one under 3:1 with its ratio', async () => {
    // #c8643c: about 3.9:1 with white; #ffcc00 about 1.5:1.
    const warned = await put(admin, { theme: { accent: '#c8643c' } });
    expect(warned.statusCode, warned.body).toBe(200);
    expect(await publicTheme()).toMatchObject({ accent: '#c8643c' });

    const refused = await put(admin, { theme: { accent: '#ffcc00' } });
    expect(refused.statusCode).toBe(400);
    const error = (refused.json() as { error: { code: string; key: string; params: { ratio: string }; message: string } }).error;
    expect(error).toMatchObject({ code: 'invalid_input', key: 'instance.theme_low_contrast', params: { ratio: '1.5' } });
    expect(error.message).toMatch(/accent #ffcc00 has a contrast of 1\.5:1/);
    // Nothing of the refused save is kept.
    expect(await publicTheme()).toMatchObject({ accent: '#c8643c' });
  });

  it('checks a header background against the better of dark and white text', async () => {
    // Mid grey, the hardest case: about 4.0:1 with ink and 4.3:1 with white, so white text, and it passes.
    // (Every background has ink or white at 4.1:1 or more, so in practice only an accent is refused.)
    expect((await put(admin, { theme: { headerBackground: '#7a7a7a' } })).statusCode).toBe(200);
    expect(await publicTheme()).toMatchObject({ headerBackground: '#7a7a7a' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** WENYUAN_MAP_TILE_URL and WENYUAN_MAP_ATTRIBUTION reach the browse map through the public identity. */
describe('map tiles in GET /api/instance', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite', { mapTileUrl: 'https://tiles.museum.example/{z}/{x}/{y}.png', mapAttribution: '© OpenStreetMap contributors' });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('names the tile template and its credit, anonymously', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: '/api/instance' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { map: unknown }).map).toEqual({ tileUrl: 'https://tiles.museum.example/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' });
  });

  it('lets the browser load the tiles: the tile server is in the CSP img-src', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: '/api/instance' });
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data: blob: https://tiles.museum.example;");
  });
});

describe('no map tiles configured', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('answers map: null, so the web client draws its bundled outlines and asks no tile server', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: '/api/instance' });
    expect((res.json() as { map: unknown }).map).toBeNull();
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data: blob:;");
  });
});

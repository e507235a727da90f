import sharp from 'sharp';
import type { Role } from '../../src/govern/roles.js';
import type { TestContext } from '../support/test-app.js';

/** The password every test user gets from `ctx.userWithRole`. */
export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  username: string;
  headers: Record<string, string>;
}

let userCounter = 0;

/** A fresh user of the role, with bearer headers and a known username (for cookie logins). */
export async function makeUser(ctx: TestContext, role: Role, prefix: string = role): Promise<TestUser> {
  const username = `${prefix}-${++userCounter}-${Math.random().toString(36).slice(2, 7)}`;
  const { id, headers } = await ctx.userWithRole(role, username);
  return { id, username, headers };
}

/** A small PNG whose bytes (and so sha256) depend on the seed. */
export async function pngBytes(seed: number, width = 48, height = 32): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 } } })
    .png()
    .toBuffer();
}

/** A noisy photo-like PNG (seeded): detailed enough to fingerprint and to watermark. */
export async function photoBytes(seed: number, width = 256, height = 192): Promise<Buffer> {
  return sharp(photoPixels(seed, width, height), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** The raw RGB pixels of `photoBytes`. */
export function photoPixels(seed: number, width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < pixels.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // Smooth structure plus noise, so PDQ sees edges and the watermark has texture to hide in.
    const x = Math.floor(i / 3) % width;
    const y = Math.floor(i / 3 / width);
    pixels[i] = (128 + 60 * Math.sin((x + seed) / 9) * Math.cos((y * (1 + (seed % 5))) / 13) + (s >>> 27)) & 0xff;
  }
  return pixels;
}

export type MultipartPart = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer };

/** A multipart/form-data body for `server.inject`. */
export function multipart(parts: MultipartPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----wenyuan-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('filename' in part) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`),
        part.data,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads one PNG as a new work and returns its id and file sha256. */
export async function uploadImage(
  ctx: TestContext,
  headers: Record<string, string>,
  seed: number,
  fields: { visibility?: 'private' | 'public'; collectionId?: string } = {},
): Promise<{ workId: string; sha256: string }> {
  const parts: MultipartPart[] = [];
  if (fields.visibility) parts.push({ name: 'visibility', value: fields.visibility });
  if (fields.collectionId) parts.push({ name: 'collectionId', value: fields.collectionId });
  parts.push({ name: 'file', filename: `image-${seed}.png`, contentType: 'image/png', data: await pngBytes(seed) });
  const body = multipart(parts);
  const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...headers, ...body.headers }, payload: body.payload });
  if (res.statusCode !== 200) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  const item = (res.json() as { items: { status: string; workId: string; sha256: string }[] }).items[0]!;
  if (item.status !== 'imported') throw new Error(`upload not imported: ${JSON.stringify(item)}`);
  return { workId: item.workId, sha256: item.sha256 };
}

/** Minimal valid metadata with a title. */
export function titled(en: string, zh?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: zh ? { en, 'zh-Hans': zh } : { en }, ...extra };
}

/** Creates a work through the API and returns its JSON. */
export async function createWork(
  ctx: TestContext,
  headers: Record<string, string>,
  metadata: Record<string, unknown>,
  options: { visibility?: 'private' | 'public'; collectionId?: string | null } = {},
): Promise<{ id: string; version: number; [key: string]: unknown }> {
  const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers, payload: { metadata, ...options } });
  if (res.statusCode !== 201) throw new Error(`create work failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; version: number };
}

/** Signs in through the browser route and returns the session cookie header value. */
export async function login(ctx: TestContext, username: string, password: string = TEST_PASSWORD): Promise<string> {
  const res = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'wy_session');
  if (!cookie) throw new Error('login set no wy_session cookie');
  return `wy_session=${cookie.value}`;
}

export interface CataloguePageJson {
  items: { id: string; title: Record<string, string>; visibility: string; date: { earliest?: number; latest?: number } | null; thumbnail: { url: string } | null }[];
  total: number;
  page: number;
  pageSize: number;
  facets: Record<string, { value: string; count: number }[] | undefined>;
}

/** GET /api/works with a query string; fails the test on a non-200 status. */
export async function browse(ctx: TestContext, query: string, headers: Record<string, string> = {}): Promise<CataloguePageJson> {
  const res = await ctx.server.inject({ method: 'GET', url: `/api/works${query ? `?${query}` : ''}`, headers });
  if (res.statusCode !== 200) throw new Error(`GET /api/works?${query} → ${res.statusCode} ${res.body}`);
  return res.json() as CataloguePageJson;
}

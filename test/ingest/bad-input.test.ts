import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { AppError } from '../../src/platform/errors.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { waitForConnectionsToClose } from '../support/settle-connections.js';

const dialects = await testDialects();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const imagesDir = path.resolve(repoRoot, '../shared/data/images');
const chinaJpg = path.join(imagesDir, 'sklearn/china.jpg');
const corruptJpg = path.join(imagesDir, 'ukbench-fixture/mixed_images/ukbench09268_corrupt.jpg');
const haveShared = fs.existsSync(chinaJpg) && fs.existsSync(corruptJpg);
if (!haveShared) console.warn(`bad-input.test.ts: tests on real files skipped, ${imagesDir} is absent`);

// ---------------------------------------------------------------------------------------------
// Fixtures, all generated here.

/** A solid-colour PNG; `seed` makes the content (and so the blob) distinct. */
function png(seed: number, width = 32, height = 24): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 } } })
    .png()
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG whose header declares width×height RGB pixels; the IDAT holds three zero rows. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const rows = zlib.deflateSync(Buffer.alloc(3 * (1 + width * 3)), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const MINIMAL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/** `frames` solid frames of w×h stacked into one strip: red, green, blue, … */
function frameStrip(w: number, h: number, frames: number): Sharp {
  const raw = Buffer.alloc(w * h * frames * 3);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < w * h; i++) raw[(f * w * h + i) * 3 + (f % 3)] = 255;
  }
  return sharp(raw, { raw: { width: w, height: h * frames, channels: 3, pageHeight: h } });
}

// ---------------------------------------------------------------------------------------------
// Two ways in: multipart over HTTP, and the ingest service directly.

type Stored = { status: 'imported' | 'unchanged'; workId: string; sha256: string; warnings: string[]; notices?: { key: string; params: Record<string, string | number> }[] };
type Outcome = Stored | { status: 'failed'; code: string; message: string };

interface FilePart {
  filename: string;
  content: Buffer;
  contentType?: string;
}

/** Builds a multipart/form-data body by hand, so file names go on the wire byte for byte. */
function multipart(parts: (FilePart | { field: string; value: string })[]): { body: Buffer; contentType: string } {
  const boundary = `----wenyuan${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('field' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="file"; filename="${part.filename.replaceAll('"', '%22')}"\r\n` +
            `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`,
          'utf8',
        ),
      );
      chunks.push(part.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

interface UploadResponse {
  items: ({ name: string; status: 'imported' | 'unchanged'; workId: string; sha256: string; warnings: string[]; notices: { key: string; params: Record<string, string | number> }[] } | { name: string; status: 'failed'; code: string; reason: string })[];
  imported: number;
  unchanged: number;
  failed: number;
}

async function upload(ctx: TestContext, headers: Record<string, string>, files: FilePart[]) {
  const { body, contentType } = multipart(files);
  return ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...headers, 'content-type': contentType }, payload: body });
}

interface Way {
  name: 'http' | 'service';
  send(ctx: TestContext, user: { actor: Actor; headers: Record<string, string> }, filename: string, content: Buffer): Promise<Outcome>;
}

const WAYS: Way[] = [
  {
    name: 'http',
    async send(ctx, user, filename, content) {
      const res = await upload(ctx, user.headers, [{ filename, content }]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const json = res.json<UploadResponse>();
      expect(json.items).toHaveLength(1);
      const item = json.items[0]!;
      if (item.status === 'failed') return { status: 'failed', code: item.code, message: item.reason };
      return { status: item.status, workId: item.workId, sha256: item.sha256, warnings: item.warnings, notices: item.notices };
    },
  },
  {
    name: 'service',
    async send(ctx, user, filename, content) {
      try {
        return await ctx.app.ingest.ingest(user.actor, Readable.from([content]), filename);
      } catch (error) {
        if (error instanceof AppError) return { status: 'failed', code: error.code, message: error.message };
        throw error;
      }
    },
  },
];

async function listBlobs(ctx: TestContext): Promise<string[]> {
  const out: string[] = [];
  for await (const sha of ctx.app.blobs.list()) out.push(sha);
  return out.sort();
}

function tmpFiles(ctx: TestContext): string[] {
  return fs.readdirSync(path.join(ctx.app.config.dataDir, 'blobs', 'tmp'));
}

async function closeContext(ctx: TestContext | undefined): Promise<void> {
  if (!ctx) return;
  await ctx.app.close();
  await waitForConnectionsToClose(ctx.app.config.databaseUrl);
  await ctx.close();
}

async function workJson(ctx: TestContext, headers: Record<string, string>, workId: string) {
  const res = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json<{
    id: string;
    metadata: { title: Record<string, string> };
    files: { sha256: string; name: string; mediaType: string; kind: string; width: number | null; height: number | null; url: string; derivatives: Record<string, { url: string; width: number; height: number; mediaType: string }> }[];
  }>();
}

// ---------------------------------------------------------------------------------------------

describe.each(dialects)('bad input on %s', (dialect) => {
  let ctx: TestContext;
  let admin: { actor: Actor; headers: Record<string, string> };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const user = await ctx.userWithRole('admin');
    const row = await ctx.app.identity.getUser(user.id);
    admin = { actor: { kind: 'user', id: row.id, username: row.username, role: row.role }, headers: user.headers };
  });
  afterAll(() => closeContext(ctx));

  describe.each(WAYS)('through $name', (way) => {
    const send = (filename: string, content: Buffer) => way.send(ctx, admin, filename, content);
    // Each way and case gets its own bytes, so nothing is 'unchanged' by accident.
    const salt = way.name === 'http' ? 1 : 2;

    it.skipIf(!haveShared)('a truncated JPEG fails as corrupt_file, naming the file', async () => {
      const whole = fs.readFileSync(chinaJpg);
      const half = whole.subarray(0, Math.floor(whole.length / 2) + salt);
      const name = `china-half-${way.name}.jpg`;
      const outcome = await send(name, half);
      expect(outcome).toMatchObject({ status: 'failed', code: 'corrupt_file' });
      expect((outcome as { message: string }).message).toMatch(/cannot be decoded: .*(premature|truncated|end)/i);
      // Per-file errors from the service leave naming to the caller; the upload route names the file.
      if (way.name === 'http') expect((outcome as { message: string }).message).toMatch(new RegExp(`^${name}: `));
      expect(await ctx.app.workRepository.findFile(await sha256Of(half))).toBeUndefined();
    });

    it.skipIf(!haveShared)('a JPEG of random bytes (ukbench09268_corrupt.jpg) fails as corrupt_file', async () => {
      const bytes = Buffer.concat([fs.readFileSync(corruptJpg), Buffer.from([salt])]);
      const outcome = await send('ukbench09268_corrupt.jpg', bytes);
      expect(outcome).toMatchObject({ status: 'failed', code: 'corrupt_file' });
      expect((outcome as { message: string }).message).toMatch(/not a readable image/);
      if (way.name === 'http') expect((outcome as { message: string }).message).toMatch(/^ukbench09268_corrupt\.jpg: /);
    });

    it('a decompression bomb is refused from its header: image_too_large, quickly, naming the pixel count', async () => {
      const bomb = pngBomb(100_000 + salt, 100_000);
      expect(bomb.length).toBeLessThan(10_000);
      const started = performance.now();
      const rssBefore = process.memoryUsage().rss;
      const outcome = await send(`bomb-${way.name}.png`, bomb);
      const elapsed = performance.now() - started;
      expect(outcome).toMatchObject({ status: 'failed', code: 'image_too_large' });
      const message = (outcome as { message: string }).message;
      expect(message).toContain(`${100_000 + salt}×100000`);
      expect(message).toMatch(/10\.0 gigapixels/);
      expect(message).toMatch(/limit of 200\.0 megapixels/);
      if (way.name === 'http') expect(message.startsWith(`bomb-${way.name}.png: `)).toBe(true);
      // Decoding 10 gigapixels would take minutes and ~30 GB; refusing from the header takes neither.
      expect(elapsed).toBeLessThan(3000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 ** 2);
    });

    it('a PDF named photo.jpg is imported as a PDF, with a warning that says so', async () => {
      const pdf = Buffer.concat([MINIMAL_PDF, Buffer.from(`%${way.name}\n`)]);
      const outcome = await send('photo.jpg', pdf);
      expect(outcome.status).toBe('imported');
      const imported = outcome as Stored;
      expect(imported.warnings.join(' ')).toContain('application/pdf');
      expect(imported.warnings.join(' ')).toContain('.jpg');
      // …and says it translatably (the interface shows it in Chinese too).
      if (imported.notices) expect(imported.notices).toEqual([{ key: 'notice.extension_mismatch', params: { ext: '.jpg', mediaType: 'application/pdf' }, message: imported.warnings[0] }]);
      const work = await workJson(ctx, admin.headers, imported.workId);
      expect(work.files[0]).toMatchObject({ name: 'photo.jpg', mediaType: 'application/pdf', kind: 'pdf' });
      expect(work.files[0]!.derivatives).toEqual({});
      // No image job for a PDF.
      const jobs = await ctx.app.database.db.selectFrom('jobs').select('id').where('dedupe_key', '=', `media.display:${imported.sha256}`).execute();
      expect(jobs).toEqual([]);
    });

    it('a zero-byte file fails as empty', async () => {
      const outcome = await send(`nothing-${way.name}.jpg`, Buffer.alloc(0));
      expect(outcome).toMatchObject({ status: 'failed', code: 'invalid_input' });
      const message = (outcome as { message: string }).message;
      expect(message).toMatch(/empty \(0 bytes\)/);
      if (way.name === 'http') expect(message).toBe(`nothing-${way.name}.jpg: file is empty (0 bytes)`);
    });

    it('hostile names are cleaned: no path, no control or bidi characters, NFC, at most 255 UTF-8 bytes', async () => {
      const rtl = `invoice\u202Egnp.exe`;
      const nfd = '清明上河图 Qīngmíng Shànghé Tú.png'.normalize('NFD');
      const long = `${'长'.repeat(200)}${'a'.repeat(200)}.png`;
      const cases: [string, (stored: string) => void][] = [
        ['../../etc/passwd.png', (s) => expect(s).toBe('passwd.png')],
        ['..\\..\\x.png', (s) => expect(s).toBe('x.png')],
        [rtl, (s) => expect(s).toBe('invoicegnp.exe')],
        [nfd, (s) => expect(s).toBe(nfd.normalize('NFC'))],
        [long, (s) => {
          // Cut on a character boundary to fit 255 UTF-8 bytes (a file-system name limit), keeping the extension.
          expect(Buffer.byteLength(s)).toBeGreaterThan(250);
          expect(s.endsWith('.png')).toBe(true);
          expect(long.startsWith(s.slice(0, -'.png'.length))).toBe(true);
          expect(s).not.toContain('\uFFFD');
        }],
        ['tab\there\u0000nul\u200Bzw.png', (s) => expect(s).toBe('tabherenulzw.png')],
      ];
      let seed = 100 * salt;
      for (const [raw, check] of cases) {
        const outcome = await send(raw, await png(seed++));
        expect(outcome.status, raw).toBe('imported');
        const work = await workJson(ctx, admin.headers, (outcome as { workId: string }).workId);
        const stored = work.files[0]!.name;
        expect(stored).not.toMatch(/[/\\]/);
        expect(stored).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
        expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(255);
        expect(stored).toBe(stored.normalize('NFC'));
        check(stored);
        // The title made from the name is as clean as the name.
        for (const title of Object.values(work.metadata.title)) {
          expect(title).not.toMatch(/[\u0000-\u001f\u202a-\u202e/\\]/);
        }
      }
      // Nothing was written outside the data directory, and inside it only the store's own files.
      const dataDir = ctx.app.config.dataDir;
      for (const escaped of ['../../etc/passwd.png', '../etc/passwd.png', '../x.png', '../../x.png', 'x.png', 'passwd.png']) {
        expect(fs.existsSync(path.resolve(dataDir, 'blobs', 'sha256', escaped))).toBe(false);
        expect(fs.existsSync(path.resolve(dataDir, escaped))).toBe(false);
        expect(fs.existsSync(path.resolve(process.cwd(), escaped))).toBe(false);
      }
      const unexpected = (fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile())
        .map((e) => path.relative(dataDir, path.join(e.parentPath, e.name)))
        // The store's blobs, the database, and the keystore's own keys (the audit trail makes its IP-pseudonym key at the first sign-in).
        .filter((f) => !/^blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f) && !/^test\.db(-wal|-shm)?$/.test(f) && !/^keys\/[a-z-]+\.key$/.test(f));
      expect(unexpected).toEqual([]);
    });

    it('a CMYK JPEG imports with an sRGB thumbnail', async () => {
      const cmyk = await sharp({ create: { width: 64 + salt, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
        .toColourspace('cmyk')
        .jpeg()
        .toBuffer();
      expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
      const outcome = await send('cmyk.jpg', cmyk);
      expect(outcome.status).toBe('imported');
      const thumb = await thumbnailOf(ctx, admin.headers, (outcome as { workId: string }).workId, { width: 64 + salt, height: 48 });
      expect(thumb.space).toBe('srgb');
      // The red survives the colour conversion (no inverted or black CMYK rendering).
      const { data } = await sharp(thumb.buffer).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(data[0]!).toBeGreaterThan(150);
      expect(data[1]!).toBeLessThan(100);
    });

    it('a 16-bit PNG imports with a thumbnail', async () => {
      const deep = await sharp({ create: { width: 50, height: 40 + salt, channels: 3, background: { r: 10, g: 120, b: 30 } } })
        .toColourspace('rgb16')
        .png()
        .toBuffer();
      expect((await sharp(deep).metadata()).depth).toBe('ushort');
      const outcome = await send('deep.png', deep);
      expect(outcome.status).toBe('imported');
      await thumbnailOf(ctx, admin.headers, (outcome as { workId: string }).workId, { width: 50, height: 40 + salt });
    });

    it('an animated GIF and a multi-page TIFF import with the first frame as thumbnail and size', async () => {
      const gif = await frameStrip(40, 30 + salt, 3).gif({ loop: 0, delay: [100, 100, 100] }).toBuffer();
      const tif = await frameStrip(40, 30 + salt, 3).tiff().toBuffer();
      expect((await sharp(gif).metadata()).pages).toBe(3);
      expect((await sharp(tif).metadata()).pages).toBe(3);
      for (const [name, bytes, type] of [['anim.gif', gif, 'image/gif'], ['pages.tif', tif, 'image/tiff']] as const) {
        const outcome = await send(name, bytes);
        expect(outcome.status, name).toBe('imported');
        const workId = (outcome as { workId: string }).workId;
        const work = await workJson(ctx, admin.headers, workId);
        expect(work.files[0]).toMatchObject({ mediaType: type, kind: 'image', width: 40, height: 30 + salt });
        const thumb = await thumbnailOf(ctx, admin.headers, workId, { width: 40, height: 30 + salt });
        expect(thumb.pages ?? 1).toBe(1);
        // First frame is red.
        const { data } = await sharp(thumb.buffer).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        expect([data[0]! > 200, data[1]! < 60, data[2]! < 60]).toEqual([true, true, true]);
      }
    });

    it('HTML in a title or a file is stored verbatim and only ever returned as JSON or a download', async () => {
      const evil = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" ${way.name}`;
      let workId: string;
      if (way.name === 'service') {
        const result = await ctx.app.ingest.ingest(admin.actor, Readable.from([await png(900)]), 'evil.png', { metadata: { title: { en: evil } } });
        workId = result.workId;
      } else {
        const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: admin.headers, payload: { metadata: { title: { en: evil } }, visibility: 'public' } });
        expect(res.statusCode, res.body).toBe(201);
        workId = res.json<{ id: string }>().id;
      }
      const work = await workJson(ctx, admin.headers, workId);
      expect(work.metadata.title.en).toBe(evil);

      // A file that is HTML (or SVG with script) is never served as something a browser runs.
      const page = Buffer.from(`<!doctype html><html><body><script>alert(document.cookie)</script>${way.name}</body></html>`);
      const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><!--${way.name}--></svg>`);
      for (const [name, bytes] of [['page.html', page], ['vector.svg', svg], ['page.htm.png', page]] as const) {
        const outcome = await send(name, bytes);
        if (outcome.status === 'failed') {
          // Claims to be an image but is not: refused, which is also safe.
          expect(name).toBe('page.htm.png');
          expect(outcome.code).toBe('corrupt_file');
          continue;
        }
        const stored = await workJson(ctx, admin.headers, outcome.workId);
        const file = await ctx.server.inject({ method: 'GET', url: stored.files[0]!.url, headers: admin.headers });
        expect(file.statusCode).toBe(200);
        expect(file.headers['content-type']).not.toMatch(/html|svg|xml|javascript/);
        expect(file.headers['content-disposition']).toMatch(/^attachment/);
        expect(file.headers['x-content-type-options']).toBe('nosniff');
        expect(file.headers['content-security-policy']).toMatch(/sandbox/);
        expect(file.rawPayload.equals(bytes)).toBe(true);
      }
    });
  });

  describe('HTTP only', () => {
    it('a multi-file upload with bad files imports the good ones and counts each outcome', async () => {
      const good1 = await png(5001);
      const good2 = await png(5002);
      const files: FilePart[] = [
        { filename: 'good-1.png', content: good1, contentType: 'image/png' },
        { filename: 'broken.png', content: good2.subarray(0, 40), contentType: 'image/png' },
        { filename: 'good-2.png', content: good2, contentType: 'image/png' },
        { filename: 'empty.png', content: Buffer.alloc(0) },
        { filename: 'good-1-again.png', content: good1 },
        { filename: 'bomb.png', content: pngBomb(50_000, 50_000) },
      ];
      const res = await upload(ctx, admin.headers, files);
      expect(res.statusCode, res.body).toBe(200);
      const json = res.json<UploadResponse>();
      expect(json.items.map((i) => [i.name, i.status])).toEqual([
        ['good-1.png', 'imported'],
        ['broken.png', 'failed'],
        ['good-2.png', 'imported'],
        ['empty.png', 'failed'],
        ['good-1-again.png', 'unchanged'],
        ['bomb.png', 'failed'],
      ]);
      expect(json.items.map((i) => (i.status === 'failed' ? i.code : null))).toEqual([null, 'corrupt_file', null, 'invalid_input', null, 'image_too_large']);
      expect({ imported: json.imported, unchanged: json.unchanged, failed: json.failed }).toEqual({ imported: 2, unchanged: 1, failed: 3 });
      const [first, , second, , again] = json.items as Extract<UploadResponse['items'][number], { workId: string }>[];
      expect(again!.workId).toBe(first!.workId);
      expect(second!.workId).not.toBe(first!.workId);
      for (const item of [first!, second!]) {
        const work = await workJson(ctx, admin.headers, item.workId);
        expect(work.files.map((f) => f.sha256)).toEqual([item.sha256]);
        expect(work.files[0]!.derivatives.thumbnail).toBeDefined();
      }
    });

    it('a failure message names the file exactly once', async () => {
      const res = await upload(ctx, admin.headers, [{ filename: 'hollow.png', content: Buffer.alloc(0) }]);
      const item = res.json<UploadResponse>().items[0]! as { reason: string };
      expect(item.reason.split('hollow.png').length - 1).toBe(1);
    });

    it('401 without credentials, before the body is read: no blob is stored', async () => {
      const before = await listBlobs(ctx);
      const content = await png(7001);
      const res = await upload(ctx, {}, [{ filename: 'anon.png', content }]);
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      // Even a malformed multipart body gets the 401, not a 400: the body was never parsed.
      const garbage = await ctx.server.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: { 'content-type': 'multipart/form-data; boundary=nope' },
        payload: Buffer.from('this is not multipart at all'),
      });
      expect(garbage.statusCode).toBe(401);
      const badToken = await upload(ctx, { authorization: 'Bearer wy_not-a-real-token' }, [{ filename: 'anon.png', content }]);
      expect(badToken.statusCode).toBe(401);
      expect(await listBlobs(ctx)).toEqual(before);
      expect(tmpFiles(ctx)).toEqual([]);
    });

    it('403 for licensee and reviewer, and no blob is stored', async () => {
      const before = await listBlobs(ctx);
      for (const role of ['licensee', 'reviewer'] as const) {
        const user = await ctx.userWithRole(role);
        const res = await upload(ctx, user.headers, [{ filename: `${role}.png`, content: await png(role.length * 31) }]);
        expect(res.statusCode, role).toBe(403);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
      }
      expect(await listBlobs(ctx)).toEqual(before);
      expect(tmpFiles(ctx)).toEqual([]);
    });

    it('a creator may upload (the role gate lets contributors through)', async () => {
      const creator = await ctx.userWithRole('creator');
      const res = await upload(ctx, creator.headers, [{ filename: 'mine.png', content: await png(7777) }]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<UploadResponse>().imported).toBe(1);
    });
  });
});

describe.each(dialects)('upload size limit on %s', (dialect) => {
  let ctx: TestContext;
  let admin: { actor: Actor; headers: Record<string, string> };

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { maxUploadBytes: 1024 });
    const user = await ctx.userWithRole('admin');
    const row = await ctx.app.identity.getUser(user.id);
    admin = { actor: { kind: 'user', id: row.id, username: row.username, role: row.role }, headers: user.headers };
  });
  afterAll(() => closeContext(ctx));

  it('through the service: payload_too_large, no blob and no temp file left', async () => {
    const error = await ctx.app.ingest.ingest(admin.actor, Readable.from([randomBytes(3000)]), 'big.bin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'payload_too_large' });
    expect((error as AppError).message).toMatch(/1 KiB/);
    expect(await listBlobs(ctx)).toEqual([]);
    expect(tmpFiles(ctx)).toEqual([]);
  });

  it('through HTTP: the big file fails with payload_too_large, nothing of it is stored, the small one imports', async () => {
    const res = await upload(ctx, admin.headers, [
      { filename: 'big.bin', content: randomBytes(3000) },
      { filename: 'small.txt', content: Buffer.from('a small text file under the limit\n'), contentType: 'text/plain' },
      { filename: 'huge.bin', content: randomBytes(300_000) },
      { filename: 'exactly-the-limit.bin', content: randomBytes(1024) },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const json = res.json<UploadResponse>();
    expect(json.items.map((i) => [i.name, i.status, i.status === 'failed' ? i.code : null])).toEqual([
      ['big.bin', 'failed', 'payload_too_large'],
      ['small.txt', 'imported', null],
      ['huge.bin', 'failed', 'payload_too_large'],
      ['exactly-the-limit.bin', 'imported', null],
    ]);
    expect((json.items[0] as { reason: string }).reason).toBe('big.bin: file is larger than the upload limit of 1 KiB');
    expect({ imported: json.imported, failed: json.failed }).toEqual({ imported: 2, failed: 2 });
    // Nothing of the big files: no work, no blob (not even their first 1024 bytes).
    const works = await ctx.app.database.db.selectFrom('work_files').select(['original_name', 'size']).orderBy('original_name').execute();
    expect(works.map((w) => [w.original_name, Number(w.size)])).toEqual([
      ['exactly-the-limit.bin', 1024],
      ['small.txt', 34],
    ]);
    expect(await listBlobs(ctx)).toEqual([(json.items[1] as { sha256: string }).sha256, (json.items[3] as { sha256: string }).sha256].sort());
    expect(tmpFiles(ctx)).toEqual([]);
  });
});

async function sha256Of(data: Buffer): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}

/** Fetches a work's thumbnail over HTTP and checks it is a WebP no larger than the original. */
async function thumbnailOf(ctx: TestContext, headers: Record<string, string>, workId: string, original: { width: number; height: number }) {
  const work = await workJson(ctx, headers, workId);
  const file = work.files[0]!;
  expect(file).toMatchObject({ width: original.width, height: original.height });
  const thumbnail = file.derivatives.thumbnail;
  expect(thumbnail, 'thumbnail derivative').toBeDefined();
  const res = await ctx.server.inject({ method: 'GET', url: thumbnail!.url, headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('image/webp');
  const meta = await sharp(res.rawPayload).metadata();
  expect(meta.format).toBe('webp');
  expect([meta.width, meta.height]).toEqual([thumbnail!.width, thumbnail!.height]);
  expect([thumbnail!.width, thumbnail!.height]).toEqual([original.width, original.height]);
  return { buffer: res.rawPayload, space: meta.space, pages: meta.pages };
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hostAllowed, UrlFetcher } from '../../src/archive/import/url-fetch.js';
import { loadConfig } from '../../src/platform/config.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { byItem, image, importJson, tempDir, writeTree } from './import-helpers.js';

/**
 * Record files given as URLs: downloaded only from the hosts in WENYUAN_IMPORT_URL_HOSTS, redirects
 * checked like the first URL, error answers, HTML pages, oversized bodies and stalled servers fail
 * their record with the reason. Everything runs against a local HTTP server started here.
 */

let server: http.Server;
let port = 0;
const requests: string[] = [];
let png: Buffer;
let jpeg: Buffer;

beforeAll(async () => {
  png = await image(31);
  jpeg = await image(32, 'jpeg');
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = req.url ?? '/';
    if (url === '/img/a.png') res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
    else if (url === '/img/b.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    else if (url === '/go/b') res.writeHead(302, { location: '/img/b.jpg' }).end();
    else if (url === '/go/away') res.writeHead(302, { location: `http://localhost:${port}/img/a.png` }).end();
    else if (url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url === '/page') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Not found</title><p>This object has no image.</p>');
    else if (url === '/huge') res.writeHead(200, { 'content-type': 'image/tiff', 'content-length': String(5 * 1024 ** 3) }).flushHeaders();
    else if (url === '/stream') {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no length declared
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(16 * 1024, i));
      res.end();
    } else if (url === '/hang') void 0; // never answers
    else if (url === '/stall') res.writeHead(200, { 'content-type': 'image/png' }).write(png.subarray(0, 20));
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('UrlFetcher', () => {
  const fetcher = (hosts: string[], extra: { timeoutMs?: number; maxBytes?: number } = {}) =>
    new UrlFetcher({ allowedHosts: hosts, maxBytes: extra.maxBytes ?? 1024 ** 3, ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}) });

  it('allows a listed host on its listed port, or on the default port when listed without one', () => {
    expect(hostAllowed(new URL('https://img.example/a.jpg'), ['img.example'])).toBe(true);
    expect(hostAllowed(new URL('http://img.example/a.jpg'), ['img.example'])).toBe(true);
    expect(hostAllowed(new URL('https://img.example:8443/a.jpg'), ['img.example'])).toBe(false);
    expect(hostAllowed(new URL('https://img.example:8443/a.jpg'), ['img.example:8443'])).toBe(true);
    expect(hostAllowed(new URL('https://img.example/a.jpg'), ['img.example:443'])).toBe(true);
    expect(hostAllowed(new URL('https://other.example/a.jpg'), ['img.example'])).toBe(false);
    expect(hostAllowed(new URL('https://IMG.example./a.jpg'), ['img.example'])).toBe(false);
  });

  it('names the setting, with a clear error, when the host list is malformed', () => {
    expect(() => loadConfig({}, { WENYUAN_IMPORT_URL_HOSTS: 'images.example.org, https://cdn.example' })).toThrow(
      /WENYUAN_IMPORT_URL_HOSTS: "https:\/\/cdn\.example" is not a host name or host:port; list them like images\.example\.org,127\.0\.0\.1:8080/,
    );
    expect(loadConfig({}, { WENYUAN_IMPORT_URL_HOSTS: 'Images.Example.org,127.0.0.1:8080' }).importUrlHosts).toEqual(['images.example.org', '127.0.0.1:8080']);
    expect(loadConfig({}, {}).importUrlHosts).toEqual([]);
  });

  it('gives up on a server that does not answer, or stops sending, after the timeout', async () => {
    const f = fetcher([`127.0.0.1:${port}`], { timeoutMs: 300 });
    await expect(f.open(`http://127.0.0.1:${port}/hang`)).rejects.toThrow(`http://127.0.0.1:${port}/hang did not answer within 0.3 s`);
    const download = await f.open(`http://127.0.0.1:${port}/stall`);
    await expect(text(download.stream)).rejects.toThrow(`http://127.0.0.1:${port}/stall stopped sending for 0.3 s; the download was abandoned`);
  });

  it('follows a few redirects, and no more', async () => {
    const f = fetcher([`127.0.0.1:${port}`]);
    const download = await f.open(`http://127.0.0.1:${port}/go/b`);
    expect(download).toMatchObject({ name: 'b.jpg', url: `http://127.0.0.1:${port}/img/b.jpg`, contentType: 'image/jpeg' });
    await text(download.stream);
    await expect(f.open(`http://127.0.0.1:${port}/loop`)).rejects.toThrow('was redirected more than 5 times; give the final URL');
    await expect(fetcher([]).open(`http://127.0.0.1:${port}/img/a.png`)).rejects.toThrow(`downloads are off: WENYUAN_IMPORT_URL_HOSTS lists no hosts; an administrator can allow this one with WENYUAN_IMPORT_URL_HOSTS=127.0.0.1:${port}`);
  });
});

describe.each(await testDialects())('wenyuan import --records with URLs (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** Records whose `url` column holds one or more URLs (separated by |), and the arguments to import them. */
  function source(rows: [string, string][]): string[] {
    const root = tempDir('wenyuan-urls-');
    const csv = ['id,url', ...rows.map(([id, url]) => `${id},${url}`)].join('\n');
    const mapping = { name: 'url test', id: `url-${dialect}:{id}`, files: { from: 'url', as: 'url', transforms: [{ op: 'split', separator: '|' }] }, fields: [{ to: 'title.en', from: 'id' }] };
    writeTree(root, { 'records.csv': csv, 'mapping.json': JSON.stringify(mapping), 'files/.keep': '' });
    return [path.join(root, 'files'), '--records', path.join(root, 'records.csv'), '--mapping', path.join(root, 'mapping.json')];
  }

  it('downloads from allowed hosts only, and fails each refused, redirected-away, missing, HTML or oversized file by record', { timeout: 60_000 }, async () => {
    const base = `http://127.0.0.1:${port}`;
    const args = source([
      ['U1', `${base}/img/a.png`],
      ['U2', `${base}/go/b`],
      ['U3', `http://localhost:${port}/img/a.png`],
      ['U4', `${base}/go/away`],
      ['U5', `${base}/page`],
      ['U6', `${base}/missing.jpg`],
      ['U7', `${base}/huge`],
      ['U8', `${base}/img/a.png|${base}/img/b.jpg`],
    ]);
    vi.stubEnv('WENYUAN_IMPORT_URL_HOSTS', `127.0.0.1:${port}`);

    // A dry run checks the hosts but downloads nothing.
    requests.length = 0;
    const dry = byItem(await importJson(ctx, [...args, '--dry-run']));
    expect(requests).toEqual([]);
    expect(dry.get('records.csv row 1')).toMatchObject({ status: 'imported', files: [{ file: `${base}/img/a.png`, status: 'unchecked' }] });
    expect(dry.get('records.csv row 3')).toMatchObject({ status: 'failed' });

    const report = await importJson(ctx, args);
    expect(report).toMatchObject({ code: 2, imported: 3, failed: 5, skipped: 1 });
    // The folder's own files are reported too, though this mapping takes none from it (here a hidden .keep).
    expect(report.items.filter((i) => i.status === 'skipped').map((i) => i.item)).toEqual(['.keep']);
    const items = byItem(report);
    const row = (n: number) => items.get(`records.csv row ${n}`)!;
    expect(row(1)).toMatchObject({ status: 'imported', sha256: sha(png), files: [{ file: `${base}/img/a.png`, sha256: sha(png), status: 'added' }] });
    expect(row(2)).toMatchObject({ status: 'imported', sha256: sha(jpeg) });
    expect(row(3).reason).toBe(
      `records.csv row 3: file "http://localhost:${port}/img/a.png": host localhost:${port} is not allowed (WENYUAN_IMPORT_URL_HOSTS=127.0.0.1:${port}); an administrator can add it`,
    );
    expect(row(4).reason).toBe(
      `records.csv row 4: file "${base}/go/away": was redirected to http://localhost:${port}/img/a.png, which is not downloaded: host localhost:${port} is not allowed (WENYUAN_IMPORT_URL_HOSTS=127.0.0.1:${port}); an administrator can add it`,
    );
    expect(row(5).reason).toBe(
      `records.csv row 5: file "${base}/page": the download is not an image, audio, video, 3D model or PDF file (its bytes match none of the formats the archive knows) (the server called it text/html) — perhaps an error page; check the URL, or pass --include-all to store it anyway`,
    );
    expect(row(6).reason).toBe(`records.csv row 6: file "${base}/missing.jpg": ${base}/missing.jpg answered 404 Not Found; check the URL`);
    expect(row(7).reason).toBe(`records.csv row 7: file "${base}/huge": ${base}/huge is 5 GiB, larger than the upload limit of 2 GiB`);
    expect(row(8).files?.map((f) => [f.sha256, f.status])).toEqual([
      [sha(png), 'added'],
      [sha(jpeg), 'added'],
    ]);
    expect((await ctx.app.workRepository.filesOf([row(8).workId!])).map((f) => f.original_name)).toEqual(['a.png', 'b.jpg']);

    // A re-run downloads again, finds the same content attached, and changes nothing.
    const again = byItem(await importJson(ctx, args));
    expect(again.get('records.csv row 1')).toMatchObject({ status: 'unchanged', files: [{ status: 'attached' }] });
    expect(again.get('records.csv row 8')).toMatchObject({ status: 'unchanged' });
  });

  it('refuses every URL when no hosts are allowed, and stops a body that grows past the upload limit', { timeout: 60_000 }, async () => {
    const args = source([
      ['V1', `http://127.0.0.1:${port}/img/a.png`],
      ['V2', `http://127.0.0.1:${port}/stream`],
    ]);
    const off = byItem(await importJson(ctx, args));
    expect(off.get('records.csv row 1')?.reason).toBe(
      `records.csv row 1: file "http://127.0.0.1:${port}/img/a.png": downloads are off: WENYUAN_IMPORT_URL_HOSTS lists no hosts; an administrator can allow this one with WENYUAN_IMPORT_URL_HOSTS=127.0.0.1:${port}`,
    );
    vi.stubEnv('WENYUAN_IMPORT_URL_HOSTS', `127.0.0.1:${port}`);
    vi.stubEnv('WENYUAN_MAX_UPLOAD_BYTES', '100000');
    const limited = byItem(await importJson(ctx, args));
    expect(limited.get('records.csv row 1')?.status).toBe('imported');
    expect(limited.get('records.csv row 2')?.reason).toBe(`records.csv row 2: file "http://127.0.0.1:${port}/stream": file is larger than the upload limit of 98 KiB`);
    expect(fs.readdirSync(path.join(ctx.app.config.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });
});

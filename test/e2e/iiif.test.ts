import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miradorBundle } from './mirador.js';
import { CHROMIUM_ARGS, chromiumPath, cli, startServer, type RunningServer, signIn, tearDown } from './server-process.js';

const KODAK = path.resolve('../shared/data/images/kodak');
const browserPath = chromiumPath();
const haveData = fs.existsSync(path.join(KODAK, 'kodim01.png'));
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';

/** A 6144 × 4096 mosaic of kodak photos: large enough for a pyramid, varied enough to look at. */
async function mosaic(file: string): Promise<void> {
  const tiles = await Promise.all(Array.from({ length: 64 }, (_, i) => sharp(path.join(KODAK, `kodim${String((i % 24) + 1).padStart(2, '0')}.png`)).resize(768, 512, { fit: 'cover' }).png().toBuffer()));
  await sharp({ create: { width: 6144, height: 4096, channels: 3, background: '#000' } })
    .composite(tiles.map((input, i) => ({ input, left: (i % 8) * 768, top: Math.floor(i / 8) * 512 })))
    .jpeg({ quality: 88 })
    .toFile(file);
}

/** An API session for the admin (cookie + CSRF header), for setting up what the browser then reads. */
async function apiAs(base: string, username: string, password: string) {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, { method, headers: { cookie, 'x-wenyuan-csrf': '1', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}

/**
 * IIIF in real viewers: a manifest of ours opened by Mirador from another origin (CORS, the
 * manifest, info.json and tiles as a viewer we did not write reads them), and our own work page
 * deep-zooming a large image through our image service.
 */
describe.runIf(browserPath && haveData)('IIIF in real viewers', () => {
  let server: RunningServer;
  let browser: Browser;
  let elsewhere: http.Server;
  let elsewhereUrl: string;
  let big: { id: string; title: string };
  let scroll: { id: string; files: string[] };
  const password = 'e2e-password-123';

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], password).status).toBe(0);
    const folder = fs.mkdtempSync(path.join(server.dataDir, 'in-'));
    await mosaic(path.join(folder, 'kodak-mosaic.jpg'));
    expect(cli(server.dataDir, ['import', folder, '--visibility', 'public', '--json']).status).toBe(0);
    const list = (await (await fetch(`${server.url}/api/works?type=image`)).json()) as { items: { id: string; title: Record<string, string> }[] };
    big = { id: list.items[0]!.id, title: Object.values(list.items[0]!.title)[0]! };
    // Public domain: visitors may reach the full resolution, so the viewer zooms into the pyramid.
    const api = await apiAs(server.url, 'admin', password);
    const work = await api('GET', `/api/works/${big.id}`);
    await api('PATCH', `/api/works/${big.id}`, { expectedVersion: work.version, metadata: { ...(work.metadata as object), rights: { uri: CC0 } } });
    // The pyramid job has run once info.json offers its levels.
    for (const deadline = Date.now() + 120_000; ;) {
      const files = ((await (await fetch(`${server.url}/api/works/${big.id}`)).json()) as { files: { iiif: { service: string } | null }[] }).files;
      const info = (await (await fetch(`${files[0]!.iiif!.service}/info.json`)).json()) as { tiles?: { scaleFactors: number[] }[] };
      if ((info.tiles?.[0]?.scaleFactors.length ?? 0) >= 5) break;
      if (Date.now() > deadline) throw new Error(`no pyramid after 2 minutes: ${JSON.stringify(info)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // A seal on the mosaic, whose owner a visitor will search for.
    const described = await api('GET', `/api/works/${big.id}`);
    const sha256 = (described.files as { sha256: string }[])[0]!.sha256;
    await api('PATCH', `/api/works/${big.id}`, {
      expectedVersion: described.version,
      metadata: { ...(described.metadata as object), annotations: [{ id: 'seal1', type: 'seal', file: sha256, region: { x: 5200, y: 3300, width: 400, height: 400 }, transcription: '文徵明印', transcriptionLanguage: 'zh-Hant', owner: { name: { 'zh-Hans': '文徵明', en: 'Wen Zhengming' } } }] },
    });

    // A handscroll in three scans, read right to left: one work, three images in order.
    const scans = await Promise.all(['kodim05.png', 'kodim08.png', 'kodim13.png'].map((f) => sharp(path.join(KODAK, f)).resize(1200, 800).jpeg({ quality: 85 }).toBuffer()));
    const form = (i: number) => {
      const data = new FormData();
      if (i === 0) data.append('visibility', 'public');
      data.append('file', new Blob([scans[i]!], { type: 'image/jpeg' }), `scroll-part-${i + 1}.jpg`);
      return data;
    };
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const first = (await (await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { cookie, 'x-wenyuan-csrf': '1' }, body: form(0) })).json()) as { items: { workId: string }[] };
    const scrollId = first.items[0]!.workId;
    for (const i of [1, 2]) expect((await fetch(`${server.url}/api/works/${scrollId}/files`, { method: 'POST', headers: { cookie, 'x-wenyuan-csrf': '1' }, body: form(i) })).status).toBe(200);
    const scrollWork = await api('GET', `/api/works/${scrollId}`);
    await api('PATCH', `/api/works/${scrollId}`, { expectedVersion: scrollWork.version, metadata: { ...(scrollWork.metadata as object), title: { en: 'Handscroll in three scans', 'zh-Hans': '三段手卷' }, viewingDirection: 'right-to-left' } });
    scroll = { id: scrollId, files: (scrollWork.files as { sha256: string }[]).map((f) => f.sha256) };

    // Another origin serving Mirador: the viewer fetches our manifest and images across origins.
    const bundle = miradorBundle();
    elsewhere = http.createServer((req, res) => {
      if (req.url === '/mirador.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(bundle));
      const manifest = new URL(req.url ?? '/', 'http://x').searchParams.get('manifest') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body><div id="m" style="position:absolute;inset:0"></div>
<script src="/mirador.min.js"></script><script>Mirador.viewer({ id: 'm', windows: [{ manifestId: ${JSON.stringify(manifest)} }] });</script></body></html>`);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    elsewhere?.close();
    await tearDown(browser, server);
  });

  it('opens in Mirador from another origin: the manifest, its title and tiles of the image', async () => {
    const page = await browser.newPage();
    const tiles: number[] = [];
    const failures: string[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/iiif/3/') && /\/default\.(jpg|png|webp)$/.test(res.url())) tiles.push(res.status());
    });
    page.on('requestfailed', (req) => failures.push(`${req.url()} ${req.failure()?.errorText ?? ''}`));
    page.on('console', (msg) => { if (msg.type() === 'error' && /CORS|Access-Control/i.test(msg.text())) failures.push(msg.text()); });
    const manifest = `${server.url}/iiif/3/manifests/${big.id}`;
    await page.goto(`${elsewhereUrl}/?manifest=${encodeURIComponent(manifest)}`);
    await expect.poll(() => page.getByText(big.title).count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => tiles.filter((s) => s === 200).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    expect(tiles.filter((s) => s !== 200)).toEqual([]);
    expect(failures).toEqual([]);
    await page.close();
  });

  it('deep-zooms a large image on the work page through our image service, down to full-resolution tiles', async () => {
    const page = await browser.newPage();
    const regions: string[] = [];
    page.on('response', (res) => {
      const m = /\/iiif\/3\/[^/]+\/([^/]+)\/([^/]+)\/0\/default\.jpg$/.exec(res.url());
      if (m && res.status() === 200) regions.push(`${m[1]} ${m[2]}`);
    });
    await page.goto(`${server.url}/works/${big.id}`);
    await expect.poll(() => regions.length, { timeout: 60_000 }).toBeGreaterThan(0);
    // Zoom in far with the viewer's own button, then look for full-size tiles.
    const zoomIn = page.getByRole('button', { name: 'Zoom in' });
    for (let i = 0; i < 8; i++) {
      await zoomIn.click();
      await page.waitForTimeout(150);
    }
    // A full-resolution tile: a 256-px region served at 256 px (scale factor 1).
    await expect.poll(() => regions.some((r) => /^\d+,\d+,(\d+),\d+ \1,/.test(r) || /^\d+,\d+,(\d+),(\d+) \1,\2$/.test(r)), { timeout: 60_000, message: regions.slice(-20).join(' / ') }).toBe(true);
    await page.close();
  });

  it('switches on the annotation layer over the image, and a search for the seal\'s owner zooms to it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/works/${big.id}`);
    const toggle = page.getByTestId('annotation-toggle');
    await toggle.waitFor();
    expect(await page.locator('.annotation-box').count()).toBe(0);
    await toggle.click();
    await expect.poll(() => page.locator('.annotation-box.annotation-seal').count(), { timeout: 30_000 }).toBe(1);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    // From the catalogue: searching the owner's name finds the work, and its page zooms to the seal.
    await page.goto(`${server.url}/works?q=${encodeURIComponent('文徵明')}`);
    const result = page.locator(`a[href^="/works/${big.id}"]`).first();
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('href')).toContain('?q=');
    await result.click();
    await expect.poll(() => page.locator('.annotation-box.annotation-seal').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('.annotation-transcription').first().textContent(), { timeout: 30_000 }).toBe('文徵明印');
    // Zoomed in on the seal: the outline fills a good part of the viewer.
    await expect.poll(async () => {
      const box = await page.locator('.annotation-box.annotation-seal').boundingBox();
      const canvas = await page.locator('.openseadragon-canvas').first().boundingBox();
      return box && canvas ? box.width / canvas.width : 0;
    }, { timeout: 30_000 }).toBeGreaterThan(0.2);
    await page.close();
  });

  it('opens a handscroll right to left: the first scan at the right, all three in one view', async () => {
    const page = await browser.newPage();
    const asked = new Set<string>();
    page.on('response', (res) => {
      const m = /\/iiif\/3\/[^~]+~([0-9a-f]{16})\//.exec(res.url());
      if (m && res.status() === 200) asked.add(m[1]!);
    });
    await page.goto(`${server.url}/works/${scroll.id}`);
    const strip = page.locator('.filmstrip');
    await strip.waitFor();
    expect(await strip.getAttribute('dir')).toBe('rtl');
    const buttons = strip.locator('.thumb-button');
    expect(await buttons.count()).toBe(3);
    const [firstBox, lastBox] = [await buttons.nth(0).boundingBox(), await buttons.nth(2).boundingBox()];
    expect(firstBox!.x).toBeGreaterThan(lastBox!.x);
    // One continuous view: every scan's image service is asked for tiles.
    await expect.poll(() => scroll.files.filter((f) => asked.has(f.slice(0, 16))).length, { timeout: 60_000 }).toBe(3);
    await page.close();
  });

  it('signs in an editor who sees the same image in full', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', password);
    const info = await page.request.get(`${server.url}/iiif/3/${big.id}~${(((await (await fetch(`${server.url}/api/works/${big.id}`)).json()) as { files: { sha256: string }[] }).files[0]!.sha256).slice(0, 16)}/info.json`);
    expect(info.status()).toBe(200);
    expect(((await info.json()) as { width: number }).width).toBe(6144);
    await page.close();
  });
});

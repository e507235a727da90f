/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, startServer, type RunningServer } from './server-process.js';

const TAIPEI = path.resolve('../shared/data/collections/meng-v-chinese-art/taipei_image_url.csv');
const KODAK = path.resolve('../shared/data/images/kodak');
const browserPath = chromiumPath();
const haveData = fs.existsSync(TAIPEI) && fs.existsSync(KODAK);

describe.runIf(browserPath && haveData)('accessibility of the main pages (axe-core, WCAG 2.1 AA)', () => {
  let server: RunningServer;
  let browser: Browser;
  let workId: string;
  let collectionId: string;
  let registrationId: string;
  let evidenceId: string;
  let suspect: string;
  const password = 'a11y-password-123';

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], password).status).toBe(0);
    const folder = fs.mkdtempSync(path.join(server.dataDir, 'in-'));
    for (const f of fs.readdirSync(KODAK).slice(0, 3)) fs.copyFileSync(path.join(KODAK, f), path.join(folder, f));
    suspect = path.join(folder, fs.readdirSync(folder)[0]!);
    expect(cli(server.dataDir, ['import', folder, '--visibility', 'public', '--json']).status).toBe(0);
    expect(cli(server.dataDir, ['import', path.dirname(TAIPEI), '--records', TAIPEI, '--mapping', 'mappings/npm-taipei-chinese-painting.json', '--visibility', 'public', '--json']).status).toBe(2);
    const list = (await (await fetch(`${server.url}/api/works?type=image`)).json()) as { items: { id: string }[] };
    workId = list.items[0]!.id;
    // Nested collections (one private), with the work in the sub-collection, so the collection
    // filter, the work's collection links and the collections tree all have something to show.
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username: 'admin', password }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const headers = { 'content-type': 'application/json', 'x-wenyuan-csrf': '1', cookie };
    const send = async (method: string, url: string, body: unknown) => {
      const res = await fetch(`${server.url}${url}`, { method, headers, body: JSON.stringify(body) });
      expect(res.ok, `${method} ${url}`).toBe(true);
      return (await res.json()) as { id: string; version: number };
    };
    const root = await send('POST', '/api/collections', { name: { 'zh-Hans': '书画', 'zh-Hant': '書畫', en: 'Painting and calligraphy' }, visibility: 'public' });
    const child = await send('POST', '/api/collections', { name: { 'zh-Hans': '山水', en: 'Landscapes' }, parentId: root.id, visibility: 'public' });
    await send('POST', '/api/collections', { name: { en: 'Drafts' }, parentId: root.id, visibility: 'private' });
    const work = (await (await fetch(`${server.url}/api/works/${workId}`)).json()) as { version: number };
    await send('PATCH', `/api/works/${workId}`, { expectedVersion: work.version, collectionId: child.id });
    collectionId = root.id;
    // A registration of the public work, for its certificate and the verify page.
    const registered = (await send('POST', `/api/works/${workId}/registrations`, { wait: true })) as unknown as { status: string; registrationId: string };
    expect(registered.status).toBe('sequenced');
    registrationId = registered.registrationId;
    // An evidence report (an imported image as the suspect: it matches its own work).
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(suspect)]), path.basename(suspect));
    const evidence = await fetch(`${server.url}/api/evidence`, { method: 'POST', headers: { 'x-wenyuan-csrf': '1', cookie }, body: form });
    expect(evidence.status).toBe(201);
    evidenceId = ((await evidence.json()) as { id: string }).id;
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  const pages = () => [
    ['home page', '/'],
    ['catalogue', '/works'],
    ['catalogue as a list', '/works?view=list'],
    ['search results', `/works?q=${encodeURIComponent('溪山')}`],
    ['work page', `/works/${workId}`],
    ['catalogue filtered by a collection', `/works?collection=${collectionId}`],
    ['exhibitions', '/exhibitions'],
    ['timeline', '/browse/time'],
    ['map', '/browse/map'],
    ['sign-in page', '/login'],
    ['verify page', '/verify'],
    ['registration certificate', `/registry/certificates/${registrationId}`],
  ];

  for (const lang of ['en', 'zh-CN']) {
    it(`has no serious violations on public pages (${lang})`, async () => {
      // bypassCSP lets axe-core be injected; the app's own CSP forbids inline scripts, rightly.
      const context = await browser.newContext({ locale: lang, bypassCSP: true });
      const page = await context.newPage();
      for (const [name, url] of pages()) {
        await page.goto(`${server.url}${url}`);
        await page.waitForLoadState('networkidle');
        expect(await axeViolations(page), `${name} (${lang})`).toEqual([]);
      }
      await context.close();
    });
  }

  it('has no serious violations on the staff pages', async () => {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    for (const url of ['/upload', '/admin', '/collections', '/account', `/works/${workId}`, '/scan', '/evidence', `/evidence/${evidenceId}`]) {
      await page.goto(`${server.url}${url}`);
      await page.waitForLoadState('networkidle');
      expect(await axeViolations(page), url).toEqual([]);
    }
    await page.goto(`${server.url}/collections`);
    await page.getByTestId('collection-treeitem').first().click();
    await page.getByTestId('collection-edit-form').waitFor();
    expect(await axeViolations(page), 'collection editor').toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `/collections overflows by ${overflow}px at 360 px`).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 720 });
    // The editor is in the staff tab (issue 12), linkable as ?tab=staff.
    await page.goto(`${server.url}/works/${workId}?tab=staff`);
    await page.waitForLoadState('networkidle');
    expect(await axeViolations(page), 'staff tab').toEqual([]);
    await page.getByTestId('edit-button').click();
    expect(await axeViolations(page), 'edit form').toEqual([]);
    // The scan page with a result, and the evidence report, also on a phone.
    await page.goto(`${server.url}/scan`);
    await page.getByTestId('scan-input').setInputFiles(suspect);
    await page.locator('[data-testid="scan-result"][data-status="matched"]').waitFor({ timeout: 60_000 });
    expect(await axeViolations(page), 'scan results').toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
    for (const url of [null, `/evidence/${evidenceId}`]) {
      if (url) {
        await page.goto(`${server.url}${url}`);
        await page.waitForLoadState('networkidle');
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${url ?? '/scan'} overflows by ${overflow}px at 360 px`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${server.url}/verify?registration=${registrationId}`);
    await page.getByTestId('verify-receipt-status').waitFor();
    await page.getByTestId('verify-run').click();
    await page.getByTestId('verify-result').waitFor();
    expect(await axeViolations(page), 'verify result').toEqual([]);
    await page.close();
  });

  it('fits a 360 px phone screen without sideways scrolling, and starts with a skip link', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    for (const [name, url] of pages()) {
      await page.goto(`${server.url}${url}`);
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
    }
    await page.goto(server.url);
    // The app renders after its script runs: wait for the skip link before pressing Tab.
    await page.locator('a.skip-link').waitFor({ state: 'attached' });
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ tag: document.activeElement?.tagName, href: document.activeElement?.getAttribute('href') }));
    expect(focused.tag).toBe('A');
    expect(focused.href).toMatch(/^#/);
    await page.close();
  });
});

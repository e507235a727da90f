/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { haveShowcaseData, seedShowcase, type ShowcaseFixture } from './showcase-fixture.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, tearDown, startServer, type RunningServer } from './server-process.js';
import { wavBytes } from '../support/wav.js';

const browserPath = chromiumPath();
/** Screenshots of every public page, both languages, desktop and phone: kept by CI as artefacts. */
const SHOTS = path.resolve(process.env.WENYUAN_SCREENSHOTS ?? 'test-artifacts/screenshots');
const PASSWORD = 'showcase-password-123';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

async function newContext(browser: Browser, lang: 'en' | 'zh-Hans', viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'zh-CN', deviceScaleFactor: 1, bypassCSP: true, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', ${JSON.stringify(lang)}); } catch {}`);
  return context;
}

/** Waits for the page's data and images, then writes the screenshot. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(async () => {
    await document.fonts.ready;
    const pending = Array.from(document.images).filter((img) => img.loading !== 'lazy' && !img.complete);
    await Promise.all(pending.map((img) => new Promise((resolve) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', resolve, { once: true });
    })));
  });
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe.runIf(browserPath && haveShowcaseData())('the public face: home, exhibition, time and place, work page, on desktop and phone', () => {
  let server: RunningServer;
  let browser: Browser;
  let fixture: ShowcaseFixture;

  beforeAll(async () => {
    server = await startServer();
    fixture = await seedShowcase(server, PASSWORD);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });
  afterAll(() => tearDown(browser, server));

  const publicPages = () => [
    ['home', '/'],
    ['catalogue', '/works'],
    ['catalogue-list', '/works?view=list'],
    ['work', `/works/${fixture.paintingId}`],
    ['exhibitions', '/exhibitions'],
    ['exhibition', `/exhibitions/${fixture.exhibition.slug}`],
    ['timeline', '/browse/time'],
    ['map', '/browse/map'],
  ] as const;

  it('lands an anonymous visitor on a home page with the featured painting, the exhibition and ways in', async () => {
    for (const lang of ['zh-Hans', 'en'] as const) {
      const context = await newContext(browser, lang, DESKTOP);
      const page = await context.newPage();
      await page.goto(server.url);
      const hero = page.locator('.home-hero-image');
      await hero.waitFor();
      await expect.poll(() => hero.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await hero.evaluate((img: HTMLImageElement) => img.currentSrc)).toContain('/iiif/3/');
      await expect.poll(async () => page.locator('#home-hero-title').textContent()).toBe(lang === 'en' ? 'Landscapes into Pictures' : '山河入画');
      expect(await page.getByTestId('exhibition-card').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.showcase-card').count()).toBeGreaterThanOrEqual(4);
      // Entry points by period carry counts and lead to the filtered catalogue.
      await page.locator('.browse-chips a[href*="period=qing"]').first().click();
      await page.waitForURL(/\/works\?period=qing/);
      await page.getByTestId('work-card').first().waitFor();
      await context.close();
    }
  });

  it('opens an exhibition whose image zooms to each section\'s region as the reader scrolls', async () => {
    const context = await newContext(browser, 'en', DESKTOP);
    const page = await context.newPage();
    await page.goto(`${server.url}/exhibitions/${fixture.exhibition.slug}`);
    const { width } = fixture.paintingSize;
    for (const [i, id] of fixture.exhibition.sectionIds.entries()) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, 200);
      await expect.poll(() => page.locator(`.story-toc a[href="#${id}"]`).getAttribute('aria-current'), { timeout: 15_000 }).toBe('location');
      // The viewer comes to rest around the region (grown by the reader's small margin), wherever it was before.
      const r = fixture.exhibition.regions[i]!;
      const target = { x: r.x / width, y: r.y / width, w: r.width / width, h: r.height / width };
      await expect
        .poll(
          async () => {
            const view = (await page.locator('[data-view]').getAttribute('data-view'))?.split(',').map(Number);
            if (!view) return 'no view yet';
            const [x, y, w, h] = view as [number, number, number, number];
            const contains = x <= target.x + 1e-3 && y <= target.y + 1e-3 && x + w >= target.x + target.w - 1e-3 && y + h >= target.y + target.h - 1e-3;
            const tight = w <= target.w * 1.3 || h <= target.h * 1.3;
            return contains && tight ? 'on the region' : `view ${view.join(',')}`;
          },
          { timeout: 20_000 },
        )
        .toBe('on the region');
    }
    // A phone gets a still picture of each region instead of the deep-zoom pane.
    await page.setViewportSize(PHONE);
    await page.reload();
    await expect.poll(() => page.locator('.story-section img').first().getAttribute('src')).toMatch(/\/pct:[\d.,]+\/!\d+,\d+\/0\/default\.webp$/);
    await context.close();
  });

  it('asks for the main picture of the home page and an exhibition as the script starts, once, and the page uses that download', async () => {
    for (const [path, api, selector] of [
      ['/', '/api/showcase/home', '.home-hero-image'],
      [`/exhibitions/${fixture.exhibition.slug}`, `/api/exhibitions/${fixture.exhibition.slug}`, '.story-hero-image img'],
    ] as const) {
      const context = await newContext(browser, 'en', PHONE);
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (request) => asked.push(new URL(request.url()).pathname));
      await page.goto(server.url + path);
      const img = page.locator(selector);
      await img.waitFor();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
      const shown = new URL(await img.evaluate((el: HTMLImageElement) => el.currentSrc)).pathname;
      const preloaded = await page.evaluate(() => Array.from(document.querySelectorAll('link[rel=preload][as=image]')).map((l) => l.getAttribute('imagesrcset') ?? l.getAttribute('href')));
      expect(preloaded, path).toHaveLength(1);
      // The page's own request took the early answer, and the <img> the early download.
      expect(asked.filter((p) => p === api), path).toHaveLength(1);
      expect(asked.filter((p) => p === shown), path).toHaveLength(1);
      await context.close();
    }
  });

  it('gives the artwork the most room on the work page, with the staff tools only for staff', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const context = await newContext(browser, 'zh-Hans', viewport);
      const page = await context.newPage();
      await page.goto(`${server.url}/works/${fixture.paintingId}`);
      const stage = page.getByTestId('work-stage');
      await stage.waitFor();
      const box = (await stage.boundingBox())!;
      // The image stage is the page's largest element: at least half the screen's height on desktop,
      // the full width on a phone, and it starts within the first screen.
      expect(box.y).toBeLessThan(viewport.height / 2);
      if (viewport === DESKTOP) expect(box.height).toBeGreaterThanOrEqual(viewport.height * 0.5);
      else expect(box.width).toBeGreaterThanOrEqual(viewport.width - 2);
      // Language tags are words, never codes; visitors get no staff tab, not even hidden.
      expect(await page.locator('main').innerText()).not.toMatch(/\bzh-Hant\b|\bzh-Hans\b/);
      expect(await page.getByTestId('work-staff').count()).toBe(0);
      expect(await page.getByTestId('edit-button').count()).toBe(0);
      await page.goto(`${server.url}/works/${fixture.paintingId}?tab=staff`);
      await stage.waitFor();
      expect(await page.getByTestId('work-staff').count()).toBe(0);
      await context.close();
    }
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/works/${fixture.paintingId}?tab=staff`);
    await page.getByTestId('work-staff').waitFor();
    await page.getByTestId('edit-button').waitFor();
    await page.close();
  });

  it('browses by dynasty on the timeline and by place on the map, asking nothing of any other host', async () => {
    const context = await newContext(browser, 'en', DESKTOP);
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:') elsewhere.push(request.url());
    });
    await page.goto(`${server.url}/browse/time`);
    const qing = page.locator('.timeline-list a.browse-count-link[href*="period=qing"]').first();
    await qing.waitFor();
    await qing.click();
    await page.waitForURL(/\/works\?period=qing/);
    await page.getByTestId('work-card').first().waitFor();
    // The painting is among the Qing works (many: narrowed by a word so it is on the first page).
    await page.goto(`${page.url()}&q=Midlands`);
    await expect.poll(() => page.getByTestId('work-card').filter({ hasText: 'Rivers and Hills of the Midlands' }).count()).toBe(1);

    await page.goto(`${server.url}/browse/map`);
    await expect.poll(() => page.locator('.leaflet-container path.leaflet-interactive').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const zhejiang = page.locator('.map-place-list a[href*="place=cn-33"]').first();
    await zhejiang.waitFor();
    await zhejiang.click();
    await page.waitForURL(/\/works\?place=cn-33/);
    await page.getByTestId('work-card').first().waitFor();
    await page.goto(`${page.url()}&q=Midlands`);
    await expect.poll(() => page.getByTestId('work-card').filter({ hasText: 'Rivers and Hills of the Midlands' }).count()).toBe(1);
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it('shows hostile Markdown and HTML in a story as text: nothing a curator (or a stolen curator account) writes runs in a reader', async () => {
    const hostile = [
      '<script>window.__xss = "script"</script>',
      '<img src="x" onerror="window.__xss = \'img\'">',
      '[click me](javascript:window.__xss=\'link\')',
      '<a href="javascript:window.__xss=\'a\'">raw link</a>',
      '![x](https://tracker.example/pixel.gif)',
    ].join('\n\n');
    const res = await fetch(`${server.url}/api/exhibitions`, {
      method: 'POST',
      headers: fixture.headers,
      body: JSON.stringify({ slug: 'hostile-story', title: { en: 'Hostile story' }, status: 'published', sections: [{ id: 'one', heading: { en: 'One' }, body: { en: hostile } }] }),
    });
    expect(res.status).toBe(201);
    const context = await newContext(browser, 'en', DESKTOP);
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto(`${server.url}/exhibitions/hostile-story`);
    await page.locator('#one').waitFor();
    expect(await page.locator('#one').innerText()).toContain('<script>');
    const link = page.locator('#one a', { hasText: 'click me' });
    if (await link.count()) await link.click();
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(await page.locator('#one script, #one img[onerror], #one a[href^="javascript"]').count()).toBe(0);
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it('sends old catalogue links (/?q=…) to /works', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?q=${encodeURIComponent('山')}&page=1`);
    await page.waitForURL(/\/works\?q=/);
    await page.close();
  });

  it('keeps the phone header to one compact line with a menu', async () => {
    const context = await newContext(browser, 'zh-Hans', PHONE);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.home-hero').waitFor();
    const header = await page.locator('header').first().boundingBox();
    expect(header!.height, 'header height on a 390×844 phone').toBeLessThanOrEqual(64);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('saves screenshots of every public page in both languages at 1440 and 390 px, each without axe violations', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      for (const lang of ['zh-Hans', 'en'] as const) {
        const context = await newContext(browser, lang, viewport);
        const page = await context.newPage();
        for (const [name, url] of publicPages()) {
          await page.goto(server.url + url);
          await shoot(page, `${name}-${lang}-${viewport.width}`);
          expect(await overflow(page), `${name} (${lang}) overflows at ${viewport.width}px`).toBeLessThanOrEqual(0);
          expect(await axeViolations(page), `${name} (${lang}, ${viewport.width}px)`).toEqual([]);
        }
        await context.close();
      }
    }
    expect(fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(publicPages().length * 4);
  });

  it('shows staff the first-run page on an empty instance and visitors a friendly one', async () => {
    const empty = await startServer();
    try {
      expect(cli(empty.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
      const page = await browser.newPage();
      await page.goto(empty.url);
      await page.locator('.home-empty').waitFor();
      await signIn(page, empty.url, 'admin', PASSWORD);
      await page.goto(empty.url);
      await page.getByTestId('first-run').waitFor();
      expect(await page.locator('.first-run-step').count()).toBe(3);
      await page.close();
    } finally {
      await empty.stop();
      fs.rmSync(empty.dataDir, { recursive: true, force: true });
    }
  });

  it('lets staff publish 500 works in one action, with progress and an undo', async () => {
    const folder = fs.mkdtempSync(path.join(server.dataDir, 'bulk-'));
    fs.writeFileSync(path.join(folder, 'records.csv'), 'id,title\n' + Array.from({ length: 500 }, (_, i) => `b${i},Bulk record ${i}`).join('\n') + '\n');
    fs.writeFileSync(path.join(folder, 'mapping.json'), JSON.stringify({ name: 'generated', id: 'bulk:{id}', fields: [{ to: 'title.en', from: 'title' }] }));
    expect(cli(server.dataDir, ['import', folder, '--records', path.join(folder, 'records.csv'), '--mapping', path.join(folder, 'mapping.json'), '--json']).status).toBe(0);
    const publicTotal = async () => ((await (await fetch(`${server.url}/api/works?pageSize=1`)).json()) as { total: number }).total;
    const before = await publicTotal();

    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/works?visibility=private`);
    await page.getByTestId('bulk-select-toggle').click();
    await page.getByTestId('bulk-select-all').click();
    await page.getByTestId('bulk-action').selectOption('publish');
    await page.getByTestId('bulk-apply').click();
    await page.getByRole('dialog').getByRole('button', { name: /500/ }).click();
    await page.getByTestId('bulk-status').waitFor();
    await expect.poll(publicTotal, { timeout: 90_000, interval: 500 }).toBe(before + 500);
    await expect.poll(() => page.locator('.bulk-count-done dd').textContent(), { timeout: 30_000 }).toMatch(/^500$/);
    // Undo puts the 500 back to private.
    await page.getByTestId('bulk-undo').click();
    await page.getByRole('dialog').getByRole('button').last().click();
    await expect.poll(publicTotal, { timeout: 90_000, interval: 500 }).toBe(before);
    await page.close();
  });

  it('lets a curator choose the featured works on /home/edit', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/home/edit`);
    await page.getByTestId('featured-works').waitFor();
    const before = await page.locator('[data-testid="featured-works"] li').count();
    await page.getByTestId('home-work-search').fill('');
    await page.getByTestId('home-work-search').press('Enter');
    await page.getByTestId('home-work-add').filter({ hasNotText: /Added|已加入/ }).first().click();
    await page.getByTestId('home-save').click();
    await page.locator('.notice-success').waitFor();
    await page.goto(`${server.url}/home/edit`);
    await expect.poll(() => page.locator('[data-testid="featured-works"] li').count()).toBe(before + 1);
    await page.close();
  });

  it('plays a recording in its section beside the picture it follows, and the editor asks before unsaved changes are lost', async () => {
    const { 'content-type': _json, ...auth } = fixture.headers;
    const form = new FormData();
    form.append('visibility', 'public');
    form.append('file', new Blob([new Uint8Array(wavBytes(1))], { type: 'audio/wav' }), 'bell.wav');
    const uploaded = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: auth, body: form });
    expect(uploaded.status, await uploaded.clone().text()).toBe(200);
    const song = ((await uploaded.json()) as { items: { workId: string }[] }).items[0]!;
    const created = await fetch(`${server.url}/api/exhibitions`, {
      method: 'POST',
      headers: fixture.headers,
      body: JSON.stringify({
        slug: 'listening',
        title: { en: 'Listening', 'zh-Hans': '聆听' },
        status: 'published',
        sections: [
          { id: 'look', heading: { en: 'Look' }, body: { en: 'A detail of the valley.' }, media: { workId: fixture.paintingId, region: fixture.exhibition.regions[1] }, links: [] },
          { id: 'listen', heading: { en: 'Listen' }, body: { en: 'A bell from the village.' }, media: { workId: song.workId, caption: { en: 'A bell rings' } }, links: [] },
        ],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const context = await newContext(browser, 'en', DESKTOP);
    const page = await context.newPage();
    await page.goto(`${server.url}/exhibitions/listening`);
    const viewer = page.locator('.story-viewer');
    for (const id of ['look', 'listen']) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, 200);
      await expect.poll(() => page.locator(`.story-toc a[href="#${id}"]`).getAttribute('aria-current'), { timeout: 15_000 }).toBe('location');
      // The recording's section keeps the picture of the one before in the pane.
      await expect.poll(() => viewer.getAttribute('data-state')).toBe('zoom');
    }
    const audio = page.locator('#listen audio');
    expect(await audio.isVisible()).toBe(true);
    expect(await audio.getAttribute('aria-label')).toBe('A bell rings');
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration), { timeout: 15_000 }).toBeCloseTo(1, 1);
    // Phones play it in the section too.
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.locator('#listen audio').waitFor();
    expect(await page.locator('#listen audio').isVisible()).toBe(true);
    await context.close();

    const staff = await browser.newPage();
    await signIn(staff, server.url, 'admin', PASSWORD);
    const editUrl = `${server.url}/exhibitions/listening/edit`;
    await staff.goto(editUrl);
    // The editor plays the recording too, with no region to draw on it.
    await staff.locator('#edit-listen audio').waitFor();
    expect(await staff.locator('#edit-listen .region-fields').count()).toBe(0);
    const unsaved = staff.locator('.exhibition-editor-unsaved');
    const body = staff.locator('#edit-listen textarea').last();
    const leaveDialog = staff.locator('dialog[open]');
    expect(await unsaved.textContent()).toBe('');

    await body.fill('A bell from the village, at dusk.');
    expect(await unsaved.textContent()).not.toBe('');
    // Leaving asks; "Cancel" stays, "Leave without saving" goes.
    await staff.locator('.exhibition-editor-head a').click();
    await leaveDialog.waitFor();
    await leaveDialog.getByRole('button').first().click();
    expect(staff.url()).toBe(editUrl);
    expect(await body.inputValue()).toBe('A bell from the village, at dusk.');
    await staff.locator('.exhibition-editor-head a').click();
    await leaveDialog.getByRole('button').last().click();
    await staff.waitForURL(`${server.url}/exhibitions/listening`);

    // Once saved, leaving asks nothing.
    await staff.goto(editUrl);
    await body.fill('A bell from the village, at dusk.');
    await staff.locator('.exhibition-editor-actions button[type=submit]').click();
    await staff.locator('.notice-success').waitFor();
    expect(await unsaved.textContent()).toBe('');
    await staff.locator('.exhibition-editor-head a').click();
    await staff.waitForURL(`${server.url}/exhibitions/listening`);
    expect(await staff.locator('dialog[open]').count()).toBe(0);

    // Closing or reloading the tab with changes (and only then) gets the browser's warning: the page cancels `beforeunload`.
    const unloadCancelled = () => staff.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })));
    await staff.goto(editUrl);
    await body.waitFor();
    expect(await unloadCancelled()).toBe(false);
    await body.fill('Changed again.');
    expect(await unloadCancelled()).toBe(true);
    await staff.close();
  });
});

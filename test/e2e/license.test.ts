/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const IMAGE = path.resolve('../shared/data/images/kodak/kodim23.png');
const haveData = fs.existsSync(IMAGE);
const PASSWORD = 'license-password-123';
const CONTEXT = ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }];

type Caller = <T>(method: string, url: string, body?: unknown, status?: number) => Promise<T>;

/** Signs in over the API and returns a caller that sends that session's cookie and the CSRF header. */
async function apiAs(server: RunningServer, username: string): Promise<{ call: Caller; cookie: string }> {
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(login.ok, `login ${username}`).toBe(true);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call: Caller = async <T>(method: string, url: string, body?: unknown, status?: number): Promise<T> => {
    const res = await fetch(`${server.url}${url}`, { method, headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1', cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (status !== undefined) expect(res.status, `${method} ${url}: ${text}`).toBe(status);
    else expect(res.ok, `${method} ${url}: ${res.status} ${text}`).toBe(true);
    return (text ? JSON.parse(text) : null) as T;
  };
  return { call, cookie };
}

/**
 * The right holder's side set up over the API, as license-flow.test.ts does: a public image work by
 * the creator, three parties and a 60/30/10 split, a CC BY-NC public licence, a 1,200.00 CNY
 * commercial offer in a limited edition, and a heritage element (5 % of commercial use to a fund, no parody).
 */
async function seed(server: RunningServer) {
  expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
  const admin = await apiAs(server, 'admin');
  await admin.call('POST', '/api/users', { username: 'creator', password: PASSWORD, role: 'creator', displayName: 'Li Bai' });
  await admin.call('POST', '/api/users', { username: 'licensee', password: PASSWORD, role: 'licensee', displayName: 'Wang Wei' });
  const creator = await apiAs(server, 'creator');

  const form = new FormData();
  form.append('visibility', 'public');
  const png = await sharp(IMAGE).resize(768).png().toBuffer();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'mural.png');
  const uploaded = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { 'x-wenyuan-csrf': '1', cookie: creator.cookie }, body: form });
  const uploadBody = await uploaded.text();
  expect(uploaded.status, uploadBody).toBe(200);
  const workId = (JSON.parse(uploadBody) as { items: { workId: string }[] }).items[0]!.workId;

  const parties: Record<string, string> = {};
  for (const [key, kind, name] of [['artist', 'person', 'Li Bai'], ['museum', 'institution', 'County Museum'], ['fund', 'community', 'Mask Fund']] as const) {
    parties[key] = (await admin.call<{ id: string }>('POST', '/api/parties', { kind, name: { en: name, 'zh-Hans': name } }, 201)).id;
  }
  await creator.call('PUT', `/api/works/${workId}/royalty-split`, {
    version: 0,
    shares: [{ partyId: parties.artist, basisPoints: 6000, role: 'artist' }, { partyId: parties.museum, basisPoints: 3000, role: 'institution' }, { partyId: parties.fund, basisPoints: 1000, role: 'community' }],
  });
  await creator.call('PUT', `/api/terms/work/${workId}/public-licence`, { rightsUri: 'https://creativecommons.org/licenses/by-nc/4.0/' });
  const offer = await creator.call<{ id: string }>('POST', '/api/offers', {
    target: { type: 'work', id: workId },
    title: { en: 'Game texture licence', 'zh-Hans': '游戏贴图授权' },
    editionSize: 3,
    odrl: {
      '@context': CONTEXT,
      '@type': 'Offer',
      permission: [{
        action: 'reproduce',
        constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }, { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' }, { leftOperand: 'media', operator: 'isAnyOf', rightOperand: ['game', 'web'] }],
        duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '1200.00', unit: 'CNY' }] }, { action: 'attribute' }],
      }],
    },
  }, 201);
  const element = await admin.call<{ id: string }>('POST', '/api/heritage-elements', {
    name: { en: 'Peking-opera mask', 'zh-Hans': '京剧脸谱' },
    custodianPartyId: parties.fund,
    rules: {
      '@context': CONTEXT,
      '@type': 'Set',
      conflict: 'prohibit',
      permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', compensatedParty: `urn:wenyuan:party:${parties.fund}`, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: 5 }] }] }],
      prohibition: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'parody' }] }],
    },
  }, 201);
  await creator.call('PUT', `/api/works/${workId}/heritage-elements`, { elementIds: [element.id] });
  return { admin, creator, workId, offerId: offer.id, parties };
}

async function newContext(browser: Browser, lang: 'en' | 'zh-Hans'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN', bypassCSP: true, acceptDownloads: true });
  await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', ${JSON.stringify(lang)}); } catch {}`);
  return context;
}

/** How far the page is wider than a 390 px phone's viewport (0: no sideways scrolling). */
async function overflowOnPhone(page: Page): Promise<number> {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  const excess = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(size);
  return excess;
}

/** Clicks what starts a download and saves the file; resolves with its path. */
async function download(page: Page, testId: string, file: string): Promise<string> {
  const [started] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  await started.saveAs(file);
  return file;
}

/**
 * Issue 14's journey in Chromium: a licensee reads the work's terms in both languages, licenses it,
 * the right holder approves and confirms payment, the licensee downloads a copy watermarked for the
 * grant and an agreement `wenyuan verify` accepts offline, the certificate's QR page says "valid",
 * and the artist's statement shows its share after the heritage fund's 5 %.
 */
describe.runIf(browserPath && haveData)('licensing a work in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let fixture: Awaited<ReturnType<typeof seed>>;
  let orderId = '';
  let grantId = '';

  beforeAll(async () => {
    server = await startServer();
    fixture = await seed(server);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });
  afterAll(() => tearDown(browser, server));

  it('shows the free uses and the price in both languages and orders a licence', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, server.url, 'licensee', PASSWORD);
    await page.goto(`${server.url}/works/${encodeURIComponent(fixture.workId)}`);
    const rights = page.getByTestId('work-rights');
    await rights.waitFor();
    expect(await page.getByTestId('license-free-uses').innerText()).toMatch(/Anyone may .*non-commercial/);
    expect(await page.getByTestId('license-offer-price').innerText()).toBe('1200.00 CNY');
    expect(await page.getByTestId('license-offer-edition').innerText()).toMatch(/3 of 3/);
    const heritage = await page.getByTestId('license-heritage').innerText();
    expect(heritage).toMatch(/Peking-opera mask: commercial use pays 5 % to Mask Fund/);
    expect(heritage).toMatch(/No parody use/);
    expect(await page.getByTestId('license-ai').getAttribute('data-ai')).toBe('reserved');
    expect(await axeViolations(page), 'work page with its rights section').toEqual([]);
    expect(await overflowOnPhone(page), 'the work page at 390 px').toBeLessThanOrEqual(0);

    // The same in Chinese, then back.
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('license-free-uses').innerText()).toMatch(/任何人均可为.*非商业/);
    expect(await page.getByTestId('license-offer-price').innerText()).toBe('1200.00 CNY');
    expect(await page.getByTestId('license-this-work').innerText()).toBe('获取授权');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('license-this-work').innerText()).toBe('License this work');

    await page.getByTestId('license-this-work').click();
    await page.waitForURL(/\/license\?offer=/);
    await page.getByTestId('license-order-form').waitFor();
    // The form starts from what the offer allows: reproduce, commercial, in China, in games.
    expect(await page.getByTestId('license-purpose-commercial').isChecked()).toBe(true);
    expect(await page.getByTestId('license-order-licensee').inputValue()).toBe('Wang Wei');
    // A malformed territory is said next to the field.
    await page.getByTestId('license-order-territory').fill('China');
    await expect.poll(() => page.getByTestId('license-order-territory').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('license-order-territory').fill('CN-44');
    await page.getByTestId('license-order-media').selectOption('game');
    await page.getByTestId('license-order-until').fill('2099-12-31');
    await page.getByTestId('license-order-licensee').fill('Dunhuang Games Ltd');
    await expect.poll(async () => (await page.getByTestId('license-check').count()) > 0 && (await page.getByTestId('license-check').getAttribute('data-basis')), { timeout: 10_000 }).toBe('offer');
    expect(await page.getByTestId('license-check-price').innerText()).toBe('1200.00 CNY');
    expect(await axeViolations(page), 'the order page').toEqual([]);
    expect(await overflowOnPhone(page), 'the order page at 390 px').toBeLessThanOrEqual(0);
    await page.getByTestId('license-order-submit').click();
    await page.waitForURL(/\/orders\?order=/);
    orderId = new URL(page.url()).searchParams.get('order')!;
    const mine = page.locator(`[data-testid="license-order"][data-order-id="${orderId}"]`);
    await mine.waitFor();
    expect(await mine.getAttribute('data-status')).toBe('requested');
    await context.close();
  });

  it('lets the right holder approve the order and confirm the payment', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, server.url, 'creator', PASSWORD);
    await page.goto(`${server.url}/orders`);
    const order = page.locator(`[data-testid="license-order"][data-order-id="${orderId}"]`);
    await order.waitFor();
    await order.getByTestId('license-order-approve').click();
    await expect.poll(() => order.getAttribute('data-status')).toBe('approved');
    expect(await order.getByTestId('license-order-invoice').innerText()).toMatch(/^WY-\d{4}-/);
    await order.getByTestId('license-order-show-invoice').click();
    expect(await order.getByTestId('license-invoice').innerText()).toMatch(/1200\.00 CNY/);
    expect(await order.getByTestId('license-payment-amount').inputValue()).toBe('1200.00');
    await order.getByTestId('license-payment-reference').fill('ICBC 0042');
    await order.getByTestId('license-confirm-payment').click();
    await expect.poll(() => order.getAttribute('data-status')).toBe('granted');
    await context.close();
  });

  it('gives the licensee a certificate, a watermarked copy and an agreement that verifies offline', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, server.url, 'licensee', PASSWORD);
    await page.goto(`${server.url}/orders?order=${orderId}`);
    const order = page.locator(`[data-testid="license-order"][data-order-id="${orderId}"]`);
    await order.waitFor();
    expect(await order.getAttribute('data-status')).toBe('granted');
    await order.getByTestId('license-order-grant').click();
    await page.waitForURL(/\/grants\/[^/]+$/);
    grantId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    await page.getByTestId('grant-certificate').waitFor();
    expect(await page.getByTestId('grant-licensee').innerText()).toBe('Dunhuang Games Ltd');
    expect(await page.getByTestId('grant-state').innerText()).toMatch(/Valid/);
    await expect.poll(() => page.getByTestId('grant-permitted').innerText()).toMatch(/reproduce: for commercial purposes, in Guangdong, in games/);

    // The licensed copy: a JPEG whose watermark a scan by the right holder reads as this grant.
    const dir = fs.mkdtempSync(path.join(server.dataDir, 'downloads-'));
    const copy = await download(page, 'grant-copy', path.join(dir, 'copy.jpg'));
    const bytes = fs.readFileSync(copy);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const scanForm = new FormData();
    scanForm.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'leak.jpg');
    const scan = await fetch(`${server.url}/api/scans`, { method: 'POST', headers: { 'x-wenyuan-csrf': '1', cookie: fixture.creator.cookie }, body: scanForm });
    const scanText = await scan.text();
    expect(scan.status, scanText.slice(0, 300)).toBe(200);
    const watermark = (JSON.parse(scanText) as { items: { watermark: { copy: { reference: string } | null } | null }[] }).items[0]!.watermark;
    expect(watermark?.copy?.reference).toBe(`grant:${grantId}`);

    // The log sequences in the background: the page shows the receipt's link once it is there.
    await page.getByTestId('grant-receipt-download').waitFor({ timeout: 30_000 });
    const agreement = await download(page, 'grant-agreement-download', path.join(dir, 'agreement.jsonld'));
    const receipt = await download(page, 'grant-receipt-download', path.join(dir, 'receipt.json'));
    const logKey = (await (await fetch(`${server.url}/api/registry/key`)).text()).trim();
    const verified = spawnSync(process.execPath, [path.resolve('bin/wenyuan.js'), 'verify', receipt, '--file', agreement, '--log-key', logKey], { encoding: 'utf8', timeout: 60_000 });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(await axeViolations(page), 'the licence certificate').toEqual([]);
    expect(await overflowOnPhone(page), 'the certificate at 390 px').toBeLessThanOrEqual(0);

    // The certificate's QR code leads anyone to the grant's status.
    const statusPath = await page.getByTestId('grant-status-link').getAttribute('href');
    expect(statusPath).toMatch(/^\/verify\/grant\/.+\?sha256=[0-9a-f]{64}$/);
    const anonymous = await newContext(browser, 'en');
    const visitor = await anonymous.newPage();
    await visitor.goto(`${server.url}${statusPath}`);
    await visitor.getByTestId('grant-status').waitFor();
    expect(await visitor.getByTestId('grant-status').getAttribute('data-state')).toBe('valid');
    expect(await visitor.getByTestId('grant-status').innerText()).toBe('Valid');
    await anonymous.close();
    await context.close();
  });

  it('pays the artist its share after the heritage fund\'s 5 %', async () => {
    const statement = await fixture.admin.call<{ closing: { display: string } }>('GET', `/api/ledger/statements/${fixture.parties.artist}?from=2000-01-01&to=2100-01-01`);
    expect(statement.closing.display).toBe('684.00');
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { generateKey } from '../../src/registry/signed-note.js';
import { CHROMIUM_ARGS, chromiumPath, cli, startServer, type RunningServer, signIn as signInAs, tearDown } from './server-process.js';

const KODAK = path.resolve('../shared/data/images/kodak');
const IMAGE = path.join(KODAK, 'kodim01.png');
const OTHER_IMAGE = path.join(KODAK, 'kodim02.png');
const browserPath = chromiumPath();
const haveData = fs.existsSync(IMAGE) && fs.existsSync(OTHER_IMAGE);

/**
 * A creator registers an uploaded work in the copyright registry, gets its certificate and receipt,
 * and anyone verifies the receipt in the browser (WebCrypto): valid with the registered file,
 * invalid — with the file check failed — with another file.
 */
describe.runIf(browserPath && haveData)('copyright registration and verification in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let receiptFile: string;
  let registrationId: string;
  const password = 'e2e-password-123';
  let imageSha256: string;

  beforeAll(async () => {
    // Read here, not at collection: without ../shared/data the suite is skipped, not failed.
    imageSha256 = createHash('sha256').update(fs.readFileSync(IMAGE)).digest('hex');
    server = await startServer();
    expect(cli(server.dataDir, ['user', 'create', 'maker', '--role', 'creator', '--password-stdin'], password).status).toBe(0);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });

  afterAll(() => tearDown(browser, server));

  const signIn = (page: Page, username: string) => signInAs(page, server.url, username, password);

  it('registers an uploaded work, shows its certificate and hands out the receipt', async () => {
    const page = await browser.newPage();
    await signIn(page, 'maker');
    await page.goto(`${server.url}/upload`);
    await page.getByTestId('upload-input').setInputFiles(IMAGE);
    const workLink = page.getByTestId('upload-work-link');
    await workLink.waitFor({ timeout: 60_000 });
    await workLink.click();
    await page.waitForURL((url) => url.pathname.startsWith('/works/'));
    // Registering is a staff tool (issue 12): the owner finds it in the staff tab.
    await page.getByTestId('tab-staff').click();

    // A creator registers as author or right holder; "institution" is for curators and admins.
    const role = page.getByTestId('register-role');
    await role.waitFor();
    expect(await role.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['author', 'right-holder']);
    await role.selectOption('right-holder');
    await page.getByTestId('register-button').click();
    const result = page.getByTestId('registration-result');
    await result.waitFor({ timeout: 30_000 });
    expect(Number(await result.getAttribute('data-index'))).toBe(0);
    const receiptHref = (await result.getByTestId('receipt-download').getAttribute('href'))!;
    registrationId = decodeURIComponent(receiptHref.split('/').at(-2)!);
    expect(receiptHref).toBe(`/api/registry/registrations/${encodeURIComponent(registrationId)}/receipt.json`);
    // The work's registrations list it too.
    await expect.poll(() => page.getByTestId('registration-item').count()).toBe(1);
    // Registered as right holder: the button says so and does nothing; registering again takes the
    // explicit "register again" button and its confirmation (issue 10, item 7).
    const button = page.getByTestId('register-button');
    await expect.poll(() => button.getAttribute('data-registered')).toBe('true');
    // aria-disabled: Playwright would wait for it to be enabled; a visitor can still press it.
    await button.click({ force: true });
    expect(await page.getByTestId('register-again').count()).toBe(1);
    expect(await page.getByTestId('registration-item').count()).toBe(1);

    await result.getByTestId('certificate-link').click();
    const certificate = page.getByTestId('certificate');
    await certificate.waitFor();
    expect(page.url()).toBe(`${server.url}/registry/certificates/${encodeURIComponent(registrationId)}`);
    expect(await page.getByTestId('certificate-content').textContent()).toBe(imageSha256);
    expect(await page.getByTestId('certificate-index').textContent()).toBe('0');
    await expect.poll(() => page.getByTestId('certificate-work-title').count()).toBe(1);
    expect(await certificate.textContent()).toMatch(/Right holder|权利人/);
    const qr = page.getByTestId('certificate-qr');
    expect(await qr.count()).toBe(1);
    expect((await qr.locator('path').getAttribute('d'))!.length).toBeGreaterThan(100);
    expect(await certificate.textContent()).toContain(`${server.url}/verify?registration=${registrationId}`);
    // The other language, then print: no site header, no tools.
    const before = await page.getByRole('heading', { level: 1 }).textContent();
    const other = (await page.getAttribute('html', 'lang')) === 'en' ? 'zh-Hans' : 'en';
    await page.getByTestId(`certificate-lang-${other}`).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).not.toBe(before);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByTestId('receipt-download').isVisible()).toBe(false);
    expect(await certificate.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    const response = await page.request.get(`${server.url}${receiptHref}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-disposition']).toContain('attachment');
    const receipt = JSON.parse(await response.text()) as { type: string; registrationId: string; entry: string; opening?: { contentSha256: string } };
    expect(receipt.type).toBe('wenyuan.registry.receipt/v1');
    expect(receipt.registrationId).toBe(registrationId);
    // The work is private: its entry is sealed (the log names no hash of it), and the receipt opens it.
    expect(receipt.entry).toMatch(/^content commit:[0-9a-f]{64}$/m);
    expect(receipt.entry).not.toContain(imageSha256);
    expect(receipt.opening?.contentSha256).toBe(imageSha256);
    expect(receipt.entry).toContain('role right-holder\n');
    receiptFile = path.join(server.dataDir, 'receipt.json');
    fs.writeFileSync(receiptFile, await response.body());
    await page.close();
  });

  it('verifies the receipt and the file in the browser, and fails the file check for another file', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('nav-verify').click();
    await page.waitForURL((url) => url.pathname === '/verify');
    const logKey = (await (await fetch(`${server.url}/api/registry/key`)).text()).trim();
    await expect.poll(() => page.getByTestId('verify-log-key').inputValue()).toBe(logKey);

    await page.getByTestId('verify-receipt-input').setInputFiles(receiptFile);
    await page.getByTestId('verify-file-input').setInputFiles(IMAGE);
    await expect.poll(async () => page.getByTestId('verify-file-status').textContent(), { timeout: 20_000 }).toContain(imageSha256);
    await page.getByTestId('verify-run').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    const checks = page.getByTestId('verify-check');
    const names = await checks.evaluateAll((items) => items.map((i) => `${i.getAttribute('data-name')}=${i.getAttribute('data-ok')}`));
    expect(names).toEqual(expect.arrayContaining(['file=true', 'checkpoint signature=true', 'inclusion=true']));
    expect(names.every((n) => n.endsWith('=true'))).toBe(true);

    await page.getByTestId('verify-file-input').setInputFiles(OTHER_IMAGE);
    expect(await result.count()).toBe(0); // a changed input clears the old verdict
    await page.getByTestId('verify-run').click();
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('false');
    const fileCheck = page.locator('[data-testid="verify-check"][data-name="file"]');
    expect(await fileCheck.getAttribute('data-ok')).toBe('false');
    expect(await fileCheck.textContent()).toContain(imageSha256);
    // Everything but the file still holds.
    expect(await page.locator('[data-testid="verify-check"][data-ok="false"]').count()).toBe(1);
    await page.close();
  });

  it('loads a receipt by registration id for those who may see the work, and fails the signature check against another log key', async () => {
    // The work was uploaded private: an anonymous visitor cannot load its receipt from the server.
    const anon = await browser.newPage();
    await anon.goto(`${server.url}/verify?registration=${encodeURIComponent(registrationId)}`);
    await anon.getByTestId('verify-receipt-error').waitFor({ timeout: 10_000 });
    await anon.close();

    const page = await browser.newPage();
    await signIn(page, 'maker');
    await page.goto(`${server.url}/verify?registration=${encodeURIComponent(registrationId)}`);
    await expect.poll(() => page.getByTestId('verify-receipt-status').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('verify-log-key').inputValue()).not.toBe('');
    await page.getByTestId('verify-run').click();
    await page.getByTestId('verify-result').waitFor();
    expect(await page.getByTestId('verify-result').getAttribute('data-ok')).toBe('true');

    // An impostor's key with the log's name: the checkpoint carries no signature it can verify.
    const origin = (await page.getByTestId('verify-log-key').inputValue()).split('+')[0]!;
    const impostor = await generateKey(origin, nodeCrypto);
    await page.getByTestId('verify-log-key').fill(impostor.verifierKey);
    expect(await page.getByTestId('verify-result').count()).toBe(0);
    await page.getByTestId('verify-run').click();
    await page.getByTestId('verify-result').waitFor();
    expect(await page.getByTestId('verify-result').getAttribute('data-ok')).toBe('false');
    expect(await page.locator('[data-testid="verify-check"][data-name="checkpoint signature"]').getAttribute('data-ok')).toBe('false');
    await page.close();
  });
});

if (!browserPath || !haveData) console.warn(`end-to-end registry test skipped: ${!browserPath ? 'no Chromium at /usr/bin/chromium (set WENYUAN_TEST_CHROMIUM to require it)' : 'no ../shared/data'}`);

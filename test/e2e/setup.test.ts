import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const PUBLIC_URL = 'https://archive.museum.example';

/** The path QrCode.tsx draws for `text` (same library, same error correction, same quiet zone). */
function qrPath(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  let d = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.data[row * modules.size + col]) d += `M${col + 4} ${row + 4}h1v1h-1z`;
  }
  return d;
}

/**
 * A fresh instance's first administrator signs in and is led through setup (name, public URL,
 * registry origin, logo); the site then carries the institution's name and logo, and a
 * certificate's QR code leads to the public URL rather than the address the browser used.
 */
describe.runIf(browserPath)('first-run setup in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let imageDir: string;
  const password = 'e2e-password-123';

  beforeAll(async () => {
    server = await startServer(undefined, { setup: false });
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], password).status).toBe(0);
    imageDir = path.join(server.dataDir, 'e2e-images');
    fs.mkdirSync(imageDir);
    fs.writeFileSync(path.join(imageDir, 'scroll.png'), await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a5a2b' } }).png().toBuffer());
    fs.writeFileSync(path.join(server.dataDir, 'logo.png'), await sharp({ create: { width: 96, height: 32, channels: 3, background: '#7a1f1f' } }).png().toBuffer());
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });

  afterAll(() => tearDown(browser, server));

  it('refuses to register before setup and says how to finish it', async () => {
    const instance = (await (await fetch(`${server.url}/api/instance`)).json()) as { setupDone: boolean };
    expect(instance.setupDone).toBe(false);
    const imported = cli(server.dataDir, ['import', imageDir, '--visibility', 'public', '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    const workId = (await (await fetch(`${server.url}/api/works`)).json() as { items: { id: string }[] }).items[0]!.id;
    const refused = cli(server.dataDir, ['register', workId, '--as', 'admin', '--json']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('wenyuan setup');
  });

  it('leads the first admin through setup, then shows the institution and puts the public URL in certificate QR codes', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', password);
    await page.waitForURL((url) => url.pathname === '/setup');

    // Prefilled from the browser's address, the origin from the URL's host.
    const publicUrl = page.getByTestId('setup-public-url');
    const origin = page.getByTestId('setup-registry-origin');
    expect(await publicUrl.inputValue()).toBe(server.url);
    expect(await origin.inputValue()).toBe(`${new URL(server.url).host}/registry`);
    // The prefilled address is this machine's own: the page warns before it goes into certificates and the log's name.
    expect(await page.getByTestId('setup-local-url').count()).toBe(1);

    // A wrong origin is explained before anything is sent.
    await page.getByTestId('setup-name-zh-Hans').fill('文渊端到端博物馆');
    await page.getByTestId('setup-name-en').fill('Wenyuan E2E Museum');
    await origin.fill('https://wrong.example/registry');
    await page.getByTestId('setup-submit').click();
    expect(await origin.getAttribute('aria-invalid')).toBe('true');
    expect((await (await fetch(`${server.url}/api/instance`)).json()) as { setupDone: boolean }).toMatchObject({ setupDone: false });

    await origin.fill('');
    await publicUrl.fill(PUBLIC_URL);
    expect(await page.getByTestId('setup-local-url').count()).toBe(0);
    await origin.fill('archive.museum.example/registry');
    await page.getByTestId('setup-logo').setInputFiles(path.join(server.dataDir, 'logo.png'));
    await page.getByTestId('setup-submit').click();
    // Back where the admin was going (the catalogue), with the institution's name and logo.
    await page.waitForURL((url) => url.pathname === '/');
    const name = page.locator('.site-header').getByTestId('institution-name');
    await expect.poll(() => name.textContent()).toMatch(/^(文渊端到端博物馆|Wenyuan E2E Museum)$/);
    const logo = page.locator('.site-header').getByTestId('institution-logo');
    await expect.poll(() => logo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(96);
    expect(await page.getByTestId('footer-institution').textContent()).toBe(await name.textContent());
    await expect.poll(() => page.title()).toContain(` · ${await name.textContent()}`);

    const instance = (await (await fetch(`${server.url}/api/instance`)).json()) as { setupDone: boolean; publicUrl: string; name: Record<string, string> };
    expect(instance).toMatchObject({ setupDone: true, publicUrl: PUBLIC_URL, name: { 'zh-Hans': '文渊端到端博物馆', en: 'Wenyuan E2E Museum' } });

    // Registering now works; the certificate's QR code and link lead to the public URL.
    const workId = (await (await fetch(`${server.url}/api/works`)).json() as { items: { id: string }[] }).items[0]!.id;
    const receipts = path.join(server.dataDir, 'receipts');
    const registered = cli(server.dataDir, ['register', workId, '--as', 'admin', '--out', receipts, '--json']);
    expect(registered.status, registered.stderr).toBe(0);
    const receipt = JSON.parse(fs.readFileSync(path.join(receipts, `${workId}.receipt.json`), 'utf8')) as { registrationId: string; log: { origin: string } };
    expect(receipt.log.origin).toBe('archive.museum.example/registry');

    await page.goto(`${server.url}/registry/certificates/${encodeURIComponent(receipt.registrationId)}`);
    const certificate = page.getByTestId('certificate');
    await certificate.waitFor();
    const verifyUrl = `${PUBLIC_URL}/verify?registration=${encodeURIComponent(receipt.registrationId)}`;
    expect(await certificate.textContent()).toContain(verifyUrl);
    expect(await certificate.textContent()).not.toContain('127.0.0.1');
    expect(await page.getByTestId('certificate-qr').locator('path').getAttribute('d')).toBe(qrPath(verifyUrl));
    expect(await page.getByTestId('certificate-institution').textContent()).toBe(await name.textContent());

    // Later visits to setup show the origin as permanent; the name can still change.
    await page.goto(`${server.url}/setup`);
    await page.getByTestId('setup-form').waitFor();
    expect(await page.getByTestId('setup-registry-origin').inputValue()).toBe('archive.museum.example/registry');
    expect(await page.getByTestId('setup-registry-origin').getAttribute('readonly')).not.toBeNull();
    await page.close();
  });
});

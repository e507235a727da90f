import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, cli, startServer, type RunningServer, signIn, tearDown } from './server-process.js';

const KODAK = path.resolve('../shared/data/images/kodak');
const IMAGE = path.join(KODAK, 'kodim23.png');
const OTHER_IMAGE = path.join(KODAK, 'kodim02.png');
const browserPath = chromiumPath();
const haveData = fs.existsSync(IMAGE) && fs.existsSync(OTHER_IMAGE);

/** `wenyuan verify`, which needs no data dir (the `cli` helper always passes one, which verify refuses). */
function verify(receipt: string, bundle: string, logKey: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [path.resolve('bin/wenyuan.js'), 'verify', receipt, '--file', bundle, '--log-key', logKey], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** Clicks what starts a download and saves the file under `file`. */
async function download(page: Page, testId: string, file: string): Promise<string> {
  const [started] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  await started.saveAs(file);
  return started.suggestedFilename();
}

/**
 * A right holder finds a cropped, resized copy of a registered work with the scan page, saves it as
 * an evidence report that the transparency log registers, and verifies the report's receipt with
 * the CLI; a watermarked copy downloaded from the work page is traced back to its recipient.
 */
describe.runIf(browserPath && haveData)('scans for copies and evidence reports in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let workId: string;
  let workTitle: string;
  let suspect: string;
  let notAnImage: string;
  let otherCopy: string;
  let watermarked: string;
  const password = 'e2e-password-123';

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], password).status).toBe(0);
    const folder = fs.mkdtempSync(path.join(server.dataDir, 'in-'));
    fs.copyFileSync(IMAGE, path.join(folder, path.basename(IMAGE)));
    expect(cli(server.dataDir, ['import', folder, '--visibility', 'public', '--json']).status).toBe(0);
    const list = (await (await fetch(`${server.url}/api/works?type=image`)).json()) as { items: { id: string; title: Record<string, string> }[] };
    expect(list.items).toHaveLength(1);
    workId = list.items[0]!.id;
    workTitle = Object.values(list.items[0]!.title)[0]!;
    const receipts = fs.mkdtempSync(path.join(server.dataDir, 'receipts-'));
    const registered = cli(server.dataDir, ['register', workId, '--as', 'admin', '--out', receipts, '--json']);
    expect(registered.status, registered.stderr).toBe(0);

    // Suspects: the work cut 8% from each side and shrunk, another picture, and a file that is no image.
    const { width, height } = await sharp(IMAGE).metadata();
    suspect = path.join(server.dataDir, 'found-online.jpg');
    await sharp(IMAGE)
      .extract({ left: Math.round(width! * 0.08), top: Math.round(height! * 0.08), width: Math.round(width! * 0.84), height: Math.round(height! * 0.84) })
      .resize(400)
      .jpeg({ quality: 75 })
      .toFile(suspect);
    otherCopy = path.join(server.dataDir, 'unrelated.jpg');
    await sharp(OTHER_IMAGE).resize(400).jpeg({ quality: 80 }).toFile(otherCopy);
    notAnImage = path.join(server.dataDir, 'notes.jpg');
    fs.writeFileSync(notAnImage, 'not a picture at all');
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });

  afterAll(() => tearDown(browser, server));

  /** Puts files on the scan page's input and waits until every one has its result. */
  async function scan(page: Page, files: string[]): Promise<void> {
    await page.getByTestId('scan-input').setInputFiles(files);
    await expect
      .poll(() => page.locator('[data-testid="scan-result"]:not([data-status="waiting"]):not([data-status="scanning"])').count(), { timeout: 60_000 })
      .toBe(files.length);
  }

  it('finds a cropped copy, saves an evidence report that the log sequences, and the CLI verifies its receipt', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', password);
    await page.getByTestId('nav-scan').click();
    await page.waitForURL((url) => url.pathname === '/scan');
    await scan(page, [suspect, otherCopy, notAnImage]);

    // Each file has its own result; the broken one does not sink the others.
    const results = page.getByTestId('scan-result');
    expect(await results.evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(['matched', 'no_match', 'error']);
    expect(await results.nth(2).getByTestId('scan-status').textContent()).toMatch(/notes\.jpg|image|format|corrupt|unsupported|read/i);
    expect(await page.getByTestId('scan-summary').textContent()).toMatch(/3/);

    const found = results.nth(0);
    const match = found.getByTestId('scan-match');
    expect(await match.count()).toBe(1);
    expect(await match.getAttribute('data-work-id')).toBe(workId);
    expect(Number(await match.getAttribute('data-distance'))).toBeLessThanOrEqual(31);
    expect(await found.getByTestId('scan-match-link').getAttribute('href')).toBe(`/works/${workId}`);
    expect(await found.getByTestId('scan-match-link').textContent()).toContain(workTitle);
    expect(await found.textContent()).toMatch(/cropped|downscaled|re-encoded|JPEG/i);
    // The same guesses in Chinese once the reader switches language.
    const codes = await found.getByTestId('transform-notes').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-code')));
    expect(codes.length).toBeGreaterThan(0);
    await page.getByTestId('lang-switch').click();
    await expect.poll(async () => found.getByTestId('transform-notes').textContent()).toMatch(/裁|缩小|重新编码/);
    await page.getByTestId('lang-switch').click();
    await expect.poll(async () => found.getByTestId('transform-notes').textContent()).toMatch(/cropped|downscaled|re-encoded/);
    expect(await found.getByTestId('match-certificate-link').count()).toBe(1);
    expect(await found.getByTestId('watermark').getAttribute('data-payload')).toBe('');

    await found.getByTestId('save-evidence').click();
    await page.waitForURL((url) => url.pathname.startsWith('/evidence/'));
    const reportId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const report = page.getByTestId('evidence-report');
    await report.waitFor();
    await expect.poll(() => page.getByTestId('evidence-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('sequenced');
    expect(await page.getByTestId('evidence-id').textContent()).toBe(reportId);
    expect(await page.getByTestId('evidence-work-link').getAttribute('href')).toBe(`/works/${workId}`);
    const suspectSha256 = createHash('sha256').update(fs.readFileSync(suspect)).digest('hex');
    expect(await page.getByTestId('evidence-facts').textContent()).toContain(suspectSha256);
    await expect.poll(() => page.getByTestId('evidence-suspect').locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(400);
    await expect.poll(() => page.getByTestId('evidence-original').locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);

    // The report's bundle and receipt, downloaded as a reader would, verify offline with the log key.
    const bundleFile = path.join(server.dataDir, 'bundle.json');
    const receiptFile = path.join(server.dataDir, 'receipt.json');
    expect(await download(page, 'evidence-bundle-download', bundleFile)).toBe(`wenyuan-evidence-${reportId}.json`);
    expect(await download(page, 'evidence-receipt-download', receiptFile)).toBe(`wenyuan-evidence-receipt-${reportId}.json`);
    const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8')) as { id: string; suspect: { sha256: string }; matches: { workId: string; receipts: unknown[] }[] };
    expect(bundle.id).toBe(reportId);
    expect(bundle.suspect.sha256).toBe(suspectSha256);
    expect(bundle.matches.map((m) => m.workId)).toEqual([workId]);
    expect(bundle.matches[0]!.receipts).toHaveLength(1);
    const bundleSha256 = createHash('sha256').update(fs.readFileSync(bundleFile)).digest('hex');
    expect(await page.getByTestId('evidence-bundle-sha256').textContent()).toContain(bundleSha256);
    const logKey = (await (await fetch(`${server.url}/api/registry/key`)).text()).trim();
    await expect.poll(() => page.getByTestId('evidence-verify-command').textContent()).toContain(logKey);
    const verified = verify(receiptFile, bundleFile, logKey);
    expect(verified.status, verified.output).toBe(0);
    // A changed report no longer verifies.
    fs.writeFileSync(bundleFile, fs.readFileSync(bundleFile, 'utf8').replace(suspectSha256, '0'.repeat(64)));
    expect(verify(receiptFile, bundleFile, logKey).status).not.toBe(0);

    // Printed: the report without the site around it or the buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByTestId('evidence-bundle-download').isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${server.url}/scan`);
    await page.getByTestId('evidence-list-link').click();
    await page.waitForURL((url) => url.pathname === '/evidence');
    await expect.poll(() => page.getByTestId('evidence-list-item').count()).toBe(1);
    expect(await page.getByTestId('evidence-list-item').textContent()).toContain(suspectSha256);
    await page.close();
  });

  it('shows the work’s fingerprint and hands out a watermarked copy that a scan traces to its recipient', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', password);
    await page.goto(`${server.url}/works/${workId}?tab=staff`);
    const panel = page.getByTestId('protection-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('fingerprint-status').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('fingerprint-pdq').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId('fingerprint-iscc').textContent()).toMatch(/^ISCC:/);

    await page.getByTestId('watermark-reference').fill('licence 2024-17');
    watermarked = path.join(server.dataDir, 'watermarked.jpg');
    expect(await download(page, 'watermark-download', watermarked)).toMatch(/\.wenyuan-\d+\.jpg$/);
    await page.getByTestId('watermark-done').waitFor();
    expect((await sharp(watermarked).metadata()).format).toBe('jpeg');

    await page.goto(`${server.url}/scan`);
    await scan(page, [watermarked]);
    const result = page.getByTestId('scan-result');
    expect(await result.getAttribute('data-status')).toBe('matched');
    expect(await result.getByTestId('watermark').getAttribute('data-payload')).toMatch(/^[0-9a-f]{12}$/);
    expect(await result.getByTestId('watermark-recipient').textContent()).toContain('(admin)');
    expect(await result.getByTestId('watermark').textContent()).toContain('licence 2024-17');
    await page.close();
  });

  it('makes a licensed copy for a named licensee, lists it, and a scan of a resized leak names the licensee', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'admin', password);
    await page.goto(`${server.url}/works/${workId}?tab=staff`);
    await page.getByTestId('licensed-copy-form').waitFor();
    await page.getByTestId('licensee-name').fill('Mogao Film Crew 莫高摄制组');
    await page.getByTestId('licence-reference').fill('L-2026-031');
    const licensed = path.join(server.dataDir, 'licensed.jpg');
    expect(await download(page, 'licensed-copy-download', licensed)).toMatch(/\.wenyuan-\d+\.jpg$/);
    expect(await page.getByTestId('licensed-copy-done').textContent()).toContain('Mogao Film Crew 莫高摄制组');
    await page.getByTestId('issued-copies').locator('summary').click();
    await expect.poll(() => page.getByTestId('issued-copy').filter({ hasText: 'L-2026-031' }).count()).toBe(1);
    expect(await page.getByTestId('issued-copy').filter({ hasText: 'L-2026-031' }).textContent()).toContain('Mogao Film Crew');

    // The crew's copy turns up online at half size.
    const leak = path.join(server.dataDir, 'leaked-still.jpg');
    const width = (await sharp(licensed).metadata()).width;
    await sharp(licensed).resize(Math.round(width / 2)).jpeg({ quality: 80 }).toFile(leak);
    await page.goto(`${server.url}/scan`);
    await scan(page, [leak]);
    const result = page.getByTestId('scan-result');
    expect(await result.getByTestId('watermark-recipient').textContent()).toContain('Mogao Film Crew 莫高摄制组');
    expect(await result.getByTestId('watermark').textContent()).toContain('L-2026-031');
    await page.close();
  });

  it('keeps the scan page to signed-in right holders', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/scan`);
    await page.getByTestId('sign-in-link').waitFor();
    await page.locator('main .notice').waitFor();
    expect(await page.getByTestId('scan-input').count()).toBe(0);
    expect(await page.getByTestId('nav-scan').count()).toBe(0);
    await page.close();
  });
});

if (!browserPath || !haveData) console.warn(`end-to-end protection test skipped: ${!browserPath ? 'no Chromium at /usr/bin/chromium (set WENYUAN_TEST_CHROMIUM to require it)' : 'no ../shared/data'}`);

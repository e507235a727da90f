/// <reference lib="dom" />
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from '../privacy/privacy-helpers.js';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'privacy-e2e-password-123';

/**
 * A visitor's rights in the browser: consent per purpose on the account page, "export my data"
 * (made in the background, downloaded once, a real zip), and "erase my account" (signed out at
 * once, never signing in again); once in English and once in Chinese.
 */
describe.runIf(browserPath)('privacy: consent, export, erasure', () => {
  let server: RunningServer;
  let browser: Browser;

  const contextIn = async (lang: 'en' | 'zh-Hans'): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN', bypassCSP: true, acceptDownloads: true });
    await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', '${lang}'); } catch {}`);
    return context;
  };

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
    for (const name of ['visitor-en', 'visitor-zh']) expect(cli(server.dataDir, ['user', 'create', name, '--role', 'licensee', '--password-stdin'], PASSWORD).status).toBe(0);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });
  afterAll(() => tearDown(browser, server));

  it('a visitor consents, exports their data once, and erases their account (English)', async () => {
    const context = await contextIn('en');
    const page = await context.newPage();
    // The notice is public and linked from every page's footer.
    await page.goto(server.url);
    await page.locator('footer').getByRole('link', { name: 'Privacy' }).click();
    await page.getByTestId('privacy-notice-version').waitFor();
    expect(await page.getByTestId('privacy-notice').textContent()).toContain('personalised recommendations');
    expect(await axeViolations(page), '/privacy').toEqual([]);

    await signIn(page, server.url, 'visitor-en', PASSWORD);
    await page.goto(`${server.url}/account#privacy`);
    await page.getByTestId('privacy-review').waitFor();
    await page.getByTestId('privacy-consent-analytics').check();
    await page.getByTestId('privacy-consents-save').click();
    await page.getByTestId('privacy-consents').getByText('Your choices are saved.').waitFor();
    expect(await page.getByTestId('privacy-review').count()).toBe(0);
    const consents = await page.evaluate(async () => (await (await fetch('/api/privacy/consents')).json()) as { consents: { purpose: string; granted: boolean; noticeVersion: number | null }[] });
    expect(consents.consents.find((c) => c.purpose === 'analytics')).toMatchObject({ granted: true, noticeVersion: 1 });
    expect(await axeViolations(page), '/account (privacy)').toEqual([]);

    // Export: made by the worker; the page shows it ready after a refresh.
    await page.getByTestId('privacy-export-start').click();
    const download = page.getByTestId('privacy-export-download');
    await expect
      .poll(
        async () => {
          await page.getByTestId('privacy-export-refresh').click();
          return download.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const entries = await unzip(fs.readFileSync((await file.path())!));
    expect(JSON.parse(entries.get('account.json')!.toString())).toMatchObject({ user: { username: 'visitor-en', role: 'licensee' } });
    // Saving confirms every purpose under the notice read: three records, one of them a yes.
    expect(JSON.parse(entries.get('consents.json')!.toString()).history).toEqual([
      expect.objectContaining({ purpose: 'recommendations', granted: false, noticeVersion: 1 }),
      expect.objectContaining({ purpose: 'analytics', granted: true, noticeVersion: 1 }),
      expect.objectContaining({ purpose: 'email', granted: false, noticeVersion: 1 }),
    ]);
    // Downloadable once: the list says so, and the address answers 410 with its reason.
    await page.locator('[data-testid="privacy-export-item"][data-status="downloaded"]').waitFor();
    const id = await page.evaluate(async () => ((await (await fetch('/api/privacy/exports')).json()) as { items: { id: string }[] }).items[0]!.id);
    const second = await page.evaluate(async (exportId) => {
      const res = await fetch(`/api/privacy/exports/${exportId}/download`);
      return { status: res.status, key: ((await res.json()) as { error: { key: string } }).error.key };
    }, id);
    expect(second).toEqual({ status: 410, key: 'privacy.export_downloaded' });

    // Erase: a wrong password is refused precisely; the right one signs the visitor out for good.
    await page.getByTestId('privacy-erase-understand').check();
    await page.getByTestId('privacy-erase-password').fill('not my password');
    await page.getByTestId('privacy-erase-submit').click();
    await page.getByTestId('privacy-erase').getByText('The password is not right.').waitFor();
    await page.getByTestId('privacy-erase-password').fill(PASSWORD);
    await page.getByTestId('privacy-erase-submit').click();
    await page.getByTestId('privacy-erased').waitFor();
    const me = await page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: unknown }).user);
    expect(me).toBeNull();
    const login = await page.evaluate(async (password) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username: 'visitor-en', password }) })).status, PASSWORD);
    expect(login).toBe(401);
    await context.close();
  });

  it('in Chinese: the section, saved choices and a refused erasure speak zh-Hans; a new notice asks again; an admin erases the account', async () => {
    const context = await contextIn('zh-Hans');
    const page = await context.newPage();
    await signIn(page, server.url, 'visitor-zh', PASSWORD);
    await page.goto(`${server.url}/account#privacy`);
    const section = page.getByTestId('privacy-section');
    await section.getByRole('heading', { name: '隐私', exact: true }).waitFor();
    await page.getByTestId('privacy-consent-email').check();
    await page.getByTestId('privacy-consents-save').click();
    await section.getByText('您的选择已保存。').waitFor();
    expect(await section.textContent()).toContain('依据第 1 版声明作出');
    await page.getByTestId('privacy-erase-understand').check();
    await page.getByTestId('privacy-erase-password').fill('错误的密码');
    await page.getByTestId('privacy-erase-submit').click();
    await page.getByTestId('privacy-erase').getByText('密码不正确。').waitFor();
    expect(await axeViolations(page), '/account (zh-Hans)').toEqual([]);
    await page.goto(`${server.url}/privacy`);
    await page.getByRole('heading', { name: '隐私声明' }).waitFor();

    // An admin publishes a new notice; the visitor's account page asks again, and the notice reads as written.
    const adminContext = await contextIn('en');
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, server.url, 'admin', PASSWORD);
    await adminPage.goto(`${server.url}/admin/privacy`);
    await adminPage.getByTestId('privacy-admin-notice-en').fill('We now also keep **your country** for licences.');
    await adminPage.getByTestId('privacy-admin-publish').click();
    await adminPage.getByText('Version 2 is in force.').first().waitFor();
    expect(await axeViolations(adminPage), '/admin/privacy').toEqual([]);
    await page.goto(`${server.url}/account#privacy`);
    await page.getByTestId('privacy-review').waitFor();
    expect(await section.textContent()).toContain('依据旧版声明作出');

    // The visitor asked the institution instead: an admin erases the account from the privacy page.
    const erase = adminPage.getByTestId('privacy-admin-erase');
    await erase.getByLabel('Account').selectOption({ label: 'visitor-zh' });
    await erase.getByLabel('I understand that this cannot be undone.').check();
    await erase.getByLabel('Your own password').fill(PASSWORD);
    await erase.getByRole('button', { name: 'Erase this account' }).click();
    await erase.getByText('The erasure of visitor-zh has started.').waitFor();
    await adminContext.close();
    const me = await page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: unknown }).user);
    expect(me).toBeNull();
    await context.close();
  });
});

/// <reference lib="dom" />
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer, apiAs as loginAs } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'transfer-e2e-password-123';


const apiAs = (server: RunningServer, username: string) => loginAs(server, username, PASSWORD);

/**
 * The cross-border journey in Chromium: an admin classifies a collection, an export of its core data
 * to the US is refused (the reason shown, the decision logged); reclassified as important data, a
 * curator (in Chinese) is told an assessment is needed, fills one in, an admin approves it, and the
 * export to Germany downloads as a BagIt bag.
 */
describe.runIf(browserPath)('cross-border transfers', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminPage: Page;
  let curatorPage: Page;
  let collectionId = '';

  const context = async (lang: 'en' | 'zh-Hans'): Promise<BrowserContext> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN', bypassCSP: true, acceptDownloads: true });
    await ctx.addInitScript(`try { localStorage.setItem('wenyuan.lang', '${lang}'); } catch {}`);
    return ctx;
  };

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
    const admin = await apiAs(server, 'admin');
    await admin('POST', '/api/users', { username: 'curator', password: PASSWORD, role: 'curator' });
    const curator = await apiAs(server, 'curator');
    collectionId = (await curator<{ id: string }>('POST', '/api/collections', { name: { en: 'Border letters', 'zh-Hans': '边境信札' } })).id;
    await curator('POST', '/api/works', { metadata: { title: { en: 'Letter to Lhasa', 'zh-Hans': '致拉萨书' } }, collectionId });
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
    adminPage = await (await context('en')).newPage();
    await signIn(adminPage, server.url, 'admin', PASSWORD);
    curatorPage = await (await context('zh-Hans')).newPage();
    await signIn(curatorPage, server.url, 'curator', PASSWORD);
  });
  afterAll(() => tearDown(browser, server));

  const classify = async (dataClass: string, label: RegExp) => {
    await adminPage.goto(`${server.url}/collections`);
    await adminPage.locator(`[data-testid="collection-treeitem"][data-collection-id="${collectionId}"]`).click();
    const field = adminPage.getByTestId('data-class-collection');
    await field.waitFor();
    await field.getByTestId('data-class-select').selectOption(dataClass);
    await expect.poll(() => field.getByTestId('data-class-effective').innerText()).toMatch(label);
  };

  it('refuses an export of core data to the US, says why, and logs it', async () => {
    await classify('core', /Core data/);
    await adminPage.goto(`${server.url}/admin/transfers`);
    await adminPage.getByTestId('transfer-rules').waitFor();
    expect(await axeViolations(adminPage), '/admin/transfers').toEqual([]);

    await adminPage.goto(`${server.url}/admin/transfers/export`);
    await adminPage.getByTestId('transfer-export-collection').selectOption(collectionId);
    await adminPage.getByTestId('transfer-export-destination').fill('US');
    await adminPage.getByTestId('transfer-export-check').click();
    const decision = adminPage.getByTestId('transfer-decision');
    await decision.waitFor();
    expect(await decision.innerText()).toMatch(/Refused/);
    await adminPage.getByTestId('transfer-export-run').click();
    await expect.poll(() => adminPage.getByRole('alert').first().innerText()).toMatch(/refuse sending core data to US/);
    expect(await adminPage.getByTestId('transfer-export-done').count()).toBe(0);

    await adminPage.goto(`${server.url}/admin/transfers/log`);
    const first = adminPage.getByTestId('transfer-log-item').first();
    await first.waitFor();
    expect(await first.getAttribute('data-outcome')).toBe('refuse');
    expect(await first.getAttribute('data-proceeded')).toBe('no');
    expect(await first.innerText()).toMatch(/US/);
  });

  it('exports important data to Germany once a curator’s assessment is approved by an admin (curator in Chinese)', async () => {
    await classify('important', /Important data/);

    await curatorPage.goto(`${server.url}/admin/transfers/export`);
    await curatorPage.getByTestId('transfer-export-collection').selectOption(collectionId);
    await curatorPage.getByTestId('transfer-export-destination').fill('DE');
    await curatorPage.getByTestId('transfer-export-check').click();
    const decision = curatorPage.getByTestId('transfer-decision');
    await decision.waitFor();
    expect(await decision.innerText()).toMatch(/需要评估/);
    expect(await curatorPage.getByTestId('transfer-decision-problem').innerText()).toMatch(/风险评估/);
    await curatorPage.getByTestId('transfer-fill-assessment').click();
    await curatorPage.getByTestId('transfer-assessment-form').waitFor();
    expect(await curatorPage.getByTestId('assessment-destination').inputValue()).toBe('DE');
    expect(await curatorPage.getByTestId('assessment-class-important').isChecked()).toBe(true);
    await curatorPage.getByTestId('assessment-purpose').fill('联合展览');
    await curatorPage.getByTestId('assessment-recipient').fill('柏林国家博物馆');
    await curatorPage.getByTestId('assessment-volume').fill('1 件作品');
    await curatorPage.getByTestId('assessment-safeguards').fill('加密传输，不得再转移');
    await curatorPage.getByTestId('assessment-submit').click();
    await expect.poll(() => curatorPage.getByTestId('transfer-assessment-message').innerText()).toMatch(/已提交/);
    expect(await curatorPage.getByTestId('assessment-approve').count()).toBe(0);

    await adminPage.goto(`${server.url}/admin/transfers/assessments`);
    await adminPage.getByTestId('assessment-approve').first().click();
    await expect.poll(() => adminPage.getByTestId('transfer-assessment').first().innerText()).toMatch(/Approved/);

    await curatorPage.goto(`${server.url}/admin/transfers/export`);
    await curatorPage.getByTestId('transfer-export-collection').selectOption(collectionId);
    await curatorPage.getByTestId('transfer-export-destination').fill('DE');
    const option = curatorPage.getByTestId('transfer-export-assessment').locator('option').nth(1);
    await option.waitFor({ state: 'attached' });
    await curatorPage.getByTestId('transfer-export-assessment').selectOption((await option.getAttribute('value'))!);
    await curatorPage.getByTestId('transfer-export-check').click();
    await expect.poll(() => curatorPage.getByTestId('transfer-decision').innerText()).toMatch(/由评估 .+ 覆盖/);
    await curatorPage.getByTestId('transfer-export-run').click();
    const link = curatorPage.getByTestId('transfer-export-download');
    await link.waitFor();
    const [download] = await Promise.all([curatorPage.waitForEvent('download'), link.click()]);
    const file = await download.path();
    expect(fs.readFileSync(file).toString('latin1')).toContain('BagIt-Version: 1.0');

    await adminPage.goto(`${server.url}/admin/transfers/log`);
    const first = adminPage.getByTestId('transfer-log-item').first();
    await first.waitFor();
    expect(await first.getAttribute('data-outcome')).toBe('assess');
    expect(await first.getAttribute('data-proceeded')).toBe('yes');
  });
});

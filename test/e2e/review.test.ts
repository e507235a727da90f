/// <reference lib="dom" />
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer, apiAs as loginAs } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'review-e2e-password-123';

const apiAs = (server: RunningServer, username: string) => loginAs(server, username, PASSWORD);

/**
 * A creator's submission walked through review in Chromium: the creator makes a work public and is
 * told it waits; a reviewer claims it and rejects it with a reason; the creator sees the
 * notification and appeals; another reviewer (working in Chinese) approves; an anonymous visitor
 * then sees the work.
 */
describe.runIf(browserPath)('content review: submission, rejection, appeal, approval', () => {
  let server: RunningServer;
  let browser: Browser;
  let workId = '';
  let itemId = '';
  const contexts: BrowserContext[] = [];

  const pageFor = async (lang: 'en' | 'zh-Hans'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN', bypassCSP: true });
    await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', '${lang}'); } catch {}`);
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
    const admin = await apiAs(server, 'admin');
    for (const [username, role] of [['creator', 'creator'], ['reviewer1', 'reviewer'], ['reviewer2', 'reviewer']] as const) {
      await admin('POST', '/api/users', { username, password: PASSWORD, role });
    }
    const policy = cli(server.dataDir, ['review', 'policy', 'creators']);
    expect(policy.status, policy.stdout + policy.stderr).toBe(0);
    const creator = await apiAs(server, 'creator');
    workId = (await creator<{ id: string }>('POST', '/api/works', { metadata: { title: { en: 'Plum blossom study', 'zh-Hans': '梅花写生' } } })).id;
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await tearDown(browser, server);
  });

  it('holds the creator’s “make public” for review', async () => {
    const page = await pageFor('en');
    await signIn(page, server.url, 'creator', PASSWORD);
    await page.goto(`${server.url}/works/${encodeURIComponent(workId)}?tab=staff`);
    await page.getByTestId('edit-button').click();
    await page.getByTestId('visibility-select').selectOption('public');
    await page.getByTestId('save-button').click();
    await page.getByTestId('work-review').waitFor();
    expect(await page.getByTestId('work-review').getAttribute('data-state')).toBe('pending');
    const anonymous = await fetch(`${server.url}/api/works/${encodeURIComponent(workId)}`);
    expect(anonymous.status).toBe(404);
    await page.close();
  });

  it('lets a reviewer claim the submission and reject it with a reason', async () => {
    const page = await pageFor('en');
    await signIn(page, server.url, 'reviewer1', PASSWORD);
    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review$/);
    const row = page.getByTestId('review-row').first();
    await row.waitFor();
    itemId = (await row.getAttribute('data-item'))!;
    expect(await axeViolations(page), '/review').toEqual([]);
    await row.getByRole('link').click();
    await page.getByTestId('review-claim').click();
    await page.getByTestId('review-decide').waitFor();
    await page.getByTestId('review-decision').selectOption('rejected');
    await page.getByTestId('review-reason').selectOption('metadata_incomplete');
    await page.getByTestId('review-text').fill('Please add the date and the rights.');
    expect(await axeViolations(page), '/review/items/:id').toEqual([]);
    await page.getByTestId('review-submit').click();
    await expect.poll(() => page.getByTestId('review-item').getAttribute('data-decision')).toBe('rejected');
    await page.close();
  });

  it('tells the creator, who appeals', async () => {
    const page = await pageFor('en');
    await signIn(page, server.url, 'creator', PASSWORD);
    await expect.poll(() => page.getByTestId('nav-notifications').getAttribute('data-unread')).toBe('1');
    await page.getByTestId('nav-notifications').click();
    const note = page.getByTestId('notification').first();
    await note.waitFor();
    expect(await note.innerText()).toContain('Plum blossom study');
    expect(await note.innerText()).toContain('Rejected');
    await note.getByRole('link').click();
    await page.waitForURL(/\/submissions$/);
    const submission = page.getByTestId('submission').first();
    expect(await submission.getAttribute('data-decision')).toBe('rejected');
    expect(await page.getByTestId('submission-reason-text').innerText()).toContain('Please add the date');
    await page.getByTestId('appeal-text').fill('The date is unknown; the rights are stated in the notes.');
    await page.getByTestId('appeal-send').click();
    await expect.poll(() => submission.getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('appeal-form').count()).toBe(0);
    await page.close();
  });

  it('has another reviewer, working in Chinese, approve the appeal; the work is then public', async () => {
    const page = await pageFor('zh-Hans');
    await signIn(page, server.url, 'reviewer2', PASSWORD);
    await page.goto(`${server.url}/review/items/${encodeURIComponent(itemId)}`);
    await page.getByTestId('review-appeal-text').waitFor();
    expect(await page.getByTestId('review-claim').innerText()).toBe('认领');
    await page.getByTestId('review-claim').click();
    await page.getByTestId('review-decision').selectOption('approved');
    await page.getByTestId('review-submit').click();
    await expect.poll(() => page.getByTestId('review-item').getAttribute('data-decision')).toBe('approved');
    expect(await page.getByTestId('review-decided').innerText()).toContain('通过');
    await page.close();

    const visitor = await pageFor('en');
    await visitor.goto(`${server.url}/works/${encodeURIComponent(workId)}`);
    await visitor.getByRole('heading', { level: 1 }).waitFor();
    expect(await visitor.getByRole('heading', { level: 1 }).innerText()).toContain('Plum blossom study');
    // A visitor may report it; the dialog offers the instance's reasons.
    await visitor.getByTestId('report-work').click();
    await visitor.getByTestId('report-reason').selectOption('privacy');
    await visitor.getByTestId('report-send').click();
    await visitor.getByTestId('report-sent').waitFor();
    await visitor.close();
  });
});

/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totpAt } from '../../src/govern/totp.js';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'strong-sign-in-password-123';

/**
 * An admin turns on two-factor sign-in in the browser (the test plays the authenticator app from
 * the key the page shows), signs out, and signs in again with the password and a code.
 */
describe.runIf(browserPath)('strong sign-in', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', bypassCSP: true });
    await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', 'en'); } catch {}`);
    page = await context.newPage();
  });
  afterAll(() => tearDown(browser, server));

  it('an admin enrols TOTP, keeps the recovery codes, and signs in with password + code', async () => {
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/account`);
    await page.getByTestId('totp-start').click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await axeViolations(page), '/account (enrolling)').toEqual([]);
    const key = base32Decode(secret);

    await page.getByTestId('totp-code').fill(totpAt(key, Date.now()));
    await page.getByTestId('totp-confirm').click();
    const codes = page.getByTestId('recovery-codes');
    await codes.waitFor();
    expect(await codes.locator('li').count()).toBe(10);
    expect(await axeViolations(page), '/account (recovery codes)').toEqual([]);
    await page.getByTestId('recovery-codes-done').click();
    await page.getByTestId('two-factor-on').waitFor();
    // The sessions list names this browser's session.
    await page.getByTestId('sessions-section').getByText('This session').waitFor();

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-link').waitFor();

    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-code').waitFor();
    expect(await axeViolations(page), '/login (second step)').toEqual([]);

    // A forged code is refused with a precise message, and the step stays open.
    await page.getByTestId('login-code').fill('000000');
    await page.getByTestId('login-code-submit').click();
    await expect.poll(async () => page.getByTestId('login-error').textContent()).toMatch(/code is wrong/i);

    // The enrolment used the current step; the next one is inside the server's window and unused.
    await page.getByTestId('login-code').fill(totpAt(key, Date.now() + 30_000));
    await page.getByTestId('login-code-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const me = await page.evaluate(async () => (await (await fetch('/api/auth/me')).json()) as { user: { username: string; role: string } | null });
    expect(me.user).toMatchObject({ username: 'admin', role: 'admin' });
  });
});

/// <reference lib="dom" />
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'passkey-admin-password-123';

/**
 * An admin registers a passkey in Chromium (a virtual authenticator over CDP plays the phone or
 * security key), then signs in with it alone from the login page, and with it as the second step
 * after the password. The server runs at http://localhost, which browsers treat as secure and
 * accept as a relying party (an IP address is not one).
 */
describe.runIf(browserPath)('passkeys', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    server = await startServer(undefined, { host: 'localhost' });
    expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', bypassCSP: true });
    await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', 'en'); } catch {}`);
    page = await context.newPage();
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });
  afterAll(() => tearDown(browser, server));

  const me = () => page.evaluate(async () => (await (await fetch('/api/auth/me')).json()) as { user: { username: string; role: string } | null });

  it('an admin registers a passkey and signs in with it, alone and after the password', async () => {
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/account`);
    const section = page.getByTestId('passkeys-section');
    await section.waitFor();
    await page.getByTestId('passkey-name').fill('Virtual key');
    await page.getByTestId('passkey-add').click();
    await page.getByTestId('passkeys-table').getByText('Virtual key').waitFor();
    expect(await axeViolations(page), '/account (passkeys)').toEqual([]);

    // Passwordless, from the login page.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-link').waitFor();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-passkey').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    expect((await me()).user).toMatchObject({ username: 'admin', role: 'admin' });

    // With a passkey registered, the password alone no longer signs in: the passkey is the second step.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-link').waitFor();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-mfa-passkey').waitFor();
    expect(await axeViolations(page), '/login (passkey second step)').toEqual([]);
    await page.getByTestId('login-mfa-passkey').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    expect((await me()).user).toMatchObject({ username: 'admin', role: 'admin' });

    // The trail names the factor.
    const audit = await page.evaluate(async () => (await (await fetch('/api/audit?action=auth.sign_in&limit=5')).json()) as { items: { details: string }[] });
    expect(audit.items.map((r) => JSON.parse(r.details) as Record<string, string>)).toContainEqual({ factor: 'passkey', step: 'second' });
    expect(audit.items.map((r) => JSON.parse(r.details) as Record<string, string>)).toContainEqual({ factor: 'passkey', step: 'passwordless' });
  });

  it("an admin resets another person's two-factor sign-in from the users table", async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch('/api/users', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username: 'lostphone', password: 'lost-phone-password-1', role: 'curator' }) });
      return response.status;
    });
    expect(created).toBe(201);
    await page.goto(`${server.url}/admin`);
    // Not offered for one's own account.
    await page.getByTestId('reset-two-factor-lostphone').waitFor();
    expect(await page.getByTestId('reset-two-factor-admin').count()).toBe(0);
    await page.getByTestId('reset-two-factor-lostphone').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset two-factor' }).click();
    await page.getByText('Two-factor sign-in of lostphone reset').waitFor();
    const audit = await page.evaluate(async () => (await (await fetch('/api/audit?action=auth.two_factor_reset&limit=5')).json()) as { items: unknown[] });
    expect(audit.items).toHaveLength(1);
  });
});

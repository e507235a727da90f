import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn as signInAs, startServer, tearDown, type RunningServer } from './server-process.js';

/**
 * What a new user stumbled on in the first hour, walked in a real browser: a record without an
 * image gets its file from the work page; what visitors may download follows the rights and the
 * curator's choice; a work's events tell registrations and issued copies in the reader's language.
 */
const KODAK = path.resolve('../shared/data/images/kodak');
const browserPath = chromiumPath();

describe.runIf(browserPath && fs.existsSync(KODAK))('the first hour, in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let workId: string;
  const password = 'e2e-password-123';

  beforeAll(async () => {
    server = await startServer();
    expect(cli(server.dataDir, ['user', 'create', 'curator', '--role', 'curator', '--password-stdin'], password).status).toBe(0);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });

  afterAll(() => tearDown(browser, server));

  const signIn = (page: Page) => signInAs(page, server.url, 'curator', password);
  const chinese = (page: Page) => page.addInitScript(() => window.localStorage.setItem('wenyuan.lang', 'zh-Hans'));

  it('an archive with nothing public tells visitors so, and staff how to publish, instead of "shorten your search"', async () => {
    const visitor = await browser.newPage();
    await chinese(visitor);
    // The home page says the collection is being prepared; the catalogue says why it is empty.
    await visitor.goto(server.url);
    await expect.poll(async () => (await visitor.locator('.home-empty').textContent()) ?? '', { timeout: 20_000 }).toContain('这里还没有公开的作品');
    await visitor.goto(`${server.url}/works`);
    const empty = visitor.getByTestId('catalogue-empty');
    await expect.poll(async () => (await empty.textContent()) ?? '', { timeout: 20_000 }).toContain('本馆尚未公开任何作品');
    expect(await empty.textContent()).not.toContain('更短的检索词');
    await visitor.close();

    const staff = await browser.newPage();
    await signIn(staff);
    await staff.goto(`${server.url}/works`);
    await expect.poll(async () => (await staff.getByTestId('catalogue-empty').textContent()) ?? '', { timeout: 20_000 }).toContain('--visibility public');
    await staff.close();
  });

  it('a curator attaches an image to a record that has none, from the work page', async () => {
    const page = await browser.newPage();
    await signIn(page);
    // A record as an import of museum records makes it: metadata, no file, public, in copyright.
    const created = await page.request.post(`${server.url}/api/works`, {
      headers: { 'x-wenyuan-csrf': '1' },
      data: { visibility: 'public', metadata: { title: { 'zh-Hans': '鹿王本生图', en: 'The Deer King Jataka' }, rights: { uri: 'http://rightsstatements.org/vocab/InC/1.0/' } } },
    });
    expect(created.status()).toBe(201);
    workId = ((await created.json()) as { id: string }).id;

    // The staff tab (issue 12), where adding files is, once the page knows who is reading.
    await page.goto(`${server.url}/works/${workId}?tab=staff`);
    // Once the page knows who is reading (the panel is for those who may edit): then choose the file.
    await page.getByTestId('edit-button').waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByTestId('add-files-input').setInputFiles(path.join(KODAK, 'kodim05.png'));
    await expect.poll(async () => ((await (await page.request.get(`${server.url}/api/works/${workId}`)).json()) as { files: unknown[] }).files.length, { timeout: 30_000 }).toBe(1);
    // The page reloads the work once the upload has settled: the file appears in its list.
    await expect.poll(async () => (await page.content()).includes('kodim05.png'), { timeout: 20_000 }).toBe(true);
    await page.close();
  });

  it('visitors get the watermarked display copy of a work in copyright, not the master, until the curator offers it', async () => {
    // The display copy is made in the background; wait for it.
    await expect.poll(async () => {
      const work = (await (await fetch(`${server.url}/api/works/${workId}`)).json()) as { files: { derivatives: Record<string, unknown> }[] };
      return Boolean(work.files[0]?.derivatives.display);
    }, { timeout: 60_000 }).toBe(true);

    const visitor = await browser.newPage();
    await visitor.goto(`${server.url}/works/${workId}`);
    const link = visitor.locator('a[download]').first();
    await expect.poll(() => link.getAttribute('href'), { timeout: 20_000 }).toMatch(/\/display\?download=1$/);
    const work = (await (await fetch(`${server.url}/api/works/${workId}`)).json()) as { files: { sha256: string }[] };
    expect((await fetch(`${server.url}/api/works/${workId}/files/${work.files[0]!.sha256}`)).status).toBe(403);

    const curator = await browser.newPage();
    await signIn(curator);
    await curator.goto(`${server.url}/works/${workId}?tab=staff`);
    await curator.getByTestId('edit-button').click();
    await curator.getByTestId('download-policy-select').selectOption('master');
    await curator.getByTestId('save-button').click();
    await expect.poll(async () => ((await (await curator.request.get(`${server.url}/api/works/${workId}`)).json()) as { downloadPolicy: string | null }).downloadPolicy, { timeout: 20_000 }).toBe('master');
    await curator.close();

    await visitor.reload();
    await expect.poll(() => visitor.locator('a[download]').first().getAttribute('href'), { timeout: 20_000 }).toBe(`/api/works/${workId}/files/${work.files[0]!.sha256}`);
    expect((await fetch(`${server.url}/api/works/${workId}/files/${work.files[0]!.sha256}`)).status).toBe(200);
    await visitor.close();
  });

  it('the Chinese interface names registrations and issued copies among the events, with no raw codes or JSON', async () => {
    const page = await browser.newPage();
    await chinese(page);
    await signIn(page);
    const registered = await page.request.post(`${server.url}/api/works/${workId}/registrations`, { headers: { 'x-wenyuan-csrf': '1' }, data: { role: 'institution', wait: true } });
    expect(registered.status()).toBe(201);
    const copy = await page.request.post(`${server.url}/api/works/${workId}/licensed-copies`, { headers: { 'x-wenyuan-csrf': '1' }, data: { licensee: '敦煌游戏工作室', reference: 'LIC-2026-7' } });
    expect(copy.status()).toBe(200);

    await page.goto(`${server.url}/works/${workId}?tab=staff`);
    const events = page.locator('section[aria-labelledby="events-heading"]');
    await expect.poll(async () => (await events.textContent()) ?? '', { timeout: 20_000 }).toContain('已登记到透明日志');
    const text = (await events.textContent()) ?? '';
    expect(text).toContain('已发放带水印副本');
    expect(text).toContain('发放对象：敦煌游戏工作室');
    expect(text).not.toMatch(/copy_issued|registered|registrationId|\{"/);

    await page.close();
  });
});

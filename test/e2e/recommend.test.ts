/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, tearDown, startServer, type RunningServer } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'recommend-password-123';
const DESKTOP = { width: 1440, height: 900 };
/** Screenshots kept by CI as artefacts, as the showcase test does. */
const SHOTS = path.resolve(process.env.WENYUAN_SCREENSHOTS ?? 'test-artifacts/screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Categories of the seeded records: industry code × heritage type, eight works each. */
const GROUPS = [
  { industry: '01', heritage: 'tangible', en: 'Bronze vessel', zh: '青铜器' },
  { industry: '02', heritage: 'tangible', en: 'Landscape scroll', zh: '山水卷' },
  { industry: '03', heritage: 'intangible', en: 'Folk song', zh: '民歌' },
  { industry: '05', heritage: 'intangible', en: 'Paper cutting', zh: '剪纸' },
  { industry: '06', heritage: 'creative', en: 'Poster', zh: '海报' },
  { industry: '08', heritage: 'creative', en: 'Game design', zh: '游戏设计' },
  { industry: '09', heritage: 'tangible', en: 'Tea bowl', zh: '茶碗' },
] as const;
const PER_GROUP = 8;
/** One photograph, for the deep-zoom viewer (the records above have no images). */
const KODAK = path.resolve('../shared/data/images/kodak');
type Curator = { model: { builtAt: string | null; people: number; interactions: number } };
const PERSONAL_REASONS = ['because', 'unexplored-category', 'long-tail'];
const GENERAL_REASONS = ['curators-pick', 'popular', 'random-category', 'new-work'];

/**
 * A small catalogue with records in seven categories (no images: the cards are set in type), an
 * admin, a reader and three other people who let the recommender learn from them.
 */
async function seed(server: RunningServer) {
  const run = (args: string[], input?: string, expected: number[] = [0]) => {
    const result = cli(server.dataDir, args, input);
    expect(expected, `wenyuan ${args.join(' ')}\n${result.stdout}${result.stderr}`).toContain(result.status);
  };
  run(['admin', 'create', 'admin', '--password-stdin'], PASSWORD);
  const folder = fs.mkdtempSync(path.join(server.dataDir, 'records-'));
  const rows = GROUPS.flatMap((g, gi) => Array.from({ length: PER_GROUP }, (_, i) => `g${gi}-${i},${g.en} ${i + 1},${g.zh}${i + 1}号,${g.industry},${g.heritage}`));
  fs.writeFileSync(path.join(folder, 'records.csv'), 'id,title_en,title_zh,industry,heritage\n' + rows.join('\n') + '\n');
  fs.writeFileSync(
    path.join(folder, 'mapping.json'),
    JSON.stringify({
      name: 'recommend e2e',
      zhScript: 'zh-Hans',
      id: 'rec:{id}',
      fields: [
        { to: 'title.en', from: 'title_en' },
        { to: 'title.zh', from: 'title_zh' },
        { to: 'classification.industry', from: 'industry' },
        { to: 'classification.heritage', from: 'heritage' },
      ],
    }),
  );
  run(['import', folder, '--records', path.join(folder, 'records.csv'), '--mapping', path.join(folder, 'mapping.json'), '--visibility', 'public', '--json']);
  if (fs.existsSync(KODAK)) {
    const photos = fs.mkdtempSync(path.join(server.dataDir, 'photos-'));
    const first = fs.readdirSync(KODAK).sort()[0]!;
    fs.copyFileSync(path.join(KODAK, first), path.join(photos, first));
    run(['import', photos, '--visibility', 'public', '--json']);
  }

  const signInApi = async (username: string) => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username, password: PASSWORD }) });
    expect(login.ok, `login ${username}`).toBe(true);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const headers = { 'content-type': 'application/json', 'x-wenyuan-csrf': '1', cookie };
    return async <T>(method: string, url: string, body?: unknown, status?: number): Promise<T> => {
      const res = await fetch(`${server.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      if (status !== undefined) expect(res.status, `${method} ${url}: ${text}`).toBe(status);
      else expect(res.ok, `${method} ${url}: ${res.status} ${text}`).toBe(true);
      return (text ? JSON.parse(text) : null) as T;
    };
  };
  const admin = await signInApi('admin');
  for (const username of ['reader', 'other1', 'other2', 'other3']) await admin('POST', '/api/users', { username, password: PASSWORD, role: 'licensee' });

  type Listing = { items: { id: string; title: Record<string, string> }[] };
  const works = (await admin<Listing>('GET', '/api/works?pageSize=100&sort=title')).items;
  const photoId = (await admin<Listing>('GET', '/api/works?type=image&pageSize=1')).items[0]?.id ?? null;
  expect(works.length).toBe(GROUPS.length * PER_GROUP + (photoId ? 1 : 0));
  // Each category's works in number order, found by their English titles ("Bronze vessel 3").
  const byTitle = new Map(works.map((w) => [w.title.en, w.id]));
  const group = (gi: number) => Array.from({ length: PER_GROUP }, (_, i) => byTitle.get(`${GROUPS[gi]!.en} ${i + 1}`)!);
  for (const gi of GROUPS.keys()) expect(group(gi).every(Boolean)).toBe(true);
  // Others who looked at bronzes also looked at landscape scrolls and tea bowls: something to learn from.
  for (const [n, username] of ['other1', 'other2', 'other3'].entries()) {
    const other = await signInApi(username);
    await other('PUT', '/api/recommendations/consent', { consented: true });
    for (const id of [...group(0).slice(n, n + 5), ...group(1).slice(n, n + 4), ...group(6).slice(0, 2 + n)]) {
      await other('POST', '/api/recommendations/signals', { workId: id, kind: 'view' });
    }
  }
  await admin('PUT', '/api/recommendations/picks', { workIds: [group(3)[0]!, group(4)[0]!] });
  return { admin, group, photoId };
}

async function newContext(browser: Browser, lang: 'en' | 'zh-Hans'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: lang === 'en' ? 'en-GB' : 'zh-CN', bypassCSP: true });
  await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', ${JSON.stringify(lang)}); } catch {}`);
  return context;
}

/** The list as shown: each card's work and reason, in order. */
const shown = (page: Page) => page.locator('[data-testid="rec-item"]').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-work-id')}:${li.getAttribute('data-reason')}`));
const shownIds = async (page: Page) => (await shown(page)).map((s) => s.slice(0, s.lastIndexOf(':')));
const shownReasons = async (page: Page) => (await shown(page)).map((s) => s.slice(s.lastIndexOf(':') + 1));

describe.runIf(browserPath)('recommendations that widen the reader\'s world: consent, signals, the feed and its controls', () => {
  let server: RunningServer;
  let browser: Browser;
  let fixture: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    server = await startServer();
    fixture = await seed(server);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
  });
  afterAll(() => tearDown(browser, server));

  /** Asks for a rebuild (as an admin) and waits for a model that learnt from at least `people`. */
  const rebuilt = async (people: number) => {
    const before = (await fixture.admin<Curator>('GET', '/api/recommendations/curator')).model.builtAt;
    await fixture.admin('POST', '/api/recommendations/rebuild', {}, 202);
    await expect
      .poll(async () => {
        const view = await fixture.admin<Curator>('GET', '/api/recommendations/curator');
        return view.model.builtAt !== null && view.model.builtAt !== before && view.model.people >= people;
      }, { timeout: 60_000, interval: 1000 })
      .toBe(true);
  };

  it('shows a visitor the list everyone sees, saying it is not personalised, with reasons', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    // Anonymous readers send no signals from the work page.
    const signals: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/recommendations/signals')) signals.push(r.url());
    });
    await page.goto(`${server.url}/works/${encodeURIComponent(fixture.group(2)[0]!)}`);
    await page.getByTestId('work-title').waitFor();
    expect(await page.getByTestId('favourite-toggle').count()).toBe(0);
    await page.goto(`${server.url}/for-you`);
    await page.getByTestId('rec-item').first().waitFor();
    expect(await page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('general');
    expect(await page.getByTestId('rec-not-personalised').innerText()).toMatch(/not personalised/);
    expect(await page.getByTestId('rec-turn-on').count()).toBe(0);
    expect(await page.getByTestId('rec-slider').count()).toBe(0);
    for (const reason of await shownReasons(page)) expect(GENERAL_REASONS).toContain(reason);
    // The curators' picks are there, and said to be.
    expect(await page.locator('[data-reason="curators-pick"] [data-testid="rec-reason"]').first().innerText()).toBe('Curators’ pick');
    expect(signals).toEqual([]);
    expect(await axeViolations(page), '/for-you (anonymous)').toEqual([]);
    await context.close();
  });

  it('learns from a consenting reader, and lets them steer, refresh, narrow and switch off the list', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, server.url, 'reader', PASSWORD);

    // Without consent the list is the general one, with a way to turn personalisation on.
    await page.goto(`${server.url}/for-you`);
    await page.getByTestId('rec-item').first().waitFor();
    expect(await page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('general');
    await page.getByTestId('rec-turn-on').click();
    await page.waitForURL(/\/account/);

    // Consent on the account page, with what is recorded said in words.
    const toggle = page.getByTestId('rec-consent-toggle');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByTestId('rec-consent').innerText()).toMatch(/how long you stay/);
    await toggle.check();
    await expect.poll(() => page.getByTestId('rec-consent-state').innerText()).toMatch(/On since/);
    expect(await axeViolations(page), '/account').toEqual([]);

    // Looking at bronzes: the work page sends the view, and the time spent when the reader leaves.
    for (const id of fixture.group(0).slice(0, 4)) {
      const view = page.waitForRequest((r) => r.url().endsWith('/api/recommendations/signals') && r.postDataJSON()?.kind === 'view' && r.postDataJSON()?.workId === id);
      await page.goto(`${server.url}/works/${encodeURIComponent(id)}`);
      await page.getByTestId('work-title').waitFor();
      expect((await (await (await view).response())!.json()).recorded).toBe(true);
      await page.waitForTimeout(1200);
    }
    const favourite = page.waitForRequest((r) => r.url().endsWith('/api/recommendations/signals') && r.postDataJSON()?.kind === 'favourite');
    await page.getByTestId('favourite-toggle').click();
    expect(await page.getByTestId('favourite-toggle').getAttribute('aria-pressed')).toBe('true');
    await favourite;
    // Leaving the page (here by the site's own navigation) sends the seconds it was visible.
    const dwell = page.waitForRequest((r) => r.url().endsWith('/api/recommendations/signals') && r.postDataJSON()?.kind === 'dwell');
    await page.getByTestId('nav-home').click();
    expect((await dwell).postDataJSON().seconds).toBeGreaterThanOrEqual(1);

    // The model is rebuilt (by an admin) and knows the reader now.
    await rebuilt(4);

    // A personal list, each card with its reason.
    await page.goto(`${server.url}/for-you`);
    await page.getByTestId('rec-item').first().waitFor();
    expect(await page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('personal');
    expect(await page.getByTestId('rec-not-personalised').count()).toBe(0);
    const reasons = await shownReasons(page);
    expect(reasons.some((r) => PERSONAL_REASONS.includes(r)), reasons.join(', ')).toBe(true);
    const texts = await page.getByTestId('rec-reason').allInnerTexts();
    expect(texts.some((t) => /^Because you looked at “Bronze vessel \d”$|^A category you have not explored yet: |^A less-seen work/.test(t)), texts.join(' | ')).toBe(true);
    expect(await axeViolations(page), '/for-you (personal)').toEqual([]);
    await shoot(page, 'for-you-en-1440');

    // Familiar ↔ explore, by keyboard: the list changes after the slider rests.
    const slider = page.getByTestId('rec-slider');
    const atMiddle = await shown(page);
    await slider.focus();
    await page.keyboard.press('Home');
    expect(await slider.getAttribute('aria-valuetext')).toBe('Familiar');
    await expect.poll(() => shown(page), { timeout: 10_000 }).not.toEqual(atMiddle);
    const familiar = await shown(page);
    await page.keyboard.press('End');
    expect(await slider.getAttribute('aria-valuetext')).toBe('Explore');
    await expect.poll(() => shown(page), { timeout: 10_000 }).not.toEqual(familiar);
    // The slider's place is kept (the home row uses it too).
    expect(await page.evaluate(() => localStorage.getItem('wenyuan.recommend.slider'))).toBe('1');

    // "Show me something different": none of the works just shown.
    const before = await shownIds(page);
    await page.getByTestId('rec-different').click();
    await expect.poll(async () => (await shownIds(page)).some((id) => before.includes(id)), { timeout: 10_000 }).toBe(false);
    expect((await shownIds(page)).length).toBeGreaterThan(0);
    // The button keeps the keyboard focus while the new list loads and after.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('rec-different');

    // "Not interested" removes the card at once, says so to the server and keeps focus in the list.
    const first = page.getByTestId('rec-item').first();
    const dropped = (await first.getAttribute('data-work-id'))!;
    const notInterested = page.waitForRequest((r) => r.url().endsWith('/api/recommendations/signals') && r.postDataJSON()?.kind === 'not_interested');
    await first.getByTestId('rec-not-interested').click();
    expect((await notInterested).postDataJSON().workId).toBe(dropped);
    expect(await shownIds(page)).not.toContain(dropped);
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="rec-list"]') !== null)).toBe(true);

    // In Chinese, the same reasons in Chinese.
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('为你推荐');
    const zh = await page.getByTestId('rec-reason').allInnerTexts();
    expect(zh.every((t) => /因为你看过《|你还没有探索过的类别：|较少被看到的作品|馆员推荐|观众常看|随机选自：|新近添加/.test(t)), zh.join(' | ')).toBe(true);
    expect(await axeViolations(page), '/for-you (zh-Hans)').toEqual([]);
    await shoot(page, 'for-you-zh-Hans-1440');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('For you');

    // The list everyone sees, by choice; the choice is remembered.
    await page.getByTestId('rec-mode').uncheck();
    await expect.poll(() => page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('general');
    await expect.poll(async () => (await shownReasons(page)).every((r) => GENERAL_REASONS.includes(r))).toBe(true);
    expect(await page.getByTestId('rec-not-personalised').innerText()).toMatch(/same for everyone/);
    expect(await page.getByTestId('rec-slider').count()).toBe(0);
    await page.reload();
    await page.getByTestId('rec-item').first().waitFor();
    expect(await page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('general');
    expect(await page.getByTestId('rec-mode').isChecked()).toBe(false);
    await page.getByTestId('rec-mode').check();
    await expect.poll(() => page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('personal');

    // The home page has the row too.
    await page.goto(`${server.url}/`);
    await page.getByTestId('for-you-row').waitFor();
    expect(await page.getByTestId('for-you-row').getByTestId('rec-reason').count()).toBeGreaterThan(0);
    expect(await axeViolations(page), 'home with the "for you" row').toEqual([]);
    // The row scrolls sideways inside the page; it never widens it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shoot(page, 'home-for-you-en-1440');

    // Withdrawing consent erases the profile: the list is the general one again, and says so.
    await page.goto(`${server.url}/account`);
    await page.getByTestId('rec-consent-toggle').uncheck();
    await expect.poll(() => page.getByTestId('rec-consent-state').innerText()).toMatch(/nothing is recorded/);
    expect(await page.evaluate(async () => ((await (await fetch('/api/recommendations/consent')).json()) as { consented: boolean }).consented)).toBe(false);
    await page.goto(`${server.url}/for-you`);
    await page.getByTestId('rec-item').first().waitFor();
    expect(await page.getByTestId('rec-feed').getAttribute('data-mode')).toBe('general');
    expect(await page.getByTestId('rec-not-personalised').innerText()).toMatch(/not personalised/);
    await page.getByTestId('rec-turn-on').waitFor();
    await context.close();
  });

  it.runIf(fs.existsSync(KODAK))('tells the recommender once when a signed-in reader zooms into the picture', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    const kinds: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/recommendations/signals')) kinds.push((r.postDataJSON() as { kind: string }).kind);
    });
    await signIn(page, server.url, 'other1', PASSWORD);
    await page.goto(`${server.url}/works/${encodeURIComponent(fixture.photoId!)}`);
    await page.getByTestId('work-title').waitFor();
    const zoomIn = page.getByRole('button', { name: 'Zoom in' });
    await expect.poll(() => zoomIn.isEnabled(), { timeout: 15_000 }).toBe(true);
    await zoomIn.click();
    await expect.poll(() => kinds.filter((k) => k === 'zoom').length, { timeout: 5000 }).toBe(1);
    await zoomIn.click();
    await page.waitForTimeout(1000);
    expect(kinds.filter((k) => k === 'zoom').length).toBe(1);
    expect(kinds).toContain('view');
    await context.close();
  });

  it('shows "where to go next" on a work page, with reasons', async () => {
    await rebuilt(3);
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await page.goto(`${server.url}/works/${encodeURIComponent(fixture.group(0)[0]!)}`);
    await page.getByTestId('more-like-this').waitFor();
    await page.getByTestId('more-like-this').scrollIntoViewIfNeeded();
    await shoot(page, 'work-where-next-en-1440');
    const reasons = await page.getByTestId('more-like-this').getByTestId('rec-reason').allInnerTexts();
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((t) => t.length > 0)).toBe(true);
    await context.close();
  });

  it('lets a curator pin picks, read the model and exposure figures, and rebuild', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, server.url, 'admin', PASSWORD);
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('admin-recommend-link').click();
    await page.waitForURL(/\/recommendations\/curate/);
    await page.getByTestId('rec-exposure').waitFor();
    expect(await page.getByTestId('rec-pick').count()).toBe(2);
    expect(await page.getByTestId('rec-coverage').innerText()).toMatch(/%$/);
    expect(await page.getByTestId('rec-model').innerText()).toMatch(/Built/);
    await page.getByTestId('rec-picks').getByRole('searchbox').fill('Tea bowl 1');
    await page.getByTestId('rec-picks').getByRole('searchbox').press('Enter');
    await page.locator('.work-picker-result').first().click();
    await page.getByTestId('rec-picks-save').click();
    await expect.poll(async () => (await fixture.admin<{ picks: unknown[] }>('GET', '/api/recommendations/curator')).picks.length).toBe(3);
    expect(await axeViolations(page), '/recommendations/curate').toEqual([]);
    await shoot(page, 'recommend-curate-en-1440');
    await page.getByTestId('rec-rebuild').click();
    await page.getByText('Rebuild started').waitFor();
    await context.close();
  });
});

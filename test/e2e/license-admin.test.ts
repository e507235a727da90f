/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { CHROMIUM_ARGS, chromiumPath, cli, signIn, startServer, tearDown, type RunningServer, apiAs as loginAs } from './server-process.js';

const browserPath = chromiumPath();
const PASSWORD = 'license-admin-password-123';


const apiAs = (server: RunningServer, username: string) => loginAs(server, username, PASSWORD);

/** An admin, a curator, one public record (no image needed for terms) and two parties to split with. */
async function seed(server: RunningServer) {
  expect(cli(server.dataDir, ['admin', 'create', 'admin', '--password-stdin'], PASSWORD).status).toBe(0);
  const admin = await apiAs(server, 'admin');
  await admin('POST', '/api/users', { username: 'curator', password: PASSWORD, role: 'curator' });
  const folder = fs.mkdtempSync(path.join(server.dataDir, 'records-'));
  fs.writeFileSync(path.join(folder, 'records.csv'), 'id,title_en,title_zh\nm1,Opera mask,京剧脸谱\n');
  fs.writeFileSync(path.join(folder, 'mapping.json'), JSON.stringify({ name: 'license-admin e2e', zhScript: 'zh-Hans', id: 'la:{id}', fields: [{ to: 'title.en', from: 'title_en' }, { to: 'title.zh', from: 'title_zh' }] }));
  const imported = cli(server.dataDir, ['import', folder, '--records', path.join(folder, 'records.csv'), '--mapping', path.join(folder, 'mapping.json'), '--visibility', 'public', '--json']);
  expect(imported.status, imported.stdout + imported.stderr).toBe(0);
  const curator = await apiAs(server, 'curator');
  const workId = (await curator<{ items: { id: string }[] }>('GET', '/api/works?pageSize=5')).items[0]!.id;
  const artist = (await curator<{ id: string }>('POST', '/api/parties', { kind: 'person', name: { en: 'Li Bai', 'zh-Hans': '李白' } })).id;
  const museum = (await curator<{ id: string }>('POST', '/api/parties', { kind: 'institution', name: { en: 'County Museum' } })).id;
  return { curator, workId, artist, museum };
}

/** Fails when the page is wider than the viewport (a layout that overflows at phone width). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe.runIf(browserPath)('the right holder’s and curator’s licensing tools', () => {
  let server: RunningServer;
  let browser: Browser;
  let fixture: Awaited<ReturnType<typeof seed>>;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    fixture = await seed(server);
    browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', bypassCSP: true });
    await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', 'en'); } catch {}`);
    page = await context.newPage();
    await signIn(page, server.url, 'curator', PASSWORD);
  });
  afterAll(() => tearDown(browser, server));

  it('builds an offer through the form, without typing JSON, and the server stores the ODRL it showed', async () => {
    await page.goto(`${server.url}/works/${encodeURIComponent(fixture.workId)}?tab=staff`);
    await page.getByTestId('work-terms-link').click();
    await page.waitForURL(/\/terms$/);
    await page.getByTestId('offer-form').waitFor();
    expect(await axeViolations(page), '/works/:id/terms').toEqual([]);

    await page.getByTestId('offer-title-en').fill('Game texture licence');
    await page.getByTestId('offer-title-zh-Hans').fill('游戏贴图授权');
    await page.getByTestId('offer-actions-display').check();
    await page.getByTestId('offer-purposes-commercial').check();
    await page.getByTestId('offer-media-game').check();
    await page.getByTestId('offer-media-web').check();
    await page.getByTestId('offer-territories').fill('cn');
    await page.getByTestId('offer-price').fill('1200');
    await page.getByTestId('offer-edition').fill('3');
    // A bad territory is caught by the form, next to its field.
    await page.getByTestId('offer-territories').fill('cn, Atlantis');
    await page.getByTestId('offer-save').click();
    expect(await page.getByTestId('offer-territories').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('offer-territories').fill('cn');
    const shown = JSON.parse(await page.getByTestId('offer-json').innerText()) as Record<string, unknown>;
    await page.getByTestId('offer-save').click();
    await expect.poll(() => page.getByTestId('offer-status').innerText()).toMatch(/published/);
    await page.getByTestId('offer-item').first().waitFor();

    const { items } = await fixture.curator<{ items: { odrl: Record<string, unknown>; editionSize: number | null; price: { display: string; currency: string } | null; actions: string[] }[] }>('GET', `/api/offers?type=work&id=${encodeURIComponent(fixture.workId)}`);
    expect(items).toHaveLength(1);
    const offer = items[0]!;
    expect(offer).toMatchObject({ editionSize: 3, price: { display: '1200.00', currency: 'CNY' } });
    expect(offer.actions.sort()).toEqual(['display', 'reproduce']);
    const permission = (offer.odrl.permission as { action: string; constraint: unknown[]; duty: unknown[] }[]).find((p) => p.action === 'reproduce')!;
    expect(permission.constraint).toEqual([
      { leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' },
      { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' },
      { leftOperand: 'media', operator: 'isAnyOf', rightOperand: ['web', 'game'] },
    ]);
    expect(JSON.stringify(permission.duty)).toContain('1200.00');
    expect((shown.permission as unknown[]).length).toBe(2);

    // The stored offer reads back into the form for a new version.
    await page.getByTestId('offer-edit').click();
    expect(await page.getByTestId('offer-price').inputValue()).toBe('1200.00');
    expect(await page.getByTestId('offer-media-game').isChecked()).toBe(true);
  });

  it('sets a 60/30/10 royalty split, checking the sum as it is typed', async () => {
    const rows = page.getByTestId('split-row');
    await rows.first().waitFor();
    await page.getByTestId('split-party').nth(0).selectOption(fixture.artist);
    await page.getByTestId('split-percent').nth(0).fill('60');
    await page.getByTestId('split-add').click();
    await page.getByTestId('split-party').nth(1).selectOption(fixture.museum);
    await page.getByTestId('split-percent').nth(1).fill('30');
    await page.getByTestId('split-add').click();
    await page.getByTestId('split-party').nth(2).selectOption('__new');
    await page.getByTestId('split-new-kind').selectOption('community');
    await page.getByTestId('split-new-en').fill('Mask Fund');
    await page.getByTestId('split-percent').nth(2).fill('5');
    expect(await page.getByTestId('split-total').innerText()).toMatch(/95\.00 %.*5\.00 %/);
    await page.getByTestId('split-save').click();
    expect(await page.getByTestId('split-status').innerText()).toMatch(/exactly 100\.00 %/);
    await page.getByTestId('split-percent').nth(2).fill('10');
    expect(await page.getByTestId('split-total').innerText()).toMatch(/100\.00 % ✓/);
    await page.getByTestId('split-save').click();
    await expect.poll(() => page.getByTestId('split-history').count()).toBe(1);

    const split = await fixture.curator<{ current: { version: number; shares: { basisPoints: number; partyName: Record<string, string> }[] } }>('GET', `/api/works/${encodeURIComponent(fixture.workId)}/royalty-split`);
    expect(split.current.version).toBe(1);
    expect(split.current.shares.map((s) => s.basisPoints)).toEqual([6000, 3000, 1000]);
    expect(split.current.shares[2]!.partyName.en).toBe('Mask Fund');
  });

  it('picks a public licence from the list', async () => {
    await page.getByTestId('licence-cc-by-nc').check();
    await page.getByTestId('licence-save').click();
    await expect
      .poll(async () => (await fixture.curator<{ publicLicenceSource: string }>('GET', `/api/works/${encodeURIComponent(fixture.workId)}/terms`)).publicLicenceSource)
      .toBe('policy');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId('offer-form').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps heritage elements with rules built by a form', async () => {
    await page.goto(`${server.url}/heritage`);
    // A custodian not yet known is added on the page.
    await page.getByTestId('party-name-en').fill('Opera Guild');
    await page.getByTestId('party-create').click();
    await expect.poll(() => page.locator('[data-testid="party-form"] [role="status"]').innerText()).toMatch(/added/);
    await page.getByTestId('heritage-new').click();
    await expect.poll(() => page.getByTestId('heritage-custodian').locator('option', { hasText: 'Opera Guild' }).count()).toBe(1);
    await page.getByTestId('heritage-name-en').fill('Peking-opera mask');
    await page.getByTestId('heritage-name-zh-Hans').fill('京剧脸谱');
    const fund = (await fixture.curator<{ items: { id: string; name: Record<string, string> }[] }>('GET', '/api/parties')).items.find((p) => p.name.en === 'Mask Fund')!.id;
    await page.getByTestId('heritage-custodian').selectOption(fund);
    await page.getByTestId('heritage-share').fill('5');
    await page.getByTestId('heritage-share-party').selectOption(fund);
    await page.getByTestId('heritage-forbid-parody').check();
    expect(await axeViolations(page), '/heritage').toEqual([]);
    await page.getByTestId('heritage-save').click();
    await page.getByTestId('heritage-item').first().waitFor();
    const { items } = await fixture.curator<{ items: { custodianPartyId: string; rules: { odrl: Record<string, unknown> }[] }[] }>('GET', '/api/heritage-elements');
    expect(items[0]!.custodianPartyId).toBe(fund);
    expect(JSON.stringify(items[0]!.rules[0]!.odrl)).toContain('parody');
  });

  it('shows the ledger: a balanced trial balance, a statement and the settlement form', async () => {
    await page.goto(`${server.url}/ledger`);
    await expect.poll(() => page.getByTestId('ledger-balanced').innerText()).toMatch(/✓ Balanced/);
    await page.getByTestId('statement-show').click();
    await expect.poll(() => page.getByTestId('statement-closing').innerText()).toBe('0.00');
    expect(await page.getByTestId('statement-csv').getAttribute('href')).toMatch(/\/statement\.csv\?.*lang=en/);
    expect(await axeViolations(page), '/ledger').toEqual([]);
    // Nothing was paid yet: settling says so in the reader's language (the server's key, translated).
    await page.getByTestId('settle-to').fill('2099-12-31');
    await page.getByTestId('settle').click();
    await expect.poll(() => page.getByTestId('settlements').innerText()).toMatch(/Nobody is owed anything in CNY/);
  });
});

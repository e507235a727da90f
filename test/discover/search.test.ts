import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, makeUser, type TestUser } from '../routes/route-helpers.js';

/**
 * Keyword search, facets, year ranges, sorting and paging over real records: National Palace
 * Museum (Taipei) paintings from ../shared/data, read in place, plus three dated works.
 */

const CSV = fileURLToPath(new URL('../../../shared/data/collections/meng-v-chinese-art/taipei_image_url.csv', import.meta.url));
const HAVE_DATA = fs.existsSync(CSV);

type Row = Record<string, string>;
type LangMap = Record<string, string>;
interface Seeded {
  id: string;
  title: LangMap;
  /** The artist cell, for checking who made it. */
  artist: string;
  date: { earliest?: number; latest?: number } | null;
  industry: string;
  heritage: string;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const NPM_RIGHTS = 'http://rightsstatements.org/vocab/InC/1.0/';

/** "Fan Kuan 范寬" → { en: "Fan Kuan", zh-Hant: "范寬" }. */
function bilingual(cell: string): LangMap {
  const at = cell.search(CJK);
  if (at < 0) return { en: cell.trim() };
  if (at === 0) return { 'zh-Hant': cell.trim() };
  return { en: cell.slice(0, at).trim(), 'zh-Hant': cell.slice(at).trim() };
}

const present = (cell: string | undefined): cell is string => !!cell && cell.trim() !== '' && cell.trim() !== '(none)';

/** The record as Wenyuan metadata, following mappings/npm-taipei-chinese-painting.json in spirit. */
function metadataOf(row: Row): Record<string, unknown> {
  const inscriptions = [
    ...(present(row['Artist Inscriptions 作者款識']) ? [{ kind: 'inscription', text: { 'zh-Hant': row['Artist Inscriptions 作者款識'].trim() } }] : []),
    ...(present(row['Colophons 題跋'])
      ? row['Colophons 題跋'].split(/\n\s*\n/).filter((s) => s.trim()).map((s) => ({ kind: 'colophon', text: { 'zh-Hant': s.trim() } }))
      : []),
    ...(present(row['Seals 印章']) ? row['Seals 印章'].split('\n').filter((s) => s.trim()).map((s) => ({ kind: 'seal', text: { 'zh-Hant': s.trim() } })) : []),
  ];
  return {
    title: { 'zh-Hant': row['Title 品名']!.trim() },
    creators: row['Artist 作者']!.split('\n').filter((s) => s.trim()).map((s) => ({ name: bilingual(s), role: 'artist' })),
    inscriptions,
    institution: bilingual(row['Museum 館藏']!),
    inventoryNumber: row['Museum Object Identifier 收藏號碼']!.trim(),
    sourceUrl: row['URL 網頁']!.trim(),
    rights: { uri: NPM_RIGHTS },
    classification: { industry: '02', heritage: 'tangible' },
  };
}

/** Code-point order, which is what SQLite (binary) and a C-collated PostgreSQL sort by. */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe.skipIf(!HAVE_DATA).each(await testDialects())('search over National Palace Museum records (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  const seeded: Seeded[] = [];
  let travelers: Seeded;
  let fanKuan: Seeded[];
  let yongle: Seeded;
  let daoguang: Seeded;

  const ids = (items: { id: string }[]) => items.map((i) => i.id);
  const idsOf = (works: Seeded[]) => works.map((w) => w.id);
  const byTitle = (zh: string) => seeded.find((w) => w.title['zh-Hant'] === zh || w.title['zh-Hans'] === zh)!;
  const search = (q: string, extra = '') => browse(ctx, `q=${encodeURIComponent(q)}&pageSize=100${extra}`);

  async function seed(metadata: Record<string, unknown>, artist: string): Promise<Seeded> {
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata, visibility: 'public' } });
    expect(res.statusCode, res.body).toBe(201);
    const m = metadata as { title: LangMap; date?: { earliest?: number; latest?: number }; classification: { industry: string; heritage: string } };
    const work: Seeded = { id: (res.json() as { id: string }).id, title: m.title, artist, date: m.date ?? null, industry: m.classification.industry, heritage: m.classification.heritage };
    seeded.push(work);
    return work;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    const rows = parse(fs.readFileSync(CSV, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
    const travelersRow = rows.find((r) => r['Title 品名']?.trim() === '谿山行旅圖' && r['Artist 作者']?.includes('范寬'));
    expect(travelersRow, '谿山行旅圖 by Fan Kuan is in the data').toBeDefined();
    // The first 30 records, Ma Lin's 溪山行旅圖 (same title, common 溪) and every Fan Kuan.
    const chosen = [...rows.slice(0, 30), ...rows.filter((r, i) => i >= 30 && (r['Title 品名']?.trim() === '溪山行旅圖' || r['Artist 作者']?.includes('范寬')))];
    for (const row of chosen) {
      const metadata = metadataOf(row);
      if (row === travelersRow) {
        metadata.title = { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' };
        metadata.date = { earliest: 960, latest: 1127, display: { 'zh-Hans': '北宋' } };
      }
      await seed(metadata, row['Artist 作者']!);
    }
    travelers = seeded.find((w) => w.title.en === 'Travelers among Mountains and Streams')!;
    fanKuan = seeded.filter((w) => w.artist.includes('范寬'));

    yongle = await seed(
      {
        title: { 'zh-Hans': '青花缠枝莲纹压手杯', en: 'Press-hand cup with lotus scroll' },
        date: { earliest: 1403, latest: 1424, display: { 'zh-Hans': '明 永乐年间' } },
        medium: { 'zh-Hans': '瓷', en: 'Porcelain' },
        classification: { industry: '03', heritage: 'tangible' },
      },
      '',
    );
    daoguang = await seed(
      {
        title: { 'zh-Hans': '花卉册', en: 'Album of flowers' },
        date: { earliest: 1850 },
        classification: { industry: '03', heritage: 'creative' },
      },
      '',
    );
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('seeded the records', () => {
    expect(seeded.length).toBeGreaterThanOrEqual(33);
    expect(fanKuan.length).toBeGreaterThanOrEqual(3);
    expect(fanKuan.map((w) => w.title['zh-Hant'])).toContain('谿山行旅圖');
  });

  it('finds 谿山行旅圖 with the common character 溪 (溪山行旅), and the other way round', async () => {
    const maLin = byTitle('溪山行旅圖');
    for (const q of ['溪山行旅', '谿山行旅', '溪山行旅图', '谿山行旅圖']) {
      const page = await search(q);
      expect(ids(page.items).sort(), q).toEqual([travelers.id, maLin.id].sort());
      expect(page.total, q).toBe(2);
    }
  });

  it('finds Fan Kuan’s works by his name in simplified (范宽) and traditional (范寬) characters', async () => {
    const simplified = await search('范宽');
    expect(ids(simplified.items)).toEqual(expect.arrayContaining(idsOf(fanKuan)));
    const traditional = await search('范寬');
    expect(ids(traditional.items).sort()).toEqual(ids(simplified.items).sort());
    // Anything else found mentions him in its record (an inscription or colophon).
    for (const id of ids(simplified.items)) {
      const detail = await ctx.server.inject({ method: 'GET', url: `/api/works/${id}` });
      expect(detail.body, id).toMatch(/范寬|范宽/);
    }
  });

  it('finds Fan Kuan’s works by his name in Latin letters, whatever the case or width', async () => {
    for (const q of ['Fan Kuan', 'fan kuan', 'FAN KUAN', 'ＦＡＮ　ＫＵＡＮ', 'kuan']) {
      const page = await search(q);
      expect(ids(page.items).sort(), q).toEqual(idsOf(fanKuan).sort());
    }
  });

  it('matches an English title by prefix', async () => {
    for (const q of ['trav', 'Travelers', 'travelers among mount', 'streams mountains']) {
      expect(ids((await search(q)).items), q).toEqual([travelers.id]);
    }
    expect(ids((await search('album flow')).items)).toEqual([daoguang.id]);
  });

  it('finds a work by its inventory number, whole or by its digits', async () => {
    for (const q of ['故畫00082600000', '故画00082600000', '00082600000', '000826']) {
      expect(ids((await search(q)).items), q).toEqual([travelers.id]);
    }
  });

  it('returns nothing for words that are in no record', async () => {
    for (const q of ['蒙娜丽莎', '电脑游戏', '谿山电脑', 'xylophonist', 'Fan Kuanx']) {
      const page = await search(q);
      expect(page.total, q).toBe(0);
      expect(page.items, q).toEqual([]);
    }
  });

  it('ranks the work whose title is exactly the query first', async () => {
    const page = await search('山水');
    expect(page.total).toBeGreaterThan(1);
    expect(page.items[0]!.id).toBe(byTitle('山水').id);
    const single = await search('早春圖');
    expect(single.items[0]!.id).toBe(byTitle('早春圖').id);
  });

  it('counts facets over everything the reader can see', async () => {
    const page = await browse(ctx, 'pageSize=1');
    const csvCount = seeded.length - 2;
    expect(page.total).toBe(seeded.length);
    expect(page.facets.industry).toEqual([
      { value: '02', count: csvCount },
      { value: '03', count: 2 },
    ]);
    expect(page.facets.heritage).toEqual([
      { value: 'tangible', count: seeded.length - 1 },
      { value: 'creative', count: 1 },
    ]);
    expect(page.facets.rights).toEqual([{ value: NPM_RIGHTS, count: csvCount }]);
    expect(page.facets.type).toEqual([{ value: 'record', count: seeded.length }]);
    const institutions = page.facets.institution ?? [];
    expect(institutions).toHaveLength(1);
    expect(JSON.parse(institutions[0]!.value)).toEqual({ en: 'National Palace Museum, Taibei', 'zh-Hant': '台北故宮' });
    expect(institutions[0]!.count).toBe(csvCount);
    expect(page.facets.medium).toEqual([{ value: JSON.stringify({ en: 'Porcelain', 'zh-Hans': '瓷' }), count: 1 }]);
    // Periods: three dated works, so three counts in all.
    expect((page.facets.period ?? []).reduce((n, p) => n + p.count, 0)).toBe(3);
  });

  it('filtering by a facet narrows the results, and other facets count within them', async () => {
    const ceramics = await browse(ctx, 'industry=03&pageSize=100');
    expect(ids(ceramics.items).sort()).toEqual([yongle.id, daoguang.id].sort());
    expect(ceramics.total).toBe(2);
    // The chosen facet still offers its alternatives (multi-select); the others count within the choice.
    expect(ceramics.facets.industry).toEqual([
      { value: '02', count: seeded.length - 2 },
      { value: '03', count: 2 },
    ]);
    expect(ceramics.facets.heritage).toEqual([
      { value: 'creative', count: 1 },
      { value: 'tangible', count: 1 },
    ]);

    const creative = await browse(ctx, 'industry=03&heritage=creative');
    expect(ids(creative.items)).toEqual([daoguang.id]);
    expect((await browse(ctx, 'industry=02&heritage=creative')).total).toBe(0);
    expect((await browse(ctx, 'industry=02|03')).total).toBe(seeded.length);
    expect((await browse(ctx, 'industry=02&industry=03')).total).toBe(seeded.length);
    // Facets combine with text.
    expect((await search('范宽', '&industry=03')).total).toBe(0);
    const withText = await search('范宽', '&industry=02');
    expect(ids(withText.items)).toEqual(expect.arrayContaining(idsOf(fanKuan)));
    expect(withText.facets.industry).toEqual([{ value: '02', count: withText.total }]);
  });

  it('year ranges match works whose own range overlaps them', async () => {
    const years = async (query: string) => ids((await browse(ctx, `${query}&pageSize=100`)).items).sort();
    expect(await years('yearFrom=1400&yearTo=1430')).toEqual([yongle.id]);
    expect(await years('yearFrom=1420&yearTo=1500')).toEqual([yongle.id]);
    expect(await years('yearFrom=1300&yearTo=1403')).toEqual([yongle.id]);
    expect(await years('yearFrom=1424&yearTo=1424')).toEqual([yongle.id]);
    expect(await years('yearFrom=1425&yearTo=1849')).toEqual([]);
    expect(await years('yearFrom=1100&yearTo=1100')).toEqual([travelers.id]);
    expect(await years('yearTo=960')).toEqual([travelers.id]);
    expect(await years('yearTo=959')).toEqual([]);
    expect(await years('yearFrom=1850')).toEqual([daoguang.id]);
    expect(await years('yearFrom=1851')).toEqual([]);
    expect(await years('yearFrom=900&yearTo=2000')).toEqual([travelers.id, yongle.id, daoguang.id].sort());
    // Undated works never match a year range, but stay in unfiltered lists.
    expect((await browse(ctx, 'yearFrom=-10000&yearTo=3000')).total).toBe(3);
    // Year range with text and facets.
    expect(await years(`q=${encodeURIComponent('行旅')}&yearFrom=1000&yearTo=1000`)).toEqual([travelers.id]);
    expect(await years('industry=03&yearFrom=1400&yearTo=1900')).toEqual([yongle.id, daoguang.id].sort());
    // Out-of-range years are refused.
    expect((await ctx.server.inject({ method: 'GET', url: '/api/works?yearFrom=99999' })).statusCode).toBe(400);
    expect((await ctx.server.inject({ method: 'GET', url: '/api/works?yearTo=abc' })).statusCode).toBe(400);
  });

  it('pages through everything exactly once, with the total on every page', async () => {
    const pageSize = 10;
    const pages = Math.ceil(seeded.length / pageSize);
    const seen: string[] = [];
    for (let page = 1; page <= pages; page++) {
      const result = await browse(ctx, `sort=title&page=${page}&pageSize=${pageSize}`);
      expect(result.total).toBe(seeded.length);
      expect(result.page).toBe(page);
      expect(result.pageSize).toBe(pageSize);
      expect(result.items.length).toBe(page < pages ? pageSize : seeded.length - pageSize * (pages - 1));
      seen.push(...ids(result.items));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(idsOf(seeded).sort());
    const past = await browse(ctx, `sort=title&page=${pages + 1}&pageSize=${pageSize}`);
    expect(past.items).toEqual([]);
    expect(past.total).toBe(seeded.length);
    // Newest first by default, also paged.
    const newest = await browse(ctx, 'pageSize=2');
    expect(ids(newest.items)).toEqual([daoguang.id, yongle.id]);
    // Ranked text results page the same way: every match once, in the same order as one big page.
    const all = await search('山');
    expect(all.total).toBeGreaterThan(5);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 5); page++) {
      const result = await browse(ctx, `q=${encodeURIComponent('山')}&pageSize=5&page=${page}`);
      expect(result.total).toBe(all.total);
      paged.push(...ids(result.items));
    }
    expect(paged).toEqual(ids(all.items));
  });

  it('sort=title orders by the English title, else the Chinese one', async () => {
    const result = await browse(ctx, 'sort=title&pageSize=100');
    const key = (title: LangMap) => (title.en ?? title['zh-Hans'] ?? title['zh-Hant']!).normalize('NFKC').toLowerCase();
    const keys = result.items.map((i) => key(i.title));
    expect(keys).toEqual([...keys].sort(byCodePoint));
    // English titles first (Latin letters precede CJK), then the Chinese ones.
    expect(keys.slice(0, 3)).toEqual(['album of flowers', 'press-hand cup with lotus scroll', 'travelers among mountains and streams']);
  });

  it('sort=date orders by earliest year, undated last', async () => {
    const result = await browse(ctx, 'sort=date&pageSize=100');
    expect(ids(result.items).slice(0, 3)).toEqual([travelers.id, yongle.id, daoguang.id]);
    expect(result.items.slice(3).every((i) => i.date === null)).toBe(true);
    // With a text query the date order still holds.
    const dated = await search('山', '&sort=date');
    const years = dated.items.map((i) => i.date?.earliest).filter((y): y is number => y !== undefined);
    expect(years).toEqual([...years].sort((a, b) => a - b));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser, type TestUser } from '../routes/route-helpers.js';

interface SnippetJson {
  field: string;
  lang: string | null;
  segments: { text: string; match: boolean }[];
}
interface SuggestionJson {
  kind: 'title' | 'creator' | 'place';
  label: string;
  lang: string;
  workId?: string;
  count?: number;
}

/** A snippet as text with the marked runs in [brackets]. */
const show = (s: SnippetJson | null | undefined) => (s ? s.segments.map((x) => (x.match ? `[${x.text}]` : x.text)).join('') : null);

/**
 * Snippets on search results (right field, right language, nothing a reader may not see) and
 * search-as-you-type suggestions (prefix, pinyin, Traditional input, private works for staff only),
 * through the routes on each database.
 */
describe.each(await testDialects())('search snippets and suggestions (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let creator: TestUser;
  const work: Record<string, { id: string; version: number }> = {};

  const search = async (q: string, headers: Record<string, string> = {}) => {
    const page = (await browse(ctx, `q=${encodeURIComponent(q)}&pageSize=100`, headers)) as unknown as { items: { id: string; snippet?: SnippetJson | null }[] };
    return new Map(page.items.map((item) => [item.id, item.snippet]));
  };
  const suggest = async (q: string, headers: Record<string, string> = {}, limit = 10) => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/search/suggest?q=${encodeURIComponent(q)}&limit=${limit}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: SuggestionJson[] }).items;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    const make = async (name: string, metadata: Record<string, unknown>, visibility: 'public' | 'private' = 'public', by = curator) => {
      work[name] = await createWork(ctx, by.headers, metadata, { visibility });
    };
    await make('travelers', {
      title: { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' },
      creators: [{ name: { 'zh-Hant': '范寬', en: 'Fan Kuan' }, role: 'artist' }],
      place: { 'zh-Hans': '陕西', en: 'Shaanxi' },
      description: { en: 'Hanging scroll, ink and light colours on silk. A towering mountain fills the upper half; a mule train crosses the foot of the painting by a stream.' },
      inscriptions: [{ kind: 'signature', text: { 'zh-Hant': '范寬' } }],
    });
    await make('earlySpring', { title: { 'zh-Hant': '早春圖', en: 'Early Spring' }, creators: [{ name: { 'zh-Hant': '郭熙', en: 'Guo Xi' }, role: 'artist' }] });
    await make('colophon', { title: { en: 'Album leaf' }, inscriptions: [{ kind: 'colophon', text: { 'zh-Hans': '乾隆御题诗一首' } }] });
    await make('notes', { title: { en: 'Record with import leftovers' }, notes: [{ label: 'old catalogue', text: { en: 'zebrawood cabinet drawer' } }] });
    await make('hidden', { title: { 'zh-Hans': '秘藏手卷', en: 'Secret orchid study' }, creators: [{ name: { en: 'Orchidmaster Wu' }, role: 'artist' }], place: { en: 'Orchid Valley' } }, 'private', creator);
    await make('turned', { title: { en: 'Quincunx garden view' } });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('quotes the field and language that matched, marked', async () => {
    const zh = (await search('溪山')).get(work.travelers!.id);
    expect(zh).toMatchObject({ field: 'title', lang: 'zh-Hant' });
    expect(show(zh)).toBe('[谿山]行旅圖');
    const en = (await search('mountains')).get(work.travelers!.id);
    expect(en).toMatchObject({ field: 'title', lang: 'en' });
    expect(show(en)).toContain('[Mountains]');
    // A creator's name beats an inscription of the same name; English typed, English quoted.
    expect((await search('范宽')).get(work.travelers!.id)).toMatchObject({ field: 'creator', lang: 'zh-Hant' });
    expect((await search('fan kuan')).get(work.travelers!.id)).toMatchObject({ field: 'creator', lang: 'en' });
    const inscription = (await search('乾隆')).get(work.colophon!.id);
    expect(inscription).toMatchObject({ field: 'inscription', lang: 'zh-Hans' });
    expect(show(inscription)).toBe('[乾隆]御题诗一首');
    const description = (await search('towering')).get(work.travelers!.id);
    expect(description).toMatchObject({ field: 'description', lang: 'en' });
    expect(show(description)).toMatch(/^….*\[towering\].*…$/);
    // Pinyin marks the characters it reads.
    expect(show((await search('xishan')).get(work.travelers!.id))).toBe('[谿山]行旅圖');
  });

  it('gives no snippet without a text query, and none from a private work to a visitor', async () => {
    const page = (await browse(ctx, 'pageSize=100')) as unknown as { items: { snippet?: unknown }[] };
    expect(page.items.every((item) => item.snippet === undefined)).toBe(true);
    expect((await search('orchid')).has(work.hidden!.id)).toBe(false);
    expect(show((await search('orchid', curator.headers)).get(work.hidden!.id))).toContain('[orchid]');
  });

  it('never quotes a field the work page does not show (import leftovers are not even searched)', async () => {
    for (const headers of [{}, curator.headers]) {
      const found = await search('zebrawood', headers);
      expect(found.size).toBe(0);
    }
    const page = JSON.stringify(await browse(ctx, 'q=record&pageSize=100'));
    expect(page).not.toContain('zebrawood');
  });

  it('suggests titles, creators and places by prefix, pinyin, initials and Traditional input', async () => {
    const titles = (items: SuggestionJson[]) => items.filter((i) => i.kind === 'title').map((i) => i.label);
    expect(titles(await suggest('trav'))).toEqual(['Travelers among Mountains and Streams']);
    expect((await suggest('trav')).find((i) => i.kind === 'title')?.workId).toBe(work.travelers!.id);
    expect(titles(await suggest('溪山'))).toEqual(['谿山行旅圖']);
    expect(titles(await suggest('谿山行'))).toEqual(['谿山行旅圖']);
    expect(titles(await suggest('xishan'))).toEqual(['谿山行旅圖']);
    expect(titles(await suggest('xi shan xing'))).toEqual(['谿山行旅圖']);
    expect(titles(await suggest('xsxl'))).toEqual(['谿山行旅圖']);
    // A later word of a title.
    expect(titles(await suggest('mountains'))).toEqual(['Travelers among Mountains and Streams']);
    const creators = await suggest('范');
    expect(creators).toContainEqual({ kind: 'creator', label: '范寬', lang: 'zh-Hant', count: 1 });
    expect((await suggest('FANK')).some((i) => i.kind === 'creator' && i.label === '范寬')).toBe(true);
    expect(await suggest('shaan')).toContainEqual({ kind: 'place', label: 'Shaanxi', lang: 'en', count: 1 });
    expect((await suggest('陝')).some((i) => i.kind === 'place' && i.label === '陕西')).toBe(true);
    expect(await suggest('tr', {}, 1)).toHaveLength(1);
  });

  it('never suggests a private work, its creator or its place to visitors; staff see them', async () => {
    for (const q of ['secret', 'orchid', '秘藏', 'mica', 'mcsj', 'orchidmaster', 'wu']) {
      const anonymous = await suggest(q);
      expect(JSON.stringify(anonymous), q).not.toMatch(/secret|orchid|秘藏/i);
      // A signed-in visitor who is not staff (and not the owner) sees no more.
      const visitor = await suggest(q, (await makeUser(ctx, 'licensee')).headers);
      expect(JSON.stringify(visitor), q).not.toMatch(/secret|orchid|秘藏/i);
    }
    expect((await suggest('secret', curator.headers)).map((i) => i.label)).toEqual(['Secret orchid study']);
    expect((await suggest('orchid', curator.headers)).map((i) => i.kind).sort()).toEqual(['creator', 'place', 'title']);
    expect((await suggest('mcsj', curator.headers)).map((i) => i.label)).toEqual(['秘藏手卷']);
  });

  it('drops a work made private at once, before the labels are rebuilt', async () => {
    expect((await suggest('quincunx')).map((i) => i.label)).toEqual(['Quincunx garden view']);
    const res = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${work.turned!.id}`, headers: curator.headers, payload: { expectedVersion: work.turned!.version, visibility: 'private' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await suggest('quincunx')).toEqual([]);
    expect((await suggest('quincunx', curator.headers)).map((i) => i.label)).toEqual(['Quincunx garden view']);
  });

  it('suggests a new work once the labels are rebuilt', async () => {
    await createWork(ctx, curator.headers, { title: { en: 'Zygote studies' } }, { visibility: 'public' });
    await ctx.app.suggestions.refresh();
    expect((await suggest('zygo')).map((i) => i.label)).toEqual(['Zygote studies']);
  });

  it('rebuilds in a fresh thread when the index thread dies (a private work stays hidden)', async () => {
    await ctx.app.suggestions.close();
    expect((await suggest('trav')).map((i) => i.label)).toContain('Travelers among Mountains and Streams');
    expect(JSON.stringify(await suggest('secret'))).not.toMatch(/secret/i);
  });

  it('answers blank or absurd input with nothing, and refuses bad parameters with 400', async () => {
    for (const q of ['', '   ', '!!!', '🙂🙂', '\u0000', '%', '*', '"', '(', 'a'.repeat(200)]) expect(await suggest(q), JSON.stringify(q)).toEqual([]);
    for (const url of ['/api/search/suggest?q=' + 'a'.repeat(201), '/api/search/suggest?q=a&limit=0', '/api/search/suggest?q=a&limit=21', '/api/search/suggest?q=a&limit=x']) {
      const res = await ctx.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SYNONYMS } from '../../src/discover/synonyms-default.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser, type TestUser } from '../routes/route-helpers.js';

/**
 * Field boosts, pinyin, stemming, typos, synonyms and bad input, through GET /api/works on each
 * database, with the access rule holding on every path (a private work is never found anonymously).
 */
describe.each(await testDialects())('search: boosts, pinyin, stems, typos, synonyms (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let creator: TestUser;
  const work: Record<string, string> = {};

  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);
  const search = (q: string, headers: Record<string, string> = {}) => browse(ctx, `q=${encodeURIComponent(q)}&pageSize=100`, headers);
  const make = async (name: string, metadata: Record<string, unknown>, visibility: 'public' | 'private' = 'public') => {
    work[name] = (await createWork(ctx, curator.headers, metadata, { visibility })).id;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    await make('travelers', {
      title: { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' },
      creators: [{ name: { 'zh-Hant': '范寬', en: 'Fan Kuan' }, role: 'artist' }],
      description: { en: 'Hanging scroll, ink and light colours on silk.' },
    });
    await make('maLin', { title: { 'zh-Hant': '溪山行旅圖' }, creators: [{ name: { 'zh-Hant': '馬麟' }, role: 'artist' }] });
    await make('earlySpring', { title: { 'zh-Hant': '早春圖', en: 'Early Spring' }, creators: [{ name: { 'zh-Hant': '郭熙', en: 'Guo Xi' }, role: 'artist' }] });
    // The same word in the title, a creator's name, an inscription and the description of four works.
    await make('inTitle', { title: { en: 'Lanting gathering' } });
    await make('inCreator', { title: { en: 'Scroll one' }, creators: [{ name: { en: 'Lanting Scholar' }, role: 'artist' }] });
    await make('inInscription', { title: { en: 'Scroll two' }, inscriptions: [{ kind: 'colophon', text: { en: 'after the lanting master' } }] });
    await make('inDescription', { title: { en: 'Scroll three' }, description: { en: 'A copy made for a lanting society.' } });
    await make('lantingXu', { title: { 'zh-Hans': '兰亭序' } });
    await make('horses', { title: { en: 'Painting of horses' } });
    await make('vase', { title: { 'zh-Hans': '青花缠枝莲纹梅瓶' }, medium: { 'zh-Hans': '瓷' } });
    await make('calligraphy', { title: { 'zh-Hans': '草书千字文' }, subjects: [{ 'zh-Hans': '书法' }] });
    await make('silkworms', { title: { 'zh-Hans': '蚕桑图' } });
    await make(
      'hidden',
      { title: { 'zh-Hans': '秘藏手卷', en: 'Hidden orchid study' }, creators: [{ name: { 'zh-Hans': '佚名' }, role: 'artist' }], subjects: [{ 'zh-Hans': '书法' }] },
      'private',
    );
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('finds 谿山行旅圖 by simplified, traditional, pinyin and English queries, and through typos', async () => {
    for (const q of ['溪山行旅图', '谿山行旅圖', 'xishanxinglv', 'xishanxinglu', 'xi shan xing lü', 'Xī Shān Xíng Lǚ', 'xsxl', 'travelers among mountains and streams', 'travellers amnog', 'Fan Kuan', 'fankuan']) {
      const page = await search(q);
      expect(ids(page), q).toContain(work.travelers);
      // Only the two works of that title (Ma Lin's shares it), never an unrelated one.
      expect(ids(page).every((id) => id === work.travelers || id === work.maLin), q).toBe(true);
    }
    // An English query made of the title's own words ranks it first.
    expect(ids(await search('travellers amnog mountains'))).toEqual([work.travelers]);
  });

  it('ranks a title match above a creator, an inscription and a description match', async () => {
    const order = ids(await search('lanting'));
    expect(order).toHaveLength(5);
    expect(order[0]).toBe(work.inTitle);
    // 兰亭序's title read as pinyin (lanting) weighs as a creator's name: below the title written so, above an inscription.
    expect(order.slice(1, 3).sort()).toEqual([work.inCreator, work.lantingXu].sort());
    expect(order.slice(3)).toEqual([work.inInscription, work.inDescription]);
  });

  it('finds a word by its other inflections', async () => {
    for (const q of ['paintings', 'painted', 'painting', 'Painting horse']) expect(ids(await search(q)), q).toEqual([work.horses]);
  });

  it('tolerates one edit in words of five or more letters, but not in shorter ones or correct words', async () => {
    for (const q of ['paintnig', 'horsse', 'lantign']) expect((await search(q)).total, q).toBeGreaterThan(0);
    expect(ids(await search('paintnig'))).toEqual([work.horses]);
    expect(ids(await search('lantnig gathering'))).toEqual([work.inTitle]);
    // Four letters (hxrs is one edit from the stem hors), a neighbour under five letters (kuan), or no neighbour at all.
    for (const q of ['hxrs', 'Fan Kuanx', 'qqqqqq']) expect((await search(q)).total, q).toBe(0);
    // A word that matches as typed is not widened to its neighbours: "scroll" does not also find "stroll".
    await make('stroll', { title: { en: 'A stroll by the river' } });
    expect(ids(await search('scroll')).sort()).toEqual([work.travelers, work.inCreator, work.inInscription, work.inDescription].sort());
  });

  it('expands the default synonyms both ways', async () => {
    expect(ids(await search('blue and white'))).toEqual([work.vase]);
    expect(ids(await search('calligraphy'))).toEqual([work.calligraphy]);
    // Staff see the private work, which shares the subject.
    expect(ids(await search('calligraphy', curator.headers)).sort()).toEqual([work.calligraphy, work.hidden].sort());
  });

  it('applies a saved synonym group from the next query on, for everyone, without reindexing', async () => {
    expect((await search('sericulture')).total).toBe(0);
    const seeded = await ctx.server.inject({ method: 'GET', url: '/api/search/synonyms' });
    expect((seeded.json() as { groups: string[][] }).groups).toEqual(DEFAULT_SYNONYMS);
    const groups = [...DEFAULT_SYNONYMS, ['蚕桑', 'sericulture']];
    const denied = await ctx.server.inject({ method: 'PUT', url: '/api/search/synonyms', headers: creator.headers, payload: { groups } });
    expect(denied.statusCode).toBe(403);
    const bad = await ctx.server.inject({ method: 'PUT', url: '/api/search/synonyms', headers: curator.headers, payload: { groups: [['蚕桑', '!!!']] } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { key: string; params: Record<string, unknown> } }).error).toMatchObject({ key: 'synonyms.unsearchable', params: { group: 1, variant: '!!!' } });
    const saved = await ctx.server.inject({ method: 'PUT', url: '/api/search/synonyms', headers: curator.headers, payload: { groups } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(ids(await search('sericulture'))).toEqual([work.silkworms]);
    const read = await ctx.server.inject({ method: 'GET', url: '/api/search/synonyms' });
    expect((read.json() as { groups: string[][] }).groups).toContainEqual(['蚕桑', 'sericulture']);
  });

  it('never shows a private work to anonymous visitors or other users, on any search path', async () => {
    const paths = ['Hidden orchid study', 'micang', 'micangshoujuan', 'mcsj', 'hiddne orchid', 'studies hidden', '秘藏', 'calligraphy'];
    for (const q of paths) {
      expect(ids(await search(q)), q).not.toContain(work.hidden);
      expect(ids(await search(q, creator.headers)), q).not.toContain(work.hidden);
    }
    // Staff find it each way, so the paths are real.
    for (const q of paths) expect(ids(await search(q, curator.headers)), q).toContain(work.hidden);
  });

  it('answers bad input with an empty result or a clear error, never a server error', async () => {
    const long = await ctx.server.inject({ method: 'GET', url: `/api/works?q=${'山'.repeat(10_000)}` });
    expect(long.statusCode).toBe(400);
    expect((long.json() as { error: { code: string } }).error.code).toBe('invalid_input');
    const queries = ['!!!', '。，、', '🙂🏯🎨', '"', '*', '"*', 'NEAR(xi shan)', 'xi OR shan', '-xi', 'xi AND', '(', ')', 'title:xi', "'; DROP TABLE works; --", "1' OR '1'='1", '^xi', 'x'.repeat(500), '山'.repeat(500), 'a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(9)];
    for (const q of queries) {
      const res = await ctx.server.inject({ method: 'GET', url: `/api/works?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, `${q.slice(0, 40)} → ${res.body.slice(0, 200)}`).toBe(200);
    }
    for (const q of ['!!!', '🙂🏯🎨', '"*', '(']) expect((await search(q)).total, q).toBe(0);
    // The catalogue is still there.
    expect((await browse(ctx, 'pageSize=1')).total).toBeGreaterThan(10);
  });
});

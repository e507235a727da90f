import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { createWork, makeUser, type TestUser } from './route-helpers.js';

/**
 * The timeline and the map count only works the reader may see; the counts agree with what the
 * catalogue lists when one is clicked (period, years, place — a province also finds its prefectures).
 */
interface TimelineJson {
  dynasties: { key: string; parent: string | null; count: number; reigns: { zh: string; en: string; earliest: number; latest: number; count: number }[] }[];
  undated: number;
  otherDated: number;
}
interface PlacesJson {
  places: { key: string; level: string; parent: string | null; names: Record<string, string>; lat: number; lon: number; count: number }[];
  points: { lat: number; lon: number; count: number }[];
}

describe.each(await testDialects())('browse by time and place (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let owner: TestUser;
  const ids: Record<string, string> = {};

  const get = async <T>(url: string, headers: Record<string, string> = {}) => {
    const res = await ctx.server.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const worksAt = async (query: string, headers: Record<string, string> = {}) =>
    (await get<{ items: { id: string }[] }>(`/api/works?${query}`, headers)).items.map((w) => w.id).sort();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    owner = await makeUser(ctx, 'creator', 'owner');
    const make = async (key: string, metadata: Record<string, unknown>, as: TestUser = curator, visibility: 'public' | 'private' = 'public') => {
      ids[key] = (await createWork(ctx, as.headers, { title: { en: key }, ...metadata }, { visibility })).id;
    };
    await make('qianlong', { date: { display: { 'zh-Hans': '清乾隆' } }, place: { 'zh-Hans': '江西景德镇' } });
    await make('kangxi', { date: { display: { en: 'Qing dynasty, Kangxi period (1662–1722)' } }, place: { en: 'Hangzhou, Zhejiang province' } });
    await make('zhejiang', { date: { display: { 'zh-Hant': '明' } }, place: { 'zh-Hant': '浙江' }, geo: { lat: 30.27, lon: 120.15 } });
    await make('kyoto', { date: { earliest: 1750, latest: 1760 }, place: { en: 'Kyoto, Japan' } });
    await make('undated', { place: { en: 'Atlanta, Georgia, United States' } });
    await make('secret', { date: { display: { 'zh-Hans': '清乾隆' } }, place: { 'zh-Hans': '浙江杭州' }, geo: { lat: 30.24, lon: 120.16 } }, owner, 'private');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('counts dynasties and reigns of readable works only', async () => {
    const anonymous = await get<TimelineJson>('/api/browse/timeline');
    const qing = anonymous.dynasties.find((d) => d.key === 'qing')!;
    expect(qing.count).toBe(2);
    expect(qing.reigns.find((r) => r.zh === '乾隆')).toMatchObject({ en: 'Qianlong', earliest: 1736, latest: 1795, count: 1 });
    expect(qing.reigns.find((r) => r.zh === '康熙')!.count).toBe(1);
    expect(anonymous.dynasties.find((d) => d.key === 'ming')!.count).toBe(1);
    expect(anonymous.dynasties.find((d) => d.key === 'northern-song')!.parent).toBe('song');
    // Chronological: Shang before Qing, an enclosing dynasty before its parts.
    const keys = anonymous.dynasties.map((d) => d.key);
    expect(keys.indexOf('shang')).toBeLessThan(keys.indexOf('qing'));
    expect(keys.indexOf('song')).toBeLessThan(keys.indexOf('northern-song'));
    expect(anonymous.undated).toBe(1);
    expect(anonymous.otherDated).toBe(1);
    // The owner sees their private Qianlong work counted; the reign's click-through lists the same works.
    const mine = await get<TimelineJson>('/api/browse/timeline', owner.headers);
    expect(mine.dynasties.find((d) => d.key === 'qing')!.reigns.find((r) => r.zh === '乾隆')!.count).toBe(2);
    expect(await worksAt('period=qing&yearFrom=1736&yearTo=1795', owner.headers)).toEqual([ids.qianlong, ids.secret].sort());
    expect(await worksAt('period=qing&yearFrom=1736&yearTo=1795')).toEqual([ids.qianlong]);
  });

  it('counts places and coordinates of readable works only', async () => {
    const anonymous = await get<PlacesJson>('/api/browse/places');
    const count = (body: PlacesJson, key: string) => body.places.find((p) => p.key === key)?.count ?? 0;
    expect(count(anonymous, 'cn-360200')).toBe(1); // 景德镇
    expect(count(anonymous, 'cn-330100')).toBe(1); // Hangzhou (the private one is not counted)
    expect(count(anonymous, 'cn-330000')).toBe(1); // 浙江 in Traditional script
    expect(count(anonymous, 'jp')).toBe(1);
    expect(count(anonymous, 'us')).toBe(1); // Georgia here is the state
    expect(count(anonymous, 'ge')).toBe(0);
    const hangzhou = anonymous.places.find((p) => p.key === 'cn-330100')!;
    expect(hangzhou).toMatchObject({ level: 'prefecture', parent: 'cn-330000', names: { 'zh-Hans': '杭州市', en: 'Hangzhou' } });
    expect(hangzhou.lat).toBeCloseTo(30.29, 1);
    expect(anonymous.points).toEqual([{ lat: 30.3, lon: 120.2, count: 1 }]);
    // Every place above a listed one is listed too, so a map can add the works up into it.
    const keys = new Set(anonymous.places.map((p) => p.key));
    for (const place of anonymous.places) if (place.parent) expect(keys, place.key).toContain(place.parent);
    expect(anonymous.places.find((p) => p.key === 'cn')).toMatchObject({ level: 'country', parent: null });
    expect(anonymous.places.at(-1)!.count).toBe(0);
    const staff = await get<PlacesJson>('/api/browse/places', curator.headers);
    expect(count(staff, 'cn-330100')).toBe(2);
    expect(staff.points.reduce((n, p) => n + p.count, 0)).toBe(2);
  });

  it('filters the catalogue by place; a province takes its prefectures', async () => {
    expect(await worksAt('place=cn-330100')).toEqual([ids.kangxi]);
    expect(await worksAt('place=cn-330000')).toEqual([ids.kangxi, ids.zhejiang].sort());
    expect(await worksAt('place=cn')).toEqual([ids.kangxi, ids.qianlong, ids.zhejiang].sort());
    expect(await worksAt('place=cn-330000', curator.headers)).toEqual([ids.kangxi, ids.secret, ids.zhejiang].sort());
    const facets = (await get<{ facets: { place?: { value: string; count: number }[] } }>('/api/works')).facets;
    expect(facets.place).toEqual(expect.arrayContaining([{ value: 'jp', count: 1 }]));
    // The facet's values are keys; the vocabulary names every one of them for the filter panel.
    const vocabulary = await get<{ place: Record<string, { 'zh-Hans': string; en: string }> }>('/api/vocabulary');
    expect(vocabulary.place['cn-330100']).toEqual({ 'zh-Hans': '杭州市', en: 'Hangzhou' });
    for (const { value } of facets.place ?? []) expect(vocabulary.place[value], value).toBeDefined();
  });

  it('keeps a place match up to date when the record is edited', async () => {
    const work = await get<{ version: number }>(`/api/works/${ids.kyoto}`, curator.headers);
    const res = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${ids.kyoto}`, headers: curator.headers, payload: { expectedVersion: work.version, metadata: { title: { en: 'kyoto' }, date: { earliest: 1750, latest: 1760 }, place: { en: 'Canton' } } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await worksAt('place=cn-440000')).toEqual([ids.kyoto]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { createWork, makeUser, type TestUser } from './route-helpers.js';

/**
 * The rows under a work's page: same creator (by name, in either script; never "anonymous" as a
 * creator), same period, alike. They list only works the reader may see, never the work itself,
 * and a work nobody may see has no related list at all.
 */
interface RelatedJson {
  sameCreator: { id: string }[];
  samePeriod: { id: string }[];
  period: string | null;
  moreLikeThis: { id: string }[];
}

const qing = { display: { 'zh-Hans': '清康熙三十九年' }, earliest: 1700, latest: 1700 };
const song = { display: { 'zh-Hans': '北宋' }, earliest: 1100, latest: 1100 };
const landscape = { 'zh-Hans': '山水', en: 'Landscape' };
const paperInk = { 'zh-Hans': '纸本设色' };

describe.each(await testDialects())('related works (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let owner: TestUser;
  let other: TestUser;
  const ids: Record<string, string> = {};

  const related = async (id: string, headers: Record<string, string> = {}) => {
    const response = await ctx.server.inject({ method: 'GET', url: `/api/works/${id}/related`, headers });
    return { status: response.statusCode, body: response.json() as RelatedJson };
  };
  const idsOf = (body: RelatedJson) => [...body.sameCreator, ...body.samePeriod, ...body.moreLikeThis].map((w) => w.id);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    owner = await makeUser(ctx, 'creator', 'owner');
    other = await makeUser(ctx, 'creator', 'other');
    const make = async (key: string, metadata: Record<string, unknown>, as: TestUser = curator, visibility: 'public' | 'private' = 'public') => {
      ids[key] = (await createWork(ctx, as.headers, metadata, { visibility })).id;
    };
    await make('work', { title: { 'zh-Hans': '山川浑厚图' }, creators: [{ name: { 'zh-Hans': '王翚', en: 'Wang Hui' } }], date: qing, subjects: [landscape], medium: paperInk });
    // Traditional script, English spelled alike: still the same painter.
    await make('byHim', { title: { 'zh-Hant': '溪山紅樹圖' }, creators: [{ name: { 'zh-Hant': '王翬' } }], date: { earliest: 1650, latest: 1660 } });
    await make('hidden', { title: { 'zh-Hans': '秘藏山水' }, creators: [{ name: { 'zh-Hans': '王翚' } }], date: qing, subjects: [landscape], medium: paperInk }, owner, 'private');
    // Mentions the painter but is by someone else: not "same creator".
    await make('mentions', { title: { en: 'Copy after Wang Hui' }, creators: [{ name: { en: 'Wu Li' } }], description: { en: 'After a composition by Wang Hui.' }, date: { earliest: 1900, latest: 1900 } });
    await make('sameYear', { title: { en: 'Court robe' }, creators: [{ name: { en: 'Imperial workshop' }, role: 'workshop' }], date: qing });
    // Dated by years only (its period key is a century, not the dynasty): still of the same time.
    await make('sameYears', { title: { en: 'Album leaf' }, creators: [{ name: { en: 'Yuan Jiang' } }], date: { earliest: 1695, latest: 1705 } });
    await make('alike', { title: { 'zh-Hans': '溪山行旅图' }, creators: [{ name: { 'zh-Hans': '范宽' } }], date: song, subjects: [landscape], medium: paperInk });
    await make('unrelated', { title: { en: 'Bronze bell' }, date: { earliest: -500, latest: -500 } });
    await make('anonA', { title: { 'zh-Hans': '花鸟' }, creators: [{ name: { 'zh-Hans': '佚名' } }], date: song });
    await make('anonB', { title: { 'zh-Hans': '秋景' }, creators: [{ name: { 'zh-Hant': '佚名', en: 'Anonymous' } }], date: { earliest: 1300, latest: 1300 } });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('finds the same creator in either script, the same period and alike works, never the work itself', async () => {
    const { status, body } = await related(ids.work!);
    expect(status).toBe(200);
    expect(body.sameCreator.map((w) => w.id)).toEqual([ids.byHim]);
    // The one with the very same years first.
    expect(body.samePeriod.map((w) => w.id)).toEqual([ids.sameYear, ids.sameYears]);
    expect(body.period).toEqual(expect.any(String));
    expect(body.moreLikeThis.map((w) => w.id)).toEqual([ids.alike]);
    expect(idsOf(body)).not.toContain(ids.work);
    expect(idsOf(body)).not.toContain(ids.mentions);
    expect(idsOf(body)).not.toContain(ids.unrelated);
    expect(body.sameCreator[0]).toMatchObject({ title: { 'zh-Hant': '溪山紅樹圖' }, visibility: 'public' });
  });

  it('never lists a private work to anonymous visitors or to other users, but does to its owner and staff', async () => {
    expect(idsOf((await related(ids.work!)).body)).not.toContain(ids.hidden);
    expect(idsOf((await related(ids.work!, other.headers)).body)).not.toContain(ids.hidden);
    const mine = (await related(ids.work!, owner.headers)).body;
    expect(mine.sameCreator.map((w) => w.id)).toContain(ids.hidden);
    const staff = (await related(ids.work!, curator.headers)).body;
    expect(idsOf(staff)).toContain(ids.hidden);
    // The anonymous answer is cached: asking again after the owner's request still hides it.
    expect(idsOf((await related(ids.work!)).body)).not.toContain(ids.hidden);
  });

  it('answers 404 for a private work to those who may not read it, as for a missing one', async () => {
    expect((await related(ids.hidden!)).status).toBe(404);
    expect((await related(ids.hidden!, other.headers)).status).toBe(404);
    expect((await related('no-such-work')).status).toBe(404);
    const own = await related(ids.hidden!, owner.headers);
    expect(own.status).toBe(200);
    expect(own.body.sameCreator.map((w) => w.id).sort()).toEqual([ids.byHim, ids.work].sort());
  });

  it('does not call anonymous works "same creator"', async () => {
    const { body } = await related(ids.anonA!);
    expect(body.sameCreator).toEqual([]);
  });

  it('shows a private work that becomes public, once it is public', async () => {
    const detail = (await ctx.server.inject({ method: 'GET', url: `/api/works/${ids.hidden}`, headers: owner.headers })).json() as { version: number };
    const published = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${ids.hidden}`, headers: owner.headers, payload: { expectedVersion: detail.version, visibility: 'public' } });
    expect(published.statusCode).toBe(200);
    expect((await related(ids.work!)).body.sameCreator.map((w) => w.id)).toContain(ids.hidden);
  });

  it('refuses a malformed id', async () => {
    expect((await related('x'.repeat(65))).status).toBe(400);
  });
});

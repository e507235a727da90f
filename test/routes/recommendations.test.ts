import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { createWork, makeUser, type TestUser } from './route-helpers.js';

/**
 * Recommendations end to end over HTTP on a real database: consent gates every signal, withdrawal
 * erases the profile, the personal feed learns from consenting people only, never shows what the
 * person saw or refused, never shows a private work (even one made private after the model was
 * built), moves with the slider, explains every item, and the general mode serves everyone else.
 */
interface FeedJson {
  mode: 'personal' | 'general';
  consented: boolean;
  items: { work: { id: string; visibility: string }; reason: { kind: string; workId?: string; title?: Record<string, string> } }[];
}

const INDUSTRIES = ['01', '02', '03', '04', '05', '06'] as const;

describe.each(await testDialects())('recommendations (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let people: TestUser[];
  let stranger: TestUser;
  const works: string[] = [];
  let privateWork = '';

  const feed = async (query: string, headers: Record<string, string> = {}) => {
    const response = await ctx.server.inject({ method: 'GET', url: `/api/recommendations${query}`, headers });
    expect(response.statusCode).toBe(200);
    return response.json() as FeedJson;
  };
  const signal = async (headers: Record<string, string>, workId: string, kind = 'view') => {
    const response = await ctx.server.inject({ method: 'POST', url: '/api/recommendations/signals', headers, payload: { workId, kind } });
    expect(response.statusCode).toBe(200);
    return (response.json() as { recorded: boolean }).recorded;
  };
  const consent = (headers: Record<string, string>, consented: boolean) => ctx.server.inject({ method: 'PUT', url: '/api/recommendations/consent', headers, payload: { consented } });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    stranger = await makeUser(ctx, 'licensee', 'stranger');
    people = [];
    for (let p = 0; p < 8; p++) people.push(await makeUser(ctx, 'licensee', `person${p}`));
    // 36 public works in six categories; each category has its own creator, so content ties them too.
    for (let i = 0; i < 36; i++) {
      const industry = INDUSTRIES[i % 6]!;
      works.push((await createWork(ctx, curator.headers, { title: { en: `Work ${i}`, 'zh-Hans': `作品${i}` }, creators: [{ name: { en: `Maker ${industry}` } }], classification: { industry } }, { visibility: 'public' })).id);
    }
    privateWork = (await createWork(ctx, curator.headers, { title: { en: 'Hidden' }, creators: [{ name: { en: 'Maker 01' } }], classification: { industry: '01' } })).id;
    // People who like category 01 also like 02; everyone has looked at work 0 (the popular one).
    for (const [p, person] of people.entries()) {
      expect((await consent(person.headers, true)).statusCode).toBe(200);
      const liked = works.filter((_, i) => (i % 6 === 0 || i % 6 === 1) && (i + p) % 3 !== 0);
      for (const id of [works[0]!, ...liked]) expect(await signal(person.headers, id)).toBe(true);
    }
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('asks signed-in people for consent and records nothing without it', async () => {
    expect((await ctx.server.inject({ method: 'GET', url: '/api/recommendations/consent' })).statusCode).toBe(401);
    const before = await ctx.server.inject({ method: 'GET', url: '/api/recommendations/consent', headers: stranger.headers });
    expect(before.json()).toEqual({ consented: false, since: null });
    expect(await signal(stranger.headers, works[3]!)).toBe(false);
    // Anonymous visitors are never profiled.
    expect(await signal({}, works[3]!)).toBe(false);
  });

  it('does not learn from private works', async () => {
    expect(await signal(people[0]!.headers, privateWork)).toBe(false);
  });

  it('serves the general mode to anonymous visitors, with reasons, public works only', async () => {
    await ctx.app.recommender.rebuild();
    const body = await feed('?limit=12');
    expect(body.mode).toBe('general');
    expect(body.consented).toBe(false);
    expect(body.items.length).toBe(12);
    expect(body.items.every((item) => item.work.visibility === 'public' && item.work.id !== privateWork)).toBe(true);
    expect(new Set(body.items.map((i) => i.reason.kind))).toContain('random-category');
  });

  it('builds a personal feed from the history, never repeating what was seen, and explains each item', async () => {
    await ctx.app.recommender.rebuild();
    const person = people[0]!;
    const seen = new Set([works[0]!, ...works.filter((_, i) => (i % 6 === 0 || i % 6 === 1) && i % 3 !== 0)]);
    const body = await feed('?slider=0&limit=6', person.headers);
    expect(body.mode).toBe('personal');
    expect(body.items.length).toBe(6);
    expect(body.items.some((item) => seen.has(item.work.id))).toBe(false);
    // Familiar end: the works of the two categories this person and their look-alikes favour.
    const familiar = body.items.filter((item) => [0, 1].includes(works.indexOf(item.work.id) % 6));
    expect(familiar.length).toBeGreaterThanOrEqual(4);
    // In a catalogue this small most works are in the long tail: its reason names the work it is near too.
    const because = body.items.find((item) => ['because', 'long-tail'].includes(item.reason.kind) && item.reason.workId);
    expect(because?.reason.workId && seen.has(because.reason.workId)).toBe(true);
    expect(because?.reason.title?.en).toMatch(/^Work \d+$/);
  });

  it('moves with the slider: the explore end brings categories the person has not touched', async () => {
    const person = people[0]!;
    const familiar = await feed('?slider=0&limit=4', person.headers);
    const explore = await feed('?slider=1&limit=4', person.headers);
    expect(explore.items.map((i) => i.work.id)).not.toEqual(familiar.items.map((i) => i.work.id));
    const categoriesOf = (body: FeedJson) => new Set(body.items.map((item) => works.indexOf(item.work.id) % 6));
    expect(categoriesOf(explore).size).toBeGreaterThan(categoriesOf(familiar).size);
    expect(explore.items.some((item) => item.reason.kind === 'unexplored-category')).toBe(true);
  });

  it('switches to the non-personalised mode on request', async () => {
    const body = await feed('?mode=general&limit=6', people[1]!.headers);
    expect(body.mode).toBe('general');
    expect(body.consented).toBe(true);
    expect(body.items.every((item) => ['curators-pick', 'popular', 'random-category', 'new-work'].includes(item.reason.kind))).toBe(true);
  });

  it('"show me something different" excludes what was shown', async () => {
    const person = people[2]!;
    const first = await feed('?limit=5', person.headers);
    const shown = first.items.map((i) => i.work.id);
    const second = await feed(`?limit=5&exclude=${shown.join(',')}`, person.headers);
    expect(second.items.some((item) => shown.includes(item.work.id))).toBe(false);
  });

  it('drops a work the person is not interested in', async () => {
    const person = people[3]!;
    const first = await feed('?limit=6&slider=0', person.headers);
    const refused = first.items[0]!.work.id;
    expect(await signal(person.headers, refused, 'not_interested')).toBe(true);
    const after = await feed('?limit=6&slider=0', person.headers);
    expect(after.items.map((i) => i.work.id)).not.toContain(refused);
  });

  it('never shows a work made private after the model was built', async () => {
    const person = people[4]!;
    const before = await feed('?limit=8&slider=0', person.headers);
    const target = before.items[0]!.work.id;
    const work = await ctx.server.inject({ method: 'GET', url: `/api/works/${target}`, headers: curator.headers });
    const update = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${target}`, headers: curator.headers, payload: { visibility: 'private', expectedVersion: (work.json() as { version: number }).version } });
    expect(update.statusCode).toBe(200);
    const after = await feed('?limit=8&slider=0', person.headers);
    expect(after.items.map((i) => i.work.id)).not.toContain(target);
    const more = await ctx.server.inject({ method: 'GET', url: `/api/works/${works[0]}/recommendations` });
    expect((more.json() as { items: { work: { id: string } }[] }).items.map((i) => i.work.id)).not.toContain(target);
  });

  it('offers "more like this" for a work, and 404 for a work the reader may not see', async () => {
    const more = await ctx.server.inject({ method: 'GET', url: `/api/works/${works[1]}/recommendations` });
    expect(more.statusCode).toBe(200);
    const items = (more.json() as { items: { work: { id: string } }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.work.id)).not.toContain(works[1]);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${privateWork}/recommendations` })).statusCode).toBe(404);
  });

  it('lets curators pin public works only, and shows what the recommender exposes', async () => {
    const refused = await ctx.server.inject({ method: 'PUT', url: '/api/recommendations/picks', headers: curator.headers, payload: { workIds: [works[5], privateWork] } });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as { error: { key: string } }).error.key).toBe('recommend.picks_not_public');
    const pinned = await ctx.server.inject({ method: 'PUT', url: '/api/recommendations/picks', headers: curator.headers, payload: { workIds: [works[5], works[11]] } });
    expect(pinned.statusCode).toBe(200);
    const view = pinned.json() as { picks: { id: string }[]; model: { people: number; method: string }; exposure: { lists: number; coverage: number; longTailShare: number } };
    expect(view.picks.map((p) => p.id)).toEqual([works[5], works[11]]);
    expect(view.model.people).toBe(8);
    expect(view.model.method).toBe('ease');
    expect(view.exposure.lists).toBeGreaterThan(0);
    expect(view.exposure.coverage).toBeGreaterThan(0);
    const general = await feed('?mode=general&limit=6');
    expect(general.items[0]!.reason.kind).toBe('curators-pick');
    expect((await ctx.server.inject({ method: 'GET', url: '/api/recommendations/curator', headers: stranger.headers })).statusCode).toBe(403);
  });

  it('erases the profile when consent is withdrawn', async () => {
    const person = people[5]!;
    expect((await consent(person.headers, false)).json()).toEqual({ consented: false, since: null });
    expect(await signal(person.headers, works[2]!)).toBe(false);
    const rows = await ctx.app.database.db.selectFrom('recommendation_signals').select('id').where('user_id', '=', person.id).execute();
    expect(rows).toEqual([]);
    const body = await feed('', person.headers);
    expect(body.mode).toBe('general');
    expect(body.consented).toBe(false);
  });
});

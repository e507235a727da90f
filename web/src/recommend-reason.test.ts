import { describe, expect, it } from 'vitest';
import { makeI18n } from './i18n';
import { excludeList, feedQuery, type RecommendationReason } from './recommend-api';
import { isPersonalReason, reasonText } from './recommend-reason';
import type { Vocabulary } from './types';

const noop = () => {};
const en = makeI18n('en', noop).i18n;
const zh = makeI18n('zh-Hans', noop).i18n;
const vocabulary = {
  industry: { '05': { 'zh-Hans': '手工艺', en: 'Crafts' } },
  heritage: { intangible: { 'zh-Hans': '非物质文化遗产', en: 'Intangible heritage' } },
  period: {},
  place: {},
} as unknown as Vocabulary;

describe('why a work is recommended', () => {
  const title = { 'zh-Hant': '早春圖', en: 'Early Spring' };

  it('names the work the reader looked at, in the title language the reader reads best', () => {
    expect(reasonText({ kind: 'because', workId: 'w1', title }, vocabulary, zh)).toBe('因为你看过《早春圖》');
    expect(reasonText({ kind: 'because', workId: 'w1', title }, vocabulary, en)).toBe('Because you looked at “Early Spring”');
    expect(reasonText({ kind: 'long-tail', workId: 'w1', title }, vocabulary, zh)).toBe('较少被看到的作品，与《早春圖》相近');
    expect(reasonText({ kind: 'long-tail', workId: null, title: null }, vocabulary, en)).toBe('A less-seen work');
  });

  it('names categories with the catalogue\'s labels, falling back to the key without a vocabulary', () => {
    expect(reasonText({ kind: 'unexplored-category', facet: 'heritage', value: 'intangible' }, vocabulary, zh)).toBe('你还没有探索过的类别：非物质文化遗产');
    expect(reasonText({ kind: 'random-category', facet: 'industry', value: '05' }, vocabulary, en)).toBe('Random from Crafts');
    expect(reasonText({ kind: 'random-category', facet: 'industry', value: '05' }, null, en)).toBe('Random from 05');
  });

  it('has words for every kind in both languages', () => {
    const reasons: RecommendationReason[] = [
      { kind: 'because', workId: 'w', title },
      { kind: 'unexplored-category', facet: 'industry', value: '05' },
      { kind: 'long-tail', workId: null, title: null },
      { kind: 'curators-pick' },
      { kind: 'popular' },
      { kind: 'random-category', facet: 'heritage', value: 'intangible' },
      { kind: 'new-work' },
    ];
    for (const i18n of [en, zh]) {
      const texts = reasons.map((r) => reasonText(r, vocabulary, i18n));
      expect(new Set(texts).size).toBe(reasons.length);
      for (const text of texts) expect(text).not.toMatch(/recommend\.|[{}]/);
    }
    expect(reasons.filter(isPersonalReason).map((r) => r.kind)).toEqual(['because', 'unexplored-category']);
  });
});

describe('feed requests', () => {
  it('carry the mode, the slider, the excluded ids and the seed', () => {
    expect(feedQuery({ mode: 'personal', slider: 0.75, limit: 24, exclude: ['a', 'b'], seed: 7 })).toBe('mode=personal&slider=0.75&limit=24&exclude=a%2Cb&seed=7');
    expect(feedQuery({ mode: 'general', slider: 0.5 })).toBe('mode=general&slider=0.5');
  });

  it('exclude the most recent ids, once each, within what the server accepts', () => {
    expect(excludeList(['a', 'b', 'a', 'c'])).toEqual(['b', 'a', 'c']);
    const many = Array.from({ length: 100 }, (_, i) => `work-${String(i).padStart(34, '0')}`);
    const kept = excludeList(many);
    expect(kept.join(',').length).toBeLessThanOrEqual(48 * 40);
    expect(kept.at(-1)).toBe(many.at(-1));
    expect(kept.length).toBe(48);
  });
});

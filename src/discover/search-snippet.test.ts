import { describe, expect, it } from 'vitest';
import { workMetadataSchema, type WorkMetadataInput } from '../archive/metadata.schema.js';
import { parseQuery, type Match } from './search-query.js';
import { SNIPPET_WINDOW, snippetOf, windowSegments, type Snippet } from './search-snippet.js';

const work = (input: WorkMetadataInput) => workMetadataSchema.parse(input);
const matchOf = (q: string, thesaurus: string[][] = []): Match => {
  const parts = parseQuery(q, thesaurus);
  return parts.length === 1 ? parts[0]!.match : { all: parts.map((p) => p.match) };
};
/** A snippet as text with the marked runs in [brackets]. */
const show = (s: Snippet | null) => (s ? s.segments.map((x) => (x.match ? `[${x.text}]` : x.text)).join('') : null);

const travelers = work({
  title: { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' },
  creators: [{ name: { 'zh-Hant': '范寬', en: 'Fan Kuan' }, role: 'artist' }],
  description: { en: 'Hanging scroll, ink and light colours on silk. A towering mountain fills the upper half; a mule train of travelers crosses the foot of the painting by a stream.' },
  provenance: { en: 'Qing imperial collection; seal of the Qianlong emperor.' },
});

describe('snippetOf', () => {
  it('quotes the title in the language that matched, Traditional text marked for a Simplified query', () => {
    const zh = snippetOf(travelers, matchOf('溪山'));
    expect(zh).toMatchObject({ field: 'title', lang: 'zh-Hant' });
    expect(show(zh)).toBe('[谿山]行旅圖');
    const en = snippetOf(travelers, matchOf('mountain'));
    expect(en).toMatchObject({ field: 'title', lang: 'en' });
    // A word by its stem (mountain → Mountains): the whole word is marked.
    expect(show(en)).toBe('Travelers among [Mountains] and Streams');
  });

  it('prefers a title over a creator over the description, and a field matching more words', () => {
    expect(snippetOf(travelers, matchOf('fan kuan'))).toMatchObject({ field: 'creator', lang: 'en' });
    expect(show(snippetOf(travelers, matchOf('fan kuan')))).toBe('[Fan] [Kuan]');
    // "towering" is only in the description: a window around it, cut at spaces, with ellipses.
    const described = snippetOf(travelers, matchOf('towering'));
    expect(described?.field).toBe('description');
    expect(show(described)).toContain('[towering]');
    expect(show(described)!.length).toBeLessThanOrEqual(SNIPPET_WINDOW + 6);
    expect(show(described)).toMatch(/^…\S/);
    expect(show(described)).toMatch(/…$/);
  });

  it('marks the characters whose pinyin matched, whole readings and initials', () => {
    expect(show(snippetOf(travelers, matchOf('xishan')))).toBe('[谿山]行旅圖');
    expect(show(snippetOf(travelers, matchOf('xsxl')))).toBe('[谿山行旅]圖');
    expect(show(snippetOf(travelers, matchOf('xi shan xing lü')))).toBe('[谿山行旅]圖');
    expect(snippetOf(travelers, matchOf('xishanxinglv'))).toMatchObject({ field: 'title', lang: 'zh-Hant' });
  });

  it('marks synonyms and typo neighbours the match tree carries', () => {
    const vase = work({ title: { 'zh-Hans': '青花瓷瓶', en: 'Blue-and-white vase' }, subjects: [{ en: 'Chinese painting' }] });
    expect(show(snippetOf(vase, matchOf('国画', [['国画', 'Chinese painting']])))).toBe('[Chinese] [painting]');
    expect(show(snippetOf(vase, { any: [{ token: 'vasse', prefix: true }, { token: 'vase', prefix: false }] }))).toBe('Blue-and-white [vase]');
  });

  it('never quotes a hidden field', () => {
    expect(snippetOf(travelers, matchOf('qianlong'))?.field).toBe('provenance');
    const hidden = snippetOf(travelers, matchOf('qianlong'), { hidden: new Set(['provenance']) });
    expect(hidden?.field).not.toBe('provenance');
    expect(JSON.stringify(hidden)).not.toMatch(/qianlong/i);
  });

  it('gives the Chinese title unmarked for pinyin it cannot place, and null for words found nowhere', () => {
    expect(show(snippetOf(travelers, matchOf('zzzq')))).toBe('谿山行旅圖');
    expect(snippetOf(travelers, matchOf('鼎'))).toBeNull();
  });
});

describe('windowSegments', () => {
  it('keeps a short text whole and merges touching marks', () => {
    expect(windowSegments('ab  cd', [[0, 1], [1, 2]])).toEqual([{ text: 'ab', match: true }, { text: ' cd', match: false }]);
  });

  it('does not split a character outside the Basic Multilingual Plane', () => {
    const text = `${'𠀀'.repeat(200)}山${'𠀀'.repeat(200)}`;
    const segments = windowSegments(text, [[200, 201]]);
    expect(segments.find((s) => s.match)?.text).toBe('山');
    expect(segments.map((s) => s.text).join('')).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

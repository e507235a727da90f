import { describe, expect, it } from 'vitest';
import { exhibitionInputSchema, SLUG_PATTERN as SERVER_SLUG_PATTERN } from '../../../../src/showcase/showcase.contract';
import type { Exhibition, FileView, ShowcaseWork } from '../../types';
import {
  draftKey,
  draftProblems,
  emptyDraft,
  emptySection,
  fromExhibitionDraft,
  fromLocalInput,
  mediaFor,
  moveItem,
  newSectionId,
  parseRegion,
  playableOf,
  slugFromTitle,
  SLUG_PATTERN,
  suggestSlug,
  toExhibitionDraft,
  toLocalInput,
  type ExhibitionDraft,
} from './exhibition-draft';

const SHA = 'a'.repeat(64);
const work = (id: string, width = 4000, height = 3000): ShowcaseWork => ({
  id,
  title: { 'zh-Hans': '溪山行旅图', en: 'Travellers among Mountains and Streams' },
  creators: [],
  date: null,
  visibility: 'public',
  image: { sha256: SHA, width, height, thumbnail: null, displayUrl: null, iiifService: `https://m.example/iiif/3/${id}`, placeholder: null },
  media: null,
});

const stored: Exhibition = {
  id: 'ex1',
  slug: 'dunhuang-cave-45',
  title: { 'zh-Hans': '敦煌第45窟', en: 'Dunhuang Cave 45' },
  subtitle: null,
  summary: { en: 'A tour.' },
  cover: { workId: 'w1', file: null, region: null, caption: null, work: work('w1') },
  status: 'published',
  publishAt: '2025-03-01T08:30:00.000Z',
  sectionCount: 2,
  updatedAt: '2025-03-01T08:30:00.000Z',
  version: 4,
  createdAt: '2025-02-01T08:30:00.000Z',
  sections: [
    {
      id: 's-intro',
      heading: { en: 'The cave' },
      body: { 'zh-Hans': '盛唐**彩塑**。', en: 'High Tang **sculpture**.' },
      media: { workId: 'w1', file: SHA, region: { x: 100, y: 200, width: 300, height: 400 }, caption: { en: 'Bodhisattva' }, work: work('w1') },
      links: [work('w2'), work('w3')],
    },
    { id: 's-end', heading: null, body: { 'zh-Hant': '完' }, media: null, links: [] },
  ],
  problems: [],
  canEdit: true,
  manifest: 'https://m.example/iiif/3/exhibitions/dunhuang-cave-45/manifest',
};

describe('slug suggestion', () => {
  it('makes a slug of the English title', () => {
    expect(suggestSlug('Dunhuang: Cave 45')).toBe('dunhuang-cave-45');
    expect(suggestSlug('  Travellers among Mountains & Streams!  ')).toBe('travellers-among-mountains-streams');
    expect(suggestSlug("Fan Kuan's Travellers")).toBe('fan-kuans-travellers');
  });

  it('drops accents and non-Latin text, and gives nothing for a Chinese-only title', () => {
    expect(suggestSlug('Café Société — Ōtsu-e')).toBe('cafe-societe-otsu-e');
    expect(suggestSlug('敦煌 Cave 45')).toBe('cave-45');
    expect(suggestSlug('敦煌第四十五窟')).toBe('');
  });

  it('stays within 80 characters, cut at a word', () => {
    const slug = suggestSlug('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
    expect(suggestSlug('x'.repeat(100))).toHaveLength(80);
  });

  it('always suggests what the server accepts', () => {
    expect(SLUG_PATTERN.source).toBe(SERVER_SLUG_PATTERN.source);
    for (const title of ['Dunhuang: Cave 45', '--a--b--', 'Ünïcödé 2024', "O'Keeffe"]) expect(suggestSlug(title)).toMatch(SERVER_SLUG_PATTERN);
  });

  it('takes the English title first, then any other with Latin letters', () => {
    expect(slugFromTitle({ 'zh-Hans': '敦煌', 'zh-Hant': '', en: 'Dunhuang' })).toBe('dunhuang');
    expect(slugFromTitle({ 'zh-Hans': '敦煌 2025', 'zh-Hant': '', en: '' })).toBe('2025');
    expect(slugFromTitle({ 'zh-Hans': '敦煌', 'zh-Hant': '', en: '' })).toBe('');
  });
});

describe('section ids', () => {
  it('makes ids the server accepts, never one already taken', () => {
    let n = 0;
    const values = [0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const random = () => values[n++ % values.length]!;
    expect(newSectionId(random, new Set(['s-000000']))).toBe('s-iiiiii');
    expect(newSectionId(Math.random, new Set())).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  });
});

describe('draft ↔ input', () => {
  it('round-trips a stored exhibition into a body the server schema accepts', () => {
    const draft = toExhibitionDraft(stored);
    expect(draftProblems(draft, 'cover')).toEqual([]);
    const input = fromExhibitionDraft(draft);
    expect(input).toEqual({
      slug: 'dunhuang-cave-45',
      title: { 'zh-Hans': '敦煌第45窟', en: 'Dunhuang Cave 45' },
      summary: { en: 'A tour.' },
      cover: { workId: 'w1' },
      sections: [
        {
          id: 's-intro',
          heading: { en: 'The cave' },
          body: { 'zh-Hans': '盛唐**彩塑**。', en: 'High Tang **sculpture**.' },
          media: { workId: 'w1', file: SHA, region: { x: 100, y: 200, width: 300, height: 400 }, caption: { en: 'Bodhisattva' } },
          links: ['w2', 'w3'],
        },
        { id: 's-end', body: { 'zh-Hant': '完' }, links: [] },
      ],
      status: 'published',
      publishAt: '2025-03-01T08:30:00.000Z',
    });
    expect(exhibitionInputSchema.safeParse(input).success).toBe(true);
  });

  it('offers the Chinese and English text side by side, keeping a stored third language', () => {
    const draft = toExhibitionDraft(stored);
    expect(Object.keys(draft.sections[1]!.body)).toEqual(['zh-Hans', 'en', 'zh-Hant']);
    expect(draft.title).toEqual({ 'zh-Hans': '敦煌第45窟', 'zh-Hant': '', en: 'Dunhuang Cave 45' });
  });

  it('leaves out empty languages and optional parts, and publishes at once without a date', () => {
    const draft: ExhibitionDraft = { ...emptyDraft(), slug: 'a', title: { 'zh-Hans': ' 标题 ', 'zh-Hant': '', en: '' }, sections: [emptySection('s1')] };
    const input = fromExhibitionDraft(draft);
    expect(input).toEqual({ slug: 'a', title: { 'zh-Hans': '标题' }, sections: [{ id: 's1', links: [] }], status: 'draft' });
    expect(exhibitionInputSchema.safeParse(input).success).toBe(true);
  });

  it('keeps a typed publish time through the local time zone', () => {
    expect(fromLocalInput(toLocalInput('2025-03-01T08:30:00.000Z'))).toBe('2025-03-01T08:30:00.000Z');
    expect(fromLocalInput('not a date')).toBeNull();
    expect(toLocalInput(null)).toBe('');
  });
});

describe('what stops a save', () => {
  it('asks for a title and a valid slug', () => {
    const problems = draftProblems({ ...emptyDraft(), slug: 'Bad Slug' }, 'cover');
    expect(problems.map((p) => [p.where, p.key])).toEqual([
      ['title', 'exhibitions.problem.title'],
      ['slug', 'exhibitions.problem.slug'],
    ]);
    expect(draftProblems(emptyDraft(), 'cover').map((p) => p.key)).toContain('exhibitions.problem.slugMissing');
  });

  it('checks typed regions: whole numbers, at least 1 × 1, inside the image', () => {
    expect(parseRegion({ x: '1', y: '2', width: '3', height: '4' })).toEqual({ x: 1, y: 2, width: 3, height: 4 });
    expect(parseRegion({ x: '1.5', y: '2', width: '3', height: '4' })).toBeNull();
    expect(parseRegion({ x: '', y: '2', width: '3', height: '4' })).toBeNull();
    expect(parseRegion({ x: '0', y: '0', width: '0', height: '4' })).toBeNull();
    const section = { ...emptySection('s1'), media: { ...mediaFor(work('w1', 400, 300)), region: { x: '300', y: '0', width: '200', height: '10' } } };
    const problems = draftProblems({ ...emptyDraft(), slug: 'a', title: { en: 'A' }, sections: [section] }, 'cover');
    expect(problems).toEqual([{ where: 's1', key: 'exhibitions.problem.regionOutside', params: { place: '1', width: 400, height: 300 } }]);
  });
});

describe('unsaved changes', () => {
  it('are none for the form as loaded, even once the chosen works\' data arrives or a language is typed and cleared', () => {
    const draft = toExhibitionDraft(stored);
    const key = draftKey(draft);
    const section = draft.sections[0]!;
    const filled = { ...draft, slugEdited: false, sections: [{ ...section, media: { ...section.media!, work: work('w1', 10, 10) }, links: section.links.map((l) => ({ ...l, title: null })) }, draft.sections[1]!] };
    expect(draftKey(filled)).toBe(key);
    expect(draftKey({ ...draft, subtitle: { ...draft.subtitle, fr: '  ' } })).toBe(key);
    expect(draftKey(emptyDraft())).toBe(draftKey({ ...emptyDraft(), title: { 'zh-Hans': '', en: '' } }));
  });

  it('are there once the curator changes what is saved', () => {
    const draft = toExhibitionDraft(stored);
    const key = draftKey(draft);
    const section = draft.sections[0]!;
    const changes: ExhibitionDraft[] = [
      { ...draft, slug: 'cave-45' },
      { ...draft, title: { ...draft.title, en: 'Cave 45' } },
      { ...draft, status: 'draft' },
      { ...draft, publishAt: '' },
      { ...draft, cover: null },
      { ...draft, sections: [...draft.sections].reverse() },
      { ...draft, sections: [{ ...section, body: { ...section.body, en: `${section.body.en} More.` } }, draft.sections[1]!] },
      { ...draft, sections: [{ ...section, media: { ...section.media!, file: '' } }, draft.sections[1]!] },
      { ...draft, sections: [{ ...section, media: { ...section.media!, region: null } }, draft.sections[1]!] },
      { ...draft, sections: [{ ...section, media: { ...section.media!, caption: { en: 'Another' } } }, draft.sections[1]!] },
      { ...draft, sections: [{ ...section, links: section.links.slice(1) }, draft.sections[1]!] },
    ];
    for (const changed of changes) expect(draftKey(changed)).not.toBe(key);
  });
});

describe('what a section plays', () => {
  const file = (kind: string, url: string | null): FileView => ({ sha256: SHA, name: 'f', mediaType: kind === 'audio' ? 'audio/mpeg' : 'video/mp4', kind, size: 1, width: null, height: null, placeholder: null, url, derivatives: {}, download: null, iiif: null });
  it('is the file itself for audio and video the reader may fetch, nothing otherwise', () => {
    expect(playableOf(file('audio', '/a'))).toEqual({ kind: 'audio', url: '/a', mediaType: 'audio/mpeg' });
    expect(playableOf(file('video', '/v'))).toEqual({ kind: 'video', url: '/v', mediaType: 'video/mp4' });
    expect(playableOf(file('audio', null))).toBeNull();
    expect(playableOf(file('image', '/i'))).toBeNull();
    expect(playableOf(null)).toBeNull();
  });
});

describe('reordering', () => {
  it('moves an item up or down, and not past the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});

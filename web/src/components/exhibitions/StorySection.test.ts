import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n';
import type { UiLang } from '../../lang';
import type { ExhibitionSection, ExhibitionSummary, ShowcaseWork } from '../../types';
import { ExhibitionCard } from './ExhibitionCard';
import { StorySection } from './StorySection';

function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, createElement(MemoryRouter, null, node)));
}
afterEach(() => vi.unstubAllGlobals());

const work = (id: string, title: Record<string, string>): ShowcaseWork => ({
  id,
  title,
  creators: [{ name: { 'zh-Hans': '范宽' }, role: 'artist' }],
  date: null,
  visibility: 'public',
  image: {
    sha256: 'b'.repeat(64),
    width: 4000,
    height: 3000,
    thumbnail: { url: `/api/works/${id}/thumb`, width: 256, height: 192 },
    displayUrl: `/api/works/${id}/display`,
    iiifService: `https://m.example/iiif/3/${id}`,
    placeholder: null,
  },
  media: null,
});

const section: ExhibitionSection = {
  id: 's-cave',
  heading: { 'zh-Hans': '洞窟', en: 'The cave' },
  body: { 'zh-Hans': '盛唐**彩塑**。<script>alert(1)</script>', en: 'High Tang **sculpture**.' },
  media: { workId: 'w1', file: null, region: { x: 100, y: 200, width: 1000, height: 500 }, caption: { en: 'Bodhisattva, detail' }, work: work('w1', { en: 'Bodhisattva' }) },
  links: [work('w2', { 'zh-Hans': '溪山行旅图' })],
};

const renderSection = (lang: UiLang, s: ExhibitionSection) =>
  render(lang, createElement(StorySection, { section: s, number: 2, label: 'label', active: true, shareUrl: 'https://m.example/exhibitions/x#s-cave', eager: false }));

describe('a story section', () => {
  it('shows the text in the reader\'s language, tagged with it, and never raw HTML', () => {
    const zh = renderSection('zh-Hans', section);
    expect(zh).toContain('<h2 id="s-cave-heading" lang="zh-Hans">洞窟</h2>');
    expect(zh).toMatch(/<div class="story-md" lang="zh-Hans"><p>盛唐<strong>彩塑<\/strong>。&lt;script&gt;/);
    expect(zh).not.toContain('<script');
    const en = renderSection('en', section);
    expect(en).toContain('lang="en">The cave</h2>');
  });

  it('falls back to another language when the reader\'s is missing', () => {
    const html = renderSection('en', { ...section, heading: { 'zh-Hans': '洞窟' }, body: { 'zh-Hans': '正文' } });
    expect(html).toContain('lang="zh-Hans">洞窟</h2>');
    expect(html).toContain('<div class="story-md" lang="zh-Hans"><p>正文</p></div>');
  });

  it('shows the region as a still IIIF picture in a reserved box, described by its caption, linked to the work', () => {
    const html = renderSection('en', section);
    expect(html).toContain('style="aspect-ratio:2"');
    expect(html).toContain('src="https://m.example/iiif/3/w1/pct:2.5,6.6667,25,16.6667/!1000,16000/0/default.webp"');
    expect(html).toContain('alt="Bodhisattva, detail"');
    expect(html).toContain('href="/works/w1"');
    expect(html).toContain('溪山行旅图');
    expect(html).toContain('id="s-cave"');
  });

  it('plays a recording in the section, described by its caption, printing the work\'s address instead of a picture', () => {
    const song: ShowcaseWork = { ...work('w1', { en: 'Song' }), image: { ...work('w1', {}).image!, iiifService: null, displayUrl: null, thumbnail: null }, media: { kind: 'audio', url: '/api/works/w1/files/abc', mediaType: 'audio/wav' } };
    const html = renderSection('en', { ...section, media: { ...section.media!, region: null, work: song }, links: [] });
    expect(html).toContain('<figure class="story-section-player no-print"><audio controls="" preload="metadata" src="/api/works/w1/files/abc" aria-label="Bodhisattva, detail"></audio></figure>');
    expect(html).not.toContain('<img');
    expect(html).toContain('<span class="story-print-url">https://m.example/works/w1</span>');
    const video = renderSection('zh-Hans', { ...section, media: { ...section.media!, work: { ...song, media: { kind: 'video', url: '/v', mediaType: 'video/mp4' } } } });
    expect(video).toContain('<video controls="" preload="metadata" src="/v"');
    // A picture section prints its picture, not an address.
    expect(renderSection('en', section)).not.toContain('story-print-url');
  });

  it('keeps a visually hidden heading for a section without one, and shows only text when the work is not visible', () => {
    const html = renderSection('en', { ...section, heading: null, media: { ...section.media!, work: null }, links: [] });
    expect(html).toContain('<h2 id="s-cave-heading" class="visually-hidden">label</h2>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('/works/w1');
  });
});

describe('an exhibition card', () => {
  const summary: ExhibitionSummary = {
    id: 'e1',
    slug: 'dunhuang',
    title: { en: 'Dunhuang' },
    subtitle: { en: 'Cave 45' },
    summary: null,
    cover: null,
    status: 'draft',
    publishAt: null,
    sectionCount: 3,
    updatedAt: '2025-03-01T08:30:00.000Z',
  };

  it('links to the reader and marks drafts and scheduled exhibitions', () => {
    const html = render('en', createElement(ExhibitionCard, { exhibition: summary, now: Date.parse('2025-04-01T00:00:00Z') }));
    expect(html).toContain('href="/exhibitions/dunhuang"');
    expect(html).toContain('Draft');
    expect(html).toContain('3 sections');
    const scheduled = render('zh-Hans', createElement(ExhibitionCard, { exhibition: { ...summary, status: 'published', publishAt: '2025-05-01T00:00:00Z' }, now: Date.parse('2025-04-01T00:00:00Z') }));
    expect(scheduled).toContain('待发布');
    expect(scheduled).toContain('共 3 节');
  });
});

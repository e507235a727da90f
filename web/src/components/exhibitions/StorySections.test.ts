import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n';
import type { ExhibitionSection } from '../../types';
import { StorySections } from './StorySections';

afterEach(() => vi.unstubAllGlobals());

const section = (id: string, heading: string | null, body: string): ExhibitionSection => ({ id, heading: heading ? { en: heading } : null, body: { en: body }, media: null, links: [] });

describe('the story\'s lazily loaded sections', () => {
  it('draws every section in order, numbered, with its label, share link and the current one marked', () => {
    vi.stubGlobal('navigator', { languages: ['en'], language: 'en' });
    const sections = [section('s-one', 'The cave', 'First **words**.'), section('s two', null, 'Second.')];
    const html = renderToStaticMarkup(
      createElement(
        I18nProvider,
        null,
        createElement(MemoryRouter, null, createElement(StorySections, { sections, labels: ['The cave', 'Section 2'], active: 's two', pageUrl: 'https://m.example/exhibitions/x', eager: false, register: () => undefined, onShown: () => undefined })),
      ),
    );
    const first = html.indexOf('id="s-one"');
    const second = html.indexOf('id="s two"');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(html).toContain('<strong>words</strong>');
    expect(html).toContain('<h2 id="s two-heading" class="visually-hidden">Section 2</h2>');
    expect(html).toMatch(/<section id="s two" class="story-section is-active"/);
    expect(html).toMatch(/<section id="s-one" class="story-section"/);
    expect(html).toContain('aria-label="Copy the link to section 1"');
    expect(html).toContain('aria-label="Copy the link to section 2"');
  });
});

import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n';
import type { UiLang } from '../lang';
import type { FileView, WorkDetail } from '../types';
import { Filmstrip, type FilmstripItem } from './Filmstrip';
import { WorkMedia } from './WorkMedia';

function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, node));
}
afterEach(() => vi.unstubAllGlobals());

const items: FilmstripItem[] = [1, 2, 3].map((n) => ({ key: `k${n}`, name: `scan-${n}.tif`, thumbnail: { url: `/t/${n}.jpg`, width: 256, height: 64 } }));
/** The labels of the strip's buttons, in DOM (reading) order. */
const buttons = (html: string) => [...html.matchAll(/<button[^>]*aria-label="([^"]+)"/g)].map((m) => m[1]);
const currentButtons = (html: string) => [...html.matchAll(/<button[^>]*aria-current="true"[^>]*aria-label="([^"]+)"/g)].map((m) => m[1]);

describe('Filmstrip', () => {
  it('runs right to left for a handscroll: dir=rtl puts the first image at the right, the DOM keeps reading order', () => {
    const html = render('en', createElement(Filmstrip, { items, current: 1, direction: 'right-to-left', onSelect: () => {} }));
    expect(html).toMatch(/<ul[^>]*dir="rtl"/);
    expect(buttons(html)).toEqual(['Image 1 of 3: scan-1.tif', 'Image 2 of 3: scan-2.tif', 'Image 3 of 3: scan-3.tif']);
    expect(currentButtons(html)).toEqual(['Image 2 of 3: scan-2.tif']);
    // One tab stop, on the current image.
    expect(html.match(/tabindex="0"/g)).toHaveLength(1);
    expect(html).toMatch(/<button[^>]*aria-label="Image 2 of 3[^>]*tabindex="0"/);
  });

  it('runs left to right when the direction is unset, and as a column for top-to-bottom', () => {
    expect(render('en', createElement(Filmstrip, { items, current: 0, onSelect: () => {} }))).toMatch(/<ul[^>]*dir="ltr"/);
    const vertical = render('en', createElement(Filmstrip, { items, current: 0, direction: 'top-to-bottom', onSelect: () => {} }));
    expect(vertical).toContain('flex-direction:column');
    const upward = render('en', createElement(Filmstrip, { items, current: 0, direction: 'bottom-to-top', onSelect: () => {} }));
    expect(upward).toContain('flex-direction:column-reverse');
  });

  it('names the strip and its images in Chinese', () => {
    const html = render('zh-Hans', createElement(Filmstrip, { items, current: 0, direction: 'right-to-left', onSelect: () => {} }));
    expect(html).toContain('aria-label="本作品的图像"');
    expect(buttons(html)[0]).toBe('第 1 幅，共 3 幅：scan-1.tif');
  });
});

const file = (n: number, over: Partial<FileView> = {}): FileView => ({
  sha256: String(n).repeat(64),
  name: `scan-${n}.tif`,
  mediaType: 'image/tiff',
  kind: 'image',
  size: 1000,
  width: 3000,
  height: 1000,
  placeholder: null,
  url: null,
  derivatives: {
    display: { url: `/d/${n}.jpg`, width: 2048, height: 683, mediaType: 'image/jpeg' },
    thumbnail: { url: `/t/${n}.jpg`, width: 256, height: 85, mediaType: 'image/jpeg' },
  },
  download: null,
  iiif: { service: `https://archive.example/iiif/3/${n}` },
  ...over,
});
const work = (files: FileView[], over: Partial<Pick<WorkDetail, 'iiif' | 'metadata'>> = {}): Pick<WorkDetail, 'files' | 'iiif' | 'metadata'> => ({
  files,
  iiif: { manifest: 'https://archive.example/iiif/3/works/w1/manifest' },
  metadata: { title: { en: 'Scroll' }, creators: [], subjects: [], inscriptions: [], classification: {}, notes: [], annotations: [] },
  ...over,
});

describe('WorkMedia', () => {
  it('shows a handscroll as one row, with the filmstrip right to left inside the viewer', () => {
    const files = [file(1), file(2), file(3)];
    const html = render('en', createElement(WorkMedia, { file: files[0]!, title: 'Scroll', work: work(files, { metadata: { ...work([]).metadata, viewingDirection: 'right-to-left' } }) }));
    expect(html).toContain('data-plan="row"');
    expect(html).toMatch(/<figure[^>]*>.*<ul[^>]*dir="rtl".*<\/ul>.*<\/figure>/s);
    expect(currentButtons(html)).toEqual(['Image 1 of 3: scan-1.tif']);
  });

  it('shows one image at a time with a left-to-right strip when no direction is set, marking the file shown', () => {
    const files = [file(1), file(2)];
    const html = render('en', createElement(WorkMedia, { file: files[1]!, title: 'Album', work: work(files) }));
    expect(html).toContain('data-plan="iiif"');
    expect(html).toMatch(/<ul[^>]*dir="ltr"/);
    expect(currentButtons(html)).toEqual(['Image 2 of 2: scan-2.tif']);
  });

  it('has no filmstrip for a single image, and no IIIF link without a manifest', () => {
    const html = render('en', createElement(WorkMedia, { file: file(1), title: 'One', work: work([file(1)], { iiif: null }) }));
    expect(html).not.toContain('<ul');
    expect(html).not.toContain('iiif-badge');
  });

  it('lists only the images in the strip, and still offers it while an audio file is shown', () => {
    const audio = file(9, { kind: 'audio', mediaType: 'audio/mpeg', url: '/o/9.mp3', iiif: null, derivatives: {} });
    const files = [file(1), audio, file(2)];
    const html = render('en', createElement(WorkMedia, { file: audio, title: 'Mixed', work: work(files) }));
    expect(html).toContain('<audio');
    expect(buttons(html).filter((b) => b?.startsWith('Image'))).toEqual(['Image 1 of 2: scan-1.tif', 'Image 2 of 2: scan-2.tif']);
    expect(currentButtons(html)).toEqual([]);
  });

  it('without the work, shows the one file as before (over its IIIF service)', () => {
    const html = render('en', createElement(WorkMedia, { file: file(1), title: 'One' }));
    expect(html).toContain('data-plan="iiif"');
    expect(html).not.toContain('iiif-badge');
  });
});

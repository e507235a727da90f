import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n';
import type { UiLang } from '../lang';
import { viewerPlan, type ViewerImage } from './IiifSources';
import { ZoomViewer } from './ZoomViewer';

/** Server-renders in one interface language (the provider picks it from the browser's languages). */
function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, node));
}
afterEach(() => vi.unstubAllGlobals());

const scan = (n: number, over: Partial<ViewerImage> = {}): ViewerImage => ({
  service: `https://archive.example/iiif/3/s${n}`,
  display: `/d/${n}.jpg`,
  plain: `/d/${n}.jpg`,
  width: 3000,
  height: 1000,
  ...over,
});
const none = new Set<string>();

describe('viewerPlan: what the viewer tries, in order', () => {
  it('opens the IIIF info.json, then after it fails the display copy, then a plain <img>', () => {
    const images = [scan(1)];
    const first = viewerPlan(images, 0, false, none);
    expect(first).toEqual({ kind: 'zoom', attempt: { kind: 'iiif', infoJson: 'https://archive.example/iiif/3/s1/info.json' } });
    const second = viewerPlan(images, 0, false, new Set(['iiif:https://archive.example/iiif/3/s1/info.json']));
    expect(second).toEqual({ kind: 'zoom', attempt: { kind: 'image', url: '/d/1.jpg' } });
    const third = viewerPlan(images, 0, false, new Set(['iiif:https://archive.example/iiif/3/s1/info.json', 'image:/d/1.jpg']));
    expect(third).toEqual({ kind: 'plain', src: '/d/1.jpg', tried: true });
  });

  it('starts at the display copy when the image has no IIIF service', () => {
    expect(viewerPlan([scan(1, { service: null })], 0, false, none)).toEqual({ kind: 'zoom', attempt: { kind: 'image', url: '/d/1.jpg' } });
  });

  it('shows the plain image when nothing can be zoomed (the copies are still being made)', () => {
    expect(viewerPlan([scan(1, { service: null, display: null, plain: '/t/1.jpg' })], 0, false, none)).toEqual({ kind: 'plain', src: '/t/1.jpg', tried: false });
  });

  it('remembers failures per image: switching to another image tries its own IIIF service again', () => {
    const failed = new Set(['iiif:https://archive.example/iiif/3/s1/info.json']);
    expect(viewerPlan([scan(1), scan(2)], 1, false, failed)).toEqual({ kind: 'zoom', attempt: { kind: 'iiif', infoJson: 'https://archive.example/iiif/3/s2/info.json' } });
  });

  it('lays a handscroll side by side, and shows one image at a time once the row failed', () => {
    const images = [scan(1), scan(2)];
    const row = viewerPlan(images, 0, true, none);
    expect(row.kind).toBe('row');
    if (row.kind === 'row') expect(row.placed.map((p) => p.index)).toEqual([0, 1]);
    if (row.kind === 'row') expect(row.placed[0]!.x).toBeGreaterThan(row.placed[1]!.x);
    expect(viewerPlan(images, 1, true, new Set(['row']))).toEqual({ kind: 'zoom', attempt: { kind: 'iiif', infoJson: 'https://archive.example/iiif/3/s2/info.json' } });
  });

  it('does not lay out the row when a scan has no IIIF service', () => {
    expect(viewerPlan([scan(1), scan(2, { service: null })], 0, true, none).kind).toBe('zoom');
  });
});

describe('ZoomViewer markup', () => {
  it('renders the canvas for the IIIF source, with named buttons and the full-screen key, in both languages', () => {
    const en = render('en', createElement(ZoomViewer, { images: [scan(1)], current: 0, alt: 'Image of X' }));
    expect(en).toContain('data-plan="iiif"');
    for (const label of ['Zoom in', 'Zoom out', 'Fit to view', 'Full screen']) expect(en).toContain(`aria-label="${label}"`);
    expect(en).toContain('aria-keyshortcuts="F"');
    expect(en).toContain('F switches full screen on and off.');
    const zh = render('zh-Hans', createElement(ZoomViewer, { images: [scan(1)], current: 0, alt: 'X的图像' }));
    for (const label of ['放大', '缩小', '适合窗口', '全屏']) expect(zh).toContain(`aria-label="${label}"`);
    expect(zh).toContain('按 F 键进入或退出全屏。');
  });

  it('falls straight to a plain <img> and says the copies are being made when nothing can be zoomed', () => {
    const html = render('en', createElement(ZoomViewer, { images: [scan(1, { service: null, display: null, plain: '/t/1.jpg' })], current: 0, alt: 'Image of X' }));
    expect(html).toContain('<img src="/t/1.jpg" alt="Image of X"');
    expect(html).toContain('still being made');
    expect(html).not.toContain('viewer-canvas');
  });

  it('draws the footer (the filmstrip) inside the figure, so it stays in full screen', () => {
    const html = render('en', createElement(ZoomViewer, { images: [scan(1)], current: 0, alt: 'a', footer: createElement('p', { id: 'strip' }, 'strip') }));
    expect(html).toMatch(/<figure[^>]*>.*<p id="strip">strip<\/p><\/figure>/s);
  });
});

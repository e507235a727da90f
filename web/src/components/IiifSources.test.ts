import { describe, expect, it } from 'vitest';
import type { FileView } from '../types';
import { dragAndDropHref, infoJsonUrl, rightToLeftRow, stripLayout, stripStep, viewerImage, zoomAttempts, type ViewerImage } from './IiifSources';

const file = (over: Partial<FileView> = {}): FileView => ({
  sha256: 'a'.repeat(64),
  name: 'scan-1.tif',
  mediaType: 'image/tiff',
  kind: 'image',
  size: 1000,
  width: 4000,
  height: 1000,
  placeholder: null,
  url: '/api/files/a/original',
  derivatives: {
    display: { url: '/d/a.jpg', width: 2048, height: 512, mediaType: 'image/jpeg' },
    thumbnail: { url: '/t/a.jpg', width: 256, height: 64, mediaType: 'image/jpeg' },
  },
  download: null,
  iiif: { service: 'https://archive.example/iiif/3/aaa' },
  ...over,
});

const image = (service: string | null, width: number | null, height: number | null): ViewerImage => ({ service, display: null, plain: null, width, height });

describe('the fallback order of one image', () => {
  it('tries IIIF tiles first, then the display copy; the plain image shows the display copy', () => {
    const v = viewerImage(file());
    expect(zoomAttempts(v)).toEqual([
      { kind: 'iiif', infoJson: 'https://archive.example/iiif/3/aaa/info.json' },
      { kind: 'image', url: '/d/a.jpg' },
    ]);
    expect(v.plain).toBe('/d/a.jpg');
  });

  it('without a service, starts at the display copy', () => {
    expect(zoomAttempts(viewerImage(file({ iiif: null })))).toEqual([{ kind: 'image', url: '/d/a.jpg' }]);
  });

  it('without service or display copy, has nothing to zoom; the plain image is a drawable original, else the thumbnail', () => {
    const tiff = viewerImage(file({ iiif: null, derivatives: { thumbnail: { url: '/t/a.jpg', width: 256, height: 64, mediaType: 'image/jpeg' } } }));
    expect(zoomAttempts(tiff)).toEqual([]);
    expect(tiff.plain).toBe('/t/a.jpg');
    const png = viewerImage(file({ iiif: null, mediaType: 'image/png', url: '/o/a.png', derivatives: {} }));
    expect(png.plain).toBe('/o/a.png');
  });

  it('finds info.json beside the service id, with or without a trailing slash', () => {
    expect(infoJsonUrl('https://x/iiif/3/abc')).toBe('https://x/iiif/3/abc/info.json');
    expect(infoJsonUrl('https://x/iiif/3/abc/')).toBe('https://x/iiif/3/abc/info.json');
  });
});

describe('a handscroll as one continuous row', () => {
  it('puts the first scan at the right end and the next ones to its left, all of height 1, edge to edge', () => {
    const row = rightToLeftRow([image('s1', 2000, 1000), image('s2', 3000, 1000), image('s3', 500, 500)]);
    expect(row).toEqual([
      { index: 0, infoJson: 's1/info.json', x: 4, width: 2 },
      { index: 1, infoJson: 's2/info.json', x: 1, width: 3 },
      { index: 2, infoJson: 's3/info.json', x: 0, width: 1 },
    ]);
  });

  it('is not laid out for one image, or when a scan lacks its service or size', () => {
    expect(rightToLeftRow([image('s1', 10, 10)])).toBeNull();
    expect(rightToLeftRow([image('s1', 10, 10), image(null, 10, 10)])).toBeNull();
    expect(rightToLeftRow([image('s1', 10, 10), image('s2', null, 10)])).toBeNull();
  });
});

describe('the filmstrip direction', () => {
  it('runs right to left for a handscroll, where ← is next and → is previous', () => {
    expect(stripLayout('right-to-left')).toEqual({ dir: 'rtl', vertical: false, reversed: false });
    expect(stripStep('ArrowLeft', 0, 3, 'right-to-left')).toBe(1);
    expect(stripStep('ArrowRight', 1, 3, 'right-to-left')).toBe(0);
    expect(stripStep('ArrowLeft', 2, 3, 'right-to-left')).toBe(2);
    expect(stripStep('ArrowRight', 0, 3, 'right-to-left')).toBe(0);
  });

  it('reads left to right when unset, and vertically for top-to-bottom and bottom-to-top', () => {
    expect(stripLayout(undefined)).toEqual({ dir: 'ltr', vertical: false, reversed: false });
    expect(stripStep('ArrowRight', 0, 3, undefined)).toBe(1);
    expect(stripLayout('top-to-bottom')).toEqual({ dir: 'ltr', vertical: true, reversed: false });
    expect(stripStep('ArrowDown', 0, 3, 'top-to-bottom')).toBe(1);
    expect(stripStep('ArrowRight', 0, 3, 'top-to-bottom')).toBeNull();
    expect(stripLayout('bottom-to-top').reversed).toBe(true);
    expect(stripStep('ArrowUp', 0, 3, 'bottom-to-top')).toBe(1);
  });

  it('goes to the ends with Home and End, and ignores other keys', () => {
    expect(stripStep('End', 0, 5, 'right-to-left')).toBe(4);
    expect(stripStep('Home', 3, 5, 'left-to-right')).toBe(0);
    expect(stripStep('Enter', 3, 5, 'left-to-right')).toBeNull();
  });
});

describe('the IIIF drag-and-drop link', () => {
  it('is the manifest with itself as the manifest parameter', () => {
    const m = 'https://archive.example/iiif/3/works/w1/manifest';
    expect(dragAndDropHref(m)).toBe(`${m}?manifest=${m}`);
  });

  it('encodes a manifest URL whose own query would break the parameter', () => {
    const m = 'https://archive.example/manifest?lang=en&x=1';
    expect(dragAndDropHref(m)).toBe(`${m}&manifest=${encodeURIComponent(m)}`);
    expect(new URL(dragAndDropHref(m)).searchParams.get('manifest')).toBe(m);
  });
});

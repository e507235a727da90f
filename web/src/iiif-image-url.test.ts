import { describe, expect, it } from 'vitest';
import { iiifAspectRatio, iiifImageUrl, iiifRegionParam, iiifSrcSet } from './iiif-image-url';
import { imageAspectRatio, responsiveImage } from './showcase-image';

// A handscroll scan, 8000 × 2000.
const size = { width: 8000, height: 2000 };
const service = 'https://museum.example/iiif/3/abc';

describe('still IIIF pictures of a region or a whole image', () => {
  it('names a region in percent of the image, so a smaller copy served to visitors shows the same part', () => {
    expect(iiifRegionParam({ x: 800, y: 500, width: 400, height: 1000 }, size)).toBe('pct:10,25,5,50');
    expect(iiifRegionParam({ x: 1, y: 0, width: 3, height: 2000 }, size)).toBe('pct:0.0125,0,0.0375,100');
    // A region covering the whole image, or none, is `full`; clipped to the image first.
    expect(iiifRegionParam({ x: -10, y: 0, width: 9000, height: 2000 }, size)).toBe('full');
    expect(iiifRegionParam(null, size)).toBe('full');
    // Without the size, whole pixels are all there is.
    expect(iiifRegionParam({ x: 10.4, y: 20.6, width: 300, height: 200 })).toBe('10,21,300,200');
  });

  it('asks a size that fits inside a box, never wider than what the region holds', () => {
    expect(iiifImageUrl(service + '/', { x: 800, y: 500, width: 400, height: 1000 }, size, 1200)).toBe(`${service}/pct:10,25,5,50/!400,6400/0/default.webp`);
    expect(iiifImageUrl(service, null, size, 800)).toBe(`${service}/full/!800,12800/0/default.webp`);
    expect(iiifImageUrl(service, null, null, 800)).toBe(`${service}/full/!800,12800/0/default.webp`);
  });

  it('offers in the srcset only widths the region has', () => {
    expect(iiifSrcSet(service, { x: 0, y: 0, width: 900, height: 300 }, size)).toBe(
      [480, 800, 900].map((w) => `${service}/pct:0,0,11.25,15/!${w},${w * 16}/0/default.webp ${w}w`).join(', '),
    );
    expect(iiifSrcSet(service, { x: 0, y: 0, width: 300, height: 300 }, size)).toBeNull();
    expect(iiifSrcSet(service, null, null)).toBeNull();
  });

  it('reserves the box of the region, else of the image', () => {
    expect(iiifAspectRatio({ x: 0, y: 0, width: 300, height: 150 }, size)).toBe(2);
    expect(iiifAspectRatio(null, size)).toBe(4);
    expect(iiifAspectRatio(null, null)).toBeNull();
  });
});

describe('a work image on the public face', () => {
  const thumbnail = { url: '/t.webp', width: 300, height: 200 };
  it('is asked of the IIIF service at sizes up to its own', () => {
    const result = responsiveImage({ sha256: 'a', width: 1000, height: 2000, thumbnail: null, displayUrl: null, iiifService: service, placeholder: null });
    expect(result?.srcSet).toBe([480, 800, 1000].map((w) => `${service}/full/!${w},${w * 16}/0/default.webp ${w}w`).join(', '));
    expect(result?.src).toBe(`${service}/full/!1000,16000/0/default.webp`);
  });

  it('falls back to the display copy, then the thumbnail, then nothing', () => {
    expect(responsiveImage({ sha256: 'a', width: 10, height: 10, thumbnail, displayUrl: '/d.jpg', iiifService: null, placeholder: null })).toEqual({ src: '/d.jpg' });
    expect(responsiveImage({ sha256: 'a', width: 10, height: 10, thumbnail, displayUrl: null, iiifService: null, placeholder: null })).toEqual({ src: '/t.webp' });
    expect(responsiveImage({ sha256: 'a', width: null, height: null, thumbnail: null, displayUrl: null, iiifService: null, placeholder: null })).toBeNull();
  });

  it('reserves its box from the full size, else the thumbnail', () => {
    expect(imageAspectRatio({ width: 400, height: 200, thumbnail: null })).toBe(2);
    expect(imageAspectRatio({ width: null, height: null, thumbnail: { url: '', width: 30, height: 60 } })).toBe(0.5);
    expect(imageAspectRatio({ width: null, height: null, thumbnail: null })).toBeNull();
  });
});

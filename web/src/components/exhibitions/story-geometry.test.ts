import { describe, expect, it } from 'vitest';
import { clipRegion } from '../../iiif-image-url';
import { regionToViewport, wholeImage } from './story-geometry';

// A handscroll scan, 8000 × 2000: viewport units make the width 1, so the height is 0.25.
const size = { width: 8000, height: 2000 };

describe('a section region as the viewport rectangle OpenSeadragon fits', () => {
  it('divides every coordinate by the image width', () => {
    expect(regionToViewport({ x: 4000, y: 500, width: 800, height: 400 }, size, 0)).toEqual({ x: 0.5, y: 0.0625, width: 0.1, height: 0.05 });
  });

  it('adds a margin of the region size on every side', () => {
    const r = regionToViewport({ x: 4000, y: 500, width: 800, height: 400 }, size, 0.25)!;
    expect(r.x).toBeCloseTo((4000 - 200) / 8000);
    expect(r.y).toBeCloseTo((500 - 100) / 8000);
    expect(r.width).toBeCloseTo(1200 / 8000);
    expect(r.height).toBeCloseTo(600 / 8000);
  });

  it('is the same for the display copy: it depends only on proportions', () => {
    const half = regionToViewport({ x: 100, y: 100, width: 50, height: 50 }, { width: 400, height: 300 }, 0);
    expect(half).toEqual({ x: 0.25, y: 0.25, width: 0.125, height: 0.125 });
  });

  it('clips a region that runs off the image, and gives up on one wholly outside', () => {
    expect(regionToViewport({ x: 7900, y: 1900, width: 400, height: 400 }, size, 0)).toEqual({ x: 7900 / 8000, y: 1900 / 8000, width: 100 / 8000, height: 100 / 8000 });
    expect(regionToViewport({ x: 9000, y: 0, width: 10, height: 10 }, size)).toBeNull();
    expect(clipRegion({ x: 0, y: 2000, width: 10, height: 10 }, size)).toBeNull();
  });

  it('shows the whole image without a region or without a known size', () => {
    expect(regionToViewport(null, size)).toBeNull();
    expect(regionToViewport({ x: 0, y: 0, width: 10, height: 10 }, null)).toBeNull();
    expect(regionToViewport({ x: 0, y: 0, width: 10, height: 10 }, { width: 0, height: 0 })).toBeNull();
    expect(wholeImage(size)).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
  });
});

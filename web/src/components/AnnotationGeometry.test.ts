import { describe, expect, it } from 'vitest';
import { dragRect, padded, regionInside, regionToTiled, tiledScale, tiledToRegion } from './AnnotationGeometry';

// An in-copyright work: the original is 4096 × 3072, visitors are tiled the 2048 px display copy.
const original = { width: 4096, height: 3072 };
const display = 2048;

describe('regions between original pixels and the tiled picture', () => {
  it('halves a region for the display copy, and keeps it when the original is tiled', () => {
    expect(tiledScale(original, display)).toBe(0.5);
    expect(regionToTiled({ x: 1000, y: 600, width: 200, height: 180 }, original, display)).toEqual({ x: 500, y: 300, width: 100, height: 90 });
    expect(regionToTiled({ x: 1000, y: 600, width: 200, height: 180 }, original, 4096)).toEqual({ x: 1000, y: 600, width: 200, height: 180 });
  });

  it('takes a region as it is when the original size is unknown', () => {
    expect(tiledScale({ width: 0, height: 0 }, display)).toBe(1);
  });

  it('reads a rectangle drawn on the display copy back in original pixels, rounded', () => {
    expect(tiledToRegion({ x: 500.2, y: 299.7, width: 100.4, height: 90.1 }, original, display)).toEqual({ x: 1000, y: 599, width: 201, height: 181 });
  });

  it('round-trips a stored region through the display copy', () => {
    const region = { x: 1234, y: 567, width: 89, height: 1011 };
    expect(tiledToRegion(regionToTiled(region, original, display), original, display)).toEqual(region);
  });

  it('clamps a rectangle that runs off the image inside it', () => {
    expect(tiledToRegion({ x: -50, y: -10, width: 100, height: 60 }, original, display)).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    expect(tiledToRegion({ x: 2000, y: 1500, width: 200, height: 200 }, original, display)).toEqual({ x: 4000, y: 3000, width: 96, height: 72 });
  });

  it('accepts a rectangle drawn from bottom right to top left', () => {
    expect(tiledToRegion({ x: 600, y: 400, width: -100, height: -100 }, original, display)).toEqual({ x: 1000, y: 600, width: 200, height: 200 });
  });

  it('makes a region of at least one pixel, and none from a rectangle outside the image', () => {
    expect(tiledToRegion({ x: 10, y: 10, width: 0.1, height: 0.1 }, original, display)).toEqual({ x: 20, y: 20, width: 1, height: 1 });
    expect(tiledToRegion({ x: 2100, y: 10, width: 50, height: 50 }, original, display)).toBeNull();
    expect(tiledToRegion({ x: -80, y: -80, width: 50, height: 50 }, original, display)).toBeNull();
  });
});

describe('drag, margin and bounds', () => {
  it('makes the rectangle between two corners whichever way the drag went', () => {
    expect(dragRect({ x: 30, y: 40 }, { x: 10, y: 5 })).toEqual({ x: 10, y: 5, width: 20, height: 35 });
  });

  it('grows a region on every side', () => {
    expect(padded({ x: 100, y: 100, width: 50, height: 20 }, 0.5)).toEqual({ x: 75, y: 90, width: 100, height: 40 });
  });

  it('says whether a region lies inside an image, as the server checks', () => {
    expect(regionInside({ x: 0, y: 0, width: 4096, height: 3072 }, original)).toBe(true);
    expect(regionInside({ x: 1, y: 0, width: 4096, height: 3072 }, original)).toBe(false);
    expect(regionInside({ x: 5000, y: 0, width: 1, height: 1 }, null)).toBe(true);
  });
});

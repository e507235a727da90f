/**
 * Regions of annotations between the two pixel spaces they live in. Pure: no DOM, no OpenSeadragon.
 *
 * An annotation's region is in the ORIGINAL image's upright pixels (file.width × file.height), but
 * the picture OpenSeadragon tiles may be smaller: visitors of in-copyright works get the display copy
 * (at most 2048 px) through IIIF. So every region is scaled by (tiled width / original width) on the
 * way into the viewer and back on the way out.
 */

/** A rectangle in pixels; floats on the viewer's side, integers in the stored region. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A pixel size. */
export interface PixelSize {
  width: number;
  height: number;
}

/** How many tiled-image pixels one original pixel is (1 when the original is tiled, or its size is unknown). */
export function tiledScale(original: PixelSize, tiledWidth: number): number {
  return original.width > 0 && tiledWidth > 0 ? tiledWidth / original.width : 1;
}

/** A stored region as a rectangle of the tiled image (what `imageToViewportRectangle` takes). */
export function regionToTiled(region: PixelRect, original: PixelSize, tiledWidth: number): PixelRect {
  const s = tiledScale(original, tiledWidth);
  return { x: region.x * s, y: region.y * s, width: region.width * s, height: region.height * s };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * A rectangle drawn on the tiled image as a stored region: in original pixels, whole numbers,
 * clamped inside the image, at least 1 × 1. Null when it lies entirely outside the image.
 */
export function tiledToRegion(rect: PixelRect, original: PixelSize, tiledWidth: number): PixelRect | null {
  const s = tiledScale(original, tiledWidth);
  const left = Math.min(rect.x, rect.x + rect.width) / s;
  const top = Math.min(rect.y, rect.y + rect.height) / s;
  const right = Math.max(rect.x, rect.x + rect.width) / s;
  const bottom = Math.max(rect.y, rect.y + rect.height) / s;
  if (right <= 0 || bottom <= 0 || left >= original.width || top >= original.height) return null;
  const x = clamp(Math.round(left), 0, original.width - 1);
  const y = clamp(Math.round(top), 0, original.height - 1);
  const x2 = clamp(Math.round(right), x + 1, original.width);
  const y2 = clamp(Math.round(bottom), y + 1, original.height);
  return { x, y, width: x2 - x, height: y2 - y };
}

/** The rectangle between two corners of a drag, whichever way it went. */
export function dragRect(from: { x: number; y: number }, to: { x: number; y: number }): PixelRect {
  return { x: Math.min(from.x, to.x), y: Math.min(from.y, to.y), width: Math.abs(to.x - from.x), height: Math.abs(to.y - from.y) };
}

/** A region grown by `factor` of its size on every side, so zooming to a seal shows a little of what surrounds it. */
export function padded(rect: PixelRect, factor: number): PixelRect {
  const dx = rect.width * factor;
  const dy = rect.height * factor;
  return { x: rect.x - dx, y: rect.y - dy, width: rect.width + 2 * dx, height: rect.height + 2 * dy };
}

/** Whether a region lies inside an image of this size (what the server checks); true when the size is unknown. */
export function regionInside(region: PixelRect, size: PixelSize | null): boolean {
  if (!size || !size.width || !size.height) return true;
  return region.x >= 0 && region.y >= 0 && region.x + region.width <= size.width && region.y + region.height <= size.height;
}

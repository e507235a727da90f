import type { PixelRect, PixelSize } from './components/AnnotationGeometry';

/**
 * IIIF Image API 3.0 URLs of still pictures — a whole image or a region of it, at the widths a
 * srcset offers — for the public face (home page, exhibitions on phones and in print).
 *
 * Regions are stored in the original's pixels, but a visitor may be served a smaller copy of the
 * same image (the display copy of a work whose master is not offered): so a region is asked in
 * percent (`pct:`), which names the same part of either, and a size as `!w,h` (fit inside, never
 * upscaled, never refused for being larger than what is served). Pictures are asked as WebP: about a
 * third smaller than JPEG at the same quality, and every browser the site supports shows it.
 */

/** A region clipped to the image, or null when nothing of it lies inside (or the size is unknown). */
export function clipRegion(region: PixelRect, size: PixelSize): PixelRect | null {
  if (!(size.width > 0 && size.height > 0)) return null;
  const left = Math.max(0, region.x);
  const top = Math.max(0, region.y);
  const right = Math.min(size.width, region.x + region.width);
  const bottom = Math.min(size.height, region.y + region.height);
  if (right <= left || bottom <= top) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

const pct = (n: number) => String(Math.round(n * 1e4) / 1e4);

/** The IIIF `region` parameter: `full`, `pct:x,y,w,h` of the image's size, or whole pixels when the size is unknown. */
export function iiifRegionParam(region: PixelRect | null | undefined, size?: PixelSize | null): string {
  if (!region) return 'full';
  if (size && size.width > 0 && size.height > 0) {
    const clipped = clipRegion(region, size);
    if (!clipped) return 'full';
    if (clipped.x === 0 && clipped.y === 0 && clipped.width === size.width && clipped.height === size.height) return 'full';
    return `pct:${[(clipped.x / size.width) * 100, (clipped.y / size.height) * 100, (clipped.width / size.width) * 100, (clipped.height / size.height) * 100].map(pct).join(',')}`;
  }
  return [region.x, region.y, region.width, region.height].map((n) => Math.max(0, Math.round(n))).join(',');
}

/** The size of what a region (or the whole image) shows, in the original's pixels, or null when unknown. */
function shownSize(region: PixelRect | null | undefined, size: PixelSize | null | undefined): PixelSize | null {
  const clipped = region && size ? clipRegion(region, size) : (region ?? null);
  const box = clipped ?? size ?? null;
  return box && box.width > 0 && box.height > 0 ? { width: box.width, height: box.height } : null;
}

/**
 * The URL of a region (or the whole image) at most `maxWidth` wide. The height bound is generous
 * (`!w,16w`) so the width decides, except for a strip taller than sixteen times its width.
 */
export function iiifImageUrl(service: string, region: PixelRect | null | undefined, size: PixelSize | null | undefined, maxWidth: number): string {
  const base = service.replace(/\/+$/, '');
  const shown = shownSize(region, size);
  const width = Math.max(1, Math.round(shown ? Math.min(maxWidth, shown.width) : maxWidth));
  return `${base}/${iiifRegionParam(region, size)}/!${width},${width * 16}/0/default.webp`;
}

/** Widths offered in a srcset. */
export const SRCSET_WIDTHS = [480, 800, 1200, 1800, 2400] as const;

/** A srcset of a region (or the whole image) at the widths it can give (never upscaled), or null when there is only one. */
export function iiifSrcSet(service: string, region: PixelRect | null | undefined, size: PixelSize | null | undefined): string | null {
  const shown = shownSize(region, size);
  if (!shown) return null;
  const largest = SRCSET_WIDTHS[SRCSET_WIDTHS.length - 1]!;
  const widths = [...SRCSET_WIDTHS.filter((w) => w < shown.width), Math.min(shown.width, largest)].filter((w, i, list) => list.indexOf(w) === i);
  if (widths.length < 2) return null;
  return widths.map((w) => `${iiifImageUrl(service, region, size, w)} ${w}w`).join(', ');
}

/** Width / height of what a picture shows, to reserve its box before it loads (no layout shift). */
export function iiifAspectRatio(region: PixelRect | null | undefined, size: PixelSize | null | undefined): number | null {
  const shown = shownSize(region, size);
  return shown ? shown.width / shown.height : null;
}

import { infoJsonUrl } from '../IiifSources';
import type { PixelRect, PixelSize } from '../AnnotationGeometry';
import { clipRegion } from '../../iiif-image-url';

/**
 * Where the story's image pane looks, in pure arithmetic: a section's IIIF pixel region as an
 * OpenSeadragon viewport rectangle (the still pictures' URLs are in `iiif-image-url.ts`). No DOM, no OpenSeadragon, so it is tested without a browser.
 */

/** A rectangle in OpenSeadragon viewport units: the image is 1 wide and height/width tall. */
export interface ViewportRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The viewport rectangle OpenSeadragon fits to show a region of an image of `size` (its original,
 * upright pixels), grown by `margin` of the region's size on every side so the detail keeps some of
 * its surroundings. Scale-free: the display copy OpenSeadragon may tile instead of the original has
 * the same proportions, so the same rectangle fits either. Null (show the whole image) when the
 * section has no region, the size is unknown, or the region lies outside the image.
 */
export function regionToViewport(region: PixelRect | null | undefined, size: PixelSize | null | undefined, margin = 0.06): ViewportRect | null {
  if (!region || !size) return null;
  const clipped = clipRegion(region, size);
  if (!clipped) return null;
  const dx = clipped.width * margin;
  const dy = clipped.height * margin;
  const unit = size.width;
  return { x: (clipped.x - dx) / unit, y: (clipped.y - dy) / unit, width: (clipped.width + 2 * dx) / unit, height: (clipped.height + 2 * dy) / unit };
}

/** The whole image in viewport units (what a section without a region shows). */
export function wholeImage(size: PixelSize): ViewportRect {
  return { x: 0, y: 0, width: 1, height: size.width > 0 ? size.height / size.width : 1 };
}

export { infoJsonUrl };

/**
 * The shapes shared by the IIIF Image API 3.0 parts of the publish module: a request resolved
 * against one image (what to cut, how large, turned how, in which quality and format) and the
 * limits an image is served under. The parser (image-request.ts) produces them; the renderer
 * (image-render.ts) and info.json (image-info.ts) consume them.
 */

export const IIIF_QUALITIES = ['default', 'color', 'gray', 'bitonal'] as const;
export type IiifQuality = (typeof IIIF_QUALITIES)[number];
export const IIIF_FORMATS = ['jpg', 'png', 'webp'] as const;
export type IiifFormat = (typeof IIIF_FORMATS)[number];

/** Pixel rectangle in the full image's coordinates (upright, after EXIF orientation). */
export interface PixelRect { x: number; y: number; width: number; height: number }

/** An Image API request resolved against an image of known size: every value in pixels, checked. */
export interface ImageRequest {
  /** The region cut from the full image, already clipped to it (never empty). */
  region: PixelRect;
  /** Output size of that region before rotation (≥ 1 × 1, within the limits). */
  size: { width: number; height: number };
  /** Clockwise degrees in [0, 360); `mirror` flips horizontally before rotating (the `!` prefix). */
  rotation: { degrees: number; mirror: boolean };
  quality: IiifQuality;
  format: IiifFormat;
}

/** Limits an image is served under (advertised in info.json as maxWidth / maxHeight / maxArea). */
export interface ImageLimits {
  maxWidth: number;
  maxHeight: number;
  maxArea: number;
}

export const IIIF_MEDIA_TYPES: Record<IiifFormat, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

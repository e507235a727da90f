import { iiifAspectRatio, iiifImageUrl, iiifSrcSet } from './iiif-image-url';
import type { ShowcaseWork } from './types';

type ShowcaseImage = NonNullable<ShowcaseWork['image']>;

/**
 * `src` and `srcSet` for an <img> showing a work's whole image on the public face: sized requests
 * to its IIIF service (a phone does not download a desktop hero), else the display copy, else the
 * thumbnail; null when there is nothing to show.
 */
export function responsiveImage(image: ShowcaseImage, fallbackWidth = 1200): { src: string; srcSet?: string } | null {
  const size = image.width && image.height ? { width: image.width, height: image.height } : null;
  if (image.iiifService) {
    const srcSet = iiifSrcSet(image.iiifService, null, size);
    return { src: iiifImageUrl(image.iiifService, null, size, fallbackWidth), ...(srcSet ? { srcSet } : {}) };
  }
  if (image.displayUrl) return { src: image.displayUrl };
  if (image.thumbnail) return { src: image.thumbnail.url };
  return null;
}

/** The aspect ratio to reserve before the image loads (no layout shift), or null when unknown. */
export function imageAspectRatio(image: Pick<ShowcaseImage, 'width' | 'height' | 'thumbnail'>): number | null {
  if (image.width && image.height) return iiifAspectRatio(null, { width: image.width, height: image.height });
  return image.thumbnail ? image.thumbnail.width / image.thumbnail.height : null;
}

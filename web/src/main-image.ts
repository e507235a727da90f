import { iiifImageUrl, iiifSrcSet } from './iiif-image-url';
import { responsiveImage } from './showcase-image';
import type { Exhibition, Home, ImageRegion, ShowcaseWork } from './types';

/**
 * The one picture that is the largest paint of the home page (the hero) and of an exhibition (its
 * cover), as the <img> asks for it. Kept in one place because `early-main-image.ts` asks for the
 * same picture before the page has rendered: a preload is reused only when its URL, srcset and sizes
 * are the ones the <img> chooses from.
 */
export interface MainImage {
  src: string;
  srcSet?: string;
  sizes?: string;
}

type ShowcaseImage = NonNullable<ShowcaseWork['image']>;

/** The hero is about two thirds of a phone's width and three fifths of a desktop's. */
export const HERO_IMAGE_SIZES = '(max-width: 720px) 66vw, 60vw';
export const COVER_IMAGE_SIZES = '(max-width: 720px) 66vw, 50vw';

/** The work whose image leads the home page, or null. */
export function heroWork(home: Home): ShowcaseWork | null {
  return home.featuredWorks.find((w) => w.image) ?? null;
}

export function heroImage(home: Home): MainImage | null {
  const image = heroWork(home)?.image;
  const source = image ? responsiveImage(image, 1600) : null;
  return source ? { ...source, ...(source.srcSet ? { sizes: HERO_IMAGE_SIZES } : {}) } : null;
}

/** A region of a work's image (or the whole) through its IIIF service; the display copy without one (or when `noService`). */
export function regionImage(image: ShowcaseImage, region: ImageRegion | null, sizes: string, noService = false): MainImage | null {
  const size = image.width && image.height ? { width: image.width, height: image.height } : null;
  const service = noService ? null : image.iiifService;
  if (!service) return image.displayUrl ? { src: image.displayUrl } : null;
  const srcSet = iiifSrcSet(service, region, size);
  return { src: iiifImageUrl(service, region, size, 1200), ...(srcSet ? { srcSet, sizes } : {}) };
}

export function coverImage(exhibition: Exhibition): MainImage | null {
  const image = exhibition.cover?.work?.image;
  return image ? regionImage(image, exhibition.cover?.region ?? null, COVER_IMAGE_SIZES) : null;
}

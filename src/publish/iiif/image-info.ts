/**
 * The IIIF Image API 3.0 image information document (info.json, https://iiif.io/api/image/3.0/#5-image-information)
 * of a level 2 service. Pure: the route supplies the absolute id, the image's upright size and the
 * same limits and resolution cap it gives parseImageRequest, so what info.json promises is what
 * the parser accepts.
 */
import { IIIF_FORMATS, IIIF_QUALITIES, type IiifFormat, type IiifQuality, type ImageLimits } from './image-api.js';
import { servedFullSize, type ResolutionCap, type Size } from './image-request.js';

export const IIIF_IMAGE_CONTEXT = 'http://iiif.io/api/image/3/context.json';
export const IIIF_IMAGE_PROTOCOL = 'http://iiif.io/api/image';
/** The compliance level document named by the profile link header (`Link: <…>;rel="profile"`). */
export const IIIF_LEVEL2_PROFILE_URI = 'http://iiif.io/api/image/3/level2.json';

/**
 * Features we list beyond level 2. regionSquare, cors, jsonldMediaType and baseUriRedirect are
 * level 2 already; listing them too changes nothing (the supported set is the union) and helps
 * clients that read extraFeatures without fetching the profile.
 */
export const IIIF_EXTRA_FEATURES = [
  'mirroring', 'rotationArbitrary', 'regionSquare', 'sizeUpscaling', 'cors', 'jsonldMediaType',
  'profileLinkHeader', 'baseUriRedirect', 'canonicalLinkHeader',
] as const;
export type IiifExtraFeature = (typeof IIIF_EXTRA_FEATURES)[number];

export interface ImageInfoSize { width: number; height: number }
export interface ImageInfoTiles { width: number; scaleFactors: number[] }

/** info.json as served (key order is the spec's: `@context` first). */
export interface ImageInfo {
  '@context': typeof IIIF_IMAGE_CONTEXT;
  id: string;
  type: 'ImageService3';
  protocol: typeof IIIF_IMAGE_PROTOCOL;
  profile: 'level2';
  width: number;
  height: number;
  maxWidth?: number;
  maxHeight?: number;
  maxArea?: number;
  sizes: ImageInfoSize[];
  tiles: ImageInfoTiles[];
  extraQualities: Exclude<IiifQuality, 'default'>[];
  extraFormats: Exclude<IiifFormat, 'jpg'>[];
  extraFeatures: IiifExtraFeature[];
}

export interface ImageInfoInput {
  /** The service's absolute base URI, without a trailing slash. */
  id: string;
  /** The image's upright size (before any resolution cap). */
  width: number;
  height: number;
  /** Output limits of every response, or null for none (then no upscaling is offered). */
  limits: ImageLimits | null;
  tileSize: number;
  /** Tile scale factors; by default 1, 2, 4, … until the whole image fits in one tile. */
  scaleFactors?: number[];
  /** The owner's cap on the resolution a visitor may reach; info.json then describes the capped image. */
  resolutionCap?: ResolutionCap | null;
}

/** A level 2 info.json for one image. */
export function imageInfo(input: ImageInfoInput): ImageInfo {
  if (!/^https?:\/\/[^/]/.test(input.id) || input.id.endsWith('/') || !URL.canParse(input.id)) {
    throw new RangeError(`info.json id must be an absolute http(s) URI without a trailing slash, not ${input.id}`);
  }
  if (!Number.isSafeInteger(input.tileSize) || input.tileSize < 1) throw new RangeError(`tileSize must be a whole number of pixels, not ${input.tileSize}`);
  const full = { width: input.width, height: input.height };
  if (!Number.isSafeInteger(full.width) || !Number.isSafeInteger(full.height) || full.width < 1 || full.height < 1) {
    throw new RangeError(`image must be at least 1×1 whole pixels, not ${full.width}×${full.height}`);
  }
  const served = servedFullSize(full, input.resolutionCap);
  const { limits } = input;
  // The renderer resamples from the original: upscaling a capped image would show detail beyond the
  // cap. Without limits, upscaling is unbounded, and the spec requires maxWidth or maxArea with it.
  const upscaling = limits !== null && served.width === full.width && served.height === full.height;
  // Tiles are promised to be servable (spec 5.2: sizes and tiles MUST be within the limits).
  const tileWidth = limits
    ? Math.max(1, Math.min(input.tileSize, limits.maxWidth, limits.maxHeight, Math.floor(Math.sqrt(limits.maxArea))))
    : input.tileSize;
  const scaleFactors = input.scaleFactors ? checkedScaleFactors(input.scaleFactors) : defaultScaleFactors(served, tileWidth);
  const within = (s: Size) => !limits || (s.width <= limits.maxWidth && s.height <= limits.maxHeight && s.width * s.height <= limits.maxArea);
  const sizes = [...scaleFactors]
    .reverse()
    // Floor halving: the sizes are the pyramid's levels (pyramid.ts), served without resampling.
    .map((s) => ({ width: Math.max(1, Math.floor(served.width / s)), height: Math.max(1, Math.floor(served.height / s)) }))
    .filter(within);

  const info: ImageInfo = {
    '@context': IIIF_IMAGE_CONTEXT,
    id: input.id,
    type: 'ImageService3',
    protocol: IIIF_IMAGE_PROTOCOL,
    profile: 'level2',
    width: served.width,
    height: served.height,
    sizes,
    tiles: [{ width: tileWidth, scaleFactors }],
    extraQualities: IIIF_QUALITIES.filter((q): q is Exclude<IiifQuality, 'default'> => q !== 'default'),
    extraFormats: IIIF_FORMATS.filter((f): f is Exclude<IiifFormat, 'jpg'> => f !== 'jpg'),
    extraFeatures: IIIF_EXTRA_FEATURES.filter((f) => f !== 'sizeUpscaling' || upscaling),
  };
  if (limits) {
    // A limit is stated when it bites: below the full image, or bounding `^` upscaling (always then).
    const sides = upscaling || limits.maxWidth < served.width || limits.maxHeight < served.height;
    const area = (upscaling || limits.maxArea < served.width * served.height)
      && !(sides && limits.maxArea >= limits.maxWidth * limits.maxHeight);
    return withLimits(info, sides ? limits : null, area ? limits.maxArea : null);
  }
  return info;
}

/** Inserts the limits after height, where the spec's examples put them. */
function withLimits(info: ImageInfo, sides: ImageLimits | null, maxArea: number | null): ImageInfo {
  const { sizes, tiles, extraQualities, extraFormats, extraFeatures, ...head } = info;
  return {
    ...head,
    ...(sides ? { maxWidth: sides.maxWidth, maxHeight: sides.maxHeight } : {}),
    ...(maxArea !== null ? { maxArea } : {}),
    sizes, tiles, extraQualities, extraFormats, extraFeatures,
  };
}

/** 1, 2, 4, … until the whole image fits in one tile (tile requests round partial tiles up). */
function defaultScaleFactors(image: Size, tile: number): number[] {
  const factors = [1];
  let s = 1;
  while (Math.ceil(image.width / s) > tile || Math.ceil(image.height / s) > tile) {
    s *= 2;
    factors.push(s);
  }
  return factors;
}

function checkedScaleFactors(factors: number[]): number[] {
  if (factors.length === 0 || !factors.every((f) => Number.isSafeInteger(f) && f >= 1)) {
    throw new RangeError(`scaleFactors must be positive whole numbers, not [${factors.join(', ')}]`);
  }
  // The spec wants each factor once; ascending is the usual order.
  return [...new Set(factors)].sort((a, b) => a - b);
}

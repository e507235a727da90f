/**
 * IIIF Image API 3.0 image requests (https://iiif.io/api/image/3.0/#4-image-requests): parses the
 * `{region}/{size}/{rotation}/{quality}.{format}` path segments, resolves them against one image
 * and its limits into pixels, and gives the canonical form of a resolved request. Pure: no IO.
 *
 * Number syntax (spec 4.7 says floats "MUST consist only of decimal digits and '.'"), strict on
 * purpose so that one request has few spellings and nothing odd reaches arithmetic:
 * - pixels (region x,y,w,h and size w,h): 1–10 ASCII digits;
 * - percentages and rotation: 1–10 digits, optionally `.` and 1–10 digits (`0.5`, not `.5` or `5.`);
 * - no sign, exponent, space, hex, `Infinity`; leading zeros (`007`) and trailing zeros (`0.50`)
 *   are accepted: they are digits, their value is plain, and the canonical link header names the
 *   one spelling caches should use.
 *
 * Resolution cap (`ServeOptions.resolutionCap`): a work whose owner allows only display-size
 * viewing is served as if its full image were the original scaled down to fit the cap (the spec's
 * "full image" is whatever info.json reports; the underlying content "might be derived"). Every
 * region, size, tile and `max` is then spec-exact in that smaller image, so no request, and no
 * set of tiles, reaches more detail than the cap; the parser maps the region back onto the
 * original's pixels, so the renderer needs nothing. Upscaling is refused (501) under a cap that
 * bites, because the renderer resamples from the original: a `^` size above the region would
 * carry detail beyond the cap.
 */
import { IIIF_FORMATS, IIIF_QUALITIES, type IiifFormat, type IiifQuality, type ImageLimits, type ImageRequest, type PixelRect } from './image-api.js';

/**
 * Every code is answered 400 (Bad Request) except `iiif.upscale_unsupported` (a `^` size that would
 * enlarge an image served without upscaling), for which Image API §7.1 prescribes status 501.
 */
export type IiifErrorCode = keyof typeof IIIF_ERROR_PARAMS;

const SCALED = ['size', 'width', 'height', 'regionWidth', 'regionHeight'] as const;
/**
 * The parameters each code is thrown with, always all of them: the table a module's
 * `errorKeys({...})` declaration (platform/errors.ts) and the message catalogues can be built from.
 */
export const IIIF_ERROR_PARAMS = {
  'iiif.bad_region': ['region'],
  'iiif.region_outside': ['region', 'width', 'height'],
  'iiif.bad_size': ['size'],
  'iiif.upscale_not_allowed': SCALED,
  'iiif.upscale_unsupported': SCALED,
  'iiif.too_large': [...SCALED, 'maxWidth', 'maxHeight', 'maxArea'],
  'iiif.bad_rotation': ['rotation'],
  'iiif.bad_quality': ['quality'],
  'iiif.bad_format': ['format'],
} as const satisfies Record<string, readonly string[]>;

/** A malformed or unsatisfiable image request; `params` carry what the message says, for translation. */
export class IiifRequestError extends Error {
  constructor(readonly code: IiifErrorCode, message: string, readonly params: Record<string, string | number> = {}) {
    super(message);
    this.name = 'IiifRequestError';
  }
}

export interface Size { width: number; height: number }

/** The largest full image a visitor may reach (fit inside, aspect kept, never enlarged). */
export interface ResolutionCap { maxWidth: number; maxHeight: number; maxArea?: number }

export interface ServeOptions { resolutionCap?: ResolutionCap | null }

export interface ImageRequestParts { region: string; size: string; rotation: string; qualityFormat: string }

type RegionSpec =
  | { kind: 'full' } | { kind: 'square' }
  | { kind: 'px' | 'pct'; x: number; y: number; w: number; h: number };

type SizeSpec = { upscale: boolean } & (
  | { kind: 'max' } | { kind: 'w'; w: number } | { kind: 'h'; h: number } | { kind: 'pct'; n: number }
  | { kind: 'wh' | 'confined'; w: number; h: number });

const PIXELS = /^\d{1,10}$/;
const DECIMAL = /^\d{1,10}(?:\.\d{1,10})?$/;
const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}(?:~[0-9a-f]{1,64})?$/;

/** Resolves the four path segments of an image request against `image` (upright pixels) and `limits`. */
export function parseImageRequest(parts: ImageRequestParts, image: Size, limits: ImageLimits, options: ServeOptions = {}): ImageRequest {
  assertSize(image, 'image');
  assertLimits(limits);
  // Syntax first, every segment, so a malformed request is a 400 before any 501 about upscaling.
  const regionSpec = parseRegion(parts.region);
  const sizeSpec = parseSize(parts.size);
  const rotation = parseRotation(parts.rotation);
  const { quality, format } = parseQualityFormat(parts.qualityFormat);

  const served = servedFullSize(image, options.resolutionCap);
  const region = resolveRegion(regionSpec, served, parts.region);
  const upscaling = served.width === image.width && served.height === image.height;
  const size = resolveSize(sizeSpec, region, limits, upscaling, parts.size);
  return { region: mapRect(region, served, image), size, rotation, quality, format };
}

/** The canonical `{region}/{size}/{rotation}/{quality}.{format}` of a resolved request (spec 4.8). */
export function canonicalImagePath(req: ImageRequest, image: Size, limits: ImageLimits, options: ServeOptions = {}): string {
  const served = servedFullSize(image, options.resolutionCap);
  const r = mapRect(req.region, image, served);
  const region = r.x === 0 && r.y === 0 && r.width === served.width && r.height === served.height
    ? 'full' : `${r.x},${r.y},${r.width},${r.height}`;
  const { width, height } = req.size;
  const same = (s: Size) => s.width === width && s.height === height;
  const upscaled = width > r.width || height > r.height;
  const size = same(maxSize(r, limits, false)) ? 'max'
    : upscaled && same(maxSize(r, limits, true)) ? '^max'
      : `${upscaled ? '^' : ''}${width},${height}`;
  const rotation = `${req.rotation.mirror ? '!' : ''}${formatDecimal(req.rotation.degrees)}`;
  return `${region}/${size}/${rotation}/${req.quality}.${req.format}`;
}

/**
 * An image identifier from a decoded path segment, or null: `[A-Za-z0-9_-]{1,64}` with an optional
 * `~` and 1–64 lowercase hex digits. Anything else (`/`, `\`, `.`, `%`, controls, non-ASCII) is refused.
 */
export function parseIdentifier(raw: string): string | null {
  return raw.length <= 129 && IDENTIFIER.test(raw) ? raw : null;
}

/** The full image as served: `image` scaled down to fit `cap` (unchanged without a cap or when it fits). */
export function servedFullSize(image: Size, cap: ResolutionCap | null | undefined): Size {
  if (!cap) return { width: image.width, height: image.height };
  assertSize({ width: cap.maxWidth, height: cap.maxHeight }, 'resolution cap');
  if (cap.maxArea !== undefined && !(cap.maxArea >= 1)) throw new RangeError(`resolution cap maxArea must be at least 1, not ${cap.maxArea}`);
  return fitLargest(image, Math.min(cap.maxWidth, image.width), Math.min(cap.maxHeight, image.height), cap.maxArea ?? Infinity);
}

/**
 * The size `max` (or `^max` when `upscale`) gives for a region: as large as the limits allow with
 * the region's aspect ratio, and no larger than the region unless upscaling.
 */
export function maxSize(region: Size, limits: ImageLimits, upscale: boolean): Size {
  return upscale
    ? fitLargest(region, limits.maxWidth, limits.maxHeight, limits.maxArea)
    : fitLargest(region, Math.min(limits.maxWidth, region.width), Math.min(limits.maxHeight, region.height), limits.maxArea);
}

/**
 * The largest size with `shape`'s aspect ratio inside the bounds. The long side is searched and the
 * short side derived from it with Math.round (at least 1), which is how the `w,` and `,h` forms
 * derive theirs; the fit grows monotonically with the long side, so a binary search finds it
 * without the floating-point edge cases of dividing bounds by the shape.
 */
function fitLargest(shape: Size, maxWidth: number, maxHeight: number, maxArea: number): Size {
  const landscape = shape.width >= shape.height;
  const long = landscape ? shape.width : shape.height;
  const short = landscape ? shape.height : shape.width;
  const at = (l: number): Size => {
    const s = Math.max(1, Math.round((l * short) / long));
    return landscape ? { width: l, height: s } : { width: s, height: l };
  };
  const fits = (s: Size) => s.width <= maxWidth && s.height <= maxHeight && s.width * s.height <= maxArea;
  let lo = 1;
  let hi = Math.floor(Math.min(landscape ? maxWidth : maxHeight, Number.MAX_SAFE_INTEGER));
  if (hi < 1 || !fits(at(1))) return at(1);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(at(mid))) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
}

function parseRegion(raw: string): RegionSpec {
  if (raw === 'full' || raw === 'square') return { kind: raw };
  const pct = raw.startsWith('pct:');
  const values = (pct ? raw.slice(4) : raw).split(',');
  const syntax = pct ? DECIMAL : PIXELS;
  if (values.length !== 4 || !values.every((v) => syntax.test(v))) {
    throw new IiifRequestError('iiif.bad_region', `region "${clip(raw)}" must be full, square, x,y,w,h in whole pixels or pct:x,y,w,h in percent`, { region: clip(raw) });
  }
  const [x, y, w, h] = values.map(Number) as [number, number, number, number];
  if (w === 0 || h === 0) throw new IiifRequestError('iiif.bad_region', `region "${raw}" has zero width or height`, { region: raw });
  return { kind: pct ? 'pct' : 'px', x, y, w, h };
}

function resolveRegion(spec: RegionSpec, image: Size, raw: string): PixelRect {
  const { width: W, height: H } = image;
  if (spec.kind === 'full') return { x: 0, y: 0, width: W, height: H };
  if (spec.kind === 'square') {
    const side = Math.min(W, H);
    return { x: Math.floor((W - side) / 2), y: Math.floor((H - side) / 2), width: side, height: side };
  }
  if (spec.kind === 'px') {
    if (spec.x >= W || spec.y >= H) throw outside(raw, image);
    return { x: spec.x, y: spec.y, width: Math.min(spec.w, W - spec.x), height: Math.min(spec.h, H - spec.y) };
  }
  if (spec.x >= 100 || spec.y >= 100) throw outside(raw, image);
  // Edges, not widths, are rounded, so regions that meet in percent meet in pixels (no seam, no overlap).
  const [x0, x1] = pctEdges(spec.x, spec.w, W);
  const [y0, y1] = pctEdges(spec.y, spec.h, H);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Pixel edges of a percent span, clipped to the image; a non-empty span keeps at least one pixel. */
function pctEdges(start: number, span: number, full: number): [number, number] {
  const a = Math.min(Math.round((start * full) / 100), full - 1);
  const b = Math.min(Math.max(Math.round(((start + span) * full) / 100), a + 1), full);
  return [a, b];
}

function outside(raw: string, image: Size): IiifRequestError {
  return new IiifRequestError('iiif.region_outside', `region "${raw}" lies outside the ${image.width}×${image.height} image`, { region: raw, width: image.width, height: image.height });
}

function parseSize(raw: string): SizeSpec {
  const bad = (why: string) => new IiifRequestError('iiif.bad_size', `size "${clip(raw)}" ${why}`, { size: clip(raw) });
  const upscale = raw.startsWith('^');
  let rest = upscale ? raw.slice(1) : raw;
  if (rest === 'max') return { upscale, kind: 'max' };
  if (rest === 'full') throw bad('is not in version 3 of the Image API (it was in 2.x): ask for max');
  if (rest.startsWith('pct:')) {
    const n = rest.slice(4);
    if (!DECIMAL.test(n)) throw bad('must be pct:n with n a decimal number such as 50 or 12.5');
    if (Number(n) === 0) throw bad('must be above 0 percent');
    return { upscale, kind: 'pct', n: Number(n) };
  }
  const confined = rest.startsWith('!');
  if (confined) rest = rest.slice(1);
  const values = rest.split(',');
  const [w = '', h = ''] = values;
  const ok = values.length === 2 && (w === '' || PIXELS.test(w)) && (h === '' || PIXELS.test(h)) && (w !== '' || h !== '') && (!confined || (w !== '' && h !== ''));
  if (!ok) throw bad('must be one of max, w,  ,h  pct:n  w,h  !w,h (each may start with ^), in whole pixels');
  if ((w !== '' && Number(w) === 0) || (h !== '' && Number(h) === 0)) throw bad('asks for an image less than 1 pixel wide or high');
  if (confined) return { upscale, kind: 'confined', w: Number(w), h: Number(h) };
  if (h === '') return { upscale, kind: 'w', w: Number(w) };
  if (w === '') return { upscale, kind: 'h', h: Number(h) };
  return { upscale, kind: 'wh', w: Number(w), h: Number(h) };
}

function resolveSize(spec: SizeSpec, region: Size, limits: ImageLimits, upscaling: boolean, raw: string): Size {
  const { width: rw, height: rh } = region;
  // Spec §4.2 says a scaled region under one pixel SHOULD be refused; a derived side rounds up to 1
  // instead, because viewers ask for edge tiles as `w,` (a 257 × 3 strip at scale 32 is `9,`), and a
  // refusal there is a blank tile. A side the client states itself is never 0 (parseSize refuses it).
  const derive = (n: number) => Math.max(1, Math.round(n));
  let size: Size;
  switch (spec.kind) {
    case 'max': size = maxSize(region, limits, spec.upscale); break;
    case 'w': size = { width: spec.w, height: derive((spec.w * rh) / rw) }; break;
    case 'h': size = { width: derive((spec.h * rw) / rh), height: spec.h }; break;
    case 'pct': size = { width: derive((rw * spec.n) / 100), height: derive((rh * spec.n) / 100) }; break;
    case 'wh': size = { width: spec.w, height: spec.h }; break;
    case 'confined': size = fitLargest(region,
      Math.min(spec.w, limits.maxWidth, spec.upscale ? Infinity : rw),
      Math.min(spec.h, limits.maxHeight, spec.upscale ? Infinity : rh), limits.maxArea); break;
  }
  const params = { size: raw, width: size.width, height: size.height, regionWidth: rw, regionHeight: rh };
  // pct:n above 100 is refused even where rounding keeps a tiny region's pixels (the spec bounds n itself).
  if (size.width > rw || size.height > rh || (spec.kind === 'pct' && spec.n > 100)) {
    if (!spec.upscale) {
      throw new IiifRequestError('iiif.upscale_not_allowed', `size "${raw}" is ${size.width}×${size.height}, larger than the ${rw}×${rh} region; prefix it with ^ to upscale`, params);
    }
    if (!upscaling) {
      throw new IiifRequestError('iiif.upscale_unsupported', `size "${raw}" would upscale the ${rw}×${rh} region, which this image is not served with`, params);
    }
  }
  if (size.width > limits.maxWidth || size.height > limits.maxHeight || size.width * size.height > limits.maxArea) {
    throw new IiifRequestError('iiif.too_large', `size "${raw}" is ${size.width}×${size.height}, above this image's limits of ${limits.maxWidth}×${limits.maxHeight} and ${limits.maxArea} pixels`,
      { ...params, maxWidth: limits.maxWidth, maxHeight: limits.maxHeight, maxArea: limits.maxArea });
  }
  return size;
}

function parseRotation(raw: string): ImageRequest['rotation'] {
  const mirror = raw.startsWith('!');
  const value = mirror ? raw.slice(1) : raw;
  if (!DECIMAL.test(value) || Number(value) > 360) {
    throw new IiifRequestError('iiif.bad_rotation', `rotation "${clip(raw)}" must be a number of degrees from 0 to 360, optionally after ! to mirror`, { rotation: clip(raw) });
  }
  // 360 is allowed by the spec and turns the image as far as 0 does.
  return { degrees: Number(value) % 360, mirror };
}

function parseQualityFormat(raw: string): { quality: IiifQuality; format: IiifFormat } {
  const dot = raw.indexOf('.');
  const quality = dot < 0 ? raw : raw.slice(0, dot);
  const format = dot < 0 ? '' : raw.slice(dot + 1);
  if (!isOneOf(IIIF_QUALITIES, quality)) {
    throw new IiifRequestError('iiif.bad_quality', `quality "${clip(quality)}" must be one of ${IIIF_QUALITIES.join(', ')}`, { quality: clip(quality) });
  }
  if (!isOneOf(IIIF_FORMATS, format)) {
    throw new IiifRequestError('iiif.bad_format', `format "${clip(format)}" must be one of ${IIIF_FORMATS.join(', ')}`, { format: clip(format) });
  }
  return { quality, format };
}

/** Maps a rectangle between two sizes of one image by its edges; exact both ways when `to` is the larger. */
function mapRect(rect: PixelRect, from: Size, to: Size): PixelRect {
  if (from.width === to.width && from.height === to.height) return rect;
  const sx = (v: number) => Math.round((v * to.width) / from.width);
  const sy = (v: number) => Math.round((v * to.height) / from.height);
  const x = sx(rect.x), y = sy(rect.y);
  // At least one pixel: only the inverse (larger to smaller) can shrink a side below one.
  const width = Math.max(1, sx(rect.x + rect.width) - x), height = Math.max(1, sy(rect.y + rect.height) - y);
  return { x: Math.min(x, to.width - width), y: Math.min(y, to.height - height), width, height };
}

/** A degree value as the spec's floating point form: integer when whole, else no exponent, no trailing zeros. */
function formatDecimal(n: number): string {
  if (Number.isInteger(n)) return String(n);
  for (let digits = 1; digits <= 20; digits++) {
    const text = n.toFixed(digits);
    if (Number(text) === n) return text.replace(/0+$/, '');
  }
  return n.toFixed(20).replace(/0+$/, '');
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function clip(raw: string): string {
  return raw.length > 100 ? `${raw.slice(0, 100)}…` : raw;
}

function assertSize(size: Size, what: string): void {
  if (!Number.isSafeInteger(size.width) || !Number.isSafeInteger(size.height) || size.width < 1 || size.height < 1) {
    throw new RangeError(`${what} must be at least 1×1 whole pixels, not ${size.width}×${size.height}`);
  }
}

function assertLimits(limits: ImageLimits): void {
  assertSize({ width: limits.maxWidth, height: limits.maxHeight }, 'limits');
  if (!(limits.maxArea >= 1)) throw new RangeError(`limits.maxArea must be at least 1, not ${limits.maxArea}`);
}

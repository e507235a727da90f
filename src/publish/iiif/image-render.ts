/**
 * Renders one resolved IIIF Image API request (image-api.ts) from a pyramidal TIFF (pyramid.ts) or,
 * for small images, from the original file. The pixels of either source are upright 8-bit sRGB with
 * transparency flattened onto white, so an image looks the same however it is stored.
 *
 * Order of operations follows the Image API: region → size → mirror → rotation → quality → format.
 * With a pyramid the region is read from the smallest level that still has at least the requested
 * resolution, so a 256 px view of a 12,000 px image decodes a few tiles of a small level. Every
 * decode waits for room in the process's decode budget, sized from the tiles it reads.
 */
import sharp, { type Sharp } from 'sharp';
import { decodeBudget, decodeCost, withDecodeBudget, type DecodeBudget } from '../../media/decode-budget.js';
import { IIIF_MEDIA_TYPES, type ImageRequest, type PixelRect } from './image-api.js';
import type { PyramidInfo, PyramidLevel } from './pyramid.js';

// As src/media/image-probe.ts: libvips' operation cache would keep decoded tiles of every pyramid
// a visitor touched, outside the decode budget.
sharp.cache(false);

export type RenderSource =
  | { kind: 'pyramid'; file: string; info: PyramidInfo }
  | { kind: 'original'; file: string; width: number; height: number; maxPixels: number };

export interface RenderedImage { data: Buffer; mediaType: string }

export interface RenderOptions {
  /** The decode budget to run under (the process's by default). */
  budget?: DecodeBudget;
}

/** The level a request is read from, and the request's geometry in that level's pixels. */
export interface LevelChoice {
  /** Index into `info.levels`. */
  index: number;
  level: PyramidLevel;
  /** Full-image pixels per level pixel, per axis (2^index for every level libvips writes). */
  factorX: number;
  factorY: number;
  /** The region in level pixels, rounded outward and clamped to the level. */
  rect: PixelRect;
}

/** JPEG quality of served images: visually clean for viewing, a third of the bytes of quality 95. */
export const RENDER_JPEG_QUALITY = 85;
export const RENDER_WEBP_QUALITY = 85;
/** Grey values at or above this become white in `bitonal`. */
export const BITONAL_THRESHOLD = 128;

/**
 * Full-image pixels per pixel of level `index`. libvips halves each level with a 2×2 box and drops
 * an odd last row or column, so level k maps exactly by 2^k (its last level pixel covers full
 * pixels up to 2^k·size, not the image's edge); a level of any other size is mapped by its ratio.
 */
export function levelFactors(info: PyramidInfo, index: number): { factorX: number; factorY: number } {
  const level = info.levels[index]!;
  const f = 2 ** index;
  if (level.width === Math.floor(info.width / f) && level.height === Math.floor(info.height / f)) return { factorX: f, factorY: f };
  return { factorX: info.width / level.width, factorY: info.height / level.height };
}

/**
 * The smallest level whose resolution is still at least what the request asks for, allowing one
 * output pixel of slack: viewers ask for `ceil(region / 2^k)` pixels of a region that level k holds
 * as `region / 2^k` (up to a pixel less), and reading the next larger level for that one pixel
 * would cost four times the decode.
 */
export function chooseLevel(info: PyramidInfo, req: Pick<ImageRequest, 'region' | 'size'>): LevelChoice {
  const { region, size } = req;
  for (let index = info.levels.length - 1; index >= 0; index--) {
    const { factorX, factorY } = levelFactors(info, index);
    const enough = region.width / factorX > size.width - 1 && region.height / factorY > size.height - 1;
    if (enough || index === 0) return { index, level: info.levels[index]!, factorX, factorY, rect: levelRect(region, factorX, factorY, info.levels[index]!) };
  }
  throw new Error('a pyramid has at least one level');
}

/** `region` (full-image pixels) in the pixels of a level shrunk by the factors, rounded outward and clamped. */
export function levelRect(region: PixelRect, factorX: number, factorY: number, level: { width: number; height: number }): PixelRect {
  const x0 = Math.min(level.width - 1, Math.floor(region.x / factorX));
  const y0 = Math.min(level.height - 1, Math.floor(region.y / factorY));
  const x1 = Math.max(x0 + 1, Math.min(level.width, Math.ceil((region.x + region.width) / factorX)));
  const y1 = Math.max(y0 + 1, Math.min(level.height, Math.ceil((region.y + region.height) / factorY)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * How to turn `rect` (whole source pixels around the exact region) into exactly `size` pixels:
 * resize it by the request's scale, then cut the exact region out of the result. The cut keeps
 * sub-pixel placement: a region that starts a third of a level pixel into `rect` starts a third of
 * an output pixel's worth into the resized rect, instead of stretching the extra margin into the
 * output. A rect clamped at the image's edge (the exact region runs past the last level pixel,
 * which libvips dropped) has the cut moved in to fit, or is stretched to the size when it is the
 * shorter: a fraction of a level pixel at the edge, at most about one output pixel.
 */
export interface ResizePlan { resize: { width: number; height: number }; cut: PixelRect | null }

/** The resize and the cut that make `size` from `rect` for an exact region `[ex0, ex1) × [ey0, ey1)` in the same pixels. */
export function resizePlan(rect: PixelRect, exact: { x0: number; y0: number; x1: number; y1: number }, size: { width: number; height: number }): ResizePlan {
  const axis = (r0: number, rLen: number, e0: number, e1: number, out: number): { len: number; offset: number } => {
    const scale = out / (e1 - e0);
    const len = Math.round(rLen * scale);
    // Rounding the length and the offset separately may overshoot the end by one pixel.
    return len >= out ? { len, offset: Math.min(Math.max(0, Math.round((e0 - r0) * scale)), len - out) } : { len: out, offset: 0 };
  };
  const x = axis(rect.x, rect.width, exact.x0, exact.x1, size.width);
  const y = axis(rect.y, rect.height, exact.y0, exact.y1, size.height);
  const cut = x.len === size.width && y.len === size.height ? null : { x: x.offset, y: y.offset, width: size.width, height: size.height };
  return { resize: { width: x.len, height: y.len }, cut };
}

/** Renders `req` from `source`: exactly `req.size` (before rotation), in the requested quality and format. */
export async function renderImageRequest(source: RenderSource, req: ImageRequest, options: RenderOptions = {}): Promise<RenderedImage> {
  const budget = options.budget ?? decodeBudget;
  const data = source.kind === 'pyramid' ? await renderFromPyramid(source.file, source.info, req, budget) : await renderFromOriginal(source, req, budget);
  return { data, mediaType: IIIF_MEDIA_TYPES[req.format] };
}

async function renderFromPyramid(file: string, info: PyramidInfo, req: ImageRequest, budget: DecodeBudget): Promise<Buffer> {
  const choice = chooseLevel(info, req);
  const { rect, factorX, factorY } = choice;
  const exact = {
    x0: req.region.x / factorX, y0: req.region.y / factorY,
    x1: (req.region.x + req.region.width) / factorX, y1: (req.region.y + req.region.height) / factorY,
  };
  const plan = resizePlan(rect, exact, req.size);
  // Tiles are decoded whole: size the grant from the tiles the rect touches, plus the resized copy.
  const ts = info.tileSize;
  const tilesW = (Math.floor((rect.x + rect.width - 1) / ts) - Math.floor(rect.x / ts) + 1) * ts;
  const tilesH = (Math.floor((rect.y + rect.height - 1) / ts) - Math.floor(rect.y / ts) + 1) * ts;
  const cost = decodeCost({ width: tilesW, height: tilesH, channels: 3, depth: 'uchar', format: 'tiff', progressive: false, orientation: 1 })
    + plan.resize.width * plan.resize.height * 4;
  // Random access: a tiled TIFF is read tile by tile wherever the rect is; sequential mode would
  // add a line cache for nothing.
  return budget.run(cost, () => finish(sharp(file, { page: choice.level.page, sequentialRead: false, limitInputPixels: false }), rect, choice.level, plan, req));
}

async function renderFromOriginal(source: Extract<RenderSource, { kind: 'original' }>, req: ImageRequest, budget: DecodeBudget): Promise<Buffer> {
  const { region, size } = req;
  const whole = region.x === 0 && region.y === 0 && region.width === source.width && region.height === source.height;
  const plan: ResizePlan = { resize: size, cut: null };
  const open = () => sharp(source.file, { limitInputPixels: source.maxPixels, failOn: 'truncated' })
    .autoOrient()
    .flatten({ background: '#ffffff' });
  // A whole-image request lets JPEG and WebP shrink while decoding; sharp cannot shrink on load
  // after cutting a region, so a region of an original is decoded at full size (at most the
  // 2048 px of an image with no pyramid: 12 MB).
  const shrinkTo = whole ? Math.max(size.width, size.height) : undefined;
  return withDecodeBudget(source.file, { maxPixels: source.maxPixels, ...(shrinkTo ? { shrinkTo } : {}) }, () =>
    finish(open(), whole ? null : region, { width: source.width, height: source.height }, plan, req), budget);
}

/**
 * Cut, resize, mirror, rotate, set the quality and encode. sharp runs its operations in a fixed
 * order (resize → mirror → rotate → cut-after-resize), so when the exact-region cut after the
 * resize meets a mirror or rotation the resized pixels are taken out raw and turned in a second
 * pipeline; that costs one copy of the output, only for turned requests.
 */
async function finish(image: Sharp, rect: PixelRect | null, source: { width: number; height: number }, plan: ResizePlan, req: ImageRequest): Promise<Buffer> {
  const whole = rect === null || (rect.x === 0 && rect.y === 0 && rect.width === source.width && rect.height === source.height);
  if (!whole) image.extract({ left: rect.x, top: rect.y, width: rect.width, height: rect.height });
  const current = whole ? source : rect;
  if (current.width !== plan.resize.width || current.height !== plan.resize.height) {
    image.resize(plan.resize.width, plan.resize.height, { fit: 'fill' });
  }
  const turned = req.rotation.mirror || req.rotation.degrees !== 0;
  if (plan.cut) {
    image.extract({ left: plan.cut.x, top: plan.cut.y, width: plan.cut.width, height: plan.cut.height });
    if (turned) {
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } });
    }
  }
  return encode(turn(image, req), req);
}

function turn(image: Sharp, req: ImageRequest): Sharp {
  const { degrees, mirror } = req.rotation;
  if (mirror) image.flop();
  if (degrees === 0) return image;
  if (degrees % 90 === 0) return image.rotate(degrees);
  // The corners an arbitrary turn uncovers: white where the format has no transparency.
  const background = req.format === 'jpg' ? { r: 255, g: 255, b: 255, alpha: 1 } : { r: 255, g: 255, b: 255, alpha: 0 };
  return image.rotate(degrees, { background });
}

function encode(image: Sharp, req: ImageRequest): Promise<Buffer> {
  if (req.quality === 'gray') image.greyscale();
  else if (req.quality === 'bitonal') image.threshold(BITONAL_THRESHOLD, { greyscale: true });
  else image.toColourspace('srgb');
  switch (req.format) {
    case 'jpg': return image.jpeg({ quality: RENDER_JPEG_QUALITY, progressive: false, mozjpeg: false }).toBuffer();
    case 'png': return image.png({ compressionLevel: 6 }).toBuffer();
    // Lossy WebP would put grey back into a bitonal image.
    case 'webp': return image.webp(req.quality === 'bitonal' ? { lossless: true } : { quality: RENDER_WEBP_QUALITY }).toBuffer();
  }
}

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
import type { PyramidInfo } from './pyramid.js';
import { chooseLevel, RENDER_JPEG_QUALITY, resizePlan, type ResizePlan } from './render-plan.js';

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

export const RENDER_WEBP_QUALITY = 85;
/** Grey values at or above this become white in `bitonal`. */
export const BITONAL_THRESHOLD = 128;

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

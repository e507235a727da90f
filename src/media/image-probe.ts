import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { AppError } from '../platform/errors.js';
import { withDecodeBudget } from './decode-budget.js';

export interface ImageDerivative {
  name: string;
  data: Buffer;
  mediaType: string;
  width: number;
  height: number;
}

export interface ProbedImage {
  width: number;
  height: number;
  format: string;
  thumbnail: ImageDerivative;
}

export const THUMBNAIL_SIZE = 480;
export const DISPLAY_SIZE = 2048;

sharp.cache(false);

function describePixels(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} gigapixels` : `${(n / 1e6).toFixed(1)} megapixels`;
}

/**
 * Validates an image and makes its thumbnail in one decode. The header is checked first so a
 * decompression bomb is refused before any pixel is decoded; a truncated or corrupt file fails
 * the full decode and is refused with the decoder's reason.
 */
export async function probeImage(file: string, maxPixels: number): Promise<ProbedImage> {
  try {
    // One full decode validates the file (truncation fails here) and makes the thumbnail. libvips
    // reads the header first and refuses images over the pixel limit before decoding any pixel.
    // The decode waits for room in the process's decode budget (a small file may declare 196 MP).
    const [{ data, info }, meta] = await withDecodeBudget(file, { shrinkTo: THUMBNAIL_SIZE, maxPixels }, () => Promise.all([
      sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated' })
        .autoOrient()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb')
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true }),
      sharp(file, { limitInputPixels: false }).metadata(),
    ]));
    return {
      width: meta.autoOrient?.width ?? meta.width ?? info.width,
      height: meta.autoOrient?.height ?? meta.height ?? info.height,
      format: meta.format ?? 'unknown',
      thumbnail: { name: 'thumbnail', data, mediaType: 'image/webp', width: info.width, height: info.height },
    };
  } catch (error) {
    if (/pixel limit/i.test(reason(error))) throw await tooLarge(file, maxPixels);
    // libvips keeps one error buffer per process, so under concurrency its text can be lost
    // ("Unknown error"); the category stays true, and the detail is added when there is one.
    const detail = reason(error);
    throw new AppError('corrupt_file', `image cannot be decoded: the data is corrupt or truncated${/^unknown error$/i.test(detail) || !detail ? '' : ` (${detail})`}`, { key: 'image.corrupt' });
  }
}

/** The decompression-bomb refusal, naming the declared size (read from the header only). */
async function tooLarge(file: string, maxPixels: number): Promise<AppError> {
  const meta = await sharp(file, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta?.width || !meta.height) {
    return new AppError('image_too_large', `image declares more pixels than allowed, above the limit of ${describePixels(maxPixels)}`, { key: 'image.too_large', params: { limit: maxPixels } });
  }
  const declared = `${meta.width}×${meta.height} = ${describePixels(meta.width * meta.height)}`;
  return new AppError('image_too_large', `image declares ${declared}, above the limit of ${describePixels(maxPixels)}`, {
    key: 'image.too_large_declared',
    params: { width: meta.width, height: meta.height, limit: maxPixels },
  });
}

/**
 * ThumbHash (base64) of an image: a ~25-byte placeholder the UI paints while the thumbnail loads.
 * Made from the small thumbnail; 32 px keeps every frequency ThumbHash stores.
 */
export async function makePlaceholder(thumbnail: Buffer): Promise<string> {
  const small = await sharp(thumbnail).resize(32, 32, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)).toString('base64');
}

/** Upright 8-bit sRGB pixels of a display copy (interleaved, 3 channels), before encoding. */
export interface DisplayPixels { data: Buffer; width: number; height: number; channels: number }

/** The display copy's pixels could not be decoded: retrying will not help. */
export class DisplayRenderError extends Error {}

/**
 * A large display copy for the zoomable viewer (made by a background job). With `mark`, the pixels
 * are decoded once and handed to it before any encoding (the watermark works on them and encodes
 * the result; null leaves them unmarked), instead of encoding a JPEG only to decode it again.
 */
export async function makeDisplayImage(file: string, maxPixels: number, mark?: (pixels: DisplayPixels) => Promise<Buffer | null>): Promise<ImageDerivative> {
  const pipeline = () => sharp(file, { limitInputPixels: maxPixels })
    .autoOrient()
    .resize(DISPLAY_SIZE, DISPLAY_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');
  if (!mark) {
    const { data, info } = await withDecodeBudget(file, { shrinkTo: DISPLAY_SIZE, maxPixels }, () => pipeline()
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer({ resolveWithObject: true })
      .catch((error: unknown) => { throw new DisplayRenderError(reason(error)); }));
    return { name: 'display', data, mediaType: 'image/jpeg', width: info.width, height: info.height };
  }
  // The raw pixels, their copy in the marking thread and its working copies (the mark, 8 bytes a
  // pixel; mask and luma grids) stay in memory while marking.
  return withDecodeBudget(file, { shrinkTo: DISPLAY_SIZE, maxPixels, keptBytesPerPixel: 16 }, async () => {
    // Transparency goes onto black, as the JPEG encoder would put it, so the mark covers what is shown.
    const { data: raw, info } = await pipeline().flatten({ background: '#000000' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
      .catch((error: unknown) => { throw new DisplayRenderError(reason(error)); });
    const pixels = { data: raw, width: info.width, height: info.height, channels: info.channels };
    const data = (await mark(pixels)) ?? await sharp(raw, { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } })
      .jpeg({ quality: 85, mozjpeg: false }).toBuffer();
    return { name: 'display', data, mediaType: 'image/jpeg', width: info.width, height: info.height };
  });
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^Input (file|buffer) /, '').slice(0, 300);
}

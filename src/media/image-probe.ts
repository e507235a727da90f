import sharp, { type Metadata } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { AppError } from '../platform/errors.js';

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
  /** ThumbHash, base64: a ~25-byte placeholder the UI paints while the thumbnail loads. */
  placeholder: string;
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
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError('corrupt_file', `not a readable image: ${reason(error)}`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new AppError('corrupt_file', 'image has no dimensions');
  if (width * height > maxPixels) {
    throw new AppError(
      'image_too_large',
      `image declares ${meta.width}×${meta.height} = ${describePixels(width * height)}, above the limit of ${describePixels(maxPixels)}`,
    );
  }
  try {
    // One decode: the raw thumbnail pixels feed both the WebP thumbnail and the ThumbHash.
    const raw = await sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .autoOrient()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rawInput = { raw: { width: raw.info.width, height: raw.info.height, channels: 4 as const } };
    const [data, small] = await Promise.all([
      sharp(raw.data, rawInput).webp({ quality: 80 }).toBuffer(),
      sharp(raw.data, rawInput).resize(100, 100, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true }),
    ]);
    const placeholder = Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)).toString('base64');
    return {
      width,
      height,
      format: meta.format ?? 'unknown',
      placeholder,
      thumbnail: { name: 'thumbnail', data, mediaType: 'image/webp', width: raw.info.width, height: raw.info.height },
    };
  } catch (error) {
    throw new AppError('corrupt_file', `image cannot be decoded: ${reason(error)}`);
  }
}

/** A large display copy for the zoomable viewer (made by a background job). */
export async function makeDisplayImage(file: string, maxPixels: number): Promise<ImageDerivative> {
  const { data, info } = await sharp(file, { limitInputPixels: maxPixels })
    .autoOrient()
    .resize(DISPLAY_SIZE, DISPLAY_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { name: 'display', data, mediaType: 'image/jpeg', width: info.width, height: info.height };
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^Input (file|buffer) /, '').slice(0, 300);
}

import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { withDecodeBudget } from '../media/decode-budget.js';
import { AppError } from '../platform/errors.js';
import { lumaFromPixels } from './pdq/pdq.js';

/**
 * Decodes an image file or buffer into the pixels the perceptual hashers read: upright (EXIF
 * orientation applied), alpha flattened onto white, 8-bit sRGB (CMYK, 16-bit, float, greyscale and
 * palette images converted), first frame or page only. The header is checked before any pixel is
 * decoded, so decompression bombs and images too small to hash are refused cheaply.
 */

export interface ImageInputOptions {
  /** Refuse images whose header declares more pixels than this (decompression bombs). */
  maxPixels: number;
  /** Refuse images whose shorter side (upright) is below this; defaults to PDQ_MIN_SIDE. */
  minSide?: number;
  /** Shrink images whose longer side exceeds this before reading pixels; defaults to PDQ_MAX_SIDE. */
  maxSide?: number;
  /** Colour transparent pixels are flattened onto; white by default. */
  background?: 'white' | 'black';
}

export interface HashableImage {
  /** Row-major luma (0.299 R + 0.587 G + 0.114 B), `width × height`. */
  luma: Float32Array;
  /** Interleaved 8-bit sRGB, 3 bytes a pixel, same size as `luma`. */
  rgb: Uint8Array;
  /** Size of the pixels above (after any shrink). */
  width: number;
  height: number;
  /** Upright size of the image as stored, before any shrink. */
  originalWidth: number;
  originalHeight: number;
  /** Frames or pages in the file; only the first was decoded, so callers can say so when > 1. */
  pages: number;
  /** Format named by the decoder: jpeg, png, webp, gif, tiff, heif, … */
  format: string;
  /** The file has an alpha channel (its pixels were flattened onto `background`). */
  hasAlpha: boolean;
  /**
   * `rgb` is exactly what a plain decode gives (upright, 8-bit sRGB, nothing flattened, converted or
   * shrunk: no alpha, no ICC profile, an sRGB or grey file at its own size), so other readers of the
   * file's pixels (ISCC) may take it instead of decoding the file again.
   */
  plainDecode: boolean;
}

/**
 * Below 64 px on the short side PDQ's 64×64 grid repeats pixels, yet the quality score can still
 * read 100 (wee.jpg, 34×42, does), so size is checked separately from quality.
 */
export const PDQ_MIN_SIDE = 64;

/**
 * Larger images are shrunk (Lanczos, aspect kept) to 2048 px on the long side before hashing. The
 * reference filters at full size (Java) or stretches to 512×512 nearest-neighbour (C++ tool); up to
 * 2048 px this is the Java reference bit for bit, and above it the hash moves by 0–4 bits in our
 * tests while time and memory stay bounded (a 4032×3024 photo hashes at a quarter of its pixels).
 */
export const PDQ_MAX_SIDE = 2048;

sharp.cache(false);

/** Decodes the first frame of an image into upright 8-bit sRGB and luma, refusing bombs and tiny images. */
export async function readImageForHashing(input: string | Buffer, options: ImageInputOptions): Promise<HashableImage> {
  const minSide = options.minSide ?? PDQ_MIN_SIDE;
  const maxSide = options.maxSide ?? PDQ_MAX_SIDE;
  const header = await readHeader(input);
  const declared = header.width * header.height;
  if (declared > options.maxPixels) {
    throw new AppError('image_too_large', `image declares ${header.width}×${header.height} = ${describePixels(declared)}, above the limit of ${describePixels(options.maxPixels)}`, {
      key: 'image.too_large_declared',
      params: { width: header.width, height: header.height, limit: options.maxPixels },
    });
  }
  if (Math.min(header.width, header.height) < minSide) {
    throw new AppError('image_too_small', `image is ${header.width}×${header.height} px; at least ${minSide} px on the shorter side is needed to fingerprint it`, {
      key: 'fingerprint.image_too_small',
      params: { width: header.width, height: header.height, min: minSide },
    });
  }
  let pipeline = sharp(input, { limitInputPixels: options.maxPixels, failOn: 'truncated', pages: 1 })
    .autoOrient()
    .flatten({ background: options.background === 'black' ? '#000000' : '#ffffff' })
    .toColourspace('srgb');
  if (Math.max(header.width, header.height) > maxSide) {
    pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', kernel: 'lanczos3' });
  }
  // Under the decode budget: the sRGB bytes and their float luma stay in memory (7 bytes a pixel).
  const { data, info, luma } = await withDecodeBudget(input, { shrinkTo: maxSide, maxPixels: options.maxPixels, keptBytesPerPixel: 7 }, async () => {
    let decoded: { data: Buffer; info: OutputInfo };
    try {
      decoded = await pipeline.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw decodeError(error, options.maxPixels);
    }
    const { info } = decoded;
    if (info.channels !== 3) throw new AppError('corrupt_file', `image decoded to ${info.channels} channels, expected 3 (sRGB)`, { key: 'image.unexpected_channels', params: { channels: info.channels, expected: 3 } });
    return { ...decoded, luma: lumaFromPixels(decoded.data, info.width, info.height, 3) };
  });
  return {
    luma,
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    originalWidth: header.width,
    originalHeight: header.height,
    pages: header.pages,
    format: header.format,
    hasAlpha: header.hasAlpha,
    plainDecode: !header.hasAlpha && !header.hasProfile && (header.space === 'srgb' || header.space === 'b-w') && info.width === header.width && info.height === header.height,
  };
}

interface Header {
  width: number;
  height: number;
  pages: number;
  format: string;
  hasAlpha: boolean;
  hasProfile: boolean;
  space: string;
}

/** Upright size, page count and format, from the header alone (no pixels are decoded). */
async function readHeader(input: string | Buffer): Promise<Header> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    throw decodeError(error, Infinity);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height;
  if (!width || !height) throw new AppError('corrupt_file', 'image header does not state a width and height', { key: 'image.no_dimensions' });
  return { width, height, pages: meta.pages ?? 1, format: meta.format ?? 'unknown', hasAlpha: meta.hasAlpha ?? false, hasProfile: meta.hasProfile ?? false, space: meta.space ?? 'unknown' };
}

/** Maps a decoder failure to the module's error codes; a missing file stays an IO error. */
function decodeError(error: unknown, maxPixels: number): Error {
  const detail = reason(error);
  if (/input file is missing/i.test(detail)) return error instanceof Error ? error : new Error(detail);
  if (/pixel limit/i.test(detail)) return new AppError('image_too_large', `image has more than ${describePixels(maxPixels)}, the limit`, { key: 'image.too_large', params: { limit: maxPixels } });
  if (/unsupported image format/i.test(detail)) {
    return new AppError('unsupported_media', 'not an image format that can be read (JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF, SVG)', { key: 'image.unsupported_format' });
  }
  // libvips keeps one error buffer per process, so under concurrency its text can be lost ("Unknown error").
  const suffix = /^unknown error$/i.test(detail) || !detail ? '' : ` (${detail})`;
  return new AppError('corrupt_file', `image cannot be decoded: the data is corrupt or truncated${suffix}`, { key: 'image.corrupt' });
}

function describePixels(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} gigapixels` : `${(n / 1e6).toFixed(1)} megapixels`;
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^Input (file|buffer) /, '').slice(0, 300);
}

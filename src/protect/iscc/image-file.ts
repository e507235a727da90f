/**
 * ISCC codes of an image file, as iscc-sdk's `code_iscc` makes them for images: Image-Code from
 * the normalised pixels, Data- and Instance-Code from the bytes (streamed, so memory stays
 * bounded whatever the file size), an optional Meta-Code, and the composite ISCC-CODE.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { readImageHeader, withDecodeBudget, type ImageHeader } from '../../media/decode-budget.js';
import { AppError } from '../../platform/errors.js';
import { DataHasher } from './data-code.js';
import { genImageCode } from './image-code.js';
import { normalizeImagePixels, normalizePixelRows, type RawPixels } from './image-normalize.js';
import { InstanceHasher } from './instance-code.js';
import { genIsccCode } from './iscc-code.js';
import { genMetaCode, normalizeName, type MetaInput } from './meta-code.js';
import { vipsFileRows } from './vips-file-rows.js';

/** iscc-sdk's default pixel limit (Pillow's MAX_IMAGE_PIXELS as the SDK sets it). */
export const DEFAULT_MAX_PIXELS = 128_000_000;
const READ_CHUNK = 1 << 20;

export interface ImageFileIsccOptions {
  /** Title of the work; a Meta-Code is made only when it is non-empty after normalisation. */
  name?: string | null;
  description?: string | null;
  /** Extended metadata for the Meta-Code (JSON object or `data:` URL). */
  meta?: MetaInput | null;
  /** Bit length of each unit (the ISCC-CODE always takes 64 bits of each). Default 64. */
  bits?: number;
  /** Refuse images with more pixels than this before decoding them. Default 128 million. */
  maxPixels?: number;
  /**
   * The file's pixels as the ISCC decoder would give them (upright 8-bit sRGB), when the caller has
   * them already: they are normalised instead of decoding the file again.
   */
  pixels?: RawPixels;
}

export interface ImageFileIscc {
  /** Meta-Code, when a name was given. */
  meta?: string;
  /** Image-Code. */
  content: string;
  /** Data-Code. */
  data: string;
  /** Instance-Code. */
  instance: string;
  /** The composite ISCC-CODE of the units above. */
  iscc: string;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.trim() : String(error);
}

/**
 * Frames larger than this (RGB or RGBA bytes) are decoded to an uncompressed copy on disk and
 * normalised from it a block of rows at a time, instead of in memory: a 24 KB PNG may declare 196
 * megapixels. 64 MiB keeps photos up to ~22 MP (RGB) in memory, where they are fastest.
 */
export const IN_MEMORY_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Decodes an image file and normalises it as iscc-sdk does: EXIF orientation applied, then
 * the Pillow-equivalent steps of `normalizeImagePixels`. Returns 1024 grey pixels (32×32).
 */
export async function imageFilePixels(file: string, maxPixels = DEFAULT_MAX_PIXELS, options: { inMemoryMaxBytes?: number } = {}): Promise<Uint8Array> {
  const header = await readImageHeader(file);
  const bands = (h: ImageHeader) => (h.channels === 2 || h.channels === 4 ? 4 : 3);
  if (header && header.width * header.height <= maxPixels && header.width * header.height * bands(header) > (options.inMemoryMaxBytes ?? IN_MEMORY_MAX_BYTES)) {
    return pixelsThroughDisk(file, maxPixels);
  }
  // The SDK trims and resizes at full size, so the whole frame is kept: the decode waits for room
  // in the process's decode budget.
  return withDecodeBudget(file, { maxPixels, keptBytesPerPixel: bands }, async () => {
    let decoded: { data: Buffer; info: OutputInfo };
    try {
      decoded = await decoder(file, maxPixels).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw decodeFailure(error, maxPixels);
    }
    const { data, info } = decoded;
    if (info.channels !== 3 && info.channels !== 4) throw new AppError('corrupt_file', `image decoded to ${info.channels} channels, expected RGB or RGBA`, { key: 'image.unexpected_channels', params: { channels: info.channels, expected: 4 } });
    return normalizeImagePixels({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels });
  });
}

/**
 * The same decode written to a temporary `.v` file (streamed by libvips; in TMPDIR, which should be
 * on disk, not tmpfs), then normalised from it.
 */
async function pixelsThroughDisk(file: string, maxPixels: number): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wenyuan-iscc-'));
  try {
    const copy = path.join(dir, 'frame.v');
    try {
      await withDecodeBudget(file, { maxPixels }, () => decoder(file, maxPixels).toFile(copy));
    } catch (error) {
      throw decodeFailure(error, maxPixels);
    }
    const rows = vipsFileRows(copy);
    // The open descriptor keeps the bytes readable: unlinked now, a crash leaves nothing behind.
    await rm(dir, { recursive: true, force: true });
    try {
      return normalizePixelRows(rows);
    } finally {
      rows.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Upright 8-bit sRGB (alpha kept when there is one), as the SDK's Pillow steps expect. */
function decoder(file: string, maxPixels: number): Sharp {
  return sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated', ignoreIcc: true }).autoOrient().toColourspace('srgb');
}

function decodeFailure(error: unknown, maxPixels: number): AppError {
  const detail = reason(error);
  if (/pixel limit/i.test(detail)) {
    return new AppError('image_too_large', `image has more than ${maxPixels} pixels, the limit for ISCC image codes`, { key: 'image.too_large', params: { limit: maxPixels } });
  }
  return new AppError('corrupt_file', `image cannot be decoded for its ISCC: the data is corrupt, truncated or not an image${detail ? ` (${detail})` : ''}`, { key: 'image.corrupt' });
}

/** Data- and Instance-Code of a file, read once as a stream in 1 MiB pieces. */
export async function fileDataAndInstance(file: string, bits = 64, signal?: AbortSignal): Promise<{ data: string; instance: string }> {
  const dataHasher = new DataHasher();
  const instanceHasher = await InstanceHasher.create();
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK, signal })) {
    const bytes = chunk as Buffer;
    dataHasher.push(bytes);
    instanceHasher.push(bytes);
  }
  return { data: 'ISCC:' + dataHasher.code(bits), instance: instanceHasher.result(bits).iscc };
}

/** The ISCC codes of an image file: `{ meta?, content, data, instance, iscc }`, each with `ISCC:`. */
export async function isccForImageFile(file: string, options: ImageFileIsccOptions = {}): Promise<ImageFileIscc> {
  const bits = options.bits ?? 64;
  try {
    await stat(file);
  } catch {
    throw new AppError('not_found', `image file ${file} was not found`, { key: 'not_found.image_file', params: { path: file } });
  }
  // Decode and hash in parallel; a file that fails to decode stops the read of the rest.
  const abort = new AbortController();
  const given = options.pixels;
  const pixelsPromise = given ? Promise.resolve(normalizeImagePixels(given)) : imageFilePixels(file, options.maxPixels);
  pixelsPromise.catch(() => abort.abort());
  const [pixels, sums] = await Promise.all([pixelsPromise, fileDataAndInstance(file, bits, abort.signal)]);
  const content = genImageCode(pixels, bits).iscc;
  const name = options.name ?? '';
  const meta = normalizeName(name) ? genMetaCode(name, options.description, options.meta, bits).iscc : undefined;
  const units = [...(meta ? [meta] : []), content, sums.data, sums.instance];
  const result: ImageFileIscc = { content, data: sums.data, instance: sums.instance, iscc: genIsccCode(units).iscc };
  if (meta) result.meta = meta;
  return result;
}

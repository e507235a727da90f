/**
 * ISCC codes of an image file, as iscc-sdk's `code_iscc` makes them for images: Image-Code from
 * the normalised pixels, Data- and Instance-Code from the bytes (streamed, so memory stays
 * bounded whatever the file size), an optional Meta-Code, and the composite ISCC-CODE.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { AppError } from '../../platform/errors.js';
import { DataHasher } from './data-code.js';
import { genImageCode } from './image-code.js';
import { normalizeImagePixels } from './image-normalize.js';
import { InstanceHasher } from './instance-code.js';
import { genIsccCode } from './iscc-code.js';
import { genMetaCode, normalizeName, type MetaInput } from './meta-code.js';

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
 * Decodes an image file and normalises it as iscc-sdk does: EXIF orientation applied, then
 * the Pillow-equivalent steps of `normalizeImagePixels`. Returns 1024 grey pixels (32×32).
 */
export async function imageFilePixels(file: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<Uint8Array> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated', ignoreIcc: true })
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const detail = reason(error);
    if (/pixel limit/i.test(detail)) {
      throw new AppError('image_too_large', `image has more than ${maxPixels} pixels, the limit for ISCC image codes`, { key: 'image.too_large', params: { limit: maxPixels } });
    }
    throw new AppError('corrupt_file', `image cannot be decoded for its ISCC: the data is corrupt, truncated or not an image${detail ? ` (${detail})` : ''}`, { key: 'image.corrupt' });
  }
  const { data, info } = decoded;
  if (info.channels !== 4) throw new AppError('corrupt_file', `image decoded to ${info.channels} channels, expected RGBA`, { key: 'image.unexpected_channels', params: { channels: info.channels, expected: 4 } });
  return normalizeImagePixels({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 });
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
  const pixelsPromise = imageFilePixels(file, options.maxPixels);
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

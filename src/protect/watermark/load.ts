/** Decoding inputs through sharp with the pixel limit and the module's errors. */
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { AppError } from '../../platform/errors.js';
import { WatermarkErrors } from './errors.js';

export interface ImageSize { width: number; height: number }

/** A sharp pipeline for the input, auto-oriented by EXIF, refusing more than maxPixels. */
export function open(input: Buffer | string, maxPixels: number): Sharp {
  return sharp(input, { limitInputPixels: maxPixels, failOn: 'none' }).autoOrient();
}

/** Upright size of the input, checked against maxPixels and the minimum short side. */
export async function measure(input: Buffer | string, maxPixels: number, minSide: number): Promise<ImageSize> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { failOn: 'none' }).metadata();
  } catch (err) {
    throw WatermarkErrors.unreadable(err instanceof Error ? err.message : String(err));
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw WatermarkErrors.unreadable('no dimensions');
  if (width * height > maxPixels) throw WatermarkErrors.imageTooLarge(width * height, maxPixels);
  if (Math.min(width, height) < minSide) throw WatermarkErrors.imageTooSmall(width, height, minSide);
  return { width, height };
}

/** Re-throw sharp failures as AppErrors (already-mapped errors pass through). */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return WatermarkErrors.unreadable(err instanceof Error ? err.message : String(err));
}

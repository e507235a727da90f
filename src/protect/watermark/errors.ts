/** Error codes of the watermark module (map them to HTTP statuses in the shared error table). */
import { AppError } from '../../platform/errors.js';

export const WatermarkErrors = {
  /** The image's short side is below what a tile-periodic mark can live in. */
  imageTooSmall: (width: number, height: number, min: number) =>
    new AppError('image_too_small', `image is ${width}×${height}; its short side must be at least ${min} pixels to carry a watermark`, { key: 'watermark.image_too_small', params: { width, height, min } }),
  imageTooLarge: (pixels: number, max: number) =>
    new AppError('image_too_large', `image has ${pixels} pixels; the limit is ${max} (raise maxPixels or downscale it first)`, { key: 'watermark.image_too_large', params: { pixels, limit: max } }),
  unreadable: (why: string) => new AppError('corrupt_file', `the image could not be decoded (corrupt, truncated or not an image): ${why}`, { key: 'watermark.unreadable' }),
  // The payload is left out: it names a copy, which only the work's managers may learn (by a scan).
  alreadyMarked: () =>
    new AppError('conflict', 'the image already carries a watermark under this key; a second mark would make both unreadable — mark the unmarked original instead', { key: 'watermark.already_marked' }),
  invalidKey: (length: number) => new AppError('invalid_input', `watermark key must be 32 bytes, got ${length}`, { key: 'watermark.key_length', params: { length } }),
  invalidPayload: (length: number) => new AppError('invalid_input', `watermark payload must be 6 bytes (48 bits), got ${length}`, { key: 'watermark.payload_length', params: { length } }),
};

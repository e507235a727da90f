/** Keyed, invisible, robust image watermark: 48-bit payload, CRC-24, convolutional code. */
import { bytesPerSample, withDecodeBudget } from '../../media/decode-budget.js';
import { embedWatermark as embed, KEEP_MARK_PIXELS, type EmbedOptions, type EmbedResult, type RawImage } from './embed.js';
import { detectWatermark as detect, type DetectOptions, type DetectResult } from './detect.js';
import { WORK_SIDE } from './keyed-pattern.js';

export { MIN_EMBED_SIDE, type EmbedOptions, type EmbedResult, type RawImage } from './embed.js';
export { MIN_DETECT_SIDE, type DetectOptions, type DetectResult } from './detect.js';
export { PAYLOAD_BYTES } from './payload-code.js';
export { WatermarkErrors } from './errors.js';

/**
 * Embed a 48-bit payload under a 32-byte key (see embed.ts), under the process's decode budget:
 * the decoded pixels are kept whole while the mark is added.
 */
export function embedWatermark(input: Buffer | string | RawImage, options: EmbedOptions): Promise<EmbedResult> {
  // Pixels already decoded were decoded under the budget by whoever holds them (the display job).
  if (typeof input === 'object' && !Buffer.isBuffer(input)) return embed(input, options);
  // Up to a display copy's size the mark is also kept as doubles between its two passes (embed.ts).
  return withDecodeBudget(input, { maxPixels: options.maxPixels, keptBytesPerPixel: (h) => h.channels * bytesPerSample(h.depth) + 1 + (h.width * h.height <= KEEP_MARK_PIXELS ? 8 : 0) }, () => embed(input, options));
}

/**
 * Look for a watermark under `key` (see detect.ts), under the process's decode budget: the image
 * is read at WORK_SIDE pixels on its short side, with a few float copies of that grid.
 */
export function detectWatermark(input: Buffer | string, options: DetectOptions): Promise<DetectResult> {
  return withDecodeBudget(input, { maxPixels: options.maxPixels, shrinkTo: (h) => (WORK_SIDE * Math.max(h.width, h.height)) / Math.min(h.width, h.height), keptBytesPerPixel: 24 }, () => detect(input, options));
}

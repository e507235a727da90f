/** Keyed, invisible, robust image watermark: 48-bit payload, CRC-24, convolutional code. */
export { embedWatermark, MIN_EMBED_SIDE, type EmbedOptions, type EmbedResult } from './embed.js';
export { detectWatermark, MIN_DETECT_SIDE, type DetectOptions, type DetectResult } from './detect.js';
export { PAYLOAD_BYTES } from './payload-code.js';
export { WatermarkErrors } from './errors.js';

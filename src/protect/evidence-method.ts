/**
 * The method texts of every `wenyuan.evidence/v1` bundle. They are part of the registered bytes, so
 * they stay in English; the web client recognises them and shows a translation. (No imports: the
 * browser build reads this file as it is.)
 */
export const EVIDENCE_METHOD_V1 = {
  fingerprint: 'PDQ 256-bit perceptual hash (Meta), Hamming distance, with rotations, mirrors and central crops',
  watermark: 'wenyuan keyed spread-spectrum watermark, 48-bit copy serial with error correction and CRC',
} as const;

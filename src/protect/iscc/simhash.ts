/** SimHash: a similarity-preserving digest from equally sized feature digests. */
import { AppError } from '../../platform/errors.js';

/**
 * Sets each output bit where at least half of the input digests have that bit set (bits read
 * most-significant first), returning a digest of the inputs' size.
 */
export function algSimhash(digests: readonly Uint8Array[]): Uint8Array {
  const first = digests[0];
  if (!first) throw new AppError('invalid_input', 'simhash needs at least one digest', { key: 'iscc.computation' });
  const nbytes = first.length;
  const counts = new Uint32Array(nbytes * 8);
  for (const digest of digests) {
    if (digest.length !== nbytes) throw new AppError('invalid_input', 'simhash digests must be of equal size', { key: 'iscc.computation' });
    for (let byte = 0; byte < nbytes; byte++) {
      const v = digest[byte]!;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (v & (0x80 >> bit)) counts[byte * 8 + bit]!++;
    }
  }
  const half = digests.length / 2;
  const out = new Uint8Array(nbytes);
  for (let i = 0; i < counts.length; i++) if (counts[i]! >= half) out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

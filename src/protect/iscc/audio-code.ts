/**
 * Audio-Code: a similarity hash of a Chromaprint fingerprint (signed 32-bit integers): one
 * SimHash over all features, then one per quarter (in order), then one per third (sorted).
 */
import { AppError } from '../../platform/errors.js';
import { encodeComponent, MT, ST_CC } from './codec.js';
import { algSimhash } from './simhash.js';

export interface AudioCodeResult {
  iscc: string;
}

function toDigest(feature: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, feature, false);
  return out;
}

/** `more_itertools.divide`: n contiguous parts as equal as possible, the first ones longer. */
function divide<T>(n: number, items: readonly T[]): T[][] {
  const q = Math.floor(items.length / n);
  const r = items.length % n;
  const parts: T[][] = [];
  for (let i = 0; i < n; i++) parts.push(items.slice(i * q + Math.min(i, r), (i + 1) * q + Math.min(i + 1, r)));
  return parts;
}

/** Audio-Hash of a Chromaprint vector, `bits` long (a multiple of 32, at most 256). */
export function softHashAudioV0(cv: readonly number[], bits = 64): Uint8Array {
  if (cv.length === 0) return new Uint8Array(32);
  const bad = cv.find((v) => !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff);
  if (bad !== undefined) throw new AppError('invalid_input', `Chromaprint features are signed 32-bit integers; got ${bad}`, { key: 'iscc.computation' });
  const parts: Uint8Array[] = [algSimhash(cv.map(toDigest))];
  let length = 32;
  const buckets = [...divide(4, cv), ...divide(3, [...cv].sort((a, b) => a - b))];
  for (const bucket of buckets) {
    parts.push(bucket.length ? algSimhash(bucket.map(toDigest)) : new Uint8Array(4));
    length += 32;
    if (length === bits) break;
  }
  const out = new Uint8Array(parts.length * 4);
  parts.forEach((p, i) => out.set(p, i * 4));
  return out;
}

/** Audio-Code (ISO 24138 v0) of a Chromaprint vector (`fpcalc -raw -signed`). */
export function genAudioCode(cv: readonly number[], bits = 64): AudioCodeResult {
  return { iscc: 'ISCC:' + encodeComponent(MT.CONTENT, ST_CC.AUDIO, 0, bits, softHashAudioV0(cv, bits)) };
}

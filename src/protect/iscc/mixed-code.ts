/** Mixed-Code: a SimHash over several Content-Codes (each keeping its first header byte). */
import { AppError } from '../../platform/errors.js';
import { decodeBase32, decodeHeader, decodeLength, encodeComponent, isccClean, MT, ST_CC } from './codec.js';
import { algSimhash } from './simhash.js';

export interface MixedCodeResult {
  iscc: string;
  /** The input codes, as given. */
  parts: string[];
}

/** Mixed-Hash of raw Content-Code bytes (header included), each at least `bits` long. */
export function softHashCodesV0(codes: readonly Uint8Array[], bits = 64): Uint8Array {
  if (codes.length < 2) throw new AppError('invalid_input', 'a Mixed-Code needs at least 2 Content-Codes', { key: 'iscc.computation' });
  const nbytes = bits / 8;
  const features = codes.map((raw) => {
    const h = decodeHeader(raw);
    if (h.mainType !== MT.CONTENT) throw new AppError('invalid_input', 'a Mixed-Code takes only Content-Codes', { key: 'iscc.computation' });
    if (decodeLength(h.mainType, h.length) < bits) throw new AppError('invalid_input', `a Content-Code is shorter than ${bits} bits`, { key: 'iscc.computation' });
    const feature = new Uint8Array(nbytes);
    feature[0] = raw[0]!;
    feature.set(h.body.subarray(0, nbytes - 1), 1);
    return feature;
  });
  return algSimhash(features);
}

/** Mixed-Code (ISO 24138 v0) of two or more Content-Codes. */
export function genMixedCode(codes: readonly string[], bits = 64): MixedCodeResult {
  const digest = softHashCodesV0(codes.map((c) => decodeBase32(isccClean(c))), bits);
  return { iscc: 'ISCC:' + encodeComponent(MT.CONTENT, ST_CC.MIXED, 0, bits, digest), parts: [...codes] };
}

/**
 * ISCC-CODE: the composite of ISCC-UNITs under one header: optional Meta-, Semantic- and
 * Content-Code, then the mandatory Data- and Instance-Code, 64 bits of each.
 */
import { AppError } from '../../platform/errors.js';
import { concatBytes, decodeBase32, decodeHeader, decodeLength, encodeBase32, encodeHeader, encodeUnits, isccClean, MT, ST_ISCC } from './codec.js';

export interface IsccCodeResult {
  iscc: string;
}

/**
 * Combines ISCC-UNITs (any order, `ISCC:` prefix optional) into an ISCC-CODE. With `wide`, a
 * pair of Data- and Instance-Code of at least 128 bits each keeps 128 bits of both.
 */
export function genIsccCode(codes: readonly string[], wide = false): IsccCodeResult {
  const clean = codes.map(isccClean);
  if (clean.length < 2) throw new AppError('invalid_input', 'an ISCC-CODE needs at least two ISCC-UNITs', { key: 'iscc.computation' });
  for (const code of clean) {
    if (code.length < 16) throw new AppError('invalid_input', `ISCC-UNIT ${code} is shorter than 64 bits`, { key: 'iscc.computation' });
  }
  const decoded = clean.map((c) => decodeHeader(decodeBase32(c))).sort((a, b) => a.mainType - b.mainType);
  const mainTypes = decoded.map((d) => d.mainType);
  const n = mainTypes.length;
  if (mainTypes[n - 2] !== MT.DATA || mainTypes[n - 1] !== MT.INSTANCE) {
    throw new AppError('invalid_input', 'an ISCC-CODE needs a Data-Code and an Instance-Code', { key: 'iscc.computation' });
  }
  const isWide = wide && n === 2 && decoded.every((d) => decodeLength(d.mainType, d.length) >= 128);

  let subType: number;
  if (isWide) subType = ST_ISCC.WIDE;
  else {
    const subTypes = new Set(decoded.filter((d) => d.mainType === MT.SEMANTIC || d.mainType === MT.CONTENT).map((d) => d.subType));
    if (subTypes.size > 1) throw new AppError('invalid_input', 'the Semantic-Code and Content-Code must be of the same sub type', { key: 'iscc.computation' });
    subType = subTypes.size ? [...subTypes][0]! : n === 2 ? ST_ISCC.SUM : ST_ISCC.NONE;
  }
  const length = encodeUnits(mainTypes.slice(0, -2));
  const take = isWide ? 16 : 8;
  const digest = concatBytes(decoded.map((d) => d.body.subarray(0, take)));
  return { iscc: 'ISCC:' + encodeBase32(concatBytes([encodeHeader(MT.ISCC, subType, 0, length), digest])) };
}

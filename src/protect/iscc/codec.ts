/**
 * ISCC header and string codec (ISO 24138): varnibble headers, RFC 4648 base32 without padding,
 * the `ISCC:` prefix, and decomposition of ISCC-CODEs into their units.
 */
import { AppError, type ErrorOptions } from '../../platform/errors.js';

/** Main types: the first header nibble. */
export const MT = { META: 0, SEMANTIC: 1, CONTENT: 2, DATA: 3, INSTANCE: 4, ISCC: 5, ID: 6, FLAKE: 7 } as const;
/** Sub types of CONTENT and SEMANTIC units. */
export const ST_CC = { TEXT: 0, IMAGE: 1, AUDIO: 2, VIDEO: 3, MIXED: 4 } as const;
/** Sub types of the composite ISCC-CODE. */
export const ST_ISCC = { TEXT: 0, IMAGE: 1, AUDIO: 2, VIDEO: 3, MIXED: 4, SUM: 5, NONE: 6, WIDE: 7 } as const;
/** The sub type of units that have none. */
export const ST_NONE = 0;

/** Combinations of optional units in an ISCC-CODE; the index is the header's length field. */
const UNITS: readonly (readonly number[])[] = [
  [],
  [MT.CONTENT],
  [MT.SEMANTIC],
  [MT.SEMANTIC, MT.CONTENT],
  [MT.META],
  [MT.META, MT.CONTENT],
  [MT.META, MT.SEMANTIC],
  [MT.META, MT.SEMANTIC, MT.CONTENT],
];

export interface IsccHeader {
  mainType: number;
  subType: number;
  version: number;
  /** The raw header length field (its meaning depends on the main type). */
  length: number;
  /** The bytes after the header. */
  body: Uint8Array;
}

/** invalid_input of a malformed code (`iscc.invalid_code`) or of a bad request to encode one (`iscc.computation`). */
function invalid(message: string, options: ErrorOptions<'iscc.invalid_code' | 'iscc.computation' | 'iscc.not_base32'> = { key: 'iscc.invalid_code' }): AppError {
  return new AppError('invalid_input', message, options);
}

/** A small MSB-first bit writer for varnibble headers. */
class BitWriter {
  private bits: number[] = [];
  write(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.bits.push((value >> i) & 1);
  }
  toBytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      if (bit) out[i >> 3]! |= 0x80 >> (i & 7);
    });
    return out;
  }
}

function writeVarnibble(writer: BitWriter, n: number): void {
  // Prefix 0, 10, 110 or 1110, then 3, 6, 9 or 12 value bits.
  if (n >= 0 && n < 8) return writer.write(n, 4);
  if (n >= 8 && n < 72) return writer.write((0b10 << 6) | (n - 8), 8);
  if (n >= 72 && n < 584) return writer.write((0b110 << 9) | (n - 72), 12);
  if (n >= 584 && n < 4680) return writer.write((0b1110 << 12) | (n - 584), 16);
  throw invalid(`header value ${n} is outside 0-4679`, { key: 'iscc.computation' });
}

/** Encodes main type, sub type, version and length field as a varnibble header (zero-padded to bytes). */
export function encodeHeader(mainType: number, subType: number, version: number, length: number): Uint8Array {
  const writer = new BitWriter();
  for (const n of [mainType, subType, version, length]) writeVarnibble(writer, n);
  return writer.toBytes();
}

/** Decodes a varnibble header, returning its four fields and the bytes that follow it. */
export function decodeHeader(data: Uint8Array): IsccHeader {
  const bit = (i: number): number => ((data[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
  const read = (pos: number, width: number): number => {
    let v = 0;
    for (let i = 0; i < width; i++) v = (v << 1) | bit(pos + i);
    return v;
  };
  const total = data.length * 8;
  let pos = 0;
  const fields: number[] = [];
  for (let f = 0; f < 4; f++) {
    let value: number;
    let width: number;
    if (bit(pos) === 0) [value, width] = [read(pos, 4), 4];
    else if (bit(pos + 1) === 0) [value, width] = [read(pos + 2, 6) + 8, 8];
    else if (bit(pos + 2) === 0) [value, width] = [read(pos + 3, 9) + 72, 12];
    else if (bit(pos + 3) === 0) [value, width] = [read(pos + 4, 12) + 584, 16];
    else throw invalid('ISCC header has an invalid varnibble prefix');
    if (pos + width > total) throw invalid('ISCC header is truncated');
    fields.push(value);
    pos += width;
  }
  // A header of an odd number of nibbles is padded with a zero nibble.
  if (pos % 8) pos += 4;
  const [mainType, subType, version, length] = fields as [number, number, number, number];
  return { mainType, subType, version, length, body: data.subarray(pos / 8) };
}

/** Encodes a unit's bit length as its header length field (number of 32-bit blocks minus one). */
export function encodeLength(mainType: number, bits: number): number {
  if (mainType === MT.ISCC) {
    if (bits >= 0 && bits <= 7) return bits;
  } else if (mainType === MT.ID) {
    if (bits >= 64 && bits <= 96) return (bits - 64) / 8;
  } else if (mainType <= MT.INSTANCE || mainType === MT.FLAKE) {
    if (Number.isInteger(bits) && bits >= 32 && bits % 32 === 0) return bits / 32 - 1;
  }
  throw invalid(`invalid length ${bits} for ISCC main type ${mainType}`);
}

/** Decodes a header length field to the number of body bits. */
export function decodeLength(mainType: number, length: number, subType?: number): number {
  if (mainType === MT.ISCC) return subType === ST_ISCC.WIDE ? 256 : decodeUnits(length).length * 64 + 128;
  if (mainType === MT.ID) return length * 8 + 64;
  return (length + 1) * 32;
}

/** The header length field for an ISCC-CODE made of the given optional unit main types. */
export function encodeUnits(mainTypes: readonly number[]): number {
  const index = UNITS.findIndex((u) => u.length === mainTypes.length && u.every((t, i) => t === mainTypes[i]));
  if (index < 0) throw invalid(`invalid combination of ISCC units: main types ${mainTypes.join(', ') || 'none'}`);
  return index;
}

/** The optional unit main types encoded in an ISCC-CODE's length field. */
export function decodeUnits(length: number): readonly number[] {
  const units = UNITS[length];
  if (!units) throw invalid(`invalid ISCC-CODE unit combination ${length}`);
  return units;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding. */
export function encodeBase32(data: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(buffer << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 decoding, case-insensitive, padding optional. */
export function decodeBase32(code: string): Uint8Array {
  const clean = code.toUpperCase().replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) throw invalid(`"${code}" is not base32: unexpected character "${ch}"`, { key: 'iscc.not_base32', params: { code, character: ch } });
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** Encodes one ISCC-UNIT (without the `ISCC:` prefix); the digest is truncated to `bits`. */
export function encodeComponent(mainType: number, subType: number, version: number, bits: number, digest: Uint8Array): string {
  if (mainType === MT.ISCC) throw invalid('an ISCC-CODE is not a unit');
  const length = encodeLength(mainType, bits);
  const nbytes = bits / 8;
  if (digest.length < nbytes) throw invalid(`digest of ${digest.length * 8} bits is shorter than the requested ${bits}`, { key: 'iscc.computation' });
  const header = encodeHeader(mainType, subType, version, length);
  return encodeBase32(concatBytes([header, digest.subarray(0, nbytes)]));
}

/** Strips the `ISCC:` scheme, surrounding whitespace and dashes from an ISCC string. */
export function isccClean(iscc: string): string {
  const parts = iscc.trim().split(':').map((p) => p.trim());
  if (parts.length === 1) return parts[0]!.replace(/-/g, '');
  if (parts.length === 2 && parts[0]!.toLowerCase() === 'iscc') return parts[1]!.replace(/-/g, '');
  throw invalid(`"${iscc}" is not an ISCC: expected an optional "ISCC:" prefix and base32 code`);
}

/** Splits an ISCC-CODE or a sequence of units into its ISCC-UNITs (without prefix). */
export function isccDecompose(iscc: string): string[] {
  let raw = decodeBase32(isccClean(iscc));
  const units: string[] = [];
  while (raw.length) {
    const h = decodeHeader(raw);
    if (h.mainType !== MT.ISCC) {
      const bits = decodeLength(h.mainType, h.length);
      units.push(encodeComponent(h.mainType, h.subType, h.version, bits, h.body.subarray(0, bits / 8)));
      raw = h.body.subarray(bits / 8);
      continue;
    }
    if (h.subType === ST_ISCC.WIDE) {
      units.push(encodeComponent(MT.DATA, ST_NONE, h.version, 128, h.body.subarray(0, 16)));
      units.push(encodeComponent(MT.INSTANCE, ST_NONE, h.version, 128, h.body.subarray(16, 32)));
      break;
    }
    decodeUnits(h.length).forEach((mt, i) => {
      const st = mt === MT.META ? ST_NONE : h.subType;
      units.push(encodeComponent(mt, st, h.version, 64, h.body.subarray(i * 8, i * 8 + 8)));
    });
    const end = h.body.length;
    units.push(encodeComponent(MT.DATA, ST_NONE, h.version, 64, h.body.subarray(end - 16, end - 8)));
    units.push(encodeComponent(MT.INSTANCE, ST_NONE, h.version, 64, h.body.subarray(end - 8)));
    break;
  }
  return units;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

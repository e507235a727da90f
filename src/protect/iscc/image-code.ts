/**
 * Image-Code: a perceptual hash of 32×32 normalised grey pixels. A 2-D DCT is taken and the
 * 8×8 low-frequency blocks at (0,0), (1,0), (0,1) and (1,1) are compared with their medians.
 */
import { AppError } from '../../platform/errors.js';
import { encodeComponent, MT, ST_CC } from './codec.js';
import { algDct } from './dct.js';

export interface ImageCodeResult {
  iscc: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Image-Hash of 1024 grey pixels (row-major 32×32), up to 256 bits. */
export function softHashImageV0(pixels: ArrayLike<number>, bits = 64): Uint8Array {
  if (bits > 256) throw new AppError('invalid_input', `an Image-Code has at most 256 bits, not ${bits}`, { key: 'iscc.computation' });
  if (pixels.length !== 1024) throw new AppError('invalid_input', `an Image-Code needs 1024 (32×32) pixels, not ${pixels.length}`, { key: 'iscc.computation' });
  const rows: number[][] = [];
  for (let y = 0; y < 32; y++) rows.push(algDct(Array.from({ length: 32 }, (_, x) => pixels[y * 32 + x]!)));
  // Column DCTs, kept transposed: cols[x][y].
  const cols: number[][] = [];
  for (let x = 0; x < 32; x++) cols.push(algDct(rows.map((r) => r[x]!)));
  const at = (x: number, y: number): number => cols[x]![y]!;

  const out: number[] = [];
  for (const [sx, sy] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ] as const) {
    const block: number[] = [];
    for (let y = sy; y < sy + 8; y++) for (let x = sx; x < sx + 8; x++) block.push(at(x, y));
    const med = median(block);
    for (const v of block) out.push(v > med ? 1 : 0);
    if (out.length >= bits) break;
  }
  const digest = new Uint8Array(out.length / 8);
  out.forEach((bit, i) => {
    if (bit) digest[i >> 3]! |= 0x80 >> (i & 7);
  });
  return digest;
}

/** Image-Code (ISO 24138 v0) of 1024 normalised grey pixels. */
export function genImageCode(pixels: ArrayLike<number>, bits = 64): ImageCodeResult {
  return { iscc: 'ISCC:' + encodeComponent(MT.CONTENT, ST_CC.IMAGE, 0, bits, softHashImageV0(pixels, bits)) };
}

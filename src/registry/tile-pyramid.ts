import { hashPairInto } from './merkle.js';
import type { NodeReader } from './merkle-proof.js';
import { locateNode, TILE_WIDTH } from './tiles.js';

const HASH = 32;
/** Hashes in a full tile's pyramid: 256 + 128 + … + 2 (sub-levels 0 to 7; sub-level 8 is the next tile level). */
export const PYRAMID_HASHES = 2 * TILE_WIDTH - 2;

/** Every node a full tile covers, computed once (255 hashes), so later proofs only look them up. */
export function buildPyramid(tile: Uint8Array): Buffer {
  if (tile.length !== TILE_WIDTH * HASH) throw new RangeError('only full tiles have a complete pyramid');
  const out = Buffer.allocUnsafe(PYRAMID_HASHES * HASH);
  out.set(tile, 0);
  for (let sub = 1, width = TILE_WIDTH / 2; sub < 8; sub++, width /= 2) {
    const below = offsetOf(sub - 1);
    const at = offsetOf(sub);
    for (let i = 0; i < width; i++) hashPairInto(out, (below + 2 * i) * HASH, out, (at + i) * HASH);
  }
  return out;
}

function offsetOf(subLevel: number): number {
  return 2 * TILE_WIDTH - ((2 * TILE_WIDTH) >> subLevel);
}

/** A NodeReader that answers from full-tile pyramids when it has one, and from `fallback` otherwise. */
export class PyramidNodeReader implements NodeReader {
  constructor(
    private readonly pyramid: (tileLevel: number, tileIndex: number) => Buffer | undefined,
    private readonly fallback: NodeReader,
  ) {}

  node(level: number, index: number): Buffer {
    const at = locateNode(level, index);
    const pyramid = this.pyramid(at.tileLevel, at.tileIndex);
    if (!pyramid) return this.fallback.node(level, index);
    const offset = (offsetOf(at.subLevel) + at.first / at.count) * HASH;
    return Buffer.from(pyramid.subarray(offset, offset + HASH));
  }
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeafNodeReader, consistencyProof, inclusionProof, rootAt } from './merkle-proof.js';
import { buildPyramid, PyramidNodeReader } from './tile-pyramid.js';
import { appendLeaves, TileNodeReader } from './tiles.js';

describe('tile pyramids', () => {
  it('answer every node exactly as hashing the tiles does', () => {
    const leaves = Array.from({ length: 70_001 }, () => randomBytes(32));
    const tiles = new Map<string, Buffer>();
    const read = (l: number, i: number) => tiles.get(`${l}/${i}`);
    for (const t of appendLeaves(0, leaves, read).tiles) tiles.set(`${t.level}/${t.index}`, t.hashes);
    const pyramids = new Map<string, Buffer>();
    for (const [key, hashes] of tiles) if (hashes.length === 256 * 32) pyramids.set(key, buildPyramid(hashes));
    const plain = new TileNodeReader(read);
    const fast = new PyramidNodeReader((l, i) => pyramids.get(`${l}/${i}`), plain);
    const truth = new LeafNodeReader(leaves);
    expect(rootAt(leaves.length, fast)).toEqual(rootAt(leaves.length, truth));
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 70_000]) {
      expect(inclusionProof(index, leaves.length, fast)).toEqual(inclusionProof(index, leaves.length, truth));
    }
    for (const size1 of [1, 256, 4_097, 65_536, 69_999]) {
      expect(consistencyProof(size1, leaves.length, fast)).toEqual(consistencyProof(size1, leaves.length, truth));
    }
  });

  it('refuses partial tiles', () => {
    expect(() => buildPyramid(randomBytes(32 * 255))).toThrow(/full tiles/);
  });
});

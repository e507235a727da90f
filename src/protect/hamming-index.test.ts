import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../test/support/seeded-random.js';
import { CODE_BYTES, HammingIndex, MAX_RADIUS, masksWithin, popcount32 } from './hamming-index.js';

function randomCode(next: () => number): Uint8Array {
  return Uint8Array.from({ length: CODE_BYTES }, () => Math.floor(next() * 256));
}

/** A copy of `code` with exactly `bits` distinct bits flipped. */
function flip(code: Uint8Array, bits: number, next: () => number): Uint8Array {
  const out = Uint8Array.from(code);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(next() * 256));
  for (const bit of chosen) out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += popcount32(a[i]! ^ b[i]!);
  return d;
}

describe('HammingIndex', () => {
  it('finds exactly the codes a brute-force scan finds, for every radius, built and unbuilt', () => {
    const next = random(7);
    const index = new HammingIndex();
    const codes: Uint8Array[] = [];
    const bases = Array.from({ length: 40 }, () => randomCode(next));
    // Random codes plus clusters around a few bases at every distance up to 70, so each radius has
    // matches just inside and just outside it.
    for (let i = 0; i < 20_000; i++) codes.push(randomCode(next));
    for (const base of bases) for (let d = 0; d <= 70; d += 1) codes.push(flip(base, d, next));
    for (const code of codes) index.add(code);
    index.rebuild();
    // Codes added after the build are found by the linear tail scan.
    for (const base of bases.slice(0, 10)) for (let d = 0; d <= 40; d += 3) {
      const code = flip(base, d, next);
      codes.push(code);
      index.add(code);
    }
    for (const radius of [0, 1, 15, 16, 31, 32, 47, MAX_RADIUS]) {
      for (const base of bases.slice(0, 12)) {
        const query = flip(base, 3, next);
        const expected = codes.map((c, position) => ({ position, distance: distance(c, query) })).filter((m) => m.distance <= radius);
        const found = index.search(query, radius);
        expect(found.map((m) => m.position).sort((a, b) => a - b)).toEqual(expected.map((m) => m.position));
        for (const m of found) expect(m.distance).toBe(distance(codes[m.position]!, query));
      }
    }
  });

  it('sorts matches nearest first', () => {
    const next = random(3);
    const index = new HammingIndex();
    const base = randomCode(next);
    for (const d of [20, 5, 31, 0, 12]) index.add(flip(base, d, next));
    expect(index.search(base, 31).map((m) => m.distance)).toEqual([0, 5, 12, 20, 31]);
  });

  it('rebuilds on its own once many codes were added after the last build', () => {
    const next = random(11);
    const index = new HammingIndex();
    const base = randomCode(next);
    for (let i = 0; i < 10_000; i++) index.add(i === 9_999 ? flip(base, 30, next) : randomCode(next));
    expect(index.search(base, 31).map((m) => m.position)).toEqual([9_999]);
    // Still exact after the automatic rebuild, including codes added later.
    const late = index.add(flip(base, 31, next));
    expect(index.search(base, 31).map((m) => m.position)).toEqual([9_999, late]);
    expect(index.search(base, 29)).toEqual([]);
  });

  it('refuses codes and queries of the wrong length and radii out of range', () => {
    const index = new HammingIndex();
    expect(() => index.add(new Uint8Array(8))).toThrow(/32 bytes/);
    expect(() => index.search(new Uint8Array(31), 5)).toThrow(/32 bytes/);
    expect(() => index.search(new Uint8Array(32), MAX_RADIUS + 1)).toThrow(/radius/);
    expect(() => index.search(new Uint8Array(32), -1)).toThrow(/radius/);
    expect(index.search(new Uint8Array(32), 31)).toEqual([]);
  });

  it('probes the right number of chunk values per radius', () => {
    expect(masksWithin(0).length).toBe(1);
    expect(masksWithin(1).length).toBe(17);
    expect(masksWithin(2).length).toBe(1 + 16 + 120);
  });
});

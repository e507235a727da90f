import { describe, expect, it } from 'vitest';
import { CODED_BITS, crc24, decodePayload, encodePayload } from './payload-code.js';

/** Deterministic Gaussian noise for the channel tests. */
function noise(seed: number): () => number {
  let s = seed;
  const u = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s + 0.5) / 2 ** 32; };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const toSoft = (coded: Uint8Array) => Float64Array.from(coded, (b) => (b ? -1 : 1));

describe('payload code', () => {
  const payload = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);

  it('matches the CRC-24/OpenPGP check value', () => {
    expect(crc24(new TextEncoder().encode('123456789'))).toBe(0x21cf02);
  });

  it('round-trips without errors', () => {
    const d = decodePayload(toSoft(encodePayload(payload)));
    expect(d.payload).toEqual(payload);
    expect(d.bitAccuracy).toBe(1);
  });

  it('corrects 12 % flipped coded bits', () => {
    const soft = toSoft(encodePayload(payload));
    for (let i = 0; i < CODED_BITS; i += 8) soft[i] = -soft[i]!;
    expect(decodePayload(soft).payload).toEqual(payload);
  });

  it('decodes soft values in Gaussian noise (σ = 0.8)', () => {
    const g = noise(7);
    const soft = toSoft(encodePayload(payload)).map((v) => v + 0.8 * g());
    expect(decodePayload(soft).payload).toEqual(payload);
  });

  it('returns null instead of a wrong payload on noise', () => {
    const g = noise(99);
    for (let t = 0; t < 200; t++) {
      expect(decodePayload(new Float64Array(CODED_BITS).map(() => g())).payload).toBeNull();
    }
  });

  it('list decoding finds the codeword when the single best path fails its CRC', () => {
    // Noise strong enough that plain Viterbi often fails: the list decoder must do at least as well
    // on every trial and strictly better on some.
    const g = noise(2024);
    let plain = 0, listed = 0;
    for (let t = 0; t < 60; t++) {
      const soft = toSoft(encodePayload(payload)).map((v) => v + 1.25 * g());
      const one = decodePayload(soft);
      const many = decodePayload(soft, 16);
      if (one.payload) { plain++; expect(many.payload).toEqual(payload); }
      if (many.payload) { listed++; expect(many.payload).toEqual(payload); }
    }
    expect(listed).toBeGreaterThan(plain);
  });

  it('a list of 16 still returns null on noise', () => {
    const g = noise(31337);
    for (let t = 0; t < 200; t++) expect(decodePayload(new Float64Array(CODED_BITS).map(() => g()), 16).payload).toBeNull();
  });
});

import { createHash } from 'node:crypto';

/** The day's seed: the UTC date of `now`, and the visitor's own seed when they asked for another draw. */
export function discoverySeed(now: Date, seed: string | undefined): string {
  return `${now.toISOString().slice(0, 10)}|${seed ?? ''}`;
}

/** `count` numbers in [0, 1), the same for the same seed on every machine (mulberry32 seeded from SHA-256). */
export function seededFractions(seed: string, count: number): number[] {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

import { buildInteractions, type Interactions, type Triple } from './interactions.js';

/** A small, fast, seedable generator (mulberry32): the same seed gives the same split everywhere. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HoldoutSplit {
  /** Binary training matrix: every interaction not held out. */
  train: Interactions;
  /** Held-out items by user; only users with a test set appear. */
  test: Map<number, Set<number>>;
}

/**
 * The evaluation protocol: per user (in index order), shuffle their interactions with one seeded
 * generator and hold out ⌊share·n⌋ as test; users with fewer than `minInteractions` stay whole in train.
 */
export function holdoutSplit(userCount: number, itemCount: number, pairs: readonly { user: number; item: number }[], seed: number, share = 0.2, minInteractions = 5): HoldoutSplit {
  const byUser: number[][] = Array.from({ length: userCount }, () => []);
  for (const { user, item } of pairs) byUser[user]!.push(item);
  const random = seededRandom(seed);
  const triples: Triple[] = [];
  const test = new Map<number, Set<number>>();
  for (let user = 0; user < userCount; user++) {
    const items = byUser[user]!;
    if (items.length < minInteractions) {
      for (const item of items) triples.push({ user, item, weight: 1 });
      continue;
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    const held = Math.floor(share * items.length);
    test.set(user, new Set(items.slice(0, held)));
    for (const item of items.slice(held)) triples.push({ user, item, weight: 1 });
  }
  return { train: buildInteractions(userCount, itemCount, triples), test };
}

import { describe, expect, it } from 'vitest';
import { EaseScorer } from './ease.js';
import { buildInteractions, type Triple } from './interactions.js';

function randomMatrix(users: number, items: number, density: number, seed: number) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const triples: Triple[] = [];
  for (let u = 0; u < users; u++) for (let i = 0; i < items; i++) if (random() < density) triples.push({ user: u, item: i, weight: 1 });
  return buildInteractions(users, items, triples);
}

describe('EaseScorer', () => {
  it('scores the same on the user side (Woodbury) as on the item side', () => {
    const matrix = randomMatrix(23, 31, 0.2, 3);
    const byUsers = new EaseScorer(matrix, 5, 'user');
    const byItems = new EaseScorer(matrix, 5, 'item');
    const a = new Float64Array(31);
    const b = new Float64Array(31);
    for (let u = 0; u < 23; u++) {
      byUsers.scoreUser(u, a);
      byItems.scoreUser(u, b);
      for (let j = 0; j < 31; j++) expect(a[j]).toBeCloseTo(b[j]!, 9);
    }
  });

  it('matches the closed form B = I − P·diag(1/diag P) with a zero diagonal, computed naively', () => {
    const matrix = randomMatrix(9, 6, 0.4, 11);
    const lambda = 2;
    const n = 6;
    // G + λI and its inverse by Gauss–Jordan, independently of the scorer.
    const g = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? lambda : 0)));
    for (let u = 0; u < 9; u++) {
      const items = [...matrix.rowItems.subarray(matrix.rowStart[u]!, matrix.rowStart[u + 1]!)];
      for (const i of items) for (const j of items) g[i]![j]! += 1;
    }
    const inv = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    for (let c = 0; c < n; c++) {
      const pivot = g[c]![c]!;
      for (let j = 0; j < n; j++) { g[c]![j]! /= pivot; inv[c]![j]! /= pivot; }
      for (let r = 0; r < n; r++) if (r !== c) {
        const f = g[r]![c]!;
        for (let j = 0; j < n; j++) { g[r]![j]! -= f * g[c]![j]!; inv[r]![j]! -= f * inv[c]![j]!; }
      }
    }
    const b = inv.map((row, i) => row.map((v, j) => (i === j ? 0 : -v / inv[j]![j]!)));
    const scorer = new EaseScorer(matrix, lambda, 'user');
    const out = new Float64Array(n);
    for (let u = 0; u < 9; u++) {
      scorer.scoreUser(u, out);
      const items = [...matrix.rowItems.subarray(matrix.rowStart[u]!, matrix.rowStart[u + 1]!)];
      for (let j = 0; j < n; j++) expect(out[j]).toBeCloseTo(items.reduce((sum, i) => sum + b[i]![j]!, 0), 9);
    }
  });
});

import type { Interactions } from './interactions.js';
import type { Scorer } from './scorer.js';
import { topK } from './top-k.js';

/** Sparse item neighbours: for item i, neighbours[start[i] .. start[i+1]) with their similarities, best first. */
export interface ItemNeighbours {
  readonly start: Int32Array;
  readonly items: Int32Array;
  readonly similarities: Float32Array;
}

/**
 * Item-based k-nearest neighbours over co-occurrence: cosine similarity of the items' user columns
 * (with a shrink term so a pair seen together once does not look perfect), top-k kept per item.
 * Memory is items × k, so it scales to catalogues EASE's dense inverse cannot hold.
 */
export function itemNeighbours(matrix: Interactions, k: number, shrink = 10): ItemNeighbours {
  const { itemCount, colStart, colUsers, colWeights, rowStart, rowItems, rowWeights } = matrix;
  const norms = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) {
    let s = 0;
    for (let a = colStart[i]!; a < colStart[i + 1]!; a++) s += colWeights[a]! * colWeights[a]!;
    norms[i] = Math.sqrt(s);
  }
  const co = new Float64Array(itemCount);
  const touched: number[] = [];
  const start = new Int32Array(itemCount + 1);
  const items: number[] = [];
  const similarities: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    for (let a = colStart[i]!; a < colStart[i + 1]!; a++) {
      const u = colUsers[a]!;
      const wu = colWeights[a]!;
      for (let b = rowStart[u]!; b < rowStart[u + 1]!; b++) {
        const j = rowItems[b]!;
        if (j === i) continue;
        if (co[j] === 0) touched.push(j);
        co[j]! += wu * rowWeights[b]!;
      }
    }
    const sims = new Float64Array(touched.length);
    for (let t = 0; t < touched.length; t++) {
      const j = touched[t]!;
      sims[t] = co[j]! / (norms[i]! * norms[j]! + shrink);
    }
    for (const t of topK(sims, k)) {
      items.push(touched[t]!);
      similarities.push(sims[t]!);
    }
    start[i + 1] = items.length;
    for (const j of touched) co[j] = 0;
    touched.length = 0;
  }
  return { start, items: Int32Array.from(items), similarities: Float32Array.from(similarities) };
}

/** Scores an item by the summed similarity of the user's items that list it among their neighbours. */
export class ItemKnnScorer implements Scorer {
  readonly name = 'ItemKNN';
  readonly neighbours: ItemNeighbours;

  constructor(
    private readonly matrix: Interactions,
    k = 100,
    shrink = 10,
  ) {
    this.neighbours = itemNeighbours(matrix, k, shrink);
  }

  scoreUser(user: number, out: Float64Array): void {
    out.fill(0);
    const { start, items, similarities } = this.neighbours;
    for (let a = this.matrix.rowStart[user]!; a < this.matrix.rowStart[user + 1]!; a++) {
      const i = this.matrix.rowItems[a]!;
      for (let b = start[i]!; b < start[i + 1]!; b++) out[items[b]!]! += similarities[b]!;
    }
  }
}

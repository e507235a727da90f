import type { Interactions } from './interactions.js';
import type { Scorer } from './scorer.js';

/** Everyone gets the most popular items: the baseline any recommender must beat. */
export class MostPopularScorer implements Scorer {
  readonly name = 'MostPop';
  private readonly popularity: Float64Array;

  constructor(matrix: Interactions) {
    this.popularity = new Float64Array(matrix.itemCount);
    for (let i = 0; i < matrix.itemCount; i++) this.popularity[i] = matrix.colStart[i + 1]! - matrix.colStart[i]!;
  }

  scoreUser(_user: number, out: Float64Array): void {
    out.set(this.popularity);
  }
}

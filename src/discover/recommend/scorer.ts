/** A recommender's relevance model: a score for every item, for one user of the training matrix. */
export interface Scorer {
  readonly name: string;
  /** Writes a score for each item into `out` (length = item count); higher is more relevant. Seen items are not masked. */
  scoreUser(user: number, out: Float64Array): void;
}

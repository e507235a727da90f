/**
 * Recent answers by request, valid while the catalogue version they were computed at is current
 * (and for at most `maxAgeMs`, for what the version does not cover, such as a thumbnail made later).
 * Identical requests arriving together share one computation: a crowd searching the same word
 * costs one search. Only for answers that are the same for everyone who may get them (anonymous).
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, { version: number; at: number; answer: Promise<T> }>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly size: number,
    private readonly maxAgeMs: number,
  ) {}

  get(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.version === version && now - entry.at <= this.maxAgeMs) {
      this.stats.hits++;
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.answer;
    }
    this.stats.misses++;
    const answer = compute();
    const fresh = { version, at: now, answer };
    this.entries.delete(key);
    this.entries.set(key, fresh);
    // A failure (busy, timeout) is not remembered: the next request tries again.
    answer.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return answer;
  }
}

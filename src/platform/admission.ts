import { AppError } from './errors.js';

/**
 * Bounds how many costly operations (searches) run at once and how many may wait. Beyond that the
 * caller is told at once to come back (503 + Retry-After) instead of joining a queue that would
 * make everyone, including the requests that are cheap, wait behind it.
 */
export class Admission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Counters for tests and the doctor. */
  readonly stats = { admitted: 0, refused: 0, peakRunning: 0, peakWaiting: 0 };

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        this.stats.refused++;
        throw new AppError('busy', 'the server is busy with other searches; try again in a moment', { key: 'busy.queue_full', params: { retryAfterSeconds: 2 } });
      }
      const admitted = new Promise<void>((resolve) => this.waiting.push(resolve));
      this.stats.peakWaiting = Math.max(this.stats.peakWaiting, this.waiting.length);
      await admitted;
    } else {
      this.running++;
    }
    this.stats.admitted++;
    this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips and refills in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

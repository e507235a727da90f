import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../platform/errors.js';

/**
 * A problem with an import as a whole (its folder, records or mapping), which stops it. In English:
 * imports run from the command line, which prints the message; problems of one item are not thrown
 * but reported in that item's result.
 */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** A problem with one file (empty, too large, unreadable); the message becomes that item's reason. */
export class ImportItemError extends Error {
  override name = 'ImportItemError';
}

/** A person-readable message for an error met while importing one item. */
export function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'cannot be read (permission denied)';
  if (e?.code === 'ENOENT') return 'disappeared while importing';
  return error instanceof Error ? error.message : String(error);
}

/** The sha256 of a file, streamed. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Runs `fn` over `source` with at most `concurrency` calls in flight; pulls lazily, so memory stays bounded. */
export async function pool<T>(source: AsyncIterable<T> | Iterable<T>, concurrency: number, fn: (value: T) => Promise<void>): Promise<void> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  const lanes = Array.from({ length: concurrency }, async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      await fn(next.value);
    }
  });
  await Promise.all(lanes);
}

/** Serialises work per key (a content hash, a work id) without blocking other keys. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

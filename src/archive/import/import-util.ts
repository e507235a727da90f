import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, type ErrorKey, type ErrorParams } from '../../platform/errors.js';
import type { ReasonCode } from './import-report.js';

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
  constructor(
    message: string,
    readonly why?: { key: ErrorKey; params?: ErrorParams },
  ) {
    super(message);
  }
}

/** A person-readable message for an error met while importing one item. */
export function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'cannot be read (permission denied)';
  if (e?.code === 'ENOENT') return 'disappeared while importing';
  return error instanceof Error ? error.message : String(error);
}

/** The code (and message key, when known) of an error met while importing the item at `path`. */
export function reasonOf(error: unknown, path: string): ReasonCode {
  const keyed = (key: string, params: ErrorParams): ReasonCode => ({ code: key.replace(/^import\./, '').replaceAll('.', '_'), key, params });
  if (error instanceof AppError) return keyed(error.key, error.params);
  if (error instanceof ImportItemError && error.why) return keyed(error.why.key, error.why.params ?? {});
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return keyed('import.permission_denied', { path });
  if (e?.code === 'ENOENT') return keyed('import.vanished', { path });
  return { code: 'unreadable' };
}

// Linux names every open file under /proc/self/fd; opening that name reaches the same file, whatever
// bytes its real name has and even if it is renamed or replaced meanwhile.
const FD_DIR = process.platform === 'linux' && existsSync('/proc/self/fd') ? '/proc/self/fd' : null;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** A regular file of an import folder, held open while it is read. */
export interface OpenedFile {
  /** A name libraries (sharp, file-type, streams) can open that leads to this very file. */
  path: string;
  size: number;
  close(): Promise<void>;
}

/**
 * Opens a file found by the walk by its real path's bytes, refusing anything that is not (or is no
 * longer) a regular file: O_NONBLOCK so a file swapped for a pipe meanwhile cannot block the import,
 * O_NOFOLLOW so a file swapped for a link cannot lead outside the folder.
 */
export async function openRegular(bytes: Buffer, label: string, root?: Buffer): Promise<OpenedFile> {
  let handle;
  try {
    handle = await open(bytes, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO') throw new ImportItemError('was replaced by a link, pipe or socket while importing; it was not read', { key: 'import.not_regular', params: { path: label } });
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImportItemError('was replaced by something that is not a regular file while importing; it was not read', { key: 'import.not_regular', params: { path: label } });
    if (FD_DIR && root) {
      // Where the open file really is: a folder on its path swapped for a link must not lead out of the import folder.
      const real = await readlink(`${FD_DIR}/${handle.fd}`, { encoding: 'buffer' });
      if (!inRoot(root, real)) {
        const target = new TextDecoder().decode(real);
        throw new ImportItemError(`is now reached through a link to ${target}, outside the import folder; it was not read`, { key: 'import.link_outside', params: { path: label, target } });
      }
    }
    const fallback = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return { path: FD_DIR ? `${FD_DIR}/${handle.fd}` : fallback, size: info.size, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const inRoot = (root: Buffer, real: Buffer): boolean => real.length > root.length + 1 && real.subarray(0, root.length).equals(root) && real[root.length] === path.sep.charCodeAt(0);

/** Runs `fn` with the file open, closing it after. */
export async function withOpenFile<T>(bytes: Buffer, label: string, fn: (file: OpenedFile) => Promise<T>, root?: Buffer): Promise<T> {
  const file = await openRegular(bytes, label, root);
  try {
    return await fn(file);
  } finally {
    await file.close();
  }
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

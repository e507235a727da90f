import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { newId } from './ids.js';

/** Content-addressed storage: the key of every blob is derived from its sha256, never from a path. */
export interface BlobStore {
  /** Streams `source` into the store, hashing on the way; refuses more than `maxBytes`. */
  put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob>;
  /**
   * Stores a buffer. `durable: false` skips fsync: for derivatives, which can be made again
   * from the original, so a power cut costs a regeneration rather than every write an fsync.
   */
  putBuffer(data: Buffer, options?: { durable?: boolean }): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  open(sha256: string): Readable;
  read(sha256: string): Promise<Buffer>;
  size(sha256: string): Promise<number | null>;
  /** When the blob was stored (ms since epoch), or null when it is missing. */
  storedAt(sha256: string): Promise<number | null>;
  /** A local file path for libraries that need one (sharp reads files faster than streams). */
  localPath(sha256: string): string | null;
  list(): AsyncIterable<string>;
  remove(sha256: string): Promise<void>;
}

export interface StoredBlob {
  sha256: string;
  size: number;
  /** The first bytes (up to HEAD_BYTES) when streamed in, so callers can sniff the type without reading again. */
  head?: Buffer;
  /** False when identical content was already stored. */
  created: boolean;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than the limit of ${maxBytes} bytes`);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
export const HEAD_BYTES = 4100;

/** The storage key of a blob, e.g. `sha256/ab/cd/abcd…`. */
export function blobKey(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/**
 * Local-disk blob store. Writes go to a temporary file that is fsynced and renamed into place,
 * so a crash never leaves a partial file under a real key.
 */
export class LocalDiskBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.removeStaleTemporaries();
  }

  /** Deletes partial writes left by a crash. Only old ones: another process may be writing now. */
  private removeStaleTemporaries(maxAgeMs = 24 * 3_600_000): void {
    const cutoff = Date.now() - maxAgeMs;
    for (const name of fs.readdirSync(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      try {
        if (name.endsWith('.part') && fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
      } catch {
        // gone already
      }
    }
  }

  async put(source: Readable, options: { maxBytes?: number } = {}): Promise<StoredBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const tmp = path.join(this.tmpDir, `${newId()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const headChunks: Buffer[] = [];
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (size < HEAD_BYTES) headChunks.push(chunk.subarray(0, HEAD_BYTES - size));
        size += chunk.length;
        if (size > maxBytes) return done(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(source, meter, out);
      return { ...(await this.commit(tmp, hash.digest('hex'), size)), head: Buffer.concat(headChunks) };
    } catch (error) {
      // The write stream opens its file asynchronously: wait until it has closed, or the file
      // could appear after the removal below and be left behind.
      if (!out.closed) await once(out, 'close').catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw error;
    }
  }

  async putBuffer(data: Buffer, options: { durable?: boolean } = {}): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (await this.has(sha256)) return { sha256, size: data.length, created: false };
    const tmp = path.join(this.tmpDir, `${newId()}.part`);
    try {
      await fsp.writeFile(tmp, data, { flag: 'wx' });
      return await this.commit(tmp, sha256, data.length, options.durable ?? true);
    } catch (error) {
      await fsp.rm(tmp, { force: true });
      throw error;
    }
  }

  private async commit(tmp: string, sha256: string, size: number, durable = true): Promise<StoredBlob> {
    const final = this.pathOf(sha256);
    if (await exists(final)) {
      await fsp.rm(tmp, { force: true });
      return { sha256, size, created: false };
    }
    if (durable) {
      const handle = await fsp.open(tmp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fsp.mkdir(path.dirname(final), { recursive: true });
    await fsp.rename(tmp, final);
    if (durable) await syncDir(path.dirname(final));
    return { sha256, size, created: true };
  }

  has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  open(sha256: string): Readable {
    return fs.createReadStream(this.pathOf(sha256));
  }

  read(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.pathOf(sha256));
  }

  async storedAt(sha256: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.pathOf(sha256))).mtimeMs;
    } catch {
      return null;
    }
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.pathOf(sha256))).size;
    } catch {
      return null;
    }
  }

  localPath(sha256: string): string {
    return this.pathOf(sha256);
  }

  async *list(): AsyncIterable<string> {
    const base = path.join(this.root, 'sha256');
    for (const a of await readdirSafe(base)) {
      for (const b of await readdirSafe(path.join(base, a))) {
        for (const name of await readdirSafe(path.join(base, a, b))) {
          if (SHA256.test(name)) yield name;
        }
      }
    }
  }

  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, blobKey(sha256));
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

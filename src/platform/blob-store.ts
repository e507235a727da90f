import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppError } from './errors.js';
import { newId } from './ids.js';

/** Content-addressed storage: the key of every blob is derived from its sha256, never from a path. */
export interface BlobStore {
  /** Streams `source` into the store, hashing on the way; refuses more than `maxBytes`. */
  put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob>;
  /**
   * Streams `source` into a private temporary file and hashes it, without adding it to the store:
   * the caller checks the bytes (at `staged.path`), then commits or discards them. A refusal so
   * deletes only its own copy, never bytes that another file or a concurrent upload relies on.
   */
  stage(source: Readable, options?: { maxBytes?: number }): Promise<StagedBlob>;
  /**
   * Stores a buffer. `durable: false` skips fsync: for derivatives, which can be made again
   * from the original, so a power cut costs a regeneration rather than every write an fsync.
   */
  putBuffer(data: Buffer, options?: { durable?: boolean }): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  open(sha256: string): Readable;
  /** Bytes `start` to `end` (both inclusive) of a blob, for HTTP Range requests (IIIF, audio, video). */
  openRange(sha256: string, start: number, end: number): Readable;
  read(sha256: string): Promise<Buffer>;
  size(sha256: string): Promise<number | null>;
  /** When the blob was stored (ms since epoch), or null when it is missing. */
  storedAt(sha256: string): Promise<number | null>;
  /**
   * The blob's own file, for libraries that need one (sharp reads files faster than streams);
   * null for a remote store: use withLocalFile then.
   */
  localPath(sha256: string): string | null;
  /**
   * Runs `fn` with a local file holding the blob: the store's own file when it has one (no copy),
   * else a temporary copy, refused above the store's bound (`BlobTooLargeForLocalError`) and
   * deleted when `fn` settles. Rejects like `size()` finds it missing (`BlobMissingError`).
   */
  withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T>;
  /**
   * A short-lived URL a browser may fetch the blob from directly (a presigned S3 GET), or null when
   * the store offers none or the instance did not allow them.
   */
  directUrl?(sha256: string, options: { fileName: string; mediaType: string; inline: boolean }): Promise<string | null>;
  list(): AsyncIterable<string>;
  remove(sha256: string): Promise<void>;
  /** Deletes temporary files whose writer is gone or that are older than the age cap (see LocalDiskBlobStore). */
  removeStaleTemporaries?(): { removed: number; freedBytes: number } | Promise<{ removed: number; freedBytes: number }>;
}

export interface StoredBlob {
  sha256: string;
  size: number;
  /** The first bytes (up to HEAD_BYTES) when streamed in, so callers can sniff the type without reading again. */
  head?: Buffer;
  /** False when identical content was already stored. */
  created: boolean;
}

/** Bytes hashed but not yet in the store (see BlobStore.stage). */
export interface StagedBlob {
  sha256: string;
  size: number;
  head: Buffer;
  /**
   * A local file holding the bytes until commit or discard; null when a remote store streamed
   * them past its local bound (the bytes are then only in the remote staging object).
   */
  path: string | null;
  /** True when identical content was already stored; commit() then only checks it is still there. */
  existed: boolean;
  /** fsyncs the staged bytes; call it before a transaction so that commit() inside it is quick. */
  sync(): Promise<void>;
  /** Moves the bytes under their key (durably). Idempotent. */
  commit(): Promise<StoredBlob>;
  /** Deletes the staged copy; the store is left as it was. Idempotent; no-op after commit(). */
  discard(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than the limit of ${maxBytes} bytes`);
  }
}

/** The disk holding the local store is full (ENOSPC, EDQUOT): nothing half-written is kept; an admin must free space. */
export class BlobStoreFullError extends AppError<'storage_full.blob_store'> {
  constructor(readonly reason: string) {
    super('storage_full', `no space left on the disk holding the file store (${reason}); free space, then try again`, { key: 'storage_full.blob_store' });
  }
}

/** A write error as the store reports it: a full disk becomes BlobStoreFullError, anything else is passed on. */
function diskFull(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? new BlobStoreFullError(String(code)) : error;
}

/** The blob is not in the store. `code` is ENOENT, as a local file's read error's. */
export class BlobMissingError extends Error {
  readonly code = 'ENOENT';
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the store`);
  }
}

/**
 * A remote blob is larger than the local temporary copy the store may make of it: what needs a
 * file (decoding an image) is refused (422) rather than filling the disk.
 */
export class BlobTooLargeForLocalError extends AppError<'image_too_large.local_copy'> {
  constructor(readonly sha256: string, readonly size: number, readonly maxBytes: number) {
    super('image_too_large', `blob ${sha256} (${size} bytes) is larger than the ${maxBytes} bytes allowed for a local temporary copy (WENYUAN_BLOB_TEMP_MAX_BYTES)`, {
      key: 'image_too_large.local_copy', params: { sizeBytes: size, maxBytes },
    });
  }
}

export const SHA256 = /^[0-9a-f]{64}$/;
/**
 * Names of the temporary files this process is writing now, across every store it opened (a
 * second store on the same folder, as the CLI or a test opens, must spare the first one's).
 */
const OWN_TEMPORARIES = new Set<string>();
export const HEAD_BYTES = 4100;

/** The storage key of a blob, e.g. `sha256/ab/cd/abcd…`. */
export function blobKey(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/**
 * Local-disk blob store. Writes go to a temporary file that is fsynced and renamed into place,
 * so a crash never leaves a partial file under a real key. Temporary files carry the writing
 * process's pid, so a start can tell a killed writer's leftovers from a live neighbour's.
 */
export class LocalDiskBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(
    private readonly root: string,
    /** Temporary files older than this go even when their writer seems alive (a reused pid, a stuck upload). */
    private readonly maxTemporaryAgeMs = 24 * 3_600_000,
  ) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.removeStaleTemporaries();
  }

  /**
   * Deletes partial writes of processes that are gone (killed mid-upload): every `.part` whose pid
   * is not running, or is this process's own (left by an earlier run that had the same pid, as
   * in a container), and any older than the age cap. Returns how many files and bytes went.
   */
  removeStaleTemporaries(now = Date.now()): { removed: number; freedBytes: number } {
    return removeStaleParts(this.tmpDir, this.maxTemporaryAgeMs, now);
  }

  private newTemporary(): string {
    return newTemporaryFile(this.tmpDir);
  }

  private dropTemporary(tmp: string): Promise<void> {
    return dropTemporaryFile(tmp);
  }

  async put(source: Readable, options: { maxBytes?: number } = {}): Promise<StoredBlob> {
    const staged = await this.stage(source, options);
    try {
      return { ...(await staged.commit()), head: staged.head };
    } finally {
      await staged.discard();
    }
  }

  async stage(source: Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const tmp = this.newTemporary();
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
    } catch (error) {
      // The write stream opens its file asynchronously: wait until it has closed, or the file
      // could appear after the removal below and be left behind.
      if (!out.closed) await once(out, 'close').catch(() => undefined);
      await this.dropTemporary(tmp);
      throw diskFull(error);
    }
    const sha256 = hash.digest('hex');
    const final = this.pathOf(sha256);
    const head = Buffer.concat(headChunks);
    if (await this.touch(final)) {
      // Already stored: our copy is not needed. The touch restarts the sweep's grace period, so
      // unreferenced old bytes are not swept away while this upload is being checked.
      await this.dropTemporary(tmp);
      return {
        sha256, size, head, path: final, existed: true,
        sync: async () => undefined,
        commit: async () => {
          if (!(await exists(final))) throw new Error(`blob ${sha256} vanished from the store while it was being added`);
          return { sha256, size, created: false };
        },
        discard: async () => undefined,
      };
    }
    let synced = false;
    let committed: StoredBlob | null = null;
    const sync = async () => {
      if (synced || committed) return;
      // A file system that allocates on flush (NFS, some overlays) reports a full disk here.
      await fsyncFile(tmp).catch((error: unknown) => Promise.reject(diskFull(error)));
      synced = true;
    };
    return {
      sha256, size, head, path: tmp, existed: false,
      sync,
      commit: async () => {
        if (committed) return committed;
        await sync();
        // A new key folder takes a block too: a full disk can refuse it here.
        let stored: StoredBlob;
        try {
          stored = await this.commit(tmp, sha256, size, true);
        } catch (error) {
          throw diskFull(error);
        }
        committed = stored;
        releaseTemporaryFile(tmp);
        return stored;
      },
      discard: async () => {
        if (!committed) await this.dropTemporary(tmp);
      },
    };
  }

  /** Sets the mtime of `file` to now; false when it does not exist. */
  private async touch(file: string): Promise<boolean> {
    const now = new Date();
    try {
      await fsp.utimes(file, now, now);
      return true;
    } catch {
      return false;
    }
  }

  async putBuffer(data: Buffer, options: { durable?: boolean } = {}): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    // Touched when present, like stage(): the caller is about to refer to these bytes.
    if (await this.touch(this.pathOf(sha256))) return { sha256, size: data.length, created: false };
    const tmp = this.newTemporary();
    try {
      await fsp.writeFile(tmp, data, { flag: 'wx' });
      const durable = options.durable ?? true;
      if (durable) await fsyncFile(tmp);
      return await this.commit(tmp, sha256, data.length, durable);
    } catch (error) {
      throw diskFull(error);
    } finally {
      await this.dropTemporary(tmp);
    }
  }

  /** Renames a (synced, when `durable`) temporary file under its key; the directory is synced when `durable`. */
  private async commit(tmp: string, sha256: string, size: number, durable = true): Promise<StoredBlob> {
    const final = this.pathOf(sha256);
    if (await exists(final)) {
      await fsp.rm(tmp, { force: true });
      return { sha256, size, created: false };
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

  openRange(sha256: string, start: number, end: number): Readable {
    return fs.createReadStream(this.pathOf(sha256), { start, end });
  }

  read(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.pathOf(sha256));
  }

  async withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T> {
    const file = this.pathOf(sha256);
    if (!(await exists(file))) throw new BlobMissingError(sha256);
    return fn(file);
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

/**
 * Deletes the `.part` files in `dir` of processes that are gone (killed mid-upload): every one whose
 * pid is not running, or is this process's own (left by an earlier run that had the same pid, as in
 * a container), and any older than `maxAgeMs`. Returns how many files and bytes went.
 */
export function removeStaleParts(dir: string, maxAgeMs: number, now = Date.now()): { removed: number; freedBytes: number } {
  const report = { removed: 0, freedBytes: 0 };
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file);
      const pid = Number(/^(\d+)\./.exec(name)?.[1] ?? Number.NaN);
      const writerGone = Number.isNaN(pid) ? now - stat.mtimeMs > 3_600_000 : pid === process.pid ? !OWN_TEMPORARIES.has(name) : !processAlive(pid);
      if (writerGone || now - stat.mtimeMs > maxAgeMs) {
        fs.rmSync(file, { force: true });
        report.removed++;
        report.freedBytes += stat.size;
      }
    } catch {
      // gone already
    }
  }
  return report;
}

/** A new temporary file name in `dir` (`<pid>.<id>.part`), marked as this process's own until dropped. */
export function newTemporaryFile(dir: string): string {
  const name = `${process.pid}.${newId()}.part`;
  OWN_TEMPORARIES.add(name);
  return path.join(dir, name);
}

/** Deletes a temporary file made by newTemporaryFile. */
export async function dropTemporaryFile(tmp: string): Promise<void> {
  await fsp.rm(tmp, { force: true });
  OWN_TEMPORARIES.delete(path.basename(tmp));
}

/** Forgets a temporary file that was renamed into place. */
export function releaseTemporaryFile(tmp: string): void {
  OWN_TEMPORARIES.delete(path.basename(tmp));
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

async function fsyncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The bytes read do not hash to the name they were stored under. */
export class BlobHashMismatchError extends Error {
  constructor(readonly sha256: string, readonly actual: string) {
    super(`blob ${sha256} hashes to ${actual}: its bytes changed`);
  }
}

/** Where a content-addressed blob lives under a folder: `sha256/ab/cd/<hash>`, as in the local store. */
export function blobPath(root: string, sha256: string): string {
  return path.join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** A write error in words an administrator can act on (a full disk above all). */
export function explainWriteError(error: unknown, target: string): Error {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new Error(`no space left on the disk holding ${target} (${code}): free space or choose a larger disk, then run the command again; nothing half-written was kept`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new Error(`cannot write ${target} (${code}): check the directory's permissions`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Copies `source` to `finalPath`, hashing on the way, through a temporary file in `tmpDir` that is
 * fsynced and renamed only when the bytes hash to `sha256`: a full disk, a kill or a changed blob
 * never leaves a partial file under the final name. Returns the bytes copied.
 */
export async function copyVerified(source: Readable, sha256: string, finalPath: string, tmpDir: string): Promise<number> {
  await fsp.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${sha256}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(source, hashing, fs.createWriteStream(tmp, { flags: 'wx' }));
    const actual = hash.digest('hex');
    if (actual !== sha256) throw new BlobHashMismatchError(sha256, actual);
    const handle = await fsp.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.mkdir(path.dirname(finalPath), { recursive: true });
    await fsp.rename(tmp, finalPath);
    return bytes;
  } catch (error) {
    await fsp.rm(tmp, { force: true });
    throw error instanceof BlobHashMismatchError ? error : explainWriteError(error, finalPath);
  }
}

/** The sha256 of a file, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Deletes `.part` files of copies whose process is gone (a killed backup); live neighbours' stay. */
export function removeDeadPartials(tmpDir: string): number {
  let removed = 0;
  for (const name of fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : []) {
    const pid = Number(/^[0-9a-f]{64}\.(\d+)\.[0-9a-f]+\.part$/.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isFinite(pid) || pid === process.pid || alive(pid)) continue;
    fs.rmSync(path.join(tmpDir, name), { force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

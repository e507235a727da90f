import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../../platform/blob-store.js';
import { keysFingerprint, markKeysBackedUp } from '../doctor-checks.js';
import { BlobHashMismatchError, blobPath, copyVerified, explainWriteError, removeDeadPartials, sha256OfFile } from './blob-copy.js';
import { BACKUP_FORMAT, BACKUP_JSON, BLOB_MANIFEST, SHARED_BLOBS, backupFolderName, formatManifestLine, type BackupRecord } from './backup-format.js';
import { assertDatabaseExists, dumpDatabase } from './database-dump.js';

export interface BackupInput {
  dataDir: string;
  databaseUrl: string;
  /** The instance's blob store (local disk or S3): blobs are read through it. */
  blobs: BlobStore;
  /** The backup folder; made when missing. */
  targetDir: string;
  wenyuanVersion: string;
  now?: () => Date;
}

export interface BackupResult {
  folder: string;
  record: BackupRecord;
}

/**
 * Backs up an instance, which may keep running: the database (a consistent snapshot), the keys,
 * and every blob the database refers to or the store holds, copied by hash into the folder's
 * shared `blobs/` (verified while copying; one already there is not copied again). `backup.json`
 * is written last: a folder without it is an interrupted backup and restore refuses it.
 */
export async function runBackup(input: BackupInput): Promise<BackupResult> {
  assertDatabaseExists(input.databaseUrl);
  const now = input.now ?? (() => new Date());
  const startedAt = now();
  const root = path.resolve(input.targetDir);
  const sharedBlobs = path.join(root, SHARED_BLOBS);
  const tmpDir = path.join(sharedBlobs, 'tmp');
  try {
    // Private: the database holds password hashes and sealed secrets, the blobs private works.
    fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw explainWriteError(error, root);
  }
  removeDeadPartials(tmpDir);
  const folder = claimFolder(root, backupFolderName(startedAt));
  try {
    return await backUpInto(input, folder, sharedBlobs, tmpDir, startedAt, now);
  } catch (error) {
    // Our own unfinished folder goes (blobs already copied stay: they are verified and shared).
    fs.rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

async function backUpInto(input: BackupInput, folder: string, sharedBlobs: string, tmpDir: string, startedAt: Date, now: () => Date): Promise<BackupResult> {
  const databaseFile = databaseFileName(input.databaseUrl);
  const databasePath = path.join(folder, databaseFile);
  const facts = await dumpDatabase(input.databaseUrl, databasePath);

  const keys = copyKeys(path.join(input.dataDir, 'keys'), path.join(folder, 'keys'));

  const manifestPath = path.join(folder, BLOB_MANIFEST);
  const manifest = fs.openSync(`${manifestPath}.part`, 'w');
  const stats = { count: 0, bytes: 0, copied: 0, alreadyPresent: 0 };
  const missing: string[] = [];
  const damaged: string[] = [];
  const seen = new Set<string>();
  const copyOne = async (sha256: string): Promise<void> => {
    seen.add(sha256);
    const size = await input.blobs.size(sha256);
    if (size === null) {
      if (facts.referencedBlobs.has(sha256)) missing.push(sha256);
      return;
    }
    const target = blobPath(sharedBlobs, sha256);
    const present = fs.statSync(target, { throwIfNoEntry: false });
    if (present?.size === size) stats.alreadyPresent++;
    else {
      try {
        await copyVerified(input.blobs.open(sha256), sha256, target, tmpDir);
      } catch (error) {
        if (error instanceof BlobHashMismatchError) {
          damaged.push(sha256);
          return;
        }
        throw error;
      }
      stats.copied++;
    }
    stats.count++;
    stats.bytes += size;
    writeAll(manifest, formatManifestLine({ sha256, bytes: size, referenced: facts.referencedBlobs.has(sha256) }), manifestPath);
  };
  try {
    writeAll(manifest, '# sha256\tbytes\treferenced by the database or only in the store\n', manifestPath);
    for await (const sha256 of input.blobs.list()) await copyOne(sha256);
    // A row may name a blob the listing did not show (an S3 listing lags, a blob stored just now).
    for (const sha256 of facts.referencedBlobs) if (!seen.has(sha256)) await copyOne(sha256);
    fs.fsyncSync(manifest);
  } finally {
    fs.closeSync(manifest);
  }
  fs.renameSync(`${manifestPath}.part`, manifestPath);

  const record: BackupRecord = {
    format: BACKUP_FORMAT,
    wenyuan: input.wenyuanVersion,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    dialect: facts.dialect,
    migrations: facts.migrations,
    counts: facts.counts,
    database: { file: databaseFile, sha256: await sha256OfFile(databasePath), bytes: fs.statSync(databasePath).size },
    keys,
    blobs: {
      manifest: BLOB_MANIFEST,
      manifestSha256: await sha256OfFile(manifestPath),
      count: stats.count,
      bytes: stats.bytes,
      referenced: facts.referencedBlobs.size,
      copied: stats.copied,
      alreadyPresent: stats.alreadyPresent,
      missing,
      damaged,
    },
  };
  const recordPath = path.join(folder, BACKUP_JSON);
  try {
    fs.writeFileSync(`${recordPath}.part`, JSON.stringify(record, null, 2) + '\n');
    fs.renameSync(`${recordPath}.part`, recordPath);
  } catch (error) {
    fs.rmSync(`${recordPath}.part`, { force: true });
    throw explainWriteError(error, recordPath);
  }
  // The keys are now copied away as they are: what `wenyuan doctor --keys-backed-up` records —
  // unless a key was made while the backup ran (then the doctor keeps asking for a backup).
  const keysDir = path.join(input.dataDir, 'keys');
  if (keys.length > 0 && keysFingerprint(keysDir) === keysFingerprint(path.join(folder, 'keys'))) markKeysBackedUp(keysDir, now());
  return { folder, record };
}

/** `database.sqlite` or `database.pgdump` (a pg_dump custom-format archive). */
function databaseFileName(databaseUrl: string): string {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'database.pgdump' : 'database.sqlite';
}

/** Makes the backup's own folder; two backups started in the same second get `-2`, `-3`… */
function claimFolder(root: string, name: string): string {
  for (let n = 1; ; n++) {
    const folder = path.join(root, n === 1 ? name : `${name}-${n}`);
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
      return folder;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw explainWriteError(error, folder);
    }
  }
}

/** Copies the key files (private: mode 0600) and returns their names and hashes. */
function copyKeys(from: string, to: string): { name: string; sha256: string }[] {
  fs.mkdirSync(to, { mode: 0o700 });
  if (!fs.existsSync(from)) return [];
  const out: { name: string; sha256: string }[] = [];
  for (const name of fs.readdirSync(from).filter((n) => !n.startsWith('.') && !n.endsWith('.tmp')).sort()) {
    const source = path.join(from, name);
    if (!fs.statSync(source).isFile()) continue;
    const data = fs.readFileSync(source);
    try {
      fs.writeFileSync(path.join(to, name), data, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw explainWriteError(error, path.join(to, name));
    }
    out.push({ name, sha256: sha256Of(data) });
  }
  return out;
}

function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeAll(fd: number, text: string, target: string): void {
  try {
    fs.writeSync(fd, text);
  } catch (error) {
    throw explainWriteError(error, target);
  }
}

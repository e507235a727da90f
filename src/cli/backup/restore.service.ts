import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../../platform/blob-store.js';
import { markKeysBackedUp } from '../doctor-checks.js';
import { blobPath, explainWriteError, sha256OfFile } from './blob-copy.js';
import { BACKUP_JSON, SHARED_BLOBS, backupRecordSchema, parseManifest, type BackupRecord, type ManifestLine } from './backup-format.js';
import { assertEmptyDatabase, restoreDatabase } from './database-dump.js';

export interface RestoreInput {
  /** A backup's own folder, or the backup folder holding several (the newest complete one is taken). */
  backup: string;
  /** The new instance's data directory: missing or empty. */
  dataDir: string;
  databaseUrl: string;
  /** Opens the new instance's blob store; called only once the backup has been verified. */
  openBlobs: () => BlobStore;
  /** Migration names this release knows: a backup from a newer release is refused. */
  knownMigrations: string[];
}

export interface RestoreResult {
  folder: string;
  record: BackupRecord;
  blobs: number;
  keys: number;
}

/**
 * Restores a backup onto a fresh data directory (and an empty database): it first verifies
 * everything — the record, the database dump, the keys and every blob's hash — and refuses with
 * each problem named, so a damaged backup never half-restores. The schema may be older than this
 * release's: opening the instance afterwards applies the missing migrations.
 */
export async function runRestore(input: RestoreInput): Promise<RestoreResult> {
  const folder = resolveBackupFolder(path.resolve(input.backup));
  const record = readRecord(folder);
  const unknown = record.migrations.filter((m) => !input.knownMigrations.includes(m));
  if (unknown.length > 0) throw new Error(`the backup is from a newer Wenyuan (${record.wenyuan}): its schema has migrations this release does not know (${unknown.join(', ')}); restore it with that release or a later one`);
  refuseNonEmpty(path.resolve(input.dataDir));
  await assertEmptyDatabase(record.dialect, input.databaseUrl);

  const sharedBlobs = path.join(path.dirname(folder), SHARED_BLOBS);
  const { manifest, problems } = await verify(folder, record, sharedBlobs);
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).map((p) => `  - ${p}`).join('\n');
    throw new Error(`the backup in ${folder} is damaged, nothing was restored (${problems.length} problem(s)):\n${shown}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  }

  fs.mkdirSync(input.dataDir, { recursive: true });
  await restoreDatabase(record.dialect, path.join(folder, record.database.file), input.databaseUrl);

  const keysDir = path.join(input.dataDir, 'keys');
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  for (const key of record.keys) {
    try {
      fs.copyFileSync(path.join(folder, 'keys', key.name), path.join(keysDir, key.name), fs.constants.COPYFILE_EXCL);
      fs.chmodSync(path.join(keysDir, key.name), 0o600);
    } catch (error) {
      throw explainWriteError(error, path.join(keysDir, key.name));
    }
  }

  // These keys are in a backup: the doctor need not ask for one.
  if (record.keys.length > 0) markKeysBackedUp(keysDir);

  const store = input.openBlobs();
  for (const line of manifest) {
    const stored = await store.put(fs.createReadStream(blobPath(sharedBlobs, line.sha256)));
    // Verified above; a change between the two reads is still caught.
    if (stored.sha256 !== line.sha256) throw new Error(`blob ${line.sha256} changed while it was being restored (now ${stored.sha256}); run the restore again into an empty directory`);
  }
  return { folder, record, blobs: manifest.length, keys: record.keys.length };
}

/** The backup's own folder: the one named, or the newest complete one inside a backup folder. */
function resolveBackupFolder(given: string): string {
  const stat = fs.statSync(given, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new Error(`no backup at ${given}: name a folder made by \`wenyuan backup\``);
  if (fs.existsSync(path.join(given, BACKUP_JSON))) return given;
  if (fs.existsSync(path.join(given, SHARED_BLOBS))) {
    const complete = fs.readdirSync(given).filter((n) => n !== SHARED_BLOBS && fs.existsSync(path.join(given, n, BACKUP_JSON))).sort();
    const newest = complete.at(-1);
    if (newest) return path.join(given, newest);
    throw new Error(`${given} holds no complete backup (none has a ${BACKUP_JSON})`);
  }
  throw new Error(`the backup in ${given} is incomplete: it has no ${BACKUP_JSON}, which is written last, so the backup was interrupted or is still running; use another backup`);
}

function readRecord(folder: string): BackupRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(folder, BACKUP_JSON), 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path.join(folder, BACKUP_JSON)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = backupRecordSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path.join(folder, BACKUP_JSON)} is not a Wenyuan backup record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function refuseNonEmpty(dataDir: string): void {
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) throw new Error(`refusing to restore into ${dataDir}: it is a file, not a directory`);
  const entries = fs.readdirSync(dataDir);
  if (entries.length > 0) throw new Error(`refusing to restore into ${dataDir}: it is not empty (${entries.length} entries, e.g. ${entries.slice(0, 3).join(', ')}); restore into a new, empty directory`);
}

/** Every check before anything is written; returns the manifest and the problems found. */
async function verify(folder: string, record: BackupRecord, sharedBlobs: string): Promise<{ manifest: ManifestLine[]; problems: string[] }> {
  const problems: string[] = [];
  const check = async (file: string, expected: string, what: string): Promise<boolean> => {
    if (!fs.existsSync(file)) {
      problems.push(`${what} is missing (${file})`);
      return false;
    }
    const actual = await sha256OfFile(file);
    if (actual !== expected) problems.push(`${what} is damaged: ${file} hashes to ${actual}, the backup recorded ${expected}`);
    return actual === expected;
  };
  await check(path.join(folder, record.database.file), record.database.sha256, 'the database dump');
  for (const key of record.keys) await check(path.join(folder, 'keys', key.name), key.sha256, `key ${key.name}`);
  const manifestFile = path.join(folder, record.blobs.manifest);
  if (!(await check(manifestFile, record.blobs.manifestSha256, 'the blob manifest'))) return { manifest: [], problems };
  const manifest = parseManifest(fs.readFileSync(manifestFile, 'utf8'));
  if (manifest.length !== record.blobs.count) problems.push(`the blob manifest lists ${manifest.length} blobs, the backup recorded ${record.blobs.count}`);
  for (const line of manifest) {
    const file = blobPath(sharedBlobs, line.sha256);
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) problems.push(`blob ${line.sha256} is missing from ${sharedBlobs}`);
    else if (size !== line.bytes) problems.push(`blob ${line.sha256} is damaged: ${size} bytes, the backup recorded ${line.bytes}`);
    else {
      const actual = await sha256OfFile(file);
      if (actual !== line.sha256) problems.push(`blob ${line.sha256} is damaged: it hashes to ${actual}`);
    }
  }
  return { manifest, problems };
}

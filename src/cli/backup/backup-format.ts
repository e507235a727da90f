import { z } from 'zod';

/**
 * The layout of a backup folder: blobs shared by every backup in it (content-addressed, so a
 * second backup copies only new ones), and one folder per backup whose `backup.json`, written
 * last, says it is complete.
 *
 *   <dir>/blobs/sha256/ab/cd/<hash>
 *   <dir>/<2026-12-06T20-30-00Z>/{database.sqlite|database.pgdump, keys/, blobs.tsv, backup.json}
 */
export const BACKUP_FORMAT = 1;
export const BACKUP_JSON = 'backup.json';
export const BLOB_MANIFEST = 'blobs.tsv';
export const SHARED_BLOBS = 'blobs';

export const backupRecordSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  wenyuan: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  migrations: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  database: z.object({ file: z.string(), sha256: z.string(), bytes: z.number() }),
  keys: z.array(z.object({ name: z.string(), sha256: z.string() })),
  blobs: z.object({
    manifest: z.string(),
    manifestSha256: z.string(),
    count: z.number(),
    bytes: z.number(),
    referenced: z.number(),
    copied: z.number(),
    alreadyPresent: z.number(),
    /** Referenced by a row but not in the store when the backup ran (a fixity problem of the instance). */
    missing: z.array(z.string()),
    /** In the store but no longer hashing to their name (left out of the backup). */
    damaged: z.array(z.string()),
  }),
});
export type BackupRecord = z.infer<typeof backupRecordSchema>;

/** One line of the blob manifest. */
export interface ManifestLine {
  sha256: string;
  bytes: number;
  referenced: boolean;
}

export function formatManifestLine(line: ManifestLine): string {
  return `${line.sha256}\t${line.bytes}\t${line.referenced ? 'referenced' : 'unreferenced'}\n`;
}

/** Parses the manifest; a malformed line is an error naming it. */
export function parseManifest(text: string): ManifestLine[] {
  const out: ManifestLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw === '' || raw.startsWith('#')) return;
    const [sha256, bytes, state] = raw.split('\t');
    if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !bytes || !/^\d+$/.test(bytes) || (state !== 'referenced' && state !== 'unreferenced')) {
      throw new Error(`${BLOB_MANIFEST} line ${i + 1} is malformed: ${JSON.stringify(raw.slice(0, 120))}`);
    }
    out.push({ sha256, bytes: Number(bytes), referenced: state === 'referenced' });
  });
  return out;
}

/** A folder name for a backup started at `at`: sortable, and without colons (which some file systems refuse). */
export function backupFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

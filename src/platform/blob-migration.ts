import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { BlobStore } from './blob-store.js';

export interface BlobMigrationReport {
  total: number;
  /** Copied in this run and verified. */
  copied: number;
  /** Already in the target with the right bytes (verified now, or in an earlier run's journal). */
  skipped: number;
  bytes: number;
  failed: { sha256: string; reason: string }[];
}

/**
 * Copies every blob of `source` into `target`, verifying each by reading it back and hashing it.
 * Resumable: each verified digest is appended to `journal`, so a second run skips them at once;
 * a blob already in the target (say, from a run killed before its journal line) is verified by
 * hash, not copied again. A blob whose bytes in `source` no longer match their digest is reported,
 * never copied. The source is only read.
 */
export async function migrateBlobs(
  source: BlobStore,
  target: BlobStore,
  options: { journal: string; onProgress?: (done: number, total: number) => void },
): Promise<BlobMigrationReport> {
  const verified = new Set(fs.existsSync(options.journal) ? (await fsp.readFile(options.journal, 'utf8')).split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l)) : []);
  const digests: string[] = [];
  for await (const sha256 of source.list()) digests.push(sha256);
  const report: BlobMigrationReport = { total: digests.length, copied: 0, skipped: 0, bytes: 0, failed: [] };
  const journal = await fsp.open(options.journal, 'a');
  try {
    for (const [i, sha256] of digests.entries()) {
      options.onProgress?.(i, digests.length);
      if (verified.has(sha256)) {
        report.skipped++;
        continue;
      }
      try {
        const size = await source.size(sha256);
        if (size === null) throw new Error('vanished from the source while migrating');
        if ((await target.size(sha256)) === size && (await digestOf(target, sha256)) === sha256) {
          report.skipped++;
        } else {
          const stored = await target.put(source.open(sha256));
          if (stored.sha256 !== sha256) {
            // The source's bytes changed on disk (fixity): the target keeps them under their real digest only.
            if (stored.created) await target.remove(stored.sha256);
            throw new Error(`the source's bytes hash to ${stored.sha256}: run wenyuan fixity`);
          }
          const back = await digestOf(target, sha256);
          if (back !== sha256) {
            await target.remove(sha256);
            throw new Error(`read back as ${back}`);
          }
          report.copied++;
          report.bytes += size;
        }
        await journal.write(`${sha256}\n`);
      } catch (error) {
        report.failed.push({ sha256, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    options.onProgress?.(digests.length, digests.length);
    await journal.sync();
  } finally {
    await journal.close();
  }
  return report;
}

async function digestOf(store: BlobStore, sha256: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of store.open(sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBackup } from '../../src/cli/backup/backup.service.js';
import { runRestore } from '../../src/cli/backup/restore.service.js';
import { LocalDiskBlobStore } from '../../src/platform/blob-store.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest, migrationProvider } from '../../src/platform/db/migrate.js';
import { s3Available, s3TestStore } from '../support/s3.js';

/** A backup reads blobs through the BlobStore port, so an instance on S3 is backed up (and restored to disk) like one on disk. */
describe.runIf(await s3Available())('wenyuan backup of an S3 blob store', () => {
  it('copies every blob of the bucket by hash, only new ones the second time, and restores them', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-backup-s3-'));
    const { store, tempDir } = s3TestStore();
    try {
      const dataDir = path.join(tmp, 'instance');
      const databaseUrl = `sqlite:${path.join(dataDir, 'wenyuan.db')}`;
      const database = openDatabase(databaseUrl);
      await migrateToLatest(database);
      const referenced = await store.putBuffer(Buffer.from('an original, referenced by a row'));
      await database.db.insertInto('blobs').values({ sha256: referenced.sha256, size: referenced.size, media_type: 'text/plain', created_at: new Date().toISOString() }).execute();
      await database.close();
      const loose = await store.putBuffer(Buffer.from('bytes in the bucket that no row names'));

      const target = path.join(tmp, 'backups');
      const first = await runBackup({ dataDir, databaseUrl, blobs: store, targetDir: target, wenyuanVersion: 'test' });
      expect(first.record.blobs).toMatchObject({ count: 2, copied: 2, alreadyPresent: 0, referenced: 1, missing: [] });
      const manifest = fs.readFileSync(path.join(first.folder, 'blobs.tsv'), 'utf8');
      expect(manifest).toContain(`${referenced.sha256}\t${referenced.size}\treferenced`);
      expect(manifest).toContain(`${loose.sha256}\t${loose.size}\tunreferenced`);

      const added = await store.putBuffer(Buffer.from('a third blob, stored after the first backup'));
      const second = await runBackup({ dataDir, databaseUrl, blobs: store, targetDir: target, wenyuanVersion: 'test', now: () => new Date(Date.now() + 5000) });
      expect(second.record.blobs).toMatchObject({ count: 3, copied: 1, alreadyPresent: 2 });

      const restoredDir = path.join(tmp, 'restored');
      const known = Object.keys(await migrationProvider('sqlite').getMigrations());
      const restored = await runRestore({ backup: target, dataDir: restoredDir, databaseUrl: `sqlite:${path.join(restoredDir, 'wenyuan.db')}`, openBlobs: () => new LocalDiskBlobStore(path.join(restoredDir, 'blobs')), knownMigrations: known });
      expect(restored.folder).toBe(second.folder);
      const disk = new LocalDiskBlobStore(path.join(restoredDir, 'blobs'));
      for (const blob of [referenced, loose, added]) expect((await disk.read(blob.sha256)).equals(await store.read(blob.sha256))).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });
});

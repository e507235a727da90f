import type { Command } from 'commander';
import { createApp } from '../app.js';
import { parseDatabaseUrl } from '../platform/db/database.js';
import { migrationProvider } from '../platform/db/migrate.js';
import { openBlobStore } from '../platform/open-blob-store.js';
import { runBackup } from './backup/backup.service.js';
import { assertDatabaseExists } from './backup/database-dump.js';
import { runRestore } from './backup/restore.service.js';
import { addInstanceOptions, configFrom } from './context.js';

const WENYUAN_VERSION = '0.1.0';

/** `wenyuan backup <dir>` and `wenyuan restore <backup>`. */
export function registerBackupCommands(program: Command): void {
  addInstanceOptions(
    program
      .command('backup <dir>')
      .description('back up the database (a consistent snapshot, also while serving), the keys and the blobs (copied by hash: only new ones) into <dir>')
      .option('--json', 'print the backup record as JSON'),
  ).action(async (dir: string, options: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    const config = configFrom(options);
    assertDatabaseExists(config.databaseUrl);
    // The instance is not opened: that would apply pending migrations, and a backup before an upgrade must keep the old schema.
    const { folder, record } = await runBackup({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, blobs: openBlobStore(config), targetDir: dir, wenyuanVersion: WENYUAN_VERSION });
    if (options.json) console.log(JSON.stringify({ folder, ...record }, null, 2));
    else {
      console.log(`backup written to ${folder}`);
      console.log(`  database (${record.dialect}, ${record.migrations.length} migrations): ${record.database.bytes} bytes`);
      console.log(`  keys: ${record.keys.length}${record.keys.length > 0 ? ' (recorded as backed up for `wenyuan doctor`)' : ''}`);
      console.log(`  blobs: ${record.blobs.count} (${record.blobs.bytes} bytes), ${record.blobs.copied} copied, ${record.blobs.alreadyPresent} already in ${dir}`);
      console.log('  IIIF pyramids are not backed up: they are rebuilt from the originals');
    }
    if (record.blobs.missing.length > 0 || record.blobs.damaged.length > 0) {
      for (const sha of record.blobs.missing) console.error(`  missing  ${sha}  referenced by the database but not in the blob store`);
      for (const sha of record.blobs.damaged) console.error(`  damaged  ${sha}  no longer hashes to its name; left out of the backup`);
      console.error('the instance itself has problems (see `wenyuan fixity`); the backup holds everything else');
      process.exitCode = 2;
    }
  });

  program
    .command('restore <backup>')
    .description('restore a backup onto a new, empty data directory (and an empty database), verifying every file first')
    .requiredOption('--data-dir <dir>', 'the new instance data directory: missing or empty')
    .option('--database-url <url>', 'sqlite:<file> or postgres://… of an empty database (default <data-dir>/wenyuan.db)')
    .action(async (backup: string, options: { dataDir: string; databaseUrl?: string }) => {
      const config = configFrom(options);
      const known = Object.keys(await migrationProvider(parseDatabaseUrl(config.databaseUrl).dialect).getMigrations());
      const result = await runRestore({ backup, dataDir: config.dataDir, databaseUrl: config.databaseUrl, openBlobs: () => openBlobStore(config), knownMigrations: known });
      // Opening the instance brings an older schema up to this release's.
      const app = await createApp(config);
      await app.close();
      const upgraded = known.filter((m) => !result.record.migrations.includes(m));
      console.log(`restored ${result.folder} (taken ${result.record.finishedAt}) into ${config.dataDir}`);
      console.log(`  database ${result.record.dialect}${upgraded.length > 0 ? `, upgraded by ${upgraded.length} migration(s): ${upgraded.join(', ')}` : ''}`);
      console.log(`  keys: ${result.keys}, blobs: ${result.blobs}`);
      console.log('  run `wenyuan fixity` and `wenyuan registry audit` to check the restored instance; IIIF pyramids are rebuilt as they are needed');
    });
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { LocalDiskBlobStore } from '../platform/blob-store.js';
import { migrateBlobs } from '../platform/blob-migration.js';
import { openBlobStore } from '../platform/open-blob-store.js';
import { parseS3Url } from '../platform/s3-location.js';
import { addInstanceOptions, configFrom } from './context.js';

/**
 * `wenyuan blobs migrate --to s3://…`: copies the instance's files from local disk to an S3 bucket,
 * verified by hash, resumable. The instance keeps using local disk until WENYUAN_BLOB_STORE is set.
 */
export function registerBlobsCommands(program: Command): void {
  const blobs = program.command('blobs').description('the blob store (where the files are kept)');
  addInstanceOptions(
    blobs
      .command('migrate')
      .description('copy every file from local disk to an S3-compatible bucket, verifying each by hash (run again to resume)')
      .requiredOption('--to <url>', 's3://bucket/prefix?endpoint=https://…&region=…&forcePathStyle=1 (credentials: WENYUAN_S3_ACCESS_KEY_ID / WENYUAN_S3_SECRET_ACCESS_KEY or the AWS chain)'),
  ).action(async (options: { to: string; dataDir?: string; databaseUrl?: string }) => {
    const location = parseS3Url(options.to);
    if ('problem' in location) throw new Error(`--to ${location.problem}`);
    const config = configFrom(options);
    if (config.blobStore !== '') throw new Error(`this instance already keeps its files in ${config.blobStore}; blobs migrate copies from local disk (unset WENYUAN_BLOB_STORE to migrate)`);
    const source = new LocalDiskBlobStore(path.join(config.dataDir, 'blobs'));
    const target = openBlobStore({ ...config, blobStore: options.to });
    // One journal per target, so migrating to a second bucket starts afresh.
    const tag = createHash('sha256').update(options.to).digest('hex').slice(0, 12);
    const journal = path.join(config.dataDir, `blob-migration-${tag}.journal`);
    let last = 0;
    const report = await migrateBlobs(source, target, {
      journal,
      onProgress: (done, total) => {
        // A line every 2 s and at the end: readable in a terminal and in a log alike.
        if (done === total || Date.now() - last > 2000) {
          last = Date.now();
          process.stderr.write(`blobs migrate: ${done}/${total}\n`);
        }
      },
    });
    console.log(`${report.total} files: ${report.copied} copied (${report.bytes} bytes), ${report.skipped} already there, ${report.failed.length} failed`);
    for (const f of report.failed) console.log(`  failed ${f.sha256}  ${f.reason}`);
    if (report.failed.length > 0) {
      console.log('run the command again to retry the failed files');
      process.exitCode = 2;
      return;
    }
    const done = path.join(config.dataDir, 'blob-migration.json');
    fs.writeFileSync(done, `${JSON.stringify({ to: options.to, finishedAt: new Date().toISOString(), files: report.total, copiedBytes: report.bytes }, null, 2)}\n`);
    console.log(`every file is in ${options.to} and verified (recorded in ${done}).`);
    console.log(`next: stop the server, run this command once more (it copies only files added meanwhile), set WENYUAN_BLOB_STORE=${options.to} and start the server.`);
  });
}

import type { Command } from 'commander';
import { addInstanceOptions, withApp } from './context.js';

/** `wenyuan gc`: delete stored bytes that no work refers to any more (older than a day). */
export function registerGcCommand(program: Command): void {
  addInstanceOptions(
    program.command('gc').description('delete stored files no work refers to (kept for a day first)').option('--dry-run', 'only count them').option('--json', 'print the report as JSON'),
  ).action(async (options: { dryRun?: boolean; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    const report = await withApp(options, (app) => app.blobSweep.sweep({ dryRun: Boolean(options.dryRun) }));
    if (options.json) console.log(JSON.stringify(report));
    else console.log(`${report.scanned} stored files, ${report.unreferenced} unreferenced, ${report.removed} removed, ${report.temporariesRemoved} partial uploads removed (${(report.freedBytes / 1024 ** 2).toFixed(1)} MiB freed)${report.dryRun ? ' — dry run' : ''}`);
  });
}

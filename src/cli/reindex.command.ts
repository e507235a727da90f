import type { Command } from 'commander';
import { addInstanceOptions, withApp } from './context.js';

/** `wenyuan reindex`: rebuild the search index from the stored records. */
export function registerReindexCommand(program: Command): void {
  addInstanceOptions(program.command('reindex').description('rebuild the search index from the stored metadata')).action(async (options: { dataDir?: string; databaseUrl?: string }) => {
    const count = await withApp(options, (app) =>
      app.searchIndex.rebuild((done) => {
        if (process.stderr.isTTY) process.stderr.write(`\rreindexed ${done} works`);
      }),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(`search index rebuilt for ${count} works`);
  });
}

import type { Command } from 'commander';
import { addInstanceOptions, withApp } from './context.js';

/** `wenyuan fixity`: re-hash every stored file now; exit code 2 when anything is wrong. */
export function registerFixityCommand(program: Command): void {
  addInstanceOptions(program.command('fixity').description('re-hash every stored file and report mismatches').option('--json', 'print the report as JSON')).action(
    async (options: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      const report = await withApp(options, (app) => app.fixity.run('cli'));
      if (options.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`checked ${report.checked} files: ${report.mismatched} changed, ${report.missing} missing`);
        for (const p of report.problems) console.log(`  ${p.problem.padEnd(8)} ${p.sha256}  ${p.detail}`);
      }
      if (report.problems.length > 0) process.exitCode = 2;
    },
  );
}

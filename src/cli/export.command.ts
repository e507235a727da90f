import type { Command } from 'commander';
import { exportBag, humanSize, type BagReport } from '../archive/bagit-export.js';
import { CLI_USERNAME } from '../govern/identity.service.js';
import type { Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { addInstanceOptions, withApp } from './context.js';

/** The command line has the data directory in hand already, so it reads with staff rights. */
export const CLI_ACTOR: Actor = { kind: 'user', id: 'cli', username: CLI_USERNAME, role: 'admin' };

interface ExportOptions {
  collection?: string;
  work?: string[];
  out: string;
  withDerivatives?: boolean;
  sourceOrganization?: string;
  to?: string;
  assessment?: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

/** `wenyuan export`: write a collection or some works as a BagIt 1.0 bag; exit code 2 on a fixity failure. */
export function registerExportCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('export')
      .description('export a collection (with its sub-collections) or works as a BagIt 1.0 bag (RFC 8493)')
      .option('--collection <id>', 'the collection to export, with every collection nested in it')
      .option('--work <id...>', 'one or more works to export')
      .requiredOption('--out <dir>', 'directory to create for the bag (must not exist or be empty)')
      .option('--with-derivatives', 'also export derivatives such as thumbnails')
      .option('--source-organization <name>', 'Source-Organization written to bag-info.txt')
      .option('--to <country>', 'where the bag is going (ISO 3166-1 alpha-2, e.g. DE); checked against the transfer rules. Default CN: the bag stays in mainland China', 'CN')
      .option('--assessment <id>', 'the approved risk assessment that covers a transfer the rules send to assessment')
      .option('--json', 'print the report as one JSON object'),
  ).action(async (options: ExportOptions) => {
    if (Boolean(options.collection) === Boolean(options.work?.length)) throw CommonErrors.invalid('give either --collection <id> or --work <id>… (exactly one of them)', { key: 'export.selection' });
    const progress = progressPrinter();
    let report: BagReport;
    try {
      report = await withApp(options, async (app) => {
        // The transfer rules first: a refused or unassessed export writes nothing (the decision is logged either way).
        await app.transfers.gate.check({ path: 'bag_export', destination: options.to ?? 'CN', subject: options.collection ? { collectionId: options.collection } : { workIds: options.work ?? [] }, assessmentId: options.assessment ?? null, actor: 'system' });
        const made = await exportBag(app, CLI_ACTOR, {
          ...(options.collection ? { collectionId: options.collection } : { workIds: options.work ?? [] }),
          outDir: options.out,
          includeDerivatives: Boolean(options.withDerivatives),
          ...(options.sourceOrganization ? { sourceOrganization: options.sourceOrganization } : {}),
          onProgress: progress.update,
        });
        // Whoever holds the data directory acts as the instance itself: 'system'.
        await app.audit.record({ actor: 'system', action: 'export.bag', target: options.collection ? { type: 'collection', id: options.collection } : { type: 'works', id: String(options.work?.length ?? 0) }, details: { works: made.works, files: made.files, bytes: made.bytes } });
        return made;
      });
    } catch (error) {
      progress.end();
      if (error instanceof AppError && error.code === 'fixity_failure') {
        console.error(`wenyuan: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
    progress.end();
    if (options.json) console.log(JSON.stringify(report));
    else {
      const derivatives = report.derivatives > 0 ? ` (+${report.derivatives} derivatives)` : '';
      const skipped = report.skippedWorks > 0 ? `; ${report.skippedWorks} private works left out` : '';
      console.log(`exported ${report.works} works, ${report.files} files${derivatives}, ${report.bytes} bytes (${humanSize(report.bytes)}) to ${report.path}${skipped}`);
    }
  });
}

/** Progress on stderr: one line rewritten in place on a terminal, a line per tenth otherwise (logs stay short). */
function progressPrinter(): { update: (done: number, total: number) => void; end: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total) {
      if (tty) {
        process.stderr.write(`\rexporting: ${done}/${total} files`);
        drawn = true;
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`exporting: ${done}/${total} files\n`);
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

import { DISPLAY_JOB } from '../archive/work.service.js';
import { FINGERPRINT_JOB } from '../protect/fingerprint.service.js';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import type { App } from '../app.js';
import { ImportService, type ImportProgress, type ImportReport } from '../archive/import/import.service.js';
import { loadMapping } from '../archive/import/mapping.js';
import { reportCsv } from '../archive/import/report-csv.js';
import { UrlFetcher } from '../archive/import/url-fetch.js';
import type { TextEncodingOption } from '../archive/import/decode-text.js';
import { VISIBILITIES, type Visibility } from '../archive/work.service.js';
import { CONTRIBUTOR_ROLES, type Actor } from '../govern/roles.js';
import { AppError } from '../platform/errors.js';
import { addInstanceOptions, withApp } from './context.js';
import { CLI_ACTOR } from './export.command.js';

interface ImportOptions {
  records?: string;
  mapping?: string;
  dryRun?: boolean;
  json?: boolean;
  report?: string;
  visibility?: Visibility;
  includeAll?: boolean;
  collection?: string;
  encoding?: TextEncodingOption;
  concurrency: number;
  derivatives: boolean;
  as?: string;
  dataDir?: string;
  databaseUrl?: string;
}

const ENCODINGS: readonly TextEncodingOption[] = ['auto', 'utf-8', 'gb18030'];

/**
 * `wenyuan import`: archive a folder of files, or records with a mapping. Every entry found is
 * imported or reported; exit 2 when something was not imported other than by the import's rules
 * (hidden entries, files that are not media, links to a folder already read, files no record takes).
 */
export function registerImportCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('import')
      .description(
        'import every image, audio, video, 3D and PDF file under <folder> as a work (other files are listed as skipped), ' +
          'or with --records and --mapping one work per record with its files (found in <folder> by path or pattern, or downloaded from allowed hosts)',
      )
      .argument('<folder>', 'folder of files (and the base of the paths that records name)')
      .option('--records <path>', 'records to import: .csv/.tsv, .json, .jsonl or a folder of .json files (needs --mapping)')
      .option('--mapping <file>', 'mapping from records to work metadata and files (see mappings/README.md)')
      .option('--dry-run', 'read, map, hash and check everything, report what would happen, write nothing (URLs are checked against the allowed hosts, not downloaded)')
      .option('--json', 'print the report as one JSON object on stdout (no progress bar)')
      .option('--report <file.csv>', 'also write the report as CSV, one row per item, for a spreadsheet (cells a spreadsheet would run as formulas start with \')')
      .option(
        '--visibility <visibility>',
        'private or public. New works are private unless this says public; when given, it also applies to works the import finds already archived (left out, their visibility stays as it is)',
        choice(VISIBILITIES),
      )
      .option('--include-all', 'also import files that are not images, audio, video, 3D models or PDFs (documents, spreadsheets, JSON, text); without it they are listed as skipped')
      .option('--collection <id>', 'put the works the import creates in this collection')
      .option('--encoding <encoding>', 'text encoding of the records: auto, utf-8 or gb18030 (default: the mapping\'s, else auto)', choice(ENCODINGS))
      .option('--concurrency <n>', 'items worked on at once (3 keeps two cores busy while files are written)', positiveInt, 3)
      .option('--no-derivatives', 'do not make display images now (a running server makes them later)')
      .option('--as <username>', 'act as this user (admin, curator or creator) instead of the command-line account'),
  ).action(async (folder: string, options: ImportOptions) => {
    if (Boolean(options.records) !== Boolean(options.mapping)) throw new Error('--records and --mapping go together: give both, or neither to import the files of the folder');
    let mapping;
    try {
      mapping = options.mapping ? await loadMapping(options.mapping) : undefined;
    } catch (error) {
      throw new Error((error as Error).message);
    }
    const progress = options.json ? null : progressPrinter();
    const { report, derivatives } = await withApp(options, async (app) => {
      const actor = await cliActor(app, options.as, Boolean(options.dryRun));
      if (options.collection) await app.collections.requireFilingAllowed(actor, options.collection);
      const importer = new ImportService({
        ingest: app.ingest,
        works: app.works,
        repo: app.workRepository,
        limits: app.config,
        downloads: new UrlFetcher({ allowedHosts: app.config.importUrlHosts, maxBytes: app.config.maxUploadBytes }),
        userName: async (id) => (await app.identity.getUser(id)).username,
      });
      let report: ImportReport;
      try {
        report = await importer.run(actor, {
          folder,
          ...(options.records ? { records: options.records } : {}),
          ...(mapping ? { mapping } : {}),
          dryRun: Boolean(options.dryRun),
          ...(options.visibility ? { visibility: options.visibility } : {}),
          includeAll: Boolean(options.includeAll),
          ...(options.collection ? { collectionId: options.collection } : {}),
          ...(options.encoding ? { encoding: options.encoding } : {}),
          concurrency: options.concurrency,
          ...(progress ? { onProgress: progress.update } : {}),
        });
      } finally {
        progress?.end();
      }
      let derivatives = 0;
      if (!options.dryRun && options.derivatives && report.imported + report.updated > 0) {
        if (progress) process.stderr.write('making display images and fingerprints…\n');
        derivatives = await app.worker.drain([DISPLAY_JOB, FINGERPRINT_JOB]);
      }
      return { report, derivatives };
    });
    const notes = visibilityNotes(report, Boolean(options.dryRun), options.visibility);
    if (options.report) await writeFile(options.report, reportCsv(report));
    if (options.json) {
      const { items, ...counts } = report;
      process.stdout.write(`${JSON.stringify({ ...counts, notes, items })}\n`);
    } else process.stdout.write(summary(report, notes, Boolean(options.dryRun), derivatives));
    if (report.failed > 0) process.exitCode = 2;
  });
}

/**
 * The account imports are recorded under. CLI_ACTOR's id names no user row, and works and versions
 * reference users, so a disabled account of that name is made once (nobody can sign in as it).
 * A dry run never creates it.
 */
async function cliActor(app: App, username: string | undefined, dryRun: boolean): Promise<Actor> {
  // Looked up by name: the list of users leaves the internal import account out.
  if (username) {
    const user = await app.identity.findByUsername(username);
    if (!user || user.disabled) throw new Error(`--as ${username}: no active user of that name`);
    if (!CONTRIBUTOR_ROLES.includes(user.role)) throw new Error(`--as ${username}: a ${user.role} cannot import; use an admin, curator or creator`);
    return { kind: 'user', id: user.id, username: user.username, role: user.role };
  }
  const account = CLI_ACTOR.kind === 'user' ? CLI_ACTOR : null;
  if (!account) return CLI_ACTOR;
  const existing = await app.identity.findByUsername(account.username);
  if (existing && !existing.disabled) {
    throw new Error(`a person uses the account name "${account.username}"; import as them with --as ${account.username}, or as someone else with --as <username>`);
  }
  if (existing) return { ...account, id: existing.id };
  if (dryRun) return CLI_ACTOR;
  try {
    const created = await app.identity.createUser({ username: account.username, displayName: 'Command line', password: randomBytes(32).toString('base64url'), role: 'curator' });
    await app.identity.updateUser(created.id, { disabled: true });
    return { ...account, id: created.id };
  } catch (error) {
    // Another import made it at the same moment.
    const again = await app.identity.findByUsername(account.username);
    if (again?.disabled && error instanceof AppError && error.code === 'conflict') return { ...account, id: again.id };
    throw error;
  }
}

/** Every skipped and failed item with its reason, the counts, and the notes. */
function summary(report: ImportReport, notes: string[], dryRun: boolean, derivatives: number): string {
  const lines: string[] = [];
  for (const item of report.items) if (item.status === 'skipped') lines.push(`skipped ${printable(item.reason ?? item.item)}`);
  for (const item of report.items) if (item.status === 'failed') lines.push(`failed  ${printable(item.reason ?? item.item)}`);
  const warned = report.items.filter((i) => i.warnings && i.warnings.length > 0).length;
  const published = report.items.filter((i) => i.changes?.some((c) => c.startsWith('visibility'))).length;
  const verb = dryRun ? 'would be ' : '';
  lines.push(
    `${dryRun ? 'dry run, nothing written: ' : ''}${report.imported} ${verb}imported, ${report.updated} ${verb}updated` +
      (published > 0 ? ` (visibility ${dryRun ? 'would change' : 'changed'} on ${published})` : '') +
      `, ${report.unchanged} unchanged, ${report.failed} failed, ${report.skipped} skipped` +
      (warned > 0 ? `; ${warned} with warnings (--json lists them)` : '') +
      (derivatives > 0 ? `; ${derivatives} derivative jobs run` : ''),
  );
  lines.push(...notes);
  return `${lines.join('\n')}\n`;
}

/** A reason as a terminal shows it safely: control characters (line breaks too) and bidirectional overrides of file names as \u{…}. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** What the visibility of the works means for visitors, and how to publish private ones. */
function visibilityNotes(report: ImportReport, dryRun: boolean, requested: Visibility | undefined): string[] {
  const works = (n: number): string => `${n} work${n === 1 ? '' : 's'}`;
  const are = (n: number): string => (dryRun ? 'would be' : n === 1 ? 'is' : 'are');
  const { private: hidden, public: shown } = report.visibility;
  const notes: string[] = [];
  if (hidden > 0 && requested === 'private') {
    notes.push(`${works(hidden)} ${are(hidden)} private, as asked: visitors do not see them; staff and their owners do.`);
  } else if (hidden > 0) {
    notes.push(
      `${works(hidden)} ${are(hidden)} private${requested === undefined ? ' (imported works are private unless --visibility public is given)' : ''}: ` +
        'visitors do not see private works, not in the catalogue, search or counts. To publish them, run the same import again with ' +
        "--visibility public (it also sets the visibility of works it finds already archived), or set Visibility to public in each work's editor.",
    );
  }
  if (shown > 0) notes.push(`${works(shown)} ${are(shown)} public: visitors can see them.`);
  return notes;
}

/** A bar on a terminal, a line per tenth in logs (failures are listed in the summary). */
function progressPrinter(): { update: (p: ImportProgress) => void; end: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let lastTenth = -1;
  return {
    update({ done, total, item }) {
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} {item}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(total, 0, { item: '' });
        }
        bar.update(done, { item: printable(item.item).slice(-40) });
        return;
      }
      const tenth = total ? Math.floor((done * 10) / total) : -1;
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`importing: ${done}/${total}\n`);
      }
    },
    end() {
      bar?.stop();
      bar = null;
    },
  };
}

function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('must be a whole number from 1 to 32');
  return n;
}

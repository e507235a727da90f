import fs from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_SLIDER, evaluateRecommenders, type EvaluationReport, type EvaluationRow } from '../discover/recommend/offline-evaluation.js';
import { detectRatingsFormat, parseItems, parseRatings, RATINGS_FORMATS, type RatingsFormat } from '../discover/recommend/ratings-file.js';

const MAX_FILE_BYTES = 2 * 1024 ** 3;

function readInput(file: string, what: string): Uint8Array {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new Error(`no ${what} file at ${file}`);
  if (stat.size > MAX_FILE_BYTES) throw new Error(`${what} file ${file} is larger than 2 GB`);
  return fs.readFileSync(file);
}

const COLUMNS: [keyof EvaluationRow, string, number][] = [
  ['p10', 'P@10', 4],
  ['r10', 'R@10', 4],
  ['ndcg10', 'NDCG@10', 4],
  ['ild', 'ILD', 3],
  ['coverage', 'coverage', 4],
  ['gini', 'Gini', 4],
  ['longTail', 'long tail', 4],
  ['novelty', 'novelty', 2],
  ['calibrationKl', 'calib. KL', 3],
  ['seconds', 'seconds', 1],
];

/** The report as a table, with the issue's goals checked against EASE's row of the same run. */
export function formatEvaluation(report: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(`${report.users} users, ${report.items} items, ${report.interactions} interactions; ${report.testUsers} users with a test set; seed ${report.seed}; EASE λ ${report.lambda}`);
  lines.push(`diversity over ${report.diversityOver}; calibration over ${report.calibrationOver}; long tail = the 80 % least popular items`);
  const header = ['method'.padEnd(16), ...COLUMNS.map(([, label]) => label.padStart(10))].join('');
  lines.push('', header);
  for (const row of report.rows) {
    const name = row.method === 'Wenyuan' ? `Wenyuan ${row.slider?.toFixed(2)}${row.default ? '*' : ''}` : row.method;
    lines.push([name.padEnd(16), ...COLUMNS.map(([key, , digits]) => (row[key] as number).toFixed(digits).padStart(10))].join(''));
  }
  lines.push(`* default slider (${DEFAULT_SLIDER}); 0 = familiar, 1 = explore`);
  const ease = report.rows.find((r) => r.method === 'EASE');
  const wenyuan = report.rows.find((r) => r.default);
  if (ease && wenyuan) {
    const ratio = (a: number, b: number) => (b === 0 ? (a > 0 ? Infinity : 1) : a / b);
    const goals: [string, number, number][] = [
      ['NDCG@10', ratio(wenyuan.ndcg10, ease.ndcg10), 0.95],
      ['coverage', ratio(wenyuan.coverage, ease.coverage), 3],
      ['long-tail share', ratio(wenyuan.longTail, ease.longTail), 5],
      ['intra-list diversity', ratio(wenyuan.ild, ease.ild), 1.2],
    ];
    lines.push('', 'goals at the default slider, against EASE in this run:');
    for (const [name, value, goal] of goals) lines.push(`  ${name.padEnd(22)} ${Number.isFinite(value) ? `${value.toFixed(3)}×` : '∞ (EASE has none)'}  goal ≥ ${goal}×  ${value >= goal ? 'met' : 'NOT met'}`);
  }
  return lines.join('\n');
}

/** `wenyuan eval recommend`: the offline evaluation of issue 13 on a public or own interaction log. */
export function registerEvalCommands(program: Command): void {
  const evaluation = program.command('eval').description('offline evaluations');
  evaluation
    .command('recommend')
    .description('evaluate MostPop, ItemKNN, EASE and Wenyuan (at five slider settings) on an interaction log: seeded 80/20 hold-out per user, cut-off 10')
    .requiredOption('--ratings <file>', 'the interactions: MovieLens ratings.csv, u.data (100K) or ratings.dat (1M, 10M), HetRec user_artists.dat, or user,item[,weight] (commas, tabs or semicolons)')
    .option('--items <file>', 'item categories: MovieLens movies.csv, u.item or movies.dat, HetRec artists.dat, or item,categories (|-separated)')
    .option('--format <format>', `one of ${RATINGS_FORMATS.join(', ')} (default: guessed from the header)`)
    .option('--seed <n>', 'seed of the hold-out shuffle', '42')
    .option('--lambda <λ>', "EASE's regularisation (default: chosen on a validation split of the training data)")
    .option('--json', 'print one JSON object with a rows array')
    .action((options: { ratings: string; items?: string; format?: string; seed: string; lambda?: string; json?: boolean }) => {
      if (options.format !== undefined && !(RATINGS_FORMATS as readonly string[]).includes(options.format)) throw new Error(`--format must be one of ${RATINGS_FORMATS.join(', ')}`);
      if (!/^\d{1,9}$/.test(options.seed)) throw new Error('--seed must be a whole number');
      const lambda = options.lambda === undefined ? undefined : Number(options.lambda);
      if (lambda !== undefined && !(lambda > 0 && Number.isFinite(lambda))) throw new Error('--lambda must be a positive number');
      const bytes = readInput(options.ratings, 'ratings');
      const format = (options.format as RatingsFormat | undefined) ?? detectRatingsFormat(bytes);
      const data = (() => {
        try {
          return parseRatings(bytes, format);
        } catch (error) {
          throw new Error(`${options.ratings} ${(error as Error).message}`);
        }
      })();
      const items = options.items ? parseItems(readInput(options.items, 'items'), format) : undefined;
      const progress = options.json || !process.stderr.isTTY ? undefined : (message: string) => process.stderr.write(`${message}\n`);
      if (data.badRowCount > 0) process.stderr.write(`${options.ratings}: skipped ${data.badRowCount} bad row(s); first: ${data.badRows[0]}\n`);
      const report = evaluateRecommenders(data, items, { seed: Number(options.seed), ...(lambda !== undefined ? { lambda } : {}), ...(progress ? { onProgress: progress } : {}) });
      console.log(options.json ? JSON.stringify({ ...report, format, skippedRows: data.badRowCount, duplicates: data.duplicates }, null, 2) : formatEvaluation(report));
    });
}

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { csvRecords } from './csv-records.js';
import { decodeText, type TextEncodingOption } from './decode-text.js';
import { jsonLinesRecords, jsonRecords } from './json-records.js';

/** One item read from an import source: a record, or why that item could not be read. */
export type RecordResult =
  | { ok: true; index: number; label: string; record: Record<string, unknown>; warnings?: string[] }
  | { ok: false; index: number; label: string; error: string };

/** Options of `readRecords`; the limits protect the server from oversized or hostile files. */
export type ReadOptions = {
  delimiter?: string;
  encoding?: TextEncodingOption;
  /** Largest file accepted, in bytes (default 50 MB). */
  maxBytes?: number;
  /** Deepest JSON nesting accepted (default 64). */
  maxDepth?: number;
};

/** Files above this size are refused rather than read into memory. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** JSON nested deeper than this is refused before parsing. */
export const DEFAULT_MAX_DEPTH = 64;

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);
const JSON_LINES_EXTENSIONS = new Set(['.jsonl', '.ndjson']);

const toPosix = (p: string): string => p.split(path.sep).join('/');
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function readCapped(filePath: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(filePath);
  if (info.size > maxBytes) throw new Error(`is ${megabytes(info.size)}, over the ${megabytes(maxBytes)} limit; split it into smaller files`);
  return readFile(filePath);
}

/** Every .json file under `dir` (not following symlinks, skipping dot-files), sorted by relative path. */
async function listJsonFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) found.push(full);
    }
  }
  const base = path.dirname(dir);
  return found.map((f) => toPosix(path.relative(base, f))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function* readFileRecords(filePath: string, label: string, options: ReadOptions, firstIndex: number): AsyncGenerator<RecordResult> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const ext = path.extname(filePath).toLowerCase();
  try {
    if (!CSV_EXTENSIONS.has(ext) && ext !== '.json' && !JSON_LINES_EXTENSIONS.has(ext)) {
      throw new Error(`has an unsupported type "${ext || '(none)'}"; use .csv, .tsv, .json, .jsonl or a folder of .json files`);
    }
    const { text } = decodeText(await readCapped(filePath, options.maxBytes ?? DEFAULT_MAX_BYTES), options.encoding ?? 'auto');
    if (CSV_EXTENSIONS.has(ext)) yield* csvRecords(text, label, options.delimiter ?? (ext === '.tsv' ? '\t' : undefined));
    else if (ext === '.json') yield* jsonRecords(text, label, maxDepth, firstIndex);
    else yield* jsonLinesRecords(text, label, maxDepth);
  } catch (err) {
    yield { ok: false, index: firstIndex, label, error: `${label}: ${(err as Error).message}` };
  }
}

/**
 * Reads the records of a CSV/TSV file, a JSON or JSON-lines file, or a folder of .json files (one
 * record each, labelled by path relative to the folder's parent, e.g. `artworks/a/000/a00001-1035.json`).
 * Problems are reported per item and reading goes on; nothing is thrown for bad data.
 */
export async function* readRecords(filePath: string, options: ReadOptions = {}): AsyncGenerator<RecordResult> {
  let info;
  try {
    info = await stat(filePath);
  } catch {
    yield { ok: false, index: 0, label: path.basename(filePath), error: `${path.basename(filePath)}: not found` };
    return;
  }
  if (!info.isDirectory()) {
    yield* readFileRecords(filePath, path.basename(filePath), options, 0);
    return;
  }
  let index = 0;
  for (const relative of await listJsonFiles(filePath)) {
    const full = path.join(path.dirname(filePath), relative);
    for await (const result of readFileRecords(full, relative, options, index)) {
      yield result;
      index = result.index + 1;
    }
  }
}

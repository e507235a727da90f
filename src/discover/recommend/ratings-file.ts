import { csvRecords, detectDelimiter } from '../../archive/import/csv-records.js';
import { decodeText } from '../../archive/import/decode-text.js';

/** The layouts `wenyuan eval recommend` reads. */
export const RATINGS_FORMATS = ['movielens', 'lastfm', 'csv'] as const;
export type RatingsFormat = (typeof RATINGS_FORMATS)[number];

/** Interactions read from a file: one (user, item) pair per distinct interaction, by the file's own ids. */
export interface RatingsData {
  pairs: { user: string; item: string; weight: number }[];
  rows: number;
  duplicates: number;
  /** Rows that could not be read, with why (at most the first 20 are kept; `badRowCount` counts them all). */
  badRows: string[];
  badRowCount: number;
  encoding: string;
}

/** An item's categories (genres, classes) and title, from an items file. */
export interface ItemRecord {
  title?: string;
  categories: string[];
}

interface Layout {
  delimiter: string;
  user: string;
  item: string;
  weight?: string;
  /** Header to assume when the file has none (only `csv`). */
  optionalHeader?: string[];
}

const LAYOUTS: Record<RatingsFormat, Layout> = {
  movielens: { delimiter: ',', user: 'userId', item: 'movieId', weight: 'rating' },
  lastfm: { delimiter: '\t', user: 'userID', item: 'artistID', weight: 'weight' },
  csv: { delimiter: ',', user: 'user', item: 'item', weight: 'weight', optionalHeader: ['user', 'item', 'weight'] },
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/**
 * MovieLens's older releases have no header: ML-100K's `u.data` is `user<tab>item<tab>rating<tab>time`,
 * ML-1M's and ML-10M's `ratings.dat` the same joined by `::`.
 */
const ML_100K_ROW = /^\d+\t\d+\t\d+(\.\d+)?\t\d+$/;
const ML_1M_ROW = /^\d+::\d+::\d+(\.\d+)?::\d+$/;
/** ML-100K's genres, in the order of `u.item`'s 19 flag columns (its `u.genre`). */
const ML_100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
const MAX_BAD_ROWS_KEPT = 20;

/**
 * Guesses the layout from the first line: MovieLens's `userId,movieId` header or the headerless rows
 * of ML-100K and ML-1M, HetRec's `userID<tab>artistID`, else `csv`.
 */
export function detectRatingsFormat(bytes: Uint8Array): RatingsFormat {
  const head = decodeText(bytes.subarray(0, 4096).length === bytes.length ? bytes : bytes.subarray(0, lastLineBreak(bytes.subarray(0, 4096)))).text;
  const first = firstLine(head);
  if (/^"?userId"?,"?movieId"?/.test(first) || ML_100K_ROW.test(first) || ML_1M_ROW.test(first)) return 'movielens';
  if (/^userID\tartistID/.test(first)) return 'lastfm';
  return 'csv';
}

function firstLine(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0]?.trim() ?? '';
}

/**
 * The layout of a file in a format, from its first line: MovieLens's three releases; `csv` with
 * commas, tabs or semicolons, with or without its header.
 */
function layoutOf(text: string, format: RatingsFormat): { text: string; layout: Layout } {
  const first = firstLine(text);
  if (format === 'movielens' && (ML_100K_ROW.test(first) || ML_1M_ROW.test(first))) {
    const body = ML_1M_ROW.test(first) ? text.replaceAll('::', '\t') : text;
    return { text: `userId\tmovieId\trating\ttimestamp\n${body}`, layout: { delimiter: '\t', user: 'userId', item: 'movieId', weight: 'rating' } };
  }
  if (format === 'csv') {
    const layout = { ...LAYOUTS.csv, delimiter: detectDelimiter(text.replace(/^\uFEFF/, '')) };
    return { text: withHeader(text, layout), layout };
  }
  return { text, layout: LAYOUTS[format] };
}

/** Where the last whole line of a prefix ends, so decoding never splits a character. */
function lastLineBreak(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i] === 0x0a) return i + 1;
  return bytes.length;
}

/** Adds the `csv` layout's header when the first line is data (its second column is not the word "item"). */
function withHeader(text: string, layout: Layout): string {
  if (!layout.optionalHeader) return text;
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  const cells = first.split(layout.delimiter).map((c) => c.trim().toLowerCase());
  if (cells[0] === 'user' && cells[1] === 'item') return text;
  const columns = Math.max(2, Math.min(3, cells.length));
  return `${layout.optionalHeader.slice(0, columns).join(layout.delimiter)}\n${text}`;
}

/**
 * Reads a ratings file. Every row becomes an implicit positive whatever its rating or count; rows
 * with a missing id or a weight that is not a number are skipped and named; a file whose header
 * lacks the layout's columns, or most of whose rows are unreadable, is refused with what was found.
 */
export function parseRatings(bytes: Uint8Array, format: RatingsFormat): RatingsData {
  const decoded = decodeText(bytes);
  const { encoding } = decoded;
  const { text, layout } = layoutOf(decoded.text, format);
  const pairs: RatingsData['pairs'] = [];
  const seen = new Set<string>();
  const badRows: string[] = [];
  let badRowCount = 0;
  let rows = 0;
  let duplicates = 0;
  const bad = (message: string) => {
    badRowCount++;
    if (badRows.length < MAX_BAD_ROWS_KEPT) badRows.push(message);
  };
  let checkedHeader = false;
  for (const result of csvRecords(text, 'ratings', layout.delimiter)) {
    rows++;
    if (!result.ok) {
      bad(result.error);
      continue;
    }
    const record = result.record as Record<string, string>;
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = [layout.user, layout.item].filter((c) => !(c in record));
      if (missing.length > 0) {
        throw new Error(`is not a ${format} ratings file: its header lacks ${missing.map((c) => `"${c}"`).join(' and ')} (found ${Object.keys(record).map((c) => `"${c}"`).join(', ')}); expected ${[layout.user, layout.item, layout.weight].filter(Boolean).join(layout.delimiter === '\t' ? '<tab>' : ',')}`);
      }
    }
    const user = (record[layout.user] ?? '').trim();
    const item = (record[layout.item] ?? '').trim();
    const weightText = layout.weight ? (record[layout.weight] ?? '').trim() : '';
    if (!user || !item) {
      bad(`${result.label}: the ${!user ? `"${layout.user}"` : `"${layout.item}"`} column is empty`);
      continue;
    }
    if (weightText && !NUMBER.test(weightText)) {
      bad(`${result.label}: "${layout.weight}" is ${JSON.stringify(weightText.slice(0, 40))}, not a number`);
      continue;
    }
    const key = `${user}\u0000${item}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    pairs.push({ user, item, weight: weightText ? Number(weightText) : 1 });
  }
  if (rows === 0 || pairs.length === 0) throw new Error(`holds no readable interactions${badRows[0] ? ` (first problem: ${badRows[0]})` : ''}`);
  if (badRowCount > rows / 2) throw new Error(`is mostly unreadable as ${format}: ${badRowCount} of ${rows} rows are bad (first: ${badRows[0]})`);
  return { pairs, rows, duplicates, badRows, badRowCount, encoding };
}

/**
 * Reads an items file: MovieLens `movies.csv` (genres split at `|`), ML-1M's `movies.dat`
 * (`id::title::genres`) or ML-100K's `u.item` (`id|title|…` and 19 genre flags), HetRec
 * `artists.dat` (names only), or `item,categories[,title]` with `|`-separated categories.
 */
export function parseItems(bytes: Uint8Array, format: RatingsFormat): Map<string, ItemRecord> {
  const { text } = decodeText(bytes);
  if (format === 'movielens') {
    const headerless = headerlessMovies(text);
    if (headerless) return headerless;
  }
  const out = new Map<string, ItemRecord>();
  const columns =
    format === 'movielens' ? { delimiter: ',', id: 'movieId', categories: 'genres', title: 'title' } : format === 'lastfm' ? { delimiter: '\t', id: 'id', categories: '', title: 'name' } : { delimiter: ',', id: 'item', categories: 'categories', title: 'title' };
  let checked = false;
  for (const result of csvRecords(text, 'items', columns.delimiter)) {
    if (!result.ok) continue;
    const record = result.record as Record<string, string>;
    if (!checked) {
      checked = true;
      if (!(columns.id in record)) throw new Error(`is not a ${format} items file: its header lacks "${columns.id}" (found ${Object.keys(record).map((c) => `"${c}"`).join(', ')})`);
    }
    const id = (record[columns.id] ?? '').trim();
    if (!id) continue;
    const raw = columns.categories ? (record[columns.categories] ?? '') : '';
    const categories = raw
      .split('|')
      .map((c) => c.trim())
      .filter((c) => c && c !== '(no genres listed)');
    const title = record[columns.title]?.trim();
    out.set(id, { ...(title ? { title } : {}), categories });
  }
  return out;
}

/** ML-1M's `movies.dat` or ML-100K's `u.item`, which have no header (and no quoting); null for other files. */
function headerlessMovies(text: string): Map<string, ItemRecord> | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((line) => line.trim() !== '');
  const first = lines[0] ?? '';
  const doubleColon = /^\d+::[^:]/.test(first);
  const flags = (fields: string[]) => fields.length === 5 + ML_100K_GENRES.length && fields.slice(5).every((f) => f === '0' || f === '1');
  if (!doubleColon && !(/^\d+\|/.test(first) && flags(first.split('|')))) return null;
  const out = new Map<string, ItemRecord>();
  for (const line of lines) {
    if (doubleColon) {
      const [id, title, genres] = line.split('::');
      if (!id?.trim() || genres === undefined) continue;
      out.set(id.trim(), { ...(title?.trim() ? { title: title.trim() } : {}), categories: genres.split('|').map((g) => g.trim()).filter((g) => g && g !== '(no genres listed)') });
    } else {
      const fields = line.split('|');
      if (!fields[0]?.trim() || !flags(fields)) continue;
      // "unknown" is the absence of a genre, as "(no genres listed)" is in the newer files.
      const categories = ML_100K_GENRES.filter((genre, k) => fields[5 + k] === '1' && genre !== 'unknown');
      out.set(fields[0].trim(), { ...(fields[1]?.trim() ? { title: fields[1].trim() } : {}), categories });
    }
  }
  return out;
}

import type { RecordResult } from './record-reader.js';

const DELIMITERS = [',', ';', '\t'] as const;

/** Picks `,`, `;` or tab by counting each outside quotes in the header line; ties and none give `,`. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** One row as read: its cells and the lines it covers, or why it could not be read. */
type CsvRow =
  | { kind: 'row'; fields: string[]; start: number; end: number; multiLine: boolean; next: number }
  /** A quoted cell opened on `start` that never closes (`to` is null at the end of the file) or runs into another quote on line `to`. */
  | { kind: 'broken'; start: number; to: number | null };

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';
const BREAKS = /\r\n|\n|\r/g;

/** Offset just after the line break at or after `pos`, with the line count it passes. */
function skipLine(text: string, pos: number): number {
  while (pos < text.length && !isBreak(text[pos])) pos++;
  if (text[pos] === '\r' && text[pos + 1] === '\n') return pos + 2;
  return pos < text.length ? pos + 1 : pos;
}

/**
 * Reads one row from `pos` (which starts line `line`), RFC 4180 with two leniencies kept from
 * spreadsheets: a quote inside an unquoted cell is text, and a quoted cell with text after its
 * closing quote on the same line (`"x"y`) is text as written. A quoted cell that crosses a line
 * break must close properly: one that meets a stray quote on a later line, or the end of the file,
 * is an opening quote never closed, and the row is reported broken rather than swallowing the
 * lines after it.
 */
function readRow(text: string, pos: number, line: number, delimiter: string): CsvRow {
  const fields: string[] = [];
  const start = line;
  let multiLine = false;
  for (;;) {
    const fieldStart = pos;
    let value = '';
    if (text[pos] === '"') {
      const openLine = line;
      pos++;
      for (;;) {
        // Up to the next quote in one step: the text between is the cell's, line breaks included.
        const quote = text.indexOf('"', pos);
        if (quote < 0) return { kind: 'broken', start, to: null };
        const chunk = text.slice(pos, quote);
        const breaks = chunk.match(BREAKS)?.length ?? 0;
        line += breaks;
        multiLine ||= breaks > 0;
        value += chunk;
        pos = quote;
        const after = text[pos + 1];
        if (after === '"') {
          value += '"';
          pos += 2;
          continue;
        }
        if (after === undefined || after === delimiter || isBreak(after)) {
          pos++;
          break;
        }
        if (line !== openLine) return { kind: 'broken', start, to: line };
        // "x"y on one line: the whole cell is text as written.
        while (pos < text.length && text[pos] !== delimiter && !isBreak(text[pos])) pos++;
        value = text.slice(fieldStart, pos);
        break;
      }
    } else {
      while (pos < text.length && text[pos] !== delimiter && !isBreak(text[pos])) pos++;
      value = text.slice(fieldStart, pos);
    }
    fields.push(value);
    if (text[pos] === delimiter) {
      pos++;
      continue;
    }
    const next = skipLine(text, pos);
    return { kind: 'row', fields, start, end: line, multiLine, next };
  }
}

/** Offset of the start of line `target`, counting from `pos` on line `line`. */
function lineOffset(text: string, pos: number, line: number, target: number): number {
  while (line < target && pos < text.length) {
    pos = skipLine(text, pos);
    line++;
  }
  return pos;
}

/** Lines `from`..`to` of the text that, split at the delimiter, have exactly `columns` cells and no quote: rows of their own, by the look of them. */
function rowLikeLines(text: string, pos: number, from: number, to: number, delimiter: string, columns: number): number[] {
  const found: number[] = [];
  const lines = text.slice(pos, lineOffset(text, pos, from, to + 1)).split(/\r\n|\n|\r/);
  lines.forEach((l, i) => {
    if (!l.includes('"') && l.split(delimiter).length === columns) found.push(from + i);
  });
  return found;
}

const span = (from: number, to: number): string => (from === to ? `line ${from}` : `lines ${from}–${to}`);

/**
 * Yields one result per data row of CSV text (header row required). Rows are numbered from 1 after
 * the header ("row N"); messages also give the file lines a row covers. A quote opened and never
 * closed is reported on the row it opens, and the lines after that row are read again as rows of
 * their own, so one missing quote costs one row, and every line is either read or named.
 */
export function* csvRecords(text: string, fileLabel: string, delimiterOption?: string): Generator<RecordResult> {
  const source = text.replace(/^\uFEFF/, '');
  const delimiter = delimiterOption ?? detectDelimiter(source);
  if (delimiter === '"' || isBreak(delimiter)) throw new Error(`cannot use ${JSON.stringify(delimiter)} as the column delimiter`);
  let header: string[] | undefined;
  let row = 0;
  let pos = 0;
  let line = 1;
  while (pos < source.length) {
    const read = readRow(source, pos, line, delimiter);
    if (read.kind === 'broken') {
      const where = read.to === null ? 'is never closed before the end of the file' : `runs into another quote on line ${read.to} instead of closing (a closing quote is probably missing)`;
      if (!header) throw new Error(`header (line ${read.start}): a quoted name ${where}`);
      row++;
      const label = `${fileLabel} row ${row}`;
      const last = read.to ?? lineCount(source, pos, line);
      const reread = last > read.start ? `; ${span(read.start + 1, last)} ${last > read.start + 1 ? 'were' : 'was'} read again as rows of their own` : '';
      yield { ok: false, index: row - 1, label, error: `${label} (line ${read.start}): a quoted cell opened on line ${read.start} ${where}; the row was skipped${reread}` };
      pos = lineOffset(source, pos, line, read.start + 1);
      line = read.start + 1;
      continue;
    }
    const rowStart = pos;
    pos = read.next;
    line = read.end + 1;
    if (read.fields.length === 1 && read.fields[0]!.trim() === '' && !read.multiLine) continue; // blank line
    if (!header) {
      header = readHeader(read.fields);
      continue;
    }
    row++;
    const label = `${fileLabel} row ${row}`;
    if (!read.multiLine) {
      yield toResult(read.fields, header, row, label, `line ${read.start}`);
      continue;
    }
    // A quoted cell spans lines: legitimate (a long description), or a missing quote that a later
    // cell happened to close. Lines inside it that look like rows of their own say which.
    const rowLike = header.length >= 2 ? rowLikeLines(source, lineOffset(source, rowStart, read.start, read.start + 1), read.start + 1, read.end, delimiter, header.length) : [];
    const result = toResult(read.fields, header, row, label, span(read.start, read.end));
    if (!result.ok && rowLike.length > 0) {
      // The cell swallowed rows: report this one, read the lines after its first again.
      yield { ...result, error: `${result.error}; a quote opened on line ${read.start} is probably never closed: the row was skipped and ${span(read.start + 1, read.end)} read again as rows of their own` };
      pos = lineOffset(source, rowStart, read.start, read.start + 1);
      line = read.start + 1;
      continue;
    }
    if (result.ok && rowLike.length > 0) {
      const warning = `${label}: a quoted cell spans ${span(read.start, read.end)}, and ${rowLike.length === 1 ? `line ${rowLike[0]} looks` : `lines ${rowLike.join(', ')} look`} like a row of its own; if a closing quote is missing there, fix it and import again`;
      yield { ...result, warnings: [...(result.warnings ?? []), warning] };
      continue;
    }
    yield result;
  }
  if (!header) throw new Error('is empty; a header row naming the columns is required');
}

/** The number of the last line of the text, counting from `pos` on line `line`. */
function lineCount(text: string, pos: number, line: number): number {
  for (; pos < text.length; line++) {
    const next = skipLine(text, pos);
    if (next >= text.length) return line;
    pos = next;
  }
  return line;
}

function readHeader(fields: string[]): string[] {
  const names = fields.map((f, i) => f.replace(/^\uFEFF/, '').trim() || `column ${i + 1}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`header names the column "${name}" twice; column names must be unique`);
    seen.add(name);
  }
  return names;
}

function toResult(fields: string[], header: string[], row: number, label: string, lines: string): RecordResult {
  const extra = fields.slice(header.length);
  if (fields.length < header.length || extra.some((c) => c.trim() !== '')) {
    return { ok: false, index: row - 1, label, error: `${label}: expected ${header.length} columns, found ${fields.length} (${lines})` };
  }
  const entries: [string, string][] = [];
  header.forEach((name, i) => {
    const cell = fields[i] ?? '';
    // Empty cells become absent keys; every other cell is kept exactly as written (a cell that looks
    // like a spreadsheet formula too: CSV exports neutralise it, see csv-write.ts).
    if (cell.trim() !== '') entries.push([name, cell]);
  });
  // fromEntries defines properties, so a column named "__proto__" stays a plain key.
  const record: Record<string, unknown> = Object.fromEntries(entries);
  return { ok: true, index: row - 1, label, record };
}

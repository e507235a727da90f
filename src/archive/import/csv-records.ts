import { parse } from 'csv-parse/sync';
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

// A spreadsheet evaluates a cell starting with = + - @ (or tab/CR before one). Only cells whose body then
// looks like a formula are touched — "=" followed by anything, a function call (SUM(, HYPERLINK() or a DDE
// link (cmd|' /C calc'!A0) — so "-1", "- note", "+86 10 …" and "@handle" stay exactly as they are.
const FORMULA_LEAD = /^[\t\r]*([=+\-@])(.*)$/s;
const FUNCTION_CALL = /(?:^|[=+\-*/&^,(;@])[A-Za-z_][\w.]*\(/;
const DDE_LINK = /[A-Za-z_][\w.]*\|.*!/s;

/**
 * Neutralises a cell that a spreadsheet would run as a formula (CSV injection) by prefixing an
 * apostrophe, the convention spreadsheets themselves use for "this is text". Returns null if harmless.
 */
export function neutralizeFormula(cell: string): string | null {
  const m = FORMULA_LEAD.exec(cell);
  if (!m) return null;
  const [, lead = '', after = ''] = m;
  const formula = (lead === '=' && /^[^\s=]/.test(after)) || FUNCTION_CALL.test(lead + after) || DDE_LINK.test(after);
  return formula ? `'${cell}` : null;
}

type CsvEvent =
  | { kind: 'record'; fields: string[]; startLine: number; endLine: number }
  | { kind: 'skip'; code: string; message: string; line: number };

function parseEvents(text: string, delimiter: string): CsvEvent[] {
  const events: CsvEvent[] = [];
  parse(text, {
    delimiter,
    relax_column_count: true, // we count columns ourselves to give a per-row message
    relax_quotes: true, // a stray quote inside a cell stays literal text
    skip_empty_lines: true,
    skip_records_with_error: true,
    raw: true,
    on_skip: (err) => {
      const e = err as (Error & { code?: string; lines?: number }) | undefined;
      events.push({ kind: 'skip', code: e?.code ?? 'CSV_ERROR', message: e?.message ?? 'unreadable row', line: e?.lines ?? 0 });
    },
    on_record: (value: unknown, ctx) => {
      // With `raw: true` csv-parse hands over { record, raw }, which its types do not describe.
      const rec = value as { record: string[]; raw: string };
      const newlines = rec.raw.replace(/\n$/, '').split('\n').length - 1;
      events.push({ kind: 'record', fields: rec.record, startLine: ctx.lines - newlines, endLine: ctx.lines });
      return null; // collected above, in order with the skips
    },
  });
  return events;
}

/** Index just after the end of line `line` (1-based), or the text length. */
function offsetAfterLine(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** First non-blank line after `line`, counting from 1. */
function nextContentLine(text: string, line: number): number {
  const lines = text.slice(offsetAfterLine(text, line)).split('\n');
  const i = lines.findIndex((l) => l.trim() !== '');
  return line + 1 + Math.max(i, 0);
}

/**
 * Yields one result per data row of CSV text (header row required). Rows are numbered from 1 after
 * the header ("row N"); messages also give the file line where the row starts ("line L").
 */
export function* csvRecords(text: string, fileLabel: string, delimiterOption?: string): Generator<RecordResult> {
  const source = text.replace(/^\uFEFF/, '');
  const delimiter = delimiterOption ?? detectDelimiter(source);
  let header: string[] | undefined;
  let row = 0;
  let rest = source;
  let lineOffset = 0;
  for (;;) {
    let restartAfter: number | undefined;
    let lastEnd = 0;
    for (const ev of parseEvents(rest, delimiter)) {
      if (ev.kind === 'skip' && ev.code === 'CSV_QUOTE_NOT_CLOSED') {
        // The open quote swallowed the rest of the file: report the row it starts on, resume after that line.
        const start = nextContentLine(rest, lastEnd);
        if (!header) throw new Error(`header (line ${start + lineOffset}) has a quoted name that is never closed`);
        row++;
        const label = `${fileLabel} row ${row}`;
        yield { ok: false, index: row - 1, label, error: `${label}: a quoted cell is never closed (starts at line ${start + lineOffset}); the row was skipped` };
        restartAfter = start;
        break;
      }
      if (ev.kind === 'skip') {
        if (!header) throw new Error(`header is unreadable: ${ev.message}`);
        row++;
        const label = `${fileLabel} row ${row}`;
        yield { ok: false, index: row - 1, label, error: `${label}: unreadable row near line ${ev.line + lineOffset}: ${ev.message}` };
        continue;
      }
      lastEnd = ev.endLine;
      if (!header) {
        header = readHeader(ev.fields);
        continue;
      }
      row++;
      yield toResult(ev.fields, header, row, `${fileLabel} row ${row}`, ev.startLine + lineOffset);
    }
    if (restartAfter === undefined) break;
    const cut = offsetAfterLine(rest, restartAfter);
    rest = rest.slice(cut);
    lineOffset += restartAfter;
  }
  if (!header) throw new Error('is empty; a header row naming the columns is required');
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

function toResult(fields: string[], header: string[], row: number, label: string, line: number): RecordResult {
  const extra = fields.slice(header.length);
  if (fields.length < header.length || extra.some((c) => c.trim() !== '')) {
    return { ok: false, index: row - 1, label, error: `${label}: expected ${header.length} columns, found ${fields.length} (starts at line ${line})` };
  }
  const warnings: string[] = [];
  const entries: [string, string][] = [];
  header.forEach((name, i) => {
    const cell = fields[i] ?? '';
    if (cell.trim() === '') return; // empty cells become absent keys
    const safe = neutralizeFormula(cell);
    if (safe !== null) {
      warnings.push(`${label}: column "${name}" starts like a spreadsheet formula (${JSON.stringify(cell.slice(0, 40))}); kept as text with a leading '`);
    }
    entries.push([name, safe ?? cell]);
  });
  // fromEntries defines properties, so a column named "__proto__" stays a plain key.
  const record: Record<string, unknown> = Object.fromEntries(entries);
  return warnings.length > 0 ? { ok: true, index: row - 1, label, record, warnings } : { ok: true, index: row - 1, label, record };
}

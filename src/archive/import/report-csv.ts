import type { ImportReport } from './import-report.js';

// A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula:
// CSV injection, OWASP. Leading spaces are looked through, as some spreadsheets trim them.
const FORMULA_START = /^[\s]*[=+\-@]|^[\t\r]/;
// Plain numbers ("-1", "+3.5", "-1,234") are left alone: a spreadsheet reads them as numbers.
const NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)*|\d*\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One CSV cell: quoted, inner quotes doubled, and text a spreadsheet would run as a formula made
 * inert by a leading apostrophe (the spreadsheets' own mark for "this is text"). Values are stored
 * as they were imported; this is where they leave for a spreadsheet.
 */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) && !NUMBER.test(text.trim()) ? `'${text}` : text;
  // Most cells hold no quote: skip the copy (a 100,000-line statement has ~900,000 cells).
  return `"${safe.includes('"') ? safe.replaceAll('"', '""') : safe}"`;
}

/** Rows of cells as CSV text (CRLF line ends, as RFC 4180 and spreadsheets expect). */
export function csvText(rows: (string | number | null | undefined)[][]): string {
  return rows.map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}

const COLUMNS = ['item', 'status', 'code', 'work_id', 'sha256', 'visibility', 'changes', 'reason', 'warnings', 'path_bytes'] as const;

/**
 * The report of an import as CSV, one row per item, for a spreadsheet. Starts with a UTF-8
 * byte-order mark, without which Excel reads Chinese names as gibberish.
 */
export function reportCsv(report: ImportReport): string {
  const rows = report.items.map((i) => [i.item, i.status, i.code, i.workId, i.sha256, i.visibility, i.changes?.join('; '), i.reason, i.warnings?.join('\n'), i.pathBytes]);
  return `\uFEFF${csvText([[...COLUMNS], ...rows])}`;
}

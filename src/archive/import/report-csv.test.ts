import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvText, reportCsv } from './report-csv.js';

describe('csvCell', () => {
  it('prefixes what a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    expect(csvCell("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
    expect(csvCell('@SUM(A1:A9)')).toBe(`"'@SUM(A1:A9)"`);
    expect(csvCell('+86 10 1234 5678')).toBe(`"'+86 10 1234 5678"`);
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe(`"'-2+3+cmd|' /C calc'!A0"`);
    expect(csvCell('\t=1+1')).toBe(`"'\t=1+1"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('  =1+1')).toBe(`"'  =1+1"`);
  });

  it('leaves text and plain numbers as they are', () => {
    for (const plain of ['山水', 'a=b', '-1', '+3.5', '-1,234', '1e5', '', 'say "hi"']) {
      expect((parse(csvCell(plain)) as string[][])[0]![0]).toBe(plain);
    }
    expect(csvCell(null)).toBe('""');
    expect(csvCell(7)).toBe('"7"');
  });

  it('round-trips through a CSV reader: every cell is read back as written, formulas with their apostrophe', () => {
    const rows = [['=1+2', 'line\nbreak', 'comma, "quoted"'], ['@x', '-5', '']];
    expect(parse(csvText(rows))).toEqual([["'=1+2", 'line\nbreak', 'comma, "quoted"'], ["'@x", '-5', '']]);
  });

  it('writes the import report with a byte-order mark and a header row', () => {
    const text = reportCsv({ imported: 0, updated: 0, unchanged: 0, failed: 1, skipped: 0, visibility: { private: 0, public: 0 }, items: [{ item: '=1+2.png', status: 'failed', code: 'file_empty', reason: '=1+2.png: file is empty (0 bytes)' }] });
    expect(text.startsWith('\uFEFF"item","status","code"')).toBe(true);
    const [, row] = parse(text.slice(1)) as string[][];
    expect(row).toEqual(["'=1+2.png", 'failed', 'file_empty', '', '', '', '', "'=1+2.png: file is empty (0 bytes)", '', '']);
  });
});

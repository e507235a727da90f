import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { ADMIN, byItem, image, importJson, tempDir } from './import-helpers.js';

/**
 * Issue 10 item 13 (CSV): a quote left open does not swallow the rows after it unreported (the row
 * is reported with its lines, every line after it is read), and cells that look like spreadsheet
 * formulas are stored exactly as written, then neutralised where they leave as CSV (--report).
 */

const MAPPING = (dialect: string) => ({ name: 'cells', id: `cells-${dialect}:{id}`, fields: [{ to: 'title.en', from: 'title' }, { to: 'notes[label=note].text.en', from: 'note' }] });

const FORMULAS = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", '@SUM(A1:A9)', "-2+3+cmd|' /C calc'!A0", '+86 10 1234 5678'];

describe.each(await testDialects())('wenyuan import --records: CSV cells as written (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function source(csv: string): Promise<string[]> {
    const root = tempDir('wenyuan-cells-');
    fs.mkdirSync(path.join(root, 'files'));
    fs.writeFileSync(path.join(root, 'records.csv'), csv);
    fs.writeFileSync(path.join(root, 'mapping.json'), JSON.stringify(MAPPING(dialect)));
    return [path.join(root, 'files'), '--records', path.join(root, 'records.csv'), '--mapping', path.join(root, 'mapping.json')];
  }

  it('reports the row of an unclosed quote with its lines and imports every row after it', { timeout: 60_000 }, async () => {
    // Line 3 opens a quote it never closes; line 6's quoted cell used to close it, swallowing lines 4-5.
    const csv = ['id,title,note', 'q1,First,', 'q2,"Spring rain,x', 'q3,Third,', 'q4,Fourth,', 'q5,"Autumn, late",y', 'q6,Sixth,'].join('\n');
    const report = await importJson(ctx, await source(csv));
    expect(report.items.map((i) => [i.item, i.status])).toEqual([
      ['records.csv row 1', 'imported'],
      ['records.csv row 2', 'failed'],
      ['records.csv row 3', 'imported'],
      ['records.csv row 4', 'imported'],
      ['records.csv row 5', 'imported'],
      ['records.csv row 6', 'imported'],
    ]);
    expect(report.items[1]!.reason).toBe(
      'records.csv row 2 (line 3): a quoted cell opened on line 3 runs into another quote on line 6 instead of closing (a closing quote is probably missing); the row was skipped; lines 4–6 were read again as rows of their own',
    );
    expect(report).toMatchObject({ code: 2, imported: 5, failed: 1 });
    const titles = await Promise.all(report.items.filter((i) => i.workId).map(async (i) => (await ctx.app.works.get(ADMIN, i.workId!)).metadata.title.en));
    expect(titles).toEqual(['First', 'Third', 'Fourth', 'Autumn, late', 'Sixth']);
  });

  it('stores formula-like cells exactly as written and neutralises them in the CSV report', { timeout: 60_000 }, async () => {
    const rows = FORMULAS.map((f, i) => `f${i},"${f.replaceAll('"', '""')}","\t${f.replaceAll('"', '""')}"`);
    const args = await source(['id,title,note', ...rows].join('\r\n'));
    const reportFile = path.join(path.dirname(args[0]!), 'report.csv');
    const report = await importJson(ctx, [...args, '--report', reportFile]);
    expect(report).toMatchObject({ code: 0, imported: FORMULAS.length, failed: 0 });
    for (const [i, formula] of FORMULAS.entries()) {
      const item = byItem(report).get(`records.csv row ${i + 1}`)!;
      expect(item.warnings).toBeUndefined();
      const work = await ctx.app.works.get(ADMIN, item.workId!);
      expect(work.metadata.title.en).toBe(formula);
      // Not neutralised either behind a tab (the mapping trims surrounding whitespace from every value).
      expect(work.metadata.notes[0]?.text.en).toBe(formula);
    }
    const written = parse(fs.readFileSync(reportFile, 'utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(written[0]).toEqual(['item', 'status', 'code', 'work_id', 'sha256', 'visibility', 'changes', 'reason', 'warnings', 'path_bytes']);
    expect(written.slice(1).map((r) => [r[0], r[1], r[3]])).toEqual(report.items.map((i) => [i.item, i.status, i.workId]));
  });

  it('neutralises file names that are formulas in the CSV report of a folder import', { timeout: 60_000 }, async () => {
    const dir = path.join(tempDir('wenyuan-formula-names-'), 'files');
    fs.mkdirSync(dir);
    const names = ['=1+2.png', "@SUM(1)cmd|' calc'!A0.png", '+x.txt', 'plain.png'];
    for (const [i, name] of names.entries()) fs.writeFileSync(path.join(dir, name), name.endsWith('.txt') ? 'text' : await image(70 + i));
    const reportFile = path.join(path.dirname(dir), 'report.csv');
    const report = await importJson(ctx, [dir, '--report', reportFile]);
    expect(report).toMatchObject({ code: 0, imported: 3, skipped: 1 });
    // Stored as written: the title is the name as the file system gave it.
    const work = await ctx.app.works.get(ADMIN, byItem(report).get('=1+2.png')!.workId!);
    expect(Object.values(work.metadata.title)).toEqual(['=1+2']);
    const rows = parse(fs.readFileSync(reportFile, 'utf8').replace(/^\uFEFF/, '')) as string[][];
    const byName = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect([...byName.keys()].sort()).toEqual(["'+x.txt", "'=1+2.png", "'@SUM(1)cmd|' calc'!A0.png", 'plain.png']);
    expect(byName.get("'+x.txt")).toMatchObject({ 1: 'skipped', 2: 'not_media', 7: expect.stringMatching(/^'\+x\.txt: /) });
  });
});

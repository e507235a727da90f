import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDelimiter } from './csv-records.js';
import { decodeText } from './decode-text.js';
import { assertJsonDepth } from './json-records.js';
import { readRecords, type ReadOptions, type RecordResult } from './record-reader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wenyuan-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

async function collect(file: string, options?: ReadOptions): Promise<RecordResult[]> {
  const out: RecordResult[] = [];
  for await (const r of readRecords(file, options)) out.push(r);
  return out;
}

const records = (results: RecordResult[]): Record<string, unknown>[] => results.flatMap((r) => (r.ok ? [r.record] : []));
const errors = (results: RecordResult[]): string[] => results.flatMap((r) => (r.ok ? [] : [r.error]));

describe('CSV', () => {
  it('reads multi-line quoted cells, trims headers and drops empty cells', async () => {
    const file = await write('basic.csv', ' objectID , Title 品名 ,Note\n1,"Old Trees, Level Distance\n樹色平遠圖",\n2,"say ""hi""",x\n');
    const results = await collect(file);
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({ ok: true, index: 0, label: 'basic.csv row 1', record: { objectID: '1', 'Title 品名': 'Old Trees, Level Distance\n樹色平遠圖' } });
    expect(records(results)[1]).toEqual({ objectID: '2', 'Title 品名': 'say "hi"', Note: 'x' });
  });

  it('reports rows with the wrong number of columns and carries on', async () => {
    const header = 'a,b,c,d,e,f,g,h,i,j';
    const good = '1,2,3,4,5,6,7,8,9,10';
    const rows = [header, ...Array.from({ length: 16 }, () => good), '1,2,3,4,5,6,7,8,9,10,11,12', good, '1,2'];
    const results = await collect(await write('columns.csv', rows.join('\n')));
    expect(results).toHaveLength(19);
    expect(results[16]).toMatchObject({ ok: false, index: 16, label: 'columns.csv row 17' });
    expect(errors(results)[0]).toBe('columns.csv row 17: expected 10 columns, found 12 (line 18)');
    expect(results[17]?.ok).toBe(true);
    expect(errors(results)[1]).toContain('row 19: expected 10 columns, found 2');
  });

  it('accepts trailing empty cells beyond the header (spreadsheet exports add them)', async () => {
    const results = await collect(await write('trailing.csv', 'a,b\n1,2,,\n'));
    expect(records(results)).toEqual([{ a: '1', b: '2' }]);
  });

  it('skips a row whose quote never closes and reads the rows after it', async () => {
    const results = await collect(await write('unclosed.csv', 'a,b\n1,"ok\nstill ok"\n2,"broken\n3,three\n4,four\n'));
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true]);
    expect(errors(results)[0]).toBe('unclosed.csv row 2 (line 4): a quoted cell opened on line 4 is never closed before the end of the file; the row was skipped; lines 5–6 were read again as rows of their own');
    expect(records(results)).toEqual([{ a: '1', b: 'ok\nstill ok' }, { a: '3', b: 'three' }, { a: '4', b: 'four' }]);
    expect(results.map((r) => r.label)).toEqual(['unclosed.csv row 1', 'unclosed.csv row 2', 'unclosed.csv row 3', 'unclosed.csv row 4']);
  });

  it('keeps a stray quote inside a cell as text', async () => {
    const results = await collect(await write('stray.csv', 'a,b\n6,"x"y\n'));
    expect(records(results)).toEqual([{ a: '6', b: '"x"y' }]);
  });

  it('detects semicolons and tabs from the header line', async () => {
    expect(detectDelimiter('Source;Target;关系;权重\r\n陈献章;黄景星;思想源泉(白沙心学);1')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x;y",b')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
    const results = await collect(await write('edges.csv', 'Source;Target;关系\r\n陈献章;黄景星;"思想源泉;白沙"\r\n'));
    expect(records(results)).toEqual([{ Source: '陈献章', Target: '黄景星', 关系: '思想源泉;白沙' }]);
    const tsv = await collect(await write('t.tsv', 'a\tb\n1\t2, 3\n'));
    expect(records(tsv)).toEqual([{ a: '1', b: '2, 3' }]);
  });

  it('strips a UTF-8 byte-order mark from the first header', async () => {
    const results = await collect(await write('bom.csv', '\uFEFFscore_id,名称\nS001,宋代刘志方(原曲)\n'));
    expect(records(results)).toEqual([{ score_id: 'S001', 名称: '宋代刘志方(原曲)' }]);
  });

  // "名称,作者\n溪山行旅图,范宽\n" in GBK, computed once with Python's codec: '…'.encode('gbk').
  const GBK = Buffer.from('c3fbb3c62cd7f7d5df0acfaac9bdd0d0c2c3cdbc2cb7b6bfed0a', 'hex');

  it('falls back to GB18030/GBK when a file is not UTF-8', async () => {
    expect(decodeText(GBK).encoding).toBe('gb18030');
    const results = await collect(await write('gbk.csv', GBK));
    expect(records(results)).toEqual([{ 名称: '溪山行旅图', 作者: '范宽' }]);
    expect(errors(await collect(await write('gbk2.csv', GBK), { encoding: 'utf-8' }))[0]).toMatch(/gbk2\.csv: is not valid UTF-8/);
  });

  it('keeps cells that look like spreadsheet formulas exactly as written', async () => {
    const cells = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", '@SUM(A1:A9)', '+86 10 1234 5678', '-1', '\t=1+1'];
    const csv = `id,title\n${cells.map((c, i) => `${i},"${c.replaceAll('"', '""')}"`).join('\n')}\n`;
    const results = await collect(await write('formula.csv', csv));
    expect(records(results).map((r) => r.title)).toEqual(cells);
    expect(results.every((r) => r.ok && r.warnings === undefined)).toBe(true);
  });

  it('reports a quote left open that a later quoted cell closes, and reads every line after it', async () => {
    // Before: row 2 swallowed lines 4-5 into its title and rows 3-4 vanished without a word.
    const text = 'id,title,year\n1,One,1400\n2,"Spring rain,1368\n3,Three,1401\n4,"Four",1402\n5,"Autumn, late",1500\n';
    const results = await collect(await write('swallow.csv', text));
    expect(results.map((r) => [r.label, r.ok])).toEqual([
      ['swallow.csv row 1', true],
      ['swallow.csv row 2', false],
      ['swallow.csv row 3', true],
      ['swallow.csv row 4', true],
      ['swallow.csv row 5', true],
    ]);
    expect(errors(results)).toEqual([
      'swallow.csv row 2 (line 3): a quoted cell opened on line 3 runs into another quote on line 5 instead of closing (a closing quote is probably missing); the row was skipped; lines 4–5 were read again as rows of their own',
    ]);
    expect(records(results)).toEqual([
      { id: '1', title: 'One', year: '1400' },
      { id: '3', title: 'Three', year: '1401' },
      { id: '4', title: 'Four', year: '1402' },
      { id: '5', title: 'Autumn, late', year: '1500' },
    ]);
  });

  it('reports a swallowing cell closed at a cell boundary: an error when the columns do not fit, a warning naming the lines when they do', async () => {
    // The quote on line 3 closes on line 5 and leaves one column short: the row fails, and lines 4-5 are read again.
    const short = await collect(await write('short.csv', 'id,title,year\n1,One,1400\n2,"Spring\n3,Three,1401\n4,Four"\n'));
    expect(errors(short)).toEqual([
      'short.csv row 2: expected 3 columns, found 2 (lines 3–5); a quote opened on line 3 is probably never closed: the row was skipped and lines 4–5 read again as rows of their own',
      'short.csv row 4: expected 3 columns, found 2 (line 5)',
    ]);
    expect(records(short).map((r) => r.id)).toEqual(['1', '3']);
    // Closed exactly where a cell ends: the columns fit, so it may be a real multi-line cell; kept, with a warning naming the lines.
    const fits = await collect(await write('fits.csv', 'id,title,year\n2,"Spring\n3,Three,1401\n4,Four",1402\n'));
    expect(fits).toHaveLength(1);
    expect(fits[0]).toMatchObject({ ok: true, warnings: ['fits.csv row 1: a quoted cell spans lines 2–4, and line 3 looks like a row of its own; if a closing quote is missing there, fix it and import again'] });
    // A real multi-line description is read without a warning.
    const prose = await collect(await write('prose.csv', 'id,title,note\n1,"Old Trees, Level Distance\n樹色平遠圖",x\n'));
    expect(prose[0]).toEqual({ ok: true, index: 0, label: 'prose.csv row 1', record: { id: '1', title: 'Old Trees, Level Distance\n樹色平遠圖', note: 'x' } });
  });

  it('reads a file of many broken quotes in linear time, naming every row', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? `${i},"open ${i}` : `${i},fine`));
    const started = performance.now();
    const results = await collect(await write('many.csv', `id,title\n${lines.join('\n')}\n`));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results).toHaveLength(20_000);
    expect(results.filter((r) => r.ok)).toHaveLength(10_000);
  });

  it('reports a missing header, duplicate columns and oversized files as file errors', async () => {
    expect(errors(await collect(await write('empty.csv', '')))).toEqual(['empty.csv: is empty; a header row naming the columns is required']);
    expect(errors(await collect(await write('dup.csv', 'a,a\n1,2\n')))[0]).toMatch(/names the column "a" twice/);
    expect(errors(await collect(await write('big.csv', 'a\n1\n'), { maxBytes: 3 }))[0]).toMatch(/big\.csv: is 0\.0 MB, over the 0\.0 MB limit/);
    expect(errors(await collect(path.join(dir, 'nope.csv')))).toEqual(['nope.csv: not found']);
    expect(errors(await collect(await write('x.xlsx', 'PK')))[0]).toMatch(/unsupported type "\.xlsx"/);
  });
});

describe('JSON', () => {
  it('reads an object as one record and an array as many', async () => {
    expect(await collect(await write('one.json', '{"acno":"T1"}'))).toEqual([{ ok: true, index: 0, label: 'one.json', record: { acno: 'T1' } }]);
    const many = await collect(await write('many.json', '[{"id":1},2,{"id":3}]'));
    expect(many.map((r) => r.label)).toEqual(['many.json [1]', 'many.json [2]', 'many.json [3]']);
    expect(errors(many)).toEqual(['many.json [2]: expected an object, found number']);
    expect(errors(await collect(await write('scalar.json', '"x"')))[0]).toMatch(/holds string; expected an object or an array/);
    expect(errors(await collect(await write('bad.json', '{"a":')))[0]).toMatch(/^bad\.json: is not valid JSON/);
  });

  it('reads JSON lines, one record per line', async () => {
    const results = await collect(await write('rows.jsonl', '{"a":1}\n\nnot json\n{"a":2}\n'));
    expect(results.map((r) => [r.label, r.ok])).toEqual([['rows.jsonl line 1', true], ['rows.jsonl line 3', false], ['rows.jsonl line 4', true]]);
  });

  it('refuses nesting deeper than the limit without crashing', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(errors(await collect(await write('deep.json', deep)))).toEqual(['deep.json: nests objects/arrays deeper than 64 levels']);
    expect(() => assertJsonDepth('{"a":"[[[[[[[[[[[[[[[[["}', 2)).not.toThrow(); // brackets inside strings do not count
    const ok = `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`;
    expect((await collect(await write('ok-deep.json', ok)))[0]?.ok).toBe(true);
  });

  it('reads a folder of .json files in sorted order, labelled by relative path', async () => {
    await write('art/b/2.json', '{"n":2}');
    await write('art/a/1.json', '{"n":1}');
    await write('art/a/.hidden.json', '{"n":0}');
    await write('art/a/readme.txt', 'not json');
    await write('art/c/broken.json', '{');
    const results = await collect(path.join(dir, 'art'));
    expect(results.map((r) => r.label)).toEqual(['art/a/1.json', 'art/b/2.json', 'art/c/broken.json']);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(errors(results)[0]).toMatch(/^art\/c\/broken\.json: is not valid JSON/);
  });
});

const DATA = path.resolve(process.cwd(), '../shared/data/collections');
const haveData = existsSync(DATA);

describe.skipIf(!haveData)('real collections in ../shared/data (skipped when absent)', () => {
  it('reads all 510 bilingual painting records without errors', async () => {
    const counts = await Promise.all(
      ['met_with_image.csv', 'smithsonian_image_url.csv', 'taipei_image_url.csv'].map(async (f) => {
        const results = await collect(path.join(DATA, 'meng-v-chinese-art', f));
        expect(errors(results)).toEqual([]);
        return results.length;
      }),
    );
    expect(counts).toEqual([140, 85, 285]);
  });

  it('reads the guqin CSVs, including the semicolon Palladio files', async () => {
    const edges = await collect(path.join(DATA, 'lingnan-guqin/palladio_edges.csv'));
    expect(edges).toHaveLength(66);
    expect(records(edges)[0]).toEqual({ Source: '陈献章', Target: '黄景星', 关系: '思想源泉(白沙心学)', 权重: '1' });
    expect(records(await collect(path.join(DATA, 'lingnan-guqin/palladio_persons.csv')))).toHaveLength(226);
    const scores = records(await collect(path.join(DATA, 'lingnan-guqin/works_scores.csv')));
    expect(scores).toHaveLength(42);
    expect(Object.keys(scores[0]!)).toEqual(['score_id', '名称', '类型', '朝代']);
  });

  it('reads the Tate folder: 2,036 records labelled by path', async () => {
    const results = await collect(path.join(DATA, 'tate/artworks'));
    expect(results).toHaveLength(2036);
    expect(errors(results)).toEqual([]);
    expect(results[0]?.label).toBe('artworks/a/000/a00001-1035.json');
  });

  it('reads the CMOA folder: 1,000 records', async () => {
    const results = await collect(path.join(DATA, 'cmoa/cmoa'));
    expect(results.filter((r) => r.ok)).toHaveLength(1000);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkMetadata } from '../metadata.schema.js';
import { groupRecords, mapRecords, type ImportItem } from './map-records.js';
import { applyMapping, checkFilePath, loadMapping, mappingSchema, unmappedColumns, type Mapping } from './mapping.js';
import { readRecords } from './record-reader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wenyuan-mapping-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mapping = (fields: unknown[], extra: Record<string, unknown> = {}): Mapping =>
  mappingSchema.parse({ name: 'test', id: 'objectID', fields, ...extra });

/** The metadata of a successful mapping, failing the test with the error otherwise. */
function meta(result: ReturnType<typeof applyMapping>): WorkMetadata {
  if (!result.ok) throw new Error(result.error);
  return result.metadata as WorkMetadata;
}

const PAINTINGS = mapping(
  [
    { to: 'title.en', from: 'Title', transforms: [{ op: 'splitBilingual', part: 'en' }] },
    { to: 'title.zh', from: 'Title', transforms: [{ op: 'splitBilingual', part: 'zh' }] },
    { to: 'creators[].name.en', from: 'Artist', transforms: [{ op: 'split', regex: '\\n\\s*\\n' }, { op: 'splitBilingual', part: 'en' }, 'stripAttribution'] },
    { to: 'creators[].name.zh', from: 'Artist', transforms: [{ op: 'split', regex: '\\n\\s*\\n' }, { op: 'splitBilingual', part: 'zh' }, 'stripAttribution'] },
    { to: 'creators[].role', from: 'Artist', transforms: [{ op: 'split', regex: '\\n\\s*\\n' }, { op: 'role', default: 'artist' }] },
    { to: 'inscriptions[kind=seal].text.zh', from: 'Seals', transforms: ['noneToEmpty', { op: 'split', separator: '\n' }] },
    { to: 'inscriptions[kind=colophon].text.zh', from: 'Colophons', transforms: ['noneToEmpty'] },
    { to: 'notes[label=Publications].text.en', from: 'Publications' },
    { to: 'date', from: 'Date', transforms: [{ op: 'date' }] },
    { to: 'institution.en', const: 'Metropolitan Museum of Art' },
    { to: 'rights.uri', const: 'https://creativecommons.org/publicdomain/zero/1.0/' },
    { to: 'classification.heritage', const: 'tangible' },
  ],
  { zhScript: 'zh-Hant', id: 'met:{objectID}', files: 'Image' },
);

describe('mapping format', () => {
  it('maps bilingual cells, aligned creators, seals, notes, dates and constants', () => {
    const result = applyMapping(
      {
        objectID: '39668',
        Title: 'Old Trees, Level Distance\n樹色平遠圖',
        Artist: 'Unidentified artist\n\nAttributed to Ai Xuan (conjecture)\n傳艾宣',
        Seals: '乾隆御覽之寶\n石渠寶笈',
        Colophons: '(none)',
        Publications: '<i>Fong</i> 1992',
        Date: 'c. 1080',
      },
      PAINTINGS,
      'met.csv row 17',
    );
    expect(result).toMatchObject({ ok: true, sourceId: 'met:39668', files: [], warnings: [] });
    expect(meta(result)).toMatchObject({
      title: { en: 'Old Trees, Level Distance', 'zh-Hant': '樹色平遠圖' },
      creators: [
        { name: { en: 'Unidentified artist' }, role: 'artist' },
        { name: { en: 'Ai Xuan (conjecture)', 'zh-Hant': '艾宣' }, role: 'attributed' },
      ],
      inscriptions: [
        { kind: 'seal', text: { 'zh-Hant': '乾隆御覽之寶' } },
        { kind: 'seal', text: { 'zh-Hant': '石渠寶笈' } },
      ],
      notes: [{ label: 'Publications', text: { en: '<i>Fong</i> 1992' } }], // HTML stays plain text
      date: { display: { en: 'c. 1080' }, earliest: 1080, latest: 1080 },
      institution: { en: 'Metropolitan Museum of Art' },
      classification: { heritage: 'tangible' },
    });
  });

  it('names the item and the id column when the id is empty', () => {
    const byColumn = mapping([{ to: 'title.en', from: 'Title' }]);
    expect(applyMapping({ Title: 'x' }, byColumn, 'row 17')).toEqual({ ok: false, error: 'row 17: no value for id column "objectID"' });
    expect(applyMapping({ Title: 'x', objectID: ' ' }, PAINTINGS, 'row 3')).toEqual({ ok: false, error: 'row 3: no value for id template "met:{objectID}"' });
  });

  it('reports schema failures with the item label and field path', () => {
    const m = mapping([{ to: 'title.en', from: 'Title' }, { to: 'sourceUrl', from: 'URL' }]);
    expect(applyMapping({ objectID: '1' }, m, 'row 17')).toEqual({ ok: false, error: 'row 17: title: needs at least one language' });
    const bad = applyMapping({ objectID: '1', Title: 'x', URL: 'not a url' }, m, 'row 18');
    expect(bad.ok === false && bad.error).toMatch(/^row 18: sourceUrl: /);
  });

  it('strips control characters except newline and tab, and normalises CRLF', () => {
    const m = mapping([{ to: 'title.en', from: 'Title' }]);
    expect(meta(applyMapping({ objectID: '1', Title: 'a\u0000b\u0007c\r\nd\te\u009b' }, m)).title).toEqual({ en: 'abc\nd\te' });
  });

  it('appends with [+], falls back through from-lists and defaults, writes numbers as text', () => {
    const m = mapping([
      { to: 'subjects[].en', from: 'tags[*]' },
      { to: 'subjects[+].en', from: 'movements[*].name' },
      { to: 'title.en', from: ['title', 'foreignTitle'] },
      { to: 'inventoryNumber', from: 'acno' },
      { to: 'rights.uri', from: 'copyright', transforms: [{ op: 'template', template: 'http://rightsstatements.org/vocab/InC/1.0/' }], default: 'http://rightsstatements.org/vocab/CNE/1.0/' },
      { to: 'date.earliest', from: 'start' },
    ]);
    const m1 = meta(applyMapping({ objectID: 1, tags: ['lake', 'man'], movements: [{ name: 'Romanticism' }], foreignTitle: 'Komödie', acno: 42, start: '1777' }, m));
    expect(m1.subjects).toEqual([{ en: 'lake' }, { en: 'man' }, { en: 'Romanticism' }]);
    expect(m1).toMatchObject({ title: { en: 'Komödie' }, inventoryNumber: '42', rights: { uri: 'http://rightsstatements.org/vocab/CNE/1.0/' }, date: { earliest: 1777 } });
    const m2 = meta(applyMapping({ objectID: 2, title: 'T', copyright: '© The estate', start: 'no date' }, m));
    expect(m2.rights?.uri).toBe('http://rightsstatements.org/vocab/InC/1.0/');
    expect(m2.date).toBeUndefined();
  });

  it('collects warnings instead of failing on unreadable years', () => {
    const m = mapping([{ to: 'title.en', const: 'T' }, { to: 'date.earliest', from: 'y', transforms: ['year'] }]);
    const result = applyMapping({ objectID: 1, y: 'no date' }, m, 'x.json');
    expect(result).toMatchObject({ ok: true, warnings: ['x.json: date.earliest: "no date" is not a year; left out'] });
  });

  it('rejects file paths that are absolute, URLs or escape the import folder', () => {
    expect(checkFilePath('images/a.jpg')).toEqual({ path: 'images/a.jpg' });
    expect(checkFilePath('./images\\sub/../b.tif')).toEqual({ path: 'images/b.tif' });
    expect(checkFilePath('../secret.jpg')).toEqual({ error: '"../secret.jpg" points outside the import folder (..)' });
    expect(checkFilePath('a/../../etc/passwd')).toMatchObject({ error: expect.stringContaining('outside the import folder') });
    expect(checkFilePath('/etc/passwd')).toMatchObject({ error: expect.stringContaining('is an absolute path') });
    expect(checkFilePath('C:\\images\\a.jpg')).toMatchObject({ error: expect.stringContaining('is an absolute path') });
    expect(checkFilePath('https://images.metmuseum.org/a.jpg')).toMatchObject({ error: expect.stringContaining('is a URL') });
    const base = { objectID: '1', Title: 'Old Trees' };
    expect(applyMapping({ ...base, Image: 'img/1.jpg' }, PAINTINGS)).toMatchObject({ ok: true, files: [{ kind: 'path', path: 'img/1.jpg' }] });
    expect(applyMapping({ ...base, Image: '../../etc/passwd' }, PAINTINGS, 'row 2')).toEqual({
      ok: false,
      error: 'row 2: files: "../../etc/passwd" points outside the import folder (..)',
    });
  });

  it('attaches files by path column, glob pattern and URL column, in rule order', () => {
    const joined = mapping([{ to: 'title.en', from: 'Title' }], {
      files: [
        'Image',
        { glob: ['images/{Object Number}_*.tif', 'scans/{objectID}.pdf'] },
        { from: 'Links', as: 'url', transforms: [{ op: 'split', separator: '|' }] },
      ],
    });
    const record = { objectID: '7', 'Object Number': '1977.12*a', Title: 'x', Image: 'a\\b.jpg', Links: 'https://img.example/1.jpg | http://img.example:8080/2.png' };
    expect(applyMapping(record, joined)).toMatchObject({
      ok: true,
      files: [
        { kind: 'path', path: 'a/b.jpg' },
        // The value's own * is matched literally.
        { kind: 'glob', pattern: 'images/1977.12\\*a_*.tif' },
        { kind: 'glob', pattern: 'scans/7.pdf' },
        { kind: 'url', url: 'https://img.example/1.jpg' },
        { kind: 'url', url: 'http://img.example:8080/2.png' },
      ],
    });
    // A missing placeholder leaves the pattern out, with a warning; a bad URL fails the item.
    const sparse = applyMapping({ objectID: '8', Title: 'y' }, joined, 'row 3');
    expect(sparse).toMatchObject({ ok: true, files: [{ kind: 'glob', pattern: 'scans/8.pdf' }] });
    expect(sparse.ok && sparse.warnings).toEqual(['row 3: files: no value for {Object Number}, so the pattern "images/{Object Number}_*.tif" finds no files']);
    expect(applyMapping({ objectID: '9', Title: 'z', Links: 'ftp://img.example/1.jpg' }, joined, 'row 4')).toEqual({ ok: false, error: 'row 4: files: "ftp://img.example/1.jpg" is not an http:// or https:// URL' });
    expect(applyMapping({ objectID: '9', Title: 'z', Links: 'https://user:pw@img.example/1.jpg' }, joined, 'row 5')).toMatchObject({ ok: false, error: expect.stringContaining('user name or password') });
    expect(applyMapping({ objectID: '9', Title: 'z', Image: 'https://img.example/1.jpg' }, joined, 'row 6')).toMatchObject({ ok: false, error: expect.stringContaining('"as": "url"') });
    expect(unmappedColumns([{ ...record, Other: 1 }], joined)).toEqual(['Other']);
  });

  it('rejects mistakes in file rules with the rule that is wrong', () => {
    const problems = (files: unknown): string => {
      const parsed = mappingSchema.safeParse({ name: 'x', id: 'id', fields: [{ to: 'title.en', from: 'a' }], files });
      return parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(problems('Image')).toBe('');
    expect(problems({ glob: '{id}_*.jpg' })).toBe('');
    expect(problems([{ from: 'a' }, { glob: 'x/{id}.jpg', from: 'b' }])).toContain('files.1: needs exactly one of "from", "template", "const" or "glob"');
    expect(problems({ glob: '{id}.jpg', as: 'url' })).toContain('files.0.as: "as" goes with "from"');
    expect(problems({ glob: '/images/{id}.jpg' })).toContain('is an absolute path');
    expect(problems({ glob: '../{id}.jpg' })).toContain('points outside the import folder');
    expect(problems({ glob: 'images/{id.jpg' })).toContain('unmatched { or }');
    expect(problems({ glob: 'https://x/{id}.jpg' })).toContain('is a URL');
    expect(problems({ from: 'a', as: 'ftp' })).toContain('files.0.as');
  });

  it('lists source columns no rule reads, once, except those ignored on purpose', () => {
    const records = [{ objectID: '1', Title: 'x', Extra: 'y' }, { objectID: '2', Other: 'z', Extra: 'w', Skip: 's' }];
    expect(unmappedColumns(records, mappingSchema.parse({ ...PAINTINGS, ignore: ['Skip'] }))).toEqual(['Extra', 'Other']);
  });

  it('rejects mistakes in a mapping with the field that is wrong', async () => {
    const problems = (m: unknown): string => {
      const parsed = mappingSchema.safeParse({ name: 'x', id: 'id', ...(m as object) });
      return parsed.success ? '' : JSON.stringify(parsed.error.issues);
    };
    expect(problems({ fields: [{ to: 'titel.en', from: 'a' }] })).toContain('\\"titel\\" is not a metadata field');
    expect(problems({ fields: [{ to: 'creators[].name[].en', from: 'a' }] })).toContain('only one [] is allowed');
    expect(problems({ fields: [{ to: 'title.en', from: 'a', const: 'b' }] })).toContain('exactly one of');
    expect(problems({ fields: [{ to: 'title.en', from: 'a', transforms: [{ op: 'split' }] }] })).toContain('split needs exactly one of');
    expect(problems({ fields: [{ to: 'title.en', from: 'a', transforms: [{ op: 'drop', regex: '(' }] }] })).toContain('regex');
    expect(problems({ fields: [{ to: 'title.__proto__', from: 'a' }] })).toContain('is not a field');
    const file = path.join(dir, 'bad-mapping.json');
    await writeFile(file, JSON.stringify({ name: 'x', id: 'id', fields: [{ to: 'titel.en', from: 'a' }] }));
    await expect(loadMapping(file)).rejects.toThrow(/bad-mapping\.json: fields\[0\]\.to: target "titel\.en"/);
  });

  it('groups rows that share a key into one record with the rows under `rows`', () => {
    const rows = [
      { ok: true as const, index: 0, label: 'i.csv row 1', record: { 琴名: '绿绮台', 流转序: '1' } },
      { ok: true as const, index: 1, label: 'i.csv row 2', record: { 琴名: '南风', 流转序: '1' } },
      { ok: true as const, index: 2, label: 'i.csv row 3', record: { 琴名: '绿绮台', 流转序: '2' } },
    ];
    const grouped = groupRecords(rows, '琴名');
    expect(grouped.map((g) => g.label)).toEqual(['i.csv row 1 (+1 more with the same 琴名)', 'i.csv row 2']);
    expect(grouped[0]?.record.rows).toEqual([rows[0]!.record, rows[2]!.record]);
  });
});

describe('mapRecords on a file', () => {
  it('reports malformed rows and duplicate ids per item, keeps formula cells as written, and keeps going', async () => {
    const file = path.join(dir, 'items.csv');
    await writeFile(file, 'objectID,Title,Extra\n1,"=HYPERLINK(""http://x"")",a\n2,"B\n乙",b,c,d\n1,Again,\n3,,\n');
    const items: ImportItem[] = [];
    for await (const item of mapRecords(file, PAINTINGS)) items.push(item);
    expect(items.map((i) => [i.label, i.result.ok])).toEqual([
      ['items.csv row 1', true],
      ['items.csv row 2', false],
      ['items.csv row 3', false],
      ['items.csv row 4', false],
    ]);
    const [first, second, third, fourth] = items.map((i) => i.result);
    // A formula-like cell is stored exactly as written (CSV exports neutralise it).
    expect(first?.ok && first.metadata.title).toEqual({ en: '=HYPERLINK("http://x")' });
    expect(first?.ok && first.warnings).toEqual([]);
    expect(second?.ok === false && second.error).toBe('items.csv row 2: expected 3 columns, found 5 (lines 3–4)');
    expect(third?.ok === false && third.error).toBe('items.csv row 3: id "met:1" was already used by items.csv row 1');
    expect(fourth?.ok === false && fourth.error).toBe('items.csv row 4: title: needs at least one language');
  });
});

const REPO = process.cwd();
const DATA = path.resolve(REPO, '../shared/data/collections');
const haveData = existsSync(DATA);
if (!haveData) console.warn(`skipping real-data mapping tests: ${DATA} is absent`);

type Run = { items: ImportItem[]; ok: WorkMetadata[]; byId: Map<string, WorkMetadata>; failures: string[]; warnings: string[] };

async function runMapping(name: string, source: string): Promise<Run> {
  const m = await loadMapping(path.join(REPO, 'mappings', `${name}.json`));
  const items: ImportItem[] = [];
  for await (const item of mapRecords(path.join(DATA, source), m)) items.push(item);
  const byId = new Map<string, WorkMetadata>();
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const { result } of items) {
    if (result.ok) {
      byId.set(result.sourceId, result.metadata as WorkMetadata);
      warnings.push(...result.warnings);
    } else failures.push(result.error);
  }
  return { items, ok: [...byId.values()], byId, failures, warnings };
}

async function allRecords(source: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const r of readRecords(path.join(DATA, source))) if (r.ok) out.push(r.record);
  return out;
}

describe.skipIf(!haveData)('real mappings against ../shared/data/collections', () => {
  it('every mapping file in mappings/ loads', async () => {
    const files = (await readdir(path.join(REPO, 'mappings'))).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) await expect(loadMapping(path.join(REPO, 'mappings', f))).resolves.toBeDefined();
  });

  it('The Met: all 140 rows; Old Trees, Level Distance; attributions; imitation flags', async () => {
    const run = await runMapping('met-chinese-painting', 'meng-v-chinese-art/met_with_image.csv');
    expect(run.failures).toEqual([]);
    expect(run.ok).toHaveLength(140);
    const oldTrees = run.byId.get('met:39668')!;
    expect(oldTrees.title).toEqual({ en: 'Old Trees, Level Distance', 'zh-Hant': '樹色平遠圖' });
    expect(oldTrees.creators).toEqual([{ name: { en: 'Guo Xi', 'zh-Hant': '郭熙' }, role: 'artist' }]);
    expect(oldTrees.inscriptions.filter((i) => i.kind === 'colophon').length).toBeGreaterThanOrEqual(5);
    expect(oldTrees).toMatchObject({ inventoryNumber: '1981.276', rights: { uri: 'https://creativecommons.org/publicdomain/zero/1.0/' }, classification: { industry: '02', heritage: 'tangible' } });
    const imitations = run.ok.filter((w) => w.notes.some((n) => n.label === 'Authenticity concerns' && /imitation/.test(n.text.en ?? '')));
    expect(imitations).toHaveLength(22); // 21 "imitation" + 1 "imitation?"
    const attributed = run.ok.flatMap((w) => w.creators).filter((c) => c.role === 'attributed');
    expect(attributed.length).toBeGreaterThanOrEqual(5);
    expect(attributed.every((c) => !/attributed|傳/i.test(JSON.stringify(c.name)))).toBe(true);
    expect(run.ok.every((w) => w.creators.length > 0 && w.creators.every((c) => Object.keys(c.name).length > 0))).toBe(true);
    expect(unmappedColumns(await allRecords('meng-v-chinese-art/met_with_image.csv'), await loadMapping(path.join(REPO, 'mappings/met-chinese-painting.json')))).toEqual([]);
  });

  it('Smithsonian: all 85 rows; run-together titles split; (傳) becomes role attributed', async () => {
    const run = await runMapping('smithsonian-chinese-painting', 'meng-v-chinese-art/smithsonian_image_url.csv');
    expect(run.failures).toEqual([]);
    expect(run.ok).toHaveLength(85);
    const clearing = run.byId.get('nmaa:F1916.538')!;
    expect(clearing.title).toEqual({ en: 'Clearing Autumn Skies over Mountains and Valleys', 'zh-Hant': '谿山秋鑓圖' });
    expect(clearing.creators).toEqual([{ name: { en: 'Guo Xi', 'zh-Hant': '郭熙' }, role: 'attributed' }]);
    expect(clearing.inscriptions.filter((i) => i.kind === 'seal')).toHaveLength(8); // one per owner, "27 Total" dropped
    expect(run.ok.filter((w) => w.title.en && w.title['zh-Hant'])).toHaveLength(85);
    expect(run.ok.filter((w) => w.sourceUrl)).toHaveLength(81);
  });

  it('NPM Taipei: all 285 rows map; the duplicated row is flagged; 谿山行旅圖 is by 范寬', async () => {
    const m = await loadMapping(path.join(REPO, 'mappings/npm-taipei-chinese-painting.json'));
    const records = await allRecords('meng-v-chinese-art/taipei_image_url.csv');
    expect(records.map((r) => applyMapping(r, m)).filter((r) => r.ok)).toHaveLength(285);
    const run = await runMapping('npm-taipei-chinese-painting', 'meng-v-chinese-art/taipei_image_url.csv');
    expect(run.ok).toHaveLength(284);
    expect(run.failures).toEqual(['taipei_image_url.csv row 171: id "npm:17466" was already used by taipei_image_url.csv row 166']);
    const travelers = run.ok.find((w) => w.title['zh-Hant'] === '谿山行旅圖')!;
    expect(travelers.creators[0]?.name['zh-Hant']).toContain('范寬');
    expect(travelers.creators[0]?.name.en).toBe('Fan Kuan');
    expect(travelers.inscriptions.some((i) => i.kind === 'seal' && i.text['zh-Hant'] === '董其昌印')).toBe(true);
    expect(run.ok.every((w) => Object.keys(w.title).join() === 'zh-Hant')).toBe(true);
    const huizong = run.ok.flatMap((w) => w.creators).find((c) => c.name['zh-Hant']?.startsWith('宋徽宗'));
    expect(huizong?.name.en).toBe('Zhaoji emperor');
    expect(run.ok[0]?.institution).toEqual({ en: 'National Palace Museum, Taibei', 'zh-Hant': '台北故宮' });
  });

  it('Lingnan guqin scores: 42 intangible works with dynasty or year dates', async () => {
    const run = await runMapping('lingnan-guqin-scores', 'lingnan-guqin/works_scores.csv');
    expect(run.failures).toEqual([]);
    expect(run.ok).toHaveLength(42);
    expect(run.byId.get('lingnan-guqin:S002')).toMatchObject({
      title: { 'zh-Hans': '明·神奇秘谱(1425)' },
      date: { earliest: 1425, latest: 1425 },
      subjects: [{ 'zh-Hans': '琴谱集' }, { 'zh-Hans': '古琴' }],
      classification: { heritage: 'intangible', industry: '02' },
    });
    expect(run.byId.get('lingnan-guqin:S001')?.date).toMatchObject({ earliest: 960, latest: 1279 }); // 宋
    expect(run.byId.get('lingnan-guqin:S011')?.description?.['zh-Hans']).toContain('字石耕');
  });

  it('Lingnan guqin instruments: 30 provenance rows become 22 instruments', async () => {
    const run = await runMapping('lingnan-guqin-instruments', 'lingnan-guqin/instruments.csv');
    expect(run.failures).toEqual([]);
    expect(run.ok).toHaveLength(22);
    const lvqi = run.byId.get('lingnan-guqin:instrument:绿绮台')!;
    expect(lvqi.provenance?.['zh-Hans']?.split('\n')).toHaveLength(7);
    expect(lvqi.provenance?.['zh-Hans']).toContain('邝露：珍藏·抱琴殉国');
    expect(lvqi.notes.find((n) => n.label === '题咏')?.text['zh-Hans']).toContain('抱琴而死兮当告谁');
    expect(run.byId.get('lingnan-guqin:instrument:飞泉')?.inscriptions[0]?.text['zh-Hans']).toContain('白沙氏修');
  });

  it('Tate: ≥2,035 of 2,036; year ranges from dateRange; "no date" imports without a date', async () => {
    const run = await runMapping('tate-artworks', 'tate/artworks');
    expect(run.items).toHaveLength(2036);
    expect(run.ok.length).toBeGreaterThanOrEqual(2035);
    // d14881 has dateRange 1828 → 1819 (a typo for 1829 in the source), which the schema rightly refuses.
    expect(run.failures).toEqual(['artworks/d/148/d14881-42241.json: date: earliest year must not be after latest year']);
    const derwent = run.byId.get('tate:T00999')!;
    expect(derwent.date).toEqual({ display: { en: 'c.1777–8' }, earliest: 1777, latest: 1778 });
    expect(derwent.creators).toEqual([{ name: { en: 'Thomas Hearne' }, role: 'artist', lifeDates: '1744–1817' }]);
    expect(derwent.subjects.map((s) => s.en)).toEqual(expect.arrayContaining(['Cumbria', 'Derwent Water', 'lake', 'mountain']));
    expect(derwent.subjects.map((s) => s.en)).not.toContain('places');
    const raw = await allRecords('tate/artworks');
    const ranged = raw.filter((r) => typeof (r.dateRange as { startYear?: unknown } | null)?.startYear === 'number').map((r) => `tate:${String(r.acno)}`);
    const dated = ranged.filter((id) => run.byId.get(id)?.date?.earliest !== undefined && run.byId.get(id)?.date?.latest !== undefined);
    expect(dated.length).toBe(ranged.length - 1); // all but the refused d14881
    const noDate = run.byId.get('tate:T12694')!;
    expect(noDate.title.en).toBe('Men fishing');
    expect(noDate.date).toBeUndefined();
    expect(run.warnings).toContain('artworks/t/126/t12694-99407.json: date.earliest: "no date" is not a year; left out');
    expect(run.ok.flatMap((w) => w.creators).filter((c) => c.role === 'after').length).toBeGreaterThanOrEqual(60);
  });

  it('CMOA: ≥997 of 1,000; creators carry nationality and life dates; BCE years', async () => {
    const run = await runMapping('cmoa-objects', 'cmoa/cmoa');
    expect(run.ok.length).toBeGreaterThanOrEqual(997);
    expect(run.failures).toHaveLength(3);
    expect(run.failures.every((f) => f.endsWith(': title: needs at least one language'))).toBe(true);
    const chinese = run.ok.filter((w) => w.creators.some((c) => c.nationality === 'Chinese'));
    expect(chinese.length).toBeGreaterThanOrEqual(378);
    const whistler = run.ok.flatMap((w) => w.creators).find((c) => c.name.en === 'James Abbott McNeill Whistler');
    expect(whistler).toMatchObject({ nationality: 'American', lifeDates: '1834–1903' });
    const han = run.ok.find((w) => w.date?.display?.en === '206 BCE-220 CE');
    expect(han?.date).toMatchObject({ earliest: -206, latest: 220 });
    const bowl = run.byId.get('cmoa:things/01ba096f-be29-45bc-8306-23f19b9c1555');
    expect(bowl).toMatchObject({ dimensions: { en: 'H 3.25 × W 6 × D 6 in.' }, date: { earliest: 1736, latest: 1795 }, rights: { uri: 'http://rightsstatements.org/vocab/CNE/1.0/' } });
    expect(unmappedColumns(await allRecords('cmoa/cmoa'), await loadMapping(path.join(REPO, 'mappings/cmoa-objects.json')))).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportItemResult, ImportReport } from '../../src/archive/import/import.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * `wenyuan import <folder> --records … --mapping …`: one work per record, keyed by the mapped id;
 * re-runs are `unchanged`, a changed record is `updated` (a new version) and a curator's edit is
 * not overwritten silently; bad rows, bad files and duplicate ids fail per item.
 */

const TAIPEI_DIR = path.resolve('../shared/data/collections/meng-v-chinese-art');
const TAIPEI = path.join(TAIPEI_DIR, 'taipei_image_url.csv');
const TAIPEI_MAPPING = path.resolve('mappings/npm-taipei-chinese-painting.json');
const HAS_TAIPEI = fs.existsSync(TAIPEI);
if (!HAS_TAIPEI) console.warn(`skipping the Taipei import tests: ${TAIPEI} is absent`);

const temps: string[] = [];
/** A temporary folder, removed when the file's tests are done. */
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const ADMIN: Actor = { kind: 'user', id: 'test-admin', username: 'test-admin', role: 'admin' };

const cli = (ctx: TestContext, args: string[]) => runCli(args, ctx);

async function importJson(ctx: TestContext, args: string[]): Promise<ImportReport & { code: number; stderr: string }> {
  const run = await cli(ctx, ['import', ...args, '--json']);
  if (run.stdout === '') throw new Error(`no report; stderr: ${run.stderr}`);
  return { ...(JSON.parse(run.stdout) as ImportReport), code: run.code, stderr: run.stderr };
}

async function footprint(ctx: TestContext): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['works', 'work_metadata', 'work_files', 'work_versions', 'work_events', 'blobs', 'derivatives', 'jobs', 'users'] as const) {
    const row = await ctx.app.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const root = path.join(ctx.app.config.dataDir, 'blobs');
  counts.blobFiles = fs.existsSync(root) ? fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
  return counts;
}

/** GBK bytes for text (Node can decode GBK but not encode it): a reverse table of the two-byte codes. */
function encodeGbk(text: string): Buffer {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const code = table.get(ch);
      if (!code) throw new Error(`no GBK code for ${ch}`);
      bytes.push(...code);
    }
  }
  return Buffer.from(bytes);
}

const png = (seed: number): Promise<Buffer> => sharp({ create: { width: 40, height: 30, channels: 3, background: { r: seed, g: 255 - seed, b: (seed * 5) % 256 } } }).png().toBuffer();

const MIXED_MAPPING = {
  name: 'test records',
  zhScript: 'zh-Hans',
  id: 'test:{编号}',
  files: '文件',
  fields: [
    { to: 'title.zh', from: '标题' },
    { to: 'creators[].name.zh', from: '作者' },
    { to: 'notes[label=备注].text.zh', from: '备注' },
  ],
};

// Row 8 has too many columns, row 9 no title, row 10 repeats A1's id, row 12 opens a quote it never closes.
const MIXED_CSV = [
  '编号,标题,作者,文件,备注',
  'A1,好图,王羲之,good.png,',
  'A2,截断,张三,truncated.jpg,',
  'A3,空文件,李四,empty.png,',
  'A4,缺失,赵五,missing.png,',
  'A5,越界,钱六,../evil.png,',
  'A6,怪名,孙七,‥∕evil.png,',
  'A7,公式,周八,,"=HYPERLINK(""http://evil.example"",""点我"")"',
  'A8,多列,吴九,good.png,备注,多余,更多',
  'A9,,郑十,,',
  'A1,重复,王羲之,good.png,',
  'A11,链接,冯一,link-out.png,',
  'A12,"未闭合,陈二,good.png,',
  'A13,嵌套,褚三,sub/山水.png,',
].join('\r\n');

async function mixedSource(): Promise<{ root: string; dir: string; csv: string; mapping: string }> {
  const root = tempDir('wenyuan-records-');
  const dir = path.join(root, 'files');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'good.png'), await png(10));
  const jpeg = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  fs.writeFileSync(path.join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  fs.writeFileSync(path.join(dir, 'empty.png'), Buffer.alloc(0));
  fs.writeFileSync(path.join(dir, '‥∕evil.png'), await png(20));
  fs.writeFileSync(path.join(dir, 'sub', '山水.png'), await png(30));
  fs.writeFileSync(path.join(root, 'evil.png'), await png(40));
  fs.symlinkSync(path.join(root, 'evil.png'), path.join(dir, 'link-out.png'));
  const csv = path.join(root, 'records.csv');
  fs.writeFileSync(csv, encodeGbk(MIXED_CSV));
  const mapping = path.join(root, 'mapping.json');
  fs.writeFileSync(mapping, JSON.stringify(MIXED_MAPPING));
  return { root, dir, csv, mapping };
}

const byLabel = (report: ImportReport): Map<string, ImportItemResult> => new Map(report.items.map((i) => [i.item, i]));

describe.each(await testDialects())('wenyuan import --records (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it.skipIf(!HAS_TAIPEI)('imports the Taipei records, finds 溪山行旅 by search, and re-runs as unchanged', { timeout: 180_000 }, async () => {
    const args = [TAIPEI_DIR, '--records', TAIPEI, '--mapping', TAIPEI_MAPPING];
    let started = performance.now();
    const first = await importJson(ctx, [...args, '--visibility', 'public']);
    const firstMs = performance.now() - started;
    expect(first).toMatchObject({ code: 2, imported: 284, updated: 0, unchanged: 0, failed: 1 });
    const failure = first.items.find((i) => i.status === 'failed')!;
    expect(failure.item).toBe('taipei_image_url.csv row 171');
    expect(failure.reason).toMatch(/id "npm:17466" was already used by taipei_image_url\.csv row 166/);

    const response = await ctx.server.inject({ method: 'GET', url: `/api/works?q=${encodeURIComponent('溪山行旅')}` });
    expect(response.statusCode).toBe(200);
    const found = (response.json() as { items: { id: string; title: Record<string, string>; creators: { name: Record<string, string> }[] }[] }).items;
    const fanKuan = found.find((w) => Object.values(w.title).includes('谿山行旅圖'));
    expect(fanKuan, JSON.stringify(found.map((w) => w.title))).toBeDefined();
    expect(fanKuan!.creators.some((c) => Object.values(c.name).includes('范寬'))).toBe(true);

    started = performance.now();
    const second = await importJson(ctx, args);
    const secondMs = performance.now() - started;
    expect(second).toMatchObject({ code: 2, imported: 0, updated: 0, unchanged: 284, failed: 1 });
    console.info(`Taipei import (${dialect}): ${Math.round(firstMs)} ms, re-run ${Math.round(secondMs)} ms`);

    // One record changed in the source: that one work gets a new version, the rest stay.
    const tmp = tempDir('wenyuan-taipei-');
    const edited = path.join(tmp, 'taipei_image_url.csv');
    const text = fs.readFileSync(TAIPEI, 'utf8');
    expect(text.split('谿山行旅圖,').length).toBe(2);
    fs.writeFileSync(edited, text.replace('谿山行旅圖,', '谿山行旅圖軸,'));
    const third = await importJson(ctx, [TAIPEI_DIR, '--records', edited, '--mapping', TAIPEI_MAPPING]);
    expect(third).toMatchObject({ imported: 0, updated: 1, unchanged: 283, failed: 1 });
    const updated = third.items.find((i) => i.status === 'updated')!;
    expect(updated.workId).toBe(fanKuan!.id);
    expect(updated.warnings).toBeUndefined();
    const work = await ctx.app.works.get(ADMIN, fanKuan!.id);
    expect(work).toMatchObject({ version: 2, visibility: 'public', sourceKey: expect.stringMatching(/^npm:/) });
    expect(work.metadata.title['zh-Hant']).toBe('谿山行旅圖軸');

    // A curator edits the work; re-importing the unchanged source keeps the edit, with a warning.
    const curator = await ctx.userWithRole('curator', `curator-${dialect}`);
    const curatorActor: Actor = { kind: 'user', id: curator.id, username: `curator-${dialect}`, role: 'curator' };
    await ctx.app.works.update(curatorActor, work.id, { expectedVersion: 2, metadata: { ...work.metadata, subjects: [{ en: 'landscape' }] } });
    const kept = byLabel(await importJson(ctx, [TAIPEI_DIR, '--records', edited, '--mapping', TAIPEI_MAPPING])).get(updated.item)!;
    expect(kept).toMatchObject({ status: 'unchanged', workId: work.id });
    expect(kept.warnings?.join(' ')).toMatch(new RegExp(`version 3 by curator-${dialect} .*the edit was kept`));
    expect((await ctx.app.works.get(ADMIN, work.id)).version).toBe(3);

    // The source changes again: it wins, and the result says whose edit it replaced.
    const replaced = byLabel(await importJson(ctx, args)).get(updated.item)!;
    expect(replaced).toMatchObject({ status: 'updated', workId: work.id });
    expect(replaced.warnings?.join(' ')).toMatch(new RegExp(`version 3 was made by curator-${dialect} .*not by the import`));
    const final = await ctx.app.works.get(ADMIN, work.id);
    expect(final.version).toBe(4);
    expect(final.metadata.title['zh-Hant']).toBe('谿山行旅圖');
    expect(final.metadata.subjects).toEqual([]);
  });

  it.skipIf(!HAS_TAIPEI)('--dry-run maps every record and writes nothing', { timeout: 60_000 }, async () => {
    const fresh = await createTestContext(dialect);
    try {
      const before = await footprint(fresh);
      const dry = await importJson(fresh, [TAIPEI_DIR, '--records', TAIPEI, '--mapping', TAIPEI_MAPPING, '--dry-run']);
      expect(dry).toMatchObject({ imported: 284, updated: 0, unchanged: 0, failed: 1 });
      expect(await footprint(fresh)).toEqual(before);
    } finally {
      await fresh.close();
    }
  });

  it('imports good records of a GBK CSV and reports malformed rows, bad files and formula cells per item', { timeout: 60_000 }, async () => {
    const src = await mixedSource();
    const args = [src.dir, '--records', src.csv, '--mapping', src.mapping];

    const dryBefore = await footprint(ctx);
    const dry = await importJson(ctx, [...args, '--dry-run']);
    expect(await footprint(ctx)).toEqual(dryBefore);

    const report = await importJson(ctx, args);
    const items = byLabel(report);
    const row = (n: number): ImportItemResult => items.get(`records.csv row ${n}`)!;
    // 13 records, then the folder's files no record took: the link out of the folder (row 11 names it, and fails).
    expect(report.items).toHaveLength(14);
    expect(report.items[13]).toMatchObject({ item: 'link-out.png', status: 'skipped', reason: expect.stringMatching(/^link-out\.png: is a link to .*, outside the import folder/) });
    expect(row(1)).toMatchObject({ status: 'imported', sha256: expect.any(String) });
    expect(row(2)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^records\.csv row 2: file "truncated\.jpg": /) });
    expect(row(3)).toMatchObject({ status: 'failed', reason: 'records.csv row 3: file "empty.png": file is empty (0 bytes)' });
    expect(row(4)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^records\.csv row 4: file "missing\.png" was not found in the import folder/) });
    expect(row(5)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row 5: files: "\.\.\/evil\.png" points outside the import folder/) });
    expect(row(6)).toMatchObject({ status: 'imported' });
    expect(row(7)).toMatchObject({ status: 'imported' });
    expect(row(7).warnings).toBeUndefined();
    expect(row(8)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row 8: expected 5 columns, found 7/) });
    expect(row(9)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row 9: title: /) });
    expect(row(10)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row 10: id "test:A1" was already used by records\.csv row 1/) });
    expect(row(11)).toMatchObject({ status: 'failed', reason: 'records.csv row 11: file "link-out.png" is a link that points outside the import folder' });
    expect(row(12)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row 12 \(line 13\): a quoted cell opened on line 13 is never closed/) });
    expect(row(13)).toMatchObject({ status: 'imported' });
    expect(report).toMatchObject({ code: 2, imported: 4, updated: 0, unchanged: 0, failed: 9, skipped: 1 });

    // The dry run predicted exactly this (libvips's decoder detail varies between runs, so it is left out).
    const outcome = (r: ImportReport) => r.items.map((i) => [i.item, i.status, i.reason?.replace(/(cannot be decoded|not a readable image): .*/, '$1') ?? null]);
    expect(outcome(dry)).toEqual(outcome(report));

    // GBK decoded; the formula cell stored exactly as written (CSV exports neutralise it); the metadata-only record has no files.
    const formula = await ctx.app.works.get(ADMIN, row(7).workId!);
    expect(formula.metadata.title['zh-Hans']).toBe('公式');
    expect(formula.workType).toBe('record');
    expect(formula.metadata.notes.find((n) => n.label === '备注')?.text['zh-Hans']).toBe('=HYPERLINK("http://evil.example","点我")');
    expect(formula.sourceKey).toBe('test:A7');
    const good = await ctx.app.works.get(ADMIN, row(1).workId!);
    expect(good).toMatchObject({ workType: 'image', sourceKey: 'test:A1', visibility: 'private' });
    expect(good.metadata.creators[0]?.name['zh-Hans']).toBe('王羲之');

    const rerun = await importJson(ctx, args);
    expect(rerun).toMatchObject({ imported: 0, updated: 0, unchanged: 4, failed: 9 });

    // --encoding utf-8 on GBK bytes cannot read the file at all: a fatal error, not 13 failures.
    const wrong = await cli(ctx, ['import', ...args, '--encoding', 'utf-8', '--json']);
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toMatch(/records\.csv: is not valid UTF-8/);
  });

  it('attaches a file added to a record later as an update', { timeout: 60_000 }, async () => {
    const src = await mixedSource();
    const csv = path.join(src.root, 'two.csv');
    fs.writeFileSync(csv, '编号,标题,作者,文件,备注\nB1,加图,某人,,\n');
    const args = [src.dir, '--records', csv, '--mapping', src.mapping];
    const first = await importJson(ctx, args);
    expect(first).toMatchObject({ code: 0, imported: 1 });
    fs.writeFileSync(csv, '编号,标题,作者,文件,备注\nB1,加图,某人,sub/山水.png,\n');
    const second = await importJson(ctx, args);
    expect(second).toMatchObject({ code: 0, updated: 1 });
    const work = await ctx.app.works.get(ADMIN, first.items[0]!.workId!);
    expect(work).toMatchObject({ version: 1, workType: 'image' });
    expect(await importJson(ctx, args)).toMatchObject({ unchanged: 1 });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { ADMIN, byItem, image, importJson, PDF, tempDir, writeTree } from './import-helpers.js';

/**
 * Records joined to the files of the import folder: by a column naming a path (or a bare name found
 * in a subfolder), and by glob patterns filled from the record's fields (several files, natural
 * order, case ignored). Re-imports add new files to the record's work; files no record took are
 * reported, never made into works.
 */

const CSV = ['Object Number,Title,Image', 'A1,First,', 'A12,Twelve,', 'A2,Second,', 'B3,Third,B3.png', 'C4,Fourth,x.png', 'D5,No files,', 'E6,Scan,scans/E6.pdf'].join('\n');

const MAPPING = {
  name: 'join test',
  id: 'join:{Object Number}',
  files: ['Image', { glob: ['images/{Object Number}_*', 'images/{Object Number}.jpg'] }],
  fields: [{ to: 'title.en', from: 'Title' }],
};

async function collection(): Promise<{ dir: string; args: string[]; mapping: string }> {
  const root = tempDir('wenyuan-join-');
  const dir = path.join(root, 'export');
  writeTree(dir, {
    'objects.csv': CSV, // the records inside the folder are not reported as unmatched files
    'images/A1_1.tif': await image(1, 'tiff'),
    'images/A1_2.tif': await image(2, 'tiff'),
    'images/A1_10.tif': await image(3, 'tiff'),
    'images/A12_1.tif': await image(4, 'tiff'),
    'images/A1_notes.txt': 'condition report\n',
    'images/a2.JPG': await image(5, 'jpeg'),
    'scans/B3.png': await image(6),
    'scans/E6.pdf': PDF,
    'dup/x.png': await image(7),
    'dup2/x.png': await image(8),
    'orphan.png': await image(9),
    'README.md': 'How the export was made\n',
  });
  const mapping = path.join(root, 'mapping.json');
  fs.writeFileSync(mapping, JSON.stringify(MAPPING));
  return { dir, mapping, args: [dir, '--records', path.join(dir, 'objects.csv'), '--mapping', mapping] };
}

describe.each(await testDialects())('wenyuan import --records joined to files (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('attaches files by path, bare name and glob in order, reports the files no record took, and adds new files on re-import', { timeout: 60_000 }, async () => {
    const { dir, args } = await collection();
    const dry = await importJson(ctx, [...args, '--dry-run']);
    const report = await importJson(ctx, args);
    const outcome = (r: typeof report) => r.items.map((i) => [i.item, i.status, i.reason ?? null, (i.files ?? []).map((f) => f.file)]);
    expect(outcome(dry)).toEqual(outcome(report));
    expect(report).toMatchObject({ code: 2, imported: 6, failed: 1, skipped: 5 });

    const items = byItem(report);
    const row = (n: number) => items.get(`objects.csv row ${n}`)!;
    // Several files per record, in natural order; A12_1.tif is not A1's (the pattern has a "_").
    expect(row(1).files?.map((f) => [f.file, f.status])).toEqual([
      ['images/A1_1.tif', 'added'],
      ['images/A1_2.tif', 'added'],
      ['images/A1_10.tif', 'added'],
    ]);
    const a1 = row(1).workId!;
    expect((await ctx.app.works.files(ADMIN, a1)).map((f) => f.original_name)).toEqual(['A1_1.tif', 'A1_2.tif', 'A1_10.tif']);
    expect(row(2).files?.map((f) => f.file)).toEqual(['images/A12_1.tif']);
    expect(row(3).files?.map((f) => f.file)).toEqual(['images/a2.JPG']); // case ignored
    expect(row(4).files?.map((f) => f.file)).toEqual(['scans/B3.png']); // a bare name, found in a subfolder
    expect(row(5)).toMatchObject({
      status: 'failed',
      reason: 'objects.csv row 5: file "x.png" is not at the top of the import folder and 2 files in its subfolders have that name (dup/x.png, dup2/x.png); give the path in the record',
    });
    expect(row(6)).toMatchObject({ status: 'imported', warnings: expect.arrayContaining(['objects.csv row 6: files: no file in the import folder matches "images/D5_*"']) });
    expect((await ctx.app.works.get(ADMIN, row(6).workId!)).workType).toBe('record');
    expect((await ctx.app.works.get(ADMIN, row(7).workId!)).workType).toBe('pdf');

    // Every file of the folder is accounted for: attached above, or listed here with the reason.
    const skipped = report.items.filter((i) => i.status === 'skipped');
    expect(skipped.map((i) => i.item)).toEqual(['dup/x.png', 'dup2/x.png', 'images/A1_notes.txt', 'orphan.png', 'README.md']);
    expect(items.get('orphan.png')?.reason).toBe('orphan.png: no record names or matches this file, so it was not imported (name it in a record, or import the folder without --records)');
    expect(items.get('images/A1_notes.txt')?.reason).toBe(
      'images/A1_notes.txt: matches the files pattern of objects.csv row 1 but is text/plain, not an image, audio, video, 3D model or PDF file; --include-all attaches it too',
    );

    // A new scan of A1 arrives: the re-import adds it to A1's work; the others stay unchanged.
    writeTree(dir, { 'images/A1_3.tif': await image(10, 'tiff') });
    const second = byItem(await importJson(ctx, args));
    expect(second.get('objects.csv row 1')).toMatchObject({ status: 'updated', workId: a1, changes: ['1 file added'] });
    expect(second.get('objects.csv row 1')!.files?.map((f) => [f.file, f.status])).toEqual([
      ['images/A1_1.tif', 'attached'],
      ['images/A1_2.tif', 'attached'],
      ['images/A1_3.tif', 'added'],
      ['images/A1_10.tif', 'attached'],
    ]);
    expect((await ctx.app.works.files(ADMIN, a1)).map((f) => f.original_name)).toEqual(['A1_1.tif', 'A1_2.tif', 'A1_10.tif', 'A1_3.tif']);
    expect((await ctx.app.works.get(ADMIN, a1)).version).toBe(1);
    for (const n of [2, 3, 4, 6, 7]) expect(second.get(`objects.csv row ${n}`)?.status).toBe('unchanged');
    expect(await importJson(ctx, args)).toMatchObject({ imported: 0, updated: 0, unchanged: 6, failed: 1 });

    // --include-all attaches the condition report that the pattern matches.
    const all = byItem(await importJson(ctx, [...args, '--include-all']));
    expect(all.get('objects.csv row 1')).toMatchObject({ status: 'updated', changes: ['1 file added'] });
    expect(all.has('images/A1_notes.txt')).toBe(false);
  });

  it('warns when one file matches several records, and attaches it to each', { timeout: 60_000 }, async () => {
    const { args, mapping } = await collection();
    fs.writeFileSync(mapping, JSON.stringify({ ...MAPPING, files: { glob: 'images/{Object Number}*.tif' } }));
    const items = byItem(await importJson(ctx, [...args, '--dry-run']));
    expect(items.get('objects.csv row 1')?.files?.map((f) => f.file)).toEqual(['images/A1_1.tif', 'images/A1_2.tif', 'images/A1_10.tif', 'images/A12_1.tif']);
    expect(items.get('objects.csv row 1')?.warnings).toContain(
      'objects.csv row 1: file "images/A12_1.tif" also matches objects.csv row 2; it is attached to each — make the pattern stricter (e.g. {id}_*.jpg rather than {id}*.jpg) if that is wrong',
    );
    expect(items.get('objects.csv row 2')?.warnings).toContain(
      'objects.csv row 2: file "images/A12_1.tif" also matches objects.csv row 1; it is attached to each — make the pattern stricter (e.g. {id}_*.jpg rather than {id}*.jpg) if that is wrong',
    );
  });

  it('reports every file of the folder when the mapping takes none (records with a photo folder and no "files" rule)', async () => {
    const { dir, mapping } = await collection();
    fs.writeFileSync(mapping, JSON.stringify({ ...MAPPING, id: `nofiles-${dialect}:{Object Number}`, files: undefined }));
    const report = await importJson(ctx, [dir, '--records', path.join(dir, 'objects.csv'), '--mapping', mapping]);
    expect(report.imported).toBe(7);
    const skippedItems = byItem(report);
    expect(skippedItems.get('images/A1_1.tif')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('the mapping attaches no files from the folder (it has no "files" rule)') });
    expect(skippedItems.get('orphan.png')).toMatchObject({ status: 'skipped' });
    expect(skippedItems.has('objects.csv')).toBe(false);
  });
});

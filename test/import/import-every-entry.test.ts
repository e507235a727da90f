import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { ADMIN, byItem, cli, image, importJson, tempDir } from './import-helpers.js';

/**
 * Issue 10 item 3: every entry `wenyuan import <folder>` finds is imported or reported with a reason
 * code, counted, and reflected in the exit code. Names that are GBK bytes (zip archives from a Chinese
 * Windows unzipped on Linux) are imported under their decoded names; links never lead out of the
 * folder; pipes are never opened; sockets, devices and link loops are reported.
 */

/** GBK bytes of a name, computed once with Python's codec ('山水'.encode('gbk')). */
const GBK: Record<string, string> = { 山水: 'c9bdcbae', 花鸟: 'bba8c4f1', 人物: 'c8cbceef', 溪山行旅图: 'cfaac9bdd0d0c2c3cdbc', 宋画: 'cbcebbad' };
const gbkName = (name: string, ext = '.png'): Buffer => Buffer.concat([Buffer.from(GBK[name]!, 'hex'), Buffer.from(ext)]);
const hexOf = (...parts: (string | Buffer)[]): string => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('hex');

/** Writes a file whose name is raw bytes under `dir` (a string path) — fs takes Buffer paths as they are. */
function writeBytesName(dir: string | Buffer, name: Buffer, content: Buffer): Buffer {
  const full = Buffer.concat([typeof dir === 'string' ? Buffer.from(dir) : dir, Buffer.from('/'), name]);
  fs.writeFileSync(full, content);
  return full;
}

/** Four PNGs with GBK names at the top, one in a GBK-named subfolder, one UTF-8 name beside them. */
async function gbkFolder(): Promise<string> {
  const dir = path.join(tempDir('wenyuan-gbk-'), 'files');
  fs.mkdirSync(dir);
  let seed = 100;
  for (const name of ['山水', '花鸟', '人物', '溪山行旅图']) writeBytesName(dir, gbkName(name), await image(seed++));
  const sub = Buffer.concat([Buffer.from(`${dir}/`), gbkName('宋画', '')]);
  fs.mkdirSync(sub);
  writeBytesName(sub, Buffer.from('page-1.png'), await image(seed++));
  fs.writeFileSync(path.join(dir, '明画.png'), await image(seed++));
  return dir;
}

let socketServer: net.Server | null = null;
afterAll(() => socketServer?.close());

/** Every kind of entry that is not a plain file, beside one good file. */
async function hostileFolder(): Promise<{ dir: string; device: boolean }> {
  const root = tempDir('wenyuan-hostile-');
  const dir = path.join(root, 'files');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'good.png'), await image(1));
  fs.writeFileSync(path.join(root, 'secret.png'), await image(2));
  fs.mkdirSync(path.join(root, 'elsewhere'));
  fs.writeFileSync(path.join(root, 'elsewhere', 'x.png'), await image(3));
  fs.symlinkSync(path.join(root, 'secret.png'), path.join(dir, 'link-out.png'));
  fs.symlinkSync(path.join(root, 'elsewhere'), path.join(dir, 'folder-out'));
  fs.symlinkSync('../../secret.png', path.join(dir, 'sub', 'relative-out.png'));
  fs.symlinkSync(path.join(dir, 'no-such.png'), path.join(dir, 'broken.png'));
  fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
  fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
  fs.symlinkSync('..', path.join(dir, 'sub', 'up')); // a cycle: leads back to the import folder
  fs.symlinkSync(path.join(dir, 'good.png'), path.join(dir, 'link-in.png'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.png')]);
  execFileSync('mkfifo', [path.join(dir, 'two\nlines\u001b[2J')]); // a name that would forge a summary line and clear the screen
  execFileSync('mkfifo', [path.join(root, 'outside-pipe')]);
  fs.symlinkSync(path.join(root, 'outside-pipe'), path.join(dir, 'link-to-pipe-out'));
  execFileSync('mkfifo', [path.join(dir, 'sub', 'inner-pipe')]);
  fs.symlinkSync(path.join(dir, 'sub', 'inner-pipe'), path.join(dir, 'link-to-pipe-in.png'));
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer!.listen(path.join(dir, 'daemon.sock'), resolve));
  let device = false;
  try {
    execFileSync('mknod', [path.join(dir, 'null.png'), 'c', '1', '3'], { stdio: 'ignore' });
    device = true;
  } catch {
    console.warn('mknod is not permitted here: the device case is left out');
  }
  fs.writeFileSync(path.join(dir, '.DS_Store'), 'x');
  return { dir, device };
}

describe.each(await testDialects())('wenyuan import accounts for every entry (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('imports files whose names are GBK bytes under their decoded names, keeping the bytes in the report', { timeout: 60_000 }, async () => {
    const dir = await gbkFolder();
    const report = await importJson(ctx, [dir]);
    expect(report).toMatchObject({ code: 0, imported: 6, failed: 0, skipped: 0 });
    const items = byItem(report);
    expect([...items.keys()].sort()).toEqual(['人物.png', '宋画/page-1.png', '明画.png', '溪山行旅图.png', '山水.png', '花鸟.png'].sort());
    for (const name of ['山水', '花鸟', '人物', '溪山行旅图']) {
      const item = items.get(`${name}.png`)!;
      expect(item).toMatchObject({ status: 'imported', pathBytes: hexOf(gbkName(name)), warnings: [expect.stringMatching(/the name (is not UTF-8; it )?was read as GB18030/)] });
      const work = await ctx.app.works.get(ADMIN, item.workId!);
      expect(Object.values(work.metadata.title)).toEqual([name]);
      const [file] = await ctx.app.workRepository.filesOf([item.workId!]);
      expect(file?.original_name).toBe(`${name}.png`);
    }
    expect(items.get('宋画/page-1.png')).toMatchObject({ status: 'imported', pathBytes: hexOf(gbkName('宋画', ''), '/page-1.png') });
    expect(items.get('明画.png')?.pathBytes).toBeUndefined();

    const again = await importJson(ctx, [dir]);
    expect(again).toMatchObject({ code: 0, imported: 0, unchanged: 6, failed: 0 });
  });

  it('reports links out of the folder, broken links, loops, pipes, sockets and devices, and exits 2', { timeout: 60_000 }, async () => {
    const { dir, device } = await hostileFolder();
    const report = await importJson(ctx, [dir]);
    const items = byItem(report);
    // good.png and link-in.png (a link to it inside the folder) are the same bytes, imported side by
    // side: whichever is stored first is "imported", the other "unchanged" (the order is the race's).
    const pair = [items.get('good.png')?.status, items.get('link-in.png')?.status].sort();
    expect(pair).toEqual(['imported', 'unchanged']);
    const expected: Record<string, [string, string]> = {
      'good.png': [items.get('good.png')!.status, ''],
      'link-in.png': [items.get('link-in.png')!.status, ''],
      '.DS_Store': ['skipped', 'hidden'],
      'sub/up/': ['skipped', 'folder_repeat'],
      'link-out.png': ['failed', 'link_outside'],
      'folder-out': ['failed', 'link_outside'],
      'sub/relative-out.png': ['failed', 'link_outside'],
      'link-to-pipe-out': ['failed', 'link_outside'],
      'broken.png': ['failed', 'link_broken'],
      'loop-a': ['failed', 'link_loop'],
      'loop-b': ['failed', 'link_loop'],
      'pipe.png': ['failed', 'fifo'],
      'two\nlines\u001b[2J': ['failed', 'fifo'],
      'sub/inner-pipe': ['failed', 'fifo'],
      'link-to-pipe-in.png': ['failed', 'fifo'],
      'daemon.sock': ['failed', 'socket'],
      ...(device ? { 'null.png': ['failed', 'device'] as [string, string] } : {}),
    };
    // Every entry on disk is in the report, once, with its status and code.
    expect([...items.keys()].sort()).toEqual(Object.keys(expected).sort());
    expect(report.items).toHaveLength(Object.keys(expected).length);
    for (const [item, [status, code]] of Object.entries(expected)) {
      expect(items.get(item), item).toMatchObject({ status, ...(code ? { code, key: `import.${code}`, params: expect.objectContaining({ path: expect.any(String) }), reason: expect.stringMatching(new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `)) } : {}) });
    }
    expect(items.get('link-out.png')?.reason).toMatch(/outside the import folder/);
    expect(items.get('link-out.png')?.params).toMatchObject({ target: expect.stringMatching(/secret\.png$/) });
    const failed = Object.values(expected).filter(([s]) => s === 'failed').length;
    expect(report).toMatchObject({ code: 2, imported: 1, unchanged: 1, failed, skipped: 2 });
    // Nothing outside the folder was archived.
    const titles = await ctx.app.database.db.selectFrom('work_files').select('original_name').execute();
    expect(titles.map((t) => t.original_name)).not.toContain('secret.png');

    const text = await cli(ctx, [dir, '--no-derivatives']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^failed {2}pipe\.png: is a named pipe/m);
    expect(text.stdout).toContain('failed  two\\u{a}lines\\u{1b}[2J: is a named pipe');
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).toMatch(/^failed {2}loop-a: is a link that leads back to itself/m);
    expect(text.stdout).toMatch(/^skipped \.DS_Store: is a hidden file/m);
    expect(text.stdout).toMatch(new RegExp(`0 imported, 0 updated, 2 unchanged, ${failed} failed, 2 skipped`));
  });

  it('exits 0 when everything not imported was skipped on purpose (hidden, not media)', { timeout: 60_000 }, async () => {
    const dir = path.join(tempDir('wenyuan-purpose-'), 'files');
    fs.mkdirSync(dir);
    writeBytesName(dir, gbkName('山水'), await image(40));
    fs.writeFileSync(path.join(dir, '.hidden.png'), await image(41));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'plain text');
    fs.symlinkSync('.', path.join(dir, 'self'));
    const report = await importJson(ctx, [dir]);
    expect(report).toMatchObject({ code: 0, imported: 1, failed: 0, skipped: 3 });
    expect(byItem(report).get('notes.txt')).toMatchObject({ status: 'skipped', code: 'not_media', key: 'import.not_media', params: { path: 'notes.txt', mediaType: expect.any(String) } });
    expect(byItem(report).get('self/')).toMatchObject({ status: 'skipped', code: 'folder_repeat', params: { path: 'self/', other: '.' } });
  });

  it('attaches a GBK-named file that a record names by its decoded name', { timeout: 60_000 }, async () => {
    const root = tempDir('wenyuan-gbk-records-');
    const dir = path.join(root, 'files');
    fs.mkdirSync(dir);
    writeBytesName(dir, gbkName('花鸟'), await image(50));
    const records = path.join(root, 'records.csv');
    fs.writeFileSync(records, 'id,title,file\nR1,花鸟图,花鸟.png\n');
    const mapping = path.join(root, 'mapping.json');
    fs.writeFileSync(mapping, JSON.stringify({ name: 'gbk', id: `gbk-${dialect}:{id}`, files: ['file'], fields: [{ to: 'title.zh-Hans', from: 'title' }] }));
    const report = await importJson(ctx, [dir, '--records', records, '--mapping', mapping]);
    expect(report).toMatchObject({ code: 0, imported: 1, failed: 0, skipped: 0 });
    expect(report.items[0]).toMatchObject({ item: 'records.csv row 1', status: 'imported', files: [{ file: '花鸟.png', status: 'added' }] });
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/archive/import/import.service.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * `wenyuan import <folder>`: every file becomes a work through IngestService; re-runs are
 * `unchanged`; bad files fail by name while good ones import; --dry-run writes nothing;
 * --json prints exactly one JSON object; display images are made before the command returns.
 */

const KODAK = path.resolve('../shared/data/images/kodak');
const HAS_KODAK = fs.existsSync(KODAK);
if (!HAS_KODAK) console.warn(`skipping the kodak import tests: ${KODAK} is absent`);

const temps: string[] = [];
/** A temporary folder, removed when the file's tests are done. */
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const cli = (ctx: TestContext, args: string[]) => runCli(args, ctx);

async function importJson(ctx: TestContext, args: string[]): Promise<ImportReport & { code: number }> {
  const run = await cli(ctx, ['import', ...args, '--json']);
  return { ...(JSON.parse(run.stdout) as ImportReport), code: run.code };
}

/** Row counts of every table an import writes, and the blob files on disk. */
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

const png = (seed: number, width = 64, height = 48): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 } } }).png().toBuffer();

/** A folder with good files, a truncated JPEG, an empty file, odd Unicode names, a dotfile and links. */
async function mixedFolder(): Promise<string> {
  const root = tempDir('wenyuan-import-');
  const dir = path.join(root, 'files');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'good.png'), await png(1));
  const jpeg = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  fs.writeFileSync(path.join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  fs.writeFileSync(path.join(dir, 'empty.png'), Buffer.alloc(0));
  fs.writeFileSync(path.join(dir, '‥∕evil.png'), await png(2)); // looks like ../evil.png
  fs.writeFileSync(path.join(dir, 'cafe\u0301.png'), await png(3)); // decomposed é
  fs.writeFileSync(path.join(dir, 'report\u202Egnp.exe.png'), await png(4)); // right-to-left override
  fs.writeFileSync(path.join(dir, 'sub', '山水.png'), await png(5));
  fs.writeFileSync(path.join(dir, '.hidden.png'), await png(6));
  fs.writeFileSync(path.join(root, 'outside.png'), await png(7));
  fs.symlinkSync(path.join(root, 'outside.png'), path.join(dir, 'link-out.png'));
  fs.symlinkSync(path.join(dir, 'good.png'), path.join(dir, 'link-in.png'));
  return dir;
}

describe.each(await testDialects())('wenyuan import <folder> (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it.skipIf(!HAS_KODAK)('imports the 24 Kodak PNGs with thumbnails and display images; a re-run finds them unchanged', { timeout: 180_000 }, async () => {
    const started = performance.now();
    const first = await importJson(ctx, [KODAK]);
    const firstMs = performance.now() - started;
    expect(first).toMatchObject({ code: 0, imported: 24, updated: 0, unchanged: 0, failed: 0 });
    expect(first.items.map((i) => i.item)).toEqual(Array.from({ length: 24 }, (_, i) => `kodim${String(i + 1).padStart(2, '0')}.png`));
    for (const item of first.items) {
      expect(item).toMatchObject({ status: 'imported', workId: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    const shas = first.items.map((i) => i.sha256!);
    const derivatives = await ctx.app.database.db.selectFrom('derivatives').select(['source_sha256', 'name']).where('source_sha256', 'in', shas).execute();
    expect(derivatives.filter((d) => d.name === 'thumbnail')).toHaveLength(24);
    expect(derivatives.filter((d) => d.name === 'display')).toHaveLength(24);
    const work = await ctx.app.works.get({ kind: 'user', id: 'x', username: 'x', role: 'admin' }, first.items[0]!.workId!);
    expect(Object.values(work.metadata.title)).toEqual(['kodim01']);

    const again = performance.now();
    const second = await importJson(ctx, [KODAK]);
    const secondMs = performance.now() - again;
    expect(second).toMatchObject({ code: 0, imported: 0, unchanged: 24, failed: 0 });
    expect(second.items.map((i) => i.workId)).toEqual(first.items.map((i) => i.workId));
    console.info(`kodak import (${dialect}): ${Math.round(firstMs)} ms with derivatives, re-run ${Math.round(secondMs)} ms`);
  });

  it('imports the good files of a mixed folder and names each bad one', { timeout: 60_000 }, async () => {
    const dir = await mixedFolder();
    const report = await importJson(ctx, [dir]);
    const byItem = new Map(report.items.map((i) => [i.item, i]));
    expect([...byItem.keys()].sort()).toEqual(['.hidden.png', 'cafe\u0301.png', 'empty.png', 'good.png', 'link-in.png', 'link-out.png', 'report\u202Egnp.exe.png', 'sub/山水.png', 'truncated.jpg', '‥∕evil.png'].sort());
    expect(report.code).toBe(2);
    expect(byItem.get('truncated.jpg')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^truncated\.jpg: .*(truncat|corrupt|readable|premature)/i) });
    expect(byItem.get('empty.png')).toMatchObject({ status: 'failed', reason: 'empty.png: file is empty (0 bytes)' });
    for (const name of ['‥∕evil.png', 'cafe\u0301.png', 'report\u202Egnp.exe.png', 'sub/山水.png']) expect(byItem.get(name)?.status).toBe('imported');
    // The link inside the folder is the same content as good.png: one becomes the work, the other finds it.
    const pair = [byItem.get('good.png')!, byItem.get('link-in.png')!];
    expect(pair.map((p) => p.status).sort()).toEqual(['imported', 'unchanged']);
    expect(pair[0]!.workId).toBe(pair[1]!.workId);
    expect(report).toMatchObject({ imported: 5, unchanged: 1, failed: 3, skipped: 1 });
    // Nothing found is dropped silently: the dot-file (skipped by rule) and the link out of the folder
    // (never followed, so a file the import could not take: failed) are listed with the reason.
    expect(byItem.get('.hidden.png')).toMatchObject({ status: 'skipped', reason: '.hidden.png: is a hidden file (its name starts with a dot); rename it to import it' });
    expect(byItem.get('link-out.png')).toMatchObject({ status: 'failed', code: 'link_outside', reason: expect.stringMatching(/^link-out\.png: is a link to .*outside\.png, outside the import folder/) });

    const actor = { kind: 'user' as const, id: 'x', username: 'x', role: 'admin' as const };
    const title = async (item: string): Promise<string> => Object.values((await ctx.app.works.get(actor, byItem.get(item)!.workId!)).metadata.title)[0]!;
    expect(await title('‥∕evil.png')).toBe('‥∕evil');
    expect(await title('cafe\u0301.png')).toBe('café'); // NFC
    expect(await title('report\u202Egnp.exe.png')).toBe('reportgnp.exe'); // override removed

    const rerun = await importJson(ctx, [dir]);
    expect(rerun).toMatchObject({ imported: 0, unchanged: 6, failed: 3, skipped: 1 });
  });

  it('--dry-run reports what would happen and writes nothing', { timeout: 60_000 }, async () => {
    const fresh = await createTestContext(dialect);
    try {
      const dir = await mixedFolder();
      const before = await footprint(fresh);
      const dry = await importJson(fresh, [dir, '--dry-run']);
      expect(await footprint(fresh)).toEqual(before);
      expect(dry).toMatchObject({ code: 2, imported: 5, unchanged: 1, failed: 3, skipped: 1 });
      const real = await importJson(fresh, [dir]);
      // libvips's decoder detail varies between runs, so it is left out.
      const statuses = (r: ImportReport) => r.items.map((i) => [i.item, i.status === 'unchanged' ? 'imported' : i.status, i.reason?.replace(/(cannot be decoded|not a readable image): .*/, '$1') ?? null]);
      expect(statuses(dry)).toEqual(statuses(real));
      const after = await footprint(fresh);
      expect(after.works).toBe(5);
      // A dry run of an already imported folder: all unchanged, still nothing written.
      const again = await importJson(fresh, [dir, '--dry-run']);
      expect(again).toMatchObject({ imported: 0, unchanged: 6, failed: 3 });
      expect(await footprint(fresh)).toEqual(after);
    } finally {
      await fresh.close();
    }
  });

  it('prints a summary with one line per failure, and exits 1 on a fatal error', async () => {
    const dir = await mixedFolder();
    const run = await cli(ctx, ['import', dir, '--no-derivatives']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^failed {2}empty\.png: file is empty/m);
    expect(run.stdout).toMatch(/^failed {2}truncated\.jpg: /m);
    expect(run.stdout).toMatch(/^skipped \.hidden\.png: is a hidden file/m);
    expect(run.stdout).toMatch(/^failed {2}link-out\.png: is a link to .*outside the import folder/m);
    expect(run.stdout).toMatch(/\d+ imported, 0 updated, \d+ unchanged, 3 failed, 1 skipped/);

    const missing = await cli(ctx, ['import', path.join(dir, 'no-such-folder')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/folder .*no-such-folder not found/);

    const badMapping = path.join(path.dirname(dir), 'bad-mapping.json');
    fs.writeFileSync(badMapping, '{ "name": "x", "id": "id" }');
    const bad = await cli(ctx, ['import', dir, '--records', badMapping, '--mapping', badMapping, '--json']);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/mapping .*bad-mapping\.json: fields/);

    const half = await cli(ctx, ['import', dir, '--records', badMapping]);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/--records and --mapping go together/);
  });
});

describe('wenyuan import --json in its own process', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('prints exactly one JSON object on stdout, and exits 2 when items failed', { timeout: 60_000 }, async () => {
    const dir = await mixedFolder();
    const script = "import('./src/cli/main.ts').then((m) => m.main(['node', 'wenyuan', ...process.argv.slice(1)]))";
    const args = ['--import', 'tsx', '-e', script, '--', 'import', dir, '--json', '--data-dir', ctx.app.config.dataDir, '--database-url', ctx.app.config.databaseUrl];
    const result = await promisify(execFile)(process.execPath, args, { cwd: process.cwd() }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['imported', 'updated', 'unchanged', 'failed', 'skipped', 'visibility', 'notes', 'items']);
    expect(report).toMatchObject({ imported: 5, updated: 0, unchanged: 1, failed: 3, skipped: 1, visibility: { private: 5, public: 0 } });
    expect(result.stderr).toBe('');
  });
});

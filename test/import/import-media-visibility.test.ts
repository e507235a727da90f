import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { ADMIN, byItem, cli, image, importJson, PDF, tempDir, writeTree } from './import-helpers.js';

/**
 * What a folder import takes (media by their bytes; every other file listed as skipped with its
 * reason, in dry runs too; `--include-all` takes the rest), and the visibility of the works it
 * makes: said in the summary, and changed on works already archived only when `--visibility` is given.
 */

const AUDIO = path.resolve('../shared/data/audio');
const HAS_AUDIO = fs.existsSync(AUDIO);
if (!HAS_AUDIO) console.warn(`skipping the audio folder import test: ${AUDIO} is absent`);

const NOT_MEDIA = 'is not an image, audio, video, 3D model or PDF file (its bytes match none of the formats the archive knows); --include-all imports it too';

/** A folder as a museum hands it over: images with their documentation beside them. */
async function documentedFolder(): Promise<string> {
  const dir = tempDir('wenyuan-documents-');
  writeTree(dir, {
    'a.png': await image(1),
    'scans/catalogue.pdf': PDF,
    'SOURCE.md': '# Where these came from\n',
    'LICENSE.txt': 'CC0 1.0\n',
    'MANIFEST.csv': 'file,licence\na.png,CC0\n',
    'data/objects.json': '{"id": 1}\n',
    'notes.md': '',
    'bundle.zip': Buffer.from('504b0304140000000800000021000000000000000000000000000000', 'hex'),
    'photo.txt': await image(2), // a PNG under a wrong name: the bytes decide
    'fake.jpg': 'not a JPEG at all\n', // promises an image, is none: a failure, not a skip
  });
  return dir;
}

describe.each(await testDialects())('wenyuan import: what a folder import takes, and visibility (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('imports media by their bytes and lists every other file as skipped, in the dry run too; --include-all takes them', { timeout: 60_000 }, async () => {
    const dir = await documentedFolder();
    const dry = await importJson(ctx, [dir, '--dry-run']);
    const report = await importJson(ctx, [dir]);
    const outcome = (r: typeof report) => r.items.map((i) => [i.item, i.status, i.reason ?? null]);
    expect(outcome(dry)).toEqual(outcome(report));

    const items = byItem(report);
    expect([...items.keys()]).toEqual(['a.png', 'bundle.zip', 'data/objects.json', 'fake.jpg', 'LICENSE.txt', 'MANIFEST.csv', 'notes.md', 'photo.txt', 'scans/catalogue.pdf', 'SOURCE.md'].sort((a, b) => (a < b ? -1 : 1)));
    expect(report).toMatchObject({ code: 2, imported: 3, failed: 1, skipped: 6 });
    for (const name of ['a.png', 'photo.txt', 'scans/catalogue.pdf']) expect(items.get(name)?.status).toBe('imported');
    expect(items.get('photo.txt')?.warnings).toEqual(['name ends in .txt but the content is image/png; stored as image/png']);
    expect(items.get('fake.jpg')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^fake\.jpg: name ends in \.jpg but the content is not a readable image file/) });
    expect(items.get('SOURCE.md')).toMatchObject({ status: 'skipped', reason: `SOURCE.md: ${NOT_MEDIA}` });
    expect(items.get('notes.md')).toMatchObject({ status: 'skipped', reason: `notes.md: ${NOT_MEDIA}` });
    expect(items.get('LICENSE.txt')).toMatchObject({ status: 'skipped', reason: 'LICENSE.txt: is text/plain, not an image, audio, video, 3D model or PDF file; --include-all imports it too' });
    expect(items.get('bundle.zip')?.reason).toBe('bundle.zip: is application/zip, not an image, audio, video, 3D model or PDF file; --include-all imports it too');

    // The human summary lists each skipped file with its reason (dry run too).
    const human = await cli(ctx, [dir, '--dry-run']);
    expect(human.stdout).toContain(`skipped MANIFEST.csv: ${NOT_MEDIA}`);
    expect(human.stdout).toMatch(/^failed {2}fake\.jpg: /m);
    expect(human.stdout).toMatch(/dry run, nothing written: 0 would be imported, 0 would be updated, 3 unchanged, 1 failed, 6 skipped/);

    // --include-all: the documents become works too; the media are unchanged, the empty file fails.
    const all = byItem(await importJson(ctx, [dir, '--include-all']));
    for (const name of ['SOURCE.md', 'LICENSE.txt', 'MANIFEST.csv', 'data/objects.json', 'bundle.zip']) expect(all.get(name)?.status).toBe('imported');
    expect(all.get('notes.md')).toMatchObject({ status: 'failed', reason: 'notes.md: file is empty (0 bytes)' });
    expect(all.get('a.png')?.status).toBe('unchanged');
    const source = await ctx.app.works.get(ADMIN, all.get('SOURCE.md')!.workId!);
    expect(source.workType).toBe('other');
  });

  it.skipIf(!HAS_AUDIO)('imports the 22 FLAC samples of the shared audio folder and skips its manifest, source note and readme', { timeout: 60_000 }, async () => {
    const report = await importJson(ctx, [AUDIO]);
    expect(report).toMatchObject({ code: 0, imported: 22, failed: 0, skipped: 3 });
    expect(report.items.filter((i) => i.status === 'skipped').map((i) => i.item)).toEqual(['MANIFEST.csv', 'SOURCE.md', 'samples/README-sonic-pi-samples.md']);
    const flac = report.items.find((i) => i.item === 'samples/ambi_choir.flac')!;
    expect((await ctx.app.works.get(ADMIN, flac.workId!)).workType).toBe('audio');
  });

  it('says that imported works are private and how to publish them; --visibility public publishes works already archived', { timeout: 60_000 }, async () => {
    const dir = tempDir('wenyuan-visibility-');
    writeTree(dir, { 'one.png': await image(11), 'two.png': await image(12) });

    const first = await importJson(ctx, [dir]);
    expect(first).toMatchObject({ imported: 2, visibility: { private: 2, public: 0 } });
    expect(first.items.map((i) => i.visibility)).toEqual(['private', 'private']);
    expect(first.notes).toEqual([
      '2 works are private (imported works are private unless --visibility public is given): visitors do not see private works, not in the catalogue, search or counts. ' +
        "To publish them, run the same import again with --visibility public (it also sets the visibility of works it finds already archived), or set Visibility to public in each work's editor.",
    ]);
    const ids = first.items.map((i) => i.workId!);
    await expect(ctx.app.works.get(ANONYMOUS, ids[0]!)).rejects.toMatchObject({ code: 'not_found' });

    // A re-run without --visibility never changes visibility.
    expect(await importJson(ctx, [dir])).toMatchObject({ unchanged: 2, updated: 0, visibility: { private: 2 } });

    // Dry run of publishing: reported as updates, nothing changes.
    const dry = await importJson(ctx, [dir, '--visibility', 'public', '--dry-run']);
    expect(dry).toMatchObject({ updated: 2, unchanged: 0, visibility: { private: 0, public: 2 } });
    expect((await ctx.app.works.get(ADMIN, ids[0]!)).visibility).toBe('private');

    const published = await cli(ctx, [dir, '--visibility', 'public', '--no-derivatives']);
    expect(published.stdout).toMatch(/^0 imported, 2 updated \(visibility changed on 2\), 0 unchanged, 0 failed, 0 skipped$/m);
    expect(published.stdout).toMatch(/^2 works are public: visitors can see them\.$/m);
    for (const id of ids) expect(await ctx.app.works.get(ANONYMOUS, id)).toMatchObject({ visibility: 'public', version: 2 });
    const versions = await ctx.app.works.versions(ADMIN, ids[0]!);
    expect(versions[0]).toMatchObject({ version: 2, changedFields: ['visibility'], note: 'visibility set to public by the import of one.png' });

    const again = await importJson(ctx, [dir, '--visibility', 'public']);
    expect(again).toMatchObject({ unchanged: 2, updated: 0, visibility: { public: 2 } });
    expect(again.notes).toEqual(['2 works are public: visitors can see them.']);
    expect(await importJson(ctx, [dir])).toMatchObject({ unchanged: 2, visibility: { public: 2 } });

    const hidden = await importJson(ctx, [dir, '--visibility', 'private']);
    expect(hidden.items.map((i) => [i.status, i.changes])).toEqual([['updated', ['visibility public → private']], ['updated', ['visibility public → private']]]);
    expect(hidden.notes).toEqual(['2 works are private, as asked: visitors do not see them; staff and their owners do.']);
  });

  it('applies an explicit --visibility to records already imported, and refuses it on works the importer may not edit', { timeout: 60_000 }, async () => {
    const dir = tempDir('wenyuan-visibility-records-');
    writeTree(dir, { 'files/r1.png': await image(21), 'records.csv': 'id,title,file\nR1,First,r1.png\nR2,Second,\n' });
    const mapping = path.join(dir, 'mapping.json');
    fs.writeFileSync(mapping, JSON.stringify({ name: 'visibility test', id: 'vis:{id}', files: 'file', fields: [{ to: 'title.en', from: 'title' }] }));
    const args = [path.join(dir, 'files'), '--records', path.join(dir, 'records.csv'), '--mapping', mapping];

    const first = await importJson(ctx, args);
    expect(first).toMatchObject({ imported: 2, visibility: { private: 2 } });
    const published = await importJson(ctx, [...args, '--visibility', 'public']);
    expect(published.items.map((i) => [i.status, i.changes, i.visibility])).toEqual([
      ['updated', ['visibility private → public'], 'public'],
      ['updated', ['visibility private → public'], 'public'],
    ]);
    const work = await ctx.app.works.get(ANONYMOUS, first.items[0]!.workId!);
    expect(work).toMatchObject({ version: 2, visibility: 'public' });
    expect(published.items[0]!.files).toEqual([{ file: 'r1.png', sha256: first.items[0]!.sha256, status: 'attached' }]);
    expect(await importJson(ctx, args)).toMatchObject({ unchanged: 2, visibility: { public: 2 } });

    // A creator finds the public work holding r1.png but may not make it private.
    const creator = await ctx.userWithRole('creator', `vis-creator-${dialect}`);
    expect(creator.id).toBeTruthy();
    const refused = await importJson(ctx, [path.join(dir, 'files'), '--visibility', 'private', '--as', `vis-creator-${dialect}`]);
    expect(refused.items[0]).toMatchObject({
      item: 'r1.png',
      status: 'failed',
      reason: `r1.png: already archived in work ${work.id}, which is public; you may not change its visibility to private (its owner, a curator or an admin can)`,
    });
    const records = byItem(await importJson(ctx, [...args, '--visibility', 'private', '--as', `vis-creator-${dialect}`]));
    expect(records.get('records.csv row 1')).toMatchObject({
      status: 'failed',
      reason: `records.csv row 1: work ${work.id} is public; you may not change its visibility to private (its owner, a curator or an admin can)`,
    });
    expect((await ctx.app.works.get(ADMIN, work.id)).visibility).toBe('public');
  });
});

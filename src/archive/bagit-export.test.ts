import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/test-app.js';
import { testDialects } from '../../test/support/databases.js';
import type { Actor, Role } from '../govern/roles.js';
import { encodeManifestPath, exportBag, manifestText, safeBagName, uniqueName, type BagExportDeps } from './bagit-export.js';

const KODAK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/images/kodak');
const haveImages = fs.existsSync(path.join(KODAK, 'kodim01.png'));
const NOW = () => new Date('2024-05-06T10:00:00Z');

describe('safe names and manifest paths', () => {
  it('keeps Chinese names (NFC) and strips separators, controls and leading dots', () => {
    expect(safeBagName('宋画/山水\u0000图.png')).toBe('山水图.png');
    expect(safeBagName('..')).toBe('unnamed');
    expect(safeBagName('..\\..\\etc\\passwd')).toBe('passwd');
    expect(safeBagName('.hidden')).toBe('hidden');
    expect(safeBagName('a:b*?.tif')).toBe('a_b__.tif');
    expect(safeBagName('50%off.png')).toBe('50_off.png');
    expect(safeBagName('Cafe\u0301.jpg')).toBe('Caf\u00e9.jpg');
  });

  it('limits names by UTF-8 bytes and keeps the extension', () => {
    const name = safeBagName(`${'书'.repeat(200)}.jpeg`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith('书.jpeg')).toBe(true);
  });

  it('avoids duplicates case-insensitively', () => {
    const taken = new Set<string>();
    expect([uniqueName('a.png', taken), uniqueName('A.png', taken), uniqueName('a.png', taken)]).toEqual(['a.png', 'A-2.png', 'a-3.png']);
  });

  it('percent-encodes %, CR and LF in manifest paths (RFC 8493 §2.1.3)', () => {
    expect(encodeManifestPath('data/50%\r\nx')).toBe('data/50%25%0D%0Ax');
    expect(manifestText([{ path: 'data/b', sha256: 'bb' }, { path: 'data/a', sha256: 'aa' }])).toBe('aa  data/a\nbb  data/b\n');
  });
});

const dialects = await testDialects();

describe.skipIf(!haveImages).each(dialects)('exportBag on %s', (dialect) => {
  let ctx: TestContext;
  let deps: BagExportDeps;
  let admin: Actor;
  let creatorA: Actor;
  let creatorB: Actor;
  let out: string;
  let rootId: string;
  let hiddenId: string;
  const works: Record<string, { workId: string; sha256: string; name: string; bagName: string }> = {};

  async function user(role: Role): Promise<Actor> {
    const u = await ctx.app.identity.createUser({ username: `${role}${Math.random().toString(36).slice(2, 8)}`, password: 'correct horse battery', role });
    return { kind: 'user', id: u.id, username: u.username, role: u.role };
  }

  async function ingest(actor: Actor, file: string, name: string, bagName: string, collectionId: string, visibility: 'public' | 'private'): Promise<void> {
    const result = await ctx.app.ingest.ingest(actor, fs.createReadStream(path.join(KODAK, file)), name, { collectionId, visibility });
    works[file] = { workId: result.workId, sha256: result.sha256, name, bagName };
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    deps = { workRepository: ctx.app.workRepository, collections: ctx.app.collections, blobs: ctx.app.blobs, now: NOW };
    out = await fsp.mkdtemp(path.join(os.tmpdir(), 'wenyuan-bag-'));
    admin = await user('admin');
    creatorA = await user('creator');
    creatorB = await user('creator');
    const root = await ctx.app.collections.create(admin, { name: { zh: '柯达样张', en: 'Kodak samples' }, visibility: 'public' });
    // Open to contributions: the creators below file their own works into it.
    const child = await ctx.app.collections.create(admin, { name: { zh: '子集' }, parentId: root.id, visibility: 'public', openToContributions: true });
    const hidden = await ctx.app.collections.create(admin, { name: { en: 'Hidden' }, visibility: 'private' });
    rootId = root.id;
    hiddenId = hidden.id;
    await ingest(admin, 'kodim01.png', 'kodim01.png', 'kodim01.png', root.id, 'public');
    await ingest(admin, 'kodim02.png', '柯达%照片 02.png', '柯达_照片 02.png', child.id, 'public');
    await ingest(creatorA, 'kodim03.png', 'kodim03.png', 'kodim03.png', child.id, 'private');
    await ingest(creatorB, 'kodim04.png', 'kodim04.png', 'kodim04.png', child.id, 'private');
  });

  afterAll(async () => {
    await ctx?.close();
    if (out) await fsp.rm(out, { recursive: true, force: true });
  });

  it('exports a collection and its sub-collection as a bag whose checksums hold', async () => {
    const dir = path.join(out, 'admin-bag');
    const progress: number[] = [];
    const report = await exportBag(deps, admin, { collectionId: rootId, outDir: dir, includeDerivatives: true, sourceOrganization: '文渊测试馆', onProgress: (done) => progress.push(done) });
    expect(report).toMatchObject({ path: dir, works: 4, files: 4, derivatives: 4, skippedWorks: 0, baggingDate: '2024-05-06' });
    expect(progress.at(-1)).toBe(8);
    expect(fs.existsSync(`${dir}.partial`)).toBe(false);

    const bag = await checkBag(dir);
    for (const { workId, sha256, bagName } of Object.values(works)) {
      expect(bag.manifest.get(`data/works/${workId}/files/0-${bagName}`)).toBe(sha256);
      expect(bag.manifest.has(`data/works/${workId}/metadata.json`)).toBe(true);
      expect([...bag.manifest.keys()].some((p) => p.startsWith(`data/works/${workId}/derivatives/0-thumbnail.`))).toBe(true);
    }
    expect(bag.info.get('Payload-Oxum')).toBe(report.payloadOxum);
    expect(bag.info.get('Source-Organization')).toBe('文渊测试馆');
    expect(bag.info.get('Bagging-Date')).toBe('2024-05-06');
    expect(bag.info.get('Bag-Software-Agent')).toBe('Wenyuan 0.1.0');
    expect(bag.info.get('External-Description')).toContain('柯达样张');

    const meta = JSON.parse(await fsp.readFile(path.join(dir, 'data/works', works['kodim02.png']!.workId, 'metadata.json'), 'utf8')) as { id: string; version: number; files: { name: string; sha256: string; size: number; mediaType: string }[] };
    expect(meta).toMatchObject({ id: works['kodim02.png']!.workId, version: 1 });
    expect(meta.files[0]).toMatchObject({ name: '柯达%照片 02.png', sha256: works['kodim02.png']!.sha256, mediaType: 'image/png', size: fs.statSync(path.join(KODAK, 'kodim02.png')).size });
    const tree = JSON.parse(await fsp.readFile(path.join(dir, 'data/collection.json'), 'utf8')) as { collection: { id: string; works: string[]; children: { works: string[] }[] } };
    expect(tree.collection.id).toBe(rootId);
    expect(tree.collection.works).toEqual([works['kodim01.png']!.workId]);
    expect(tree.collection.children[0]!.works).toHaveLength(3);

    validateWithBagitPy(dir);
  });

  it('leaves out the private works of other users for a creator', async () => {
    const dir = path.join(out, 'creator-bag');
    const report = await exportBag(deps, creatorA, { collectionId: rootId, outDir: dir });
    expect(report).toMatchObject({ works: 3, files: 3, derivatives: 0, skippedWorks: 1 });
    const bag = await checkBag(dir);
    const exported = new Set([...bag.manifest.keys()].map((p) => p.split('/')[2]));
    expect(exported.has(works['kodim03.png']!.workId)).toBe(true);
    expect(exported.has(works['kodim04.png']!.workId)).toBe(false);
    validateWithBagitPy(dir);
  });

  it('refuses a collection or a work the actor cannot see, and a non-empty target', async () => {
    await expect(exportBag(deps, creatorA, { collectionId: hiddenId, outDir: path.join(out, 'x') })).rejects.toThrow(/collection .* was not found/);
    await expect(exportBag(deps, creatorA, { workIds: [works['kodim04.png']!.workId], outDir: path.join(out, 'y') })).rejects.toThrow(/not found or you may not read them/);
    const full = path.join(out, 'full');
    await fsp.mkdir(full);
    await fsp.writeFile(path.join(full, 'keep.txt'), 'x');
    await expect(exportBag(deps, admin, { workIds: [works['kodim01.png']!.workId], outDir: full })).rejects.toThrow(/not empty/);
    expect(fs.existsSync(path.join(out, 'x')) || fs.existsSync(path.join(out, 'y'))).toBe(false);
  });

  it('exports a list of works into an existing empty directory', async () => {
    const dir = path.join(out, 'empty');
    await fsp.mkdir(dir);
    const report = await exportBag(deps, creatorB, { workIds: [works['kodim04.png']!.workId, works['kodim01.png']!.workId], outDir: dir });
    expect(report).toMatchObject({ works: 2, files: 2 });
    await checkBag(dir);
  });

  it('fails loudly on a blob that no longer matches its checksum and leaves no bag behind', async () => {
    const victim = works['kodim02.png']!;
    const blob = ctx.app.blobs.localPath(victim.sha256)!;
    await fsp.writeFile(blob, Buffer.from('bit rot'));
    const dir = path.join(out, 'corrupt-bag');
    await expect(exportBag(deps, admin, { collectionId: rootId, outDir: dir })).rejects.toThrow(/fixity failure .*柯达%照片 02\.png/);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(`${dir}.partial`)).toBe(false);
  });
});

interface CheckedBag {
  manifest: Map<string, string>;
  info: Map<string, string>;
}

/** An independent reading of the bag: every payload file listed with the right hash, Oxum and tag manifest right. */
async function checkBag(dir: string): Promise<CheckedBag> {
  expect(await fsp.readFile(path.join(dir, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  const manifestRaw = await fsp.readFile(path.join(dir, 'manifest-sha256.txt'), 'utf8');
  const manifest = parseManifest(manifestRaw);
  const onDisk = (await listFiles(path.join(dir, 'data'))).map((p) => `data/${p}`);
  expect([...manifest.keys()].sort()).toEqual(onDisk.sort());
  let octets = 0;
  for (const rel of onDisk) {
    const file = path.join(dir, rel);
    expect(await sha256File(file), rel).toBe(manifest.get(rel));
    octets += (await fsp.stat(file)).size;
  }
  const info = new Map(
    (await fsp.readFile(path.join(dir, 'bag-info.txt'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]),
  );
  expect(info.get('Payload-Oxum')).toBe(`${octets}.${onDisk.length}`);
  expect(info.get('Bagging-Date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(info.get('Bag-Size')).toBeTruthy();
  const tags = parseManifest(await fsp.readFile(path.join(dir, 'tagmanifest-sha256.txt'), 'utf8'));
  expect([...tags.keys()].sort()).toEqual(['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt']);
  for (const [rel, sha] of tags) expect(await sha256File(path.join(dir, rel)), rel).toBe(sha);
  return { manifest, info };
}

function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    expect(match, line).not.toBeNull();
    out.set(match![2]!.replace(/%(0D|0A|25)/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), match![1]!);
  }
  return out;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs the Library of Congress validator when it is installed (CI installs it); notes its absence otherwise. */
function validateWithBagitPy(dir: string): void {
  const probe = spawnSync('bagit.py', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    console.info(`bagit.py is not installed: skipped the external BagIt validation of ${path.basename(dir)}`);
    return;
  }
  const run = spawnSync('bagit.py', ['--validate', dir], { encoding: 'utf8' });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
}

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDiskBlobStore } from '../../src/platform/blob-store.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type MultipartPart, type TestUser } from '../routes/route-helpers.js';

const dialects = await testDialects();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const QUOTA = 300_000;

type Item = { name: string; status: 'imported' | 'unchanged' | 'failed'; workId?: string; sha256?: string; code?: string; key?: string; params?: Record<string, unknown> };
type Batch = { items: Item[]; imported: number; unchanged: number; failed: number; complete: boolean; stopped?: { code: string; key: string; params: Record<string, unknown> } };

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header declares width×height pixels, followed by `padding` bytes of noise (a big refused file). */
function pngBomb(width: number, height: number, padding: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', randomBytes(padding)), pngChunk('IEND', Buffer.alloc(0))]);
}

describe.each(dialects)('uploads: refusals, quotas, double clicks, big batches (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { uploadQuotaBytes: QUOTA });
    curator = await makeUser(ctx, 'curator');
  });
  afterAll(async () => ctx?.close());

  const send = async (user: TestUser, files: { name: string; data: Buffer; type?: string }[], url = '/api/uploads') => {
    const parts: MultipartPart[] = files.map((f) => ({ name: 'file', filename: f.name, contentType: f.type ?? 'application/octet-stream', data: f.data }));
    const body = multipart(parts);
    return ctx.server.inject({ method: 'POST', url, headers: { ...user.headers, ...body.headers }, payload: body.payload });
  };
  const upload = async (user: TestUser, files: { name: string; data: Buffer; type?: string }[], url?: string): Promise<Batch> => {
    const res = await send(user, files, url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Batch;
  };
  const storedBlobs = async () => {
    const out: string[] = [];
    for await (const s of ctx.app.blobs.list()) out.push(s);
    return out.sort();
  };
  const temporaries = () => fs.readdirSync(path.join(ctx.app.config.dataDir, 'blobs', 'tmp')).filter((n) => n.endsWith('.part'));
  const worksOf = async (ownerId: string) => (await ctx.app.database.db.selectFrom('works').select('id').where('owner_id', '=', ownerId).execute()).map((r) => r.id);
  const usage = async (user: TestUser) => (await ctx.server.inject({ method: 'GET', url: '/api/uploads/usage', headers: user.headers })).json() as { usedBytes: number; quotaBytes: number | null };

  it('a refused upload (corrupt, a pixel bomb, the wrong type) leaves no byte behind: not in the store, not in its temporary folder', async () => {
    const before = await storedBlobs();
    const corrupt = Buffer.concat([(await photoBytes(1)).subarray(0, 64), randomBytes(3 * 1024 * 1024)]);
    const batch = await upload(curator, [
      { name: 'corrupt.png', data: corrupt, type: 'image/png' },
      { name: 'bomb.png', data: pngBomb(30_000, 30_000, 2 * 1024 * 1024), type: 'image/png' },
      { name: 'not-a-photo.jpg', data: randomBytes(1024 * 1024), type: 'image/jpeg' },
    ]);
    expect(batch.items.map((i) => i.status)).toEqual(['failed', 'failed', 'failed']);
    expect(await storedBlobs()).toEqual(before);
    expect(temporaries()).toEqual([]);
  });

  it('a refusal never deletes bytes an accepted upload holds, even when both arrive at the same instant', async () => {
    const creator = await makeUser(ctx, 'creator');
    // Each file is larger than the creator's quota, so the creator's copy is refused midway while the curator's is accepted.
    const files = await Promise.all(Array.from({ length: 6 }, async (_, i) => Buffer.concat([await photoBytes(100 + i, 320, 240), randomBytes(QUOTA)])));
    const answers = await Promise.all(files.flatMap((data, i) => [upload(curator, [{ name: `shared-${i}.png`, data, type: 'image/png' }]), upload(creator, [{ name: `shared-${i}.png`, data, type: 'image/png' }])]));
    for (let i = 0; i < files.length; i++) {
      const accepted = answers[2 * i]!.items[0]!;
      const refused = answers[2 * i + 1]!.items[0]!;
      expect(accepted.status).toBe('imported');
      expect(refused).toMatchObject({ status: 'failed', code: 'quota_exceeded', key: 'upload.quota_exceeded' });
      expect(sha(await ctx.app.blobs.read(accepted.sha256!))).toBe(sha(files[i]!));
      const download = await ctx.server.inject({ method: 'GET', url: `/api/works/${accepted.workId}/files/${accepted.sha256}`, headers: curator.headers });
      expect(download.statusCode).toBe(200);
    }
    expect(await worksOf(creator.id)).toEqual([]);
    expect(temporaries()).toEqual([]);
  }, 60_000);

  it('a creator uploads up to the quota: the next file is refused with the numbers, a full quota refuses the request up front', async () => {
    const creator = await makeUser(ctx, 'creator');
    expect(await usage(creator)).toEqual({ usedBytes: 0, quotaBytes: QUOTA });
    const a = randomBytes(100_000);
    const first = await upload(creator, [{ name: 'a.bin', data: a }, { name: 'b.bin', data: randomBytes(100_000) }]);
    expect(first.imported).toBe(2);
    const before = await storedBlobs();
    const tooBig = await upload(creator, [{ name: 'c.bin', data: randomBytes(150_000) }]);
    expect(tooBig.items[0]).toMatchObject({ status: 'failed', code: 'quota_exceeded', key: 'upload.quota_exceeded', params: { usedBytes: 200_000, quotaBytes: QUOTA } });
    expect(await storedBlobs()).toEqual(before);
    // The same bytes in a second work of theirs count once.
    const second = await upload(creator, [{ name: 'd.bin', data: randomBytes(90_000) }]);
    await upload(creator, [{ name: 'a-again.bin', data: a }], `/api/works/${second.items[0]!.workId}/files`);
    expect(await usage(creator)).toEqual({ usedBytes: 290_000, quotaBytes: QUOTA });
    expect((await upload(creator, [{ name: 'e.bin', data: randomBytes(10_000) }])).imported).toBe(1);
    const full = await send(creator, [{ name: 'f.bin', data: randomBytes(10) }]);
    expect(full.statusCode).toBe(413);
    expect(full.json()).toMatchObject({ error: { code: 'quota_exceeded', key: 'upload.quota_exceeded', params: { usedBytes: QUOTA, quotaBytes: QUOTA } } });
    // Staff have no quota unless one is set for them.
    expect((await upload(curator, [{ name: 'big.bin', data: randomBytes(2 * QUOTA) }])).imported).toBe(1);
    expect((await usage(curator)).quotaBytes).toBeNull();
  });

  it('concurrent uploads by one creator never go past the quota together', async () => {
    const creator = await makeUser(ctx, 'creator');
    const before = (await storedBlobs()).length;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(creator, [{ name: `part-${i}.bin`, data: randomBytes(50_000) }])));
    const items = answers.map((a) => a.items[0]!);
    expect(items.filter((i) => i.status === 'imported')).toHaveLength(6);
    expect(items.filter((i) => i.status === 'failed').every((i) => i.code === 'quota_exceeded')).toBe(true);
    expect(await usage(creator)).toEqual({ usedBytes: 300_000, quotaBytes: QUOTA });
    // The refused four left no bytes: the store grew by the six accepted files only.
    expect((await storedBlobs()).length - before).toBe(6);
    expect(temporaries()).toEqual([]);
  }, 60_000);

  it('twenty identical uploads at the same instant (a double click) make one work; the others answer with it', async () => {
    const creator = await makeUser(ctx, 'creator');
    const data = await photoBytes(4242, 200, 150);
    const answers = await Promise.all(Array.from({ length: 20 }, () => upload(creator, [{ name: 'double-click.png', data, type: 'image/png' }])));
    const items = answers.map((a) => a.items[0]!);
    const works = await worksOf(creator.id);
    expect(works).toHaveLength(1);
    expect(items.filter((i) => i.status === 'imported')).toHaveLength(1);
    expect(items.filter((i) => i.status === 'unchanged')).toHaveLength(19);
    expect(new Set(items.map((i) => i.workId))).toEqual(new Set(works));
    // The same when the double click attaches a file to a work: one file, the other answers say unchanged.
    const extra = await photoBytes(4243, 200, 150);
    const attached = await Promise.all(Array.from({ length: 10 }, () => upload(creator, [{ name: 'extra.png', data: extra, type: 'image/png' }], `/api/works/${works[0]}/files`)));
    expect(attached.map((a) => a.items[0]!.status).sort()).toEqual(['imported', ...Array<string>(9).fill('unchanged')]);
    const files = await ctx.app.database.db.selectFrom('work_files').select('sha256').where('work_id', '=', works[0]!).execute();
    expect(files).toHaveLength(2);
    expect(temporaries()).toEqual([]);
  }, 60_000);

  it('attaching archived bytes to another work reuses their display copy: no second job, no orphaned copy', async () => {
    const data = await photoBytes(777, 200, 150);
    const first = (await upload(curator, [{ name: 'archived.png', data, type: 'image/png' }])).items[0]!;
    await ctx.app.worker.drain();
    const display = async () => (await ctx.app.database.db.selectFrom('derivatives').selectAll().where('source_sha256', '=', first.sha256!).where('name', '=', 'display').execute());
    const made = await display();
    expect(made).toHaveLength(1);
    // Another user's own work (the first is private), and a second work of the curator's.
    const creator = await makeUser(ctx, 'creator');
    expect((await upload(creator, [{ name: 'mine.png', data, type: 'image/png' }])).items[0]!.status).toBe('imported');
    const other = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { en: 'Another work' } } } });
    expect((await upload(curator, [{ name: 'again.png', data, type: 'image/png' }], `/api/works/${other.json().id}/files`)).items[0]!.status).toBe('imported');
    await ctx.app.worker.drain();
    const jobs = await ctx.app.database.db.selectFrom('jobs').select('id').where('kind', '=', 'media.display').where('payload', 'like', `%${first.sha256}%`).execute();
    expect(jobs).toHaveLength(1);
    expect(await display()).toEqual(made);
  }, 60_000);

  it('a request with more files than an upload takes saves the first ones and names every other file it read as not received', async () => {
    const owner = await makeUser(ctx, 'curator');
    const small = await createTestContext(dialect, { maxFilesPerUpload: 5 });
    try {
      const user = await makeUser(small, 'curator');
      const files = Array.from({ length: 52 }, (_, i) => ({ name: `note-${i}.txt`, data: Buffer.from(`note ${i}`), type: 'text/plain' }));
      const body = multipart(files.map((f) => ({ name: 'file', filename: f.name, contentType: f.type, data: f.data })));
      const res = await small.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...user.headers, ...body.headers }, payload: body.payload });
      expect(res.statusCode).toBe(200);
      const batch = res.json() as Batch;
      expect(batch.imported).toBe(5);
      // Ten times the limit is read: 45 files named as not received, then the reading stops with a report.
      expect(batch.items.slice(5).map((i) => [i.name, i.status, i.key, i.params?.max])).toEqual(files.slice(5, 50).map((f) => [f.name, 'failed', 'upload.too_many_files', 5]));
      expect(batch.complete).toBe(false);
      expect(batch.stopped).toMatchObject({ code: 'payload_too_large', key: 'upload.files_not_read', params: { read: 50 } });
      expect((await small.app.database.db.selectFrom('works').select('id').where('owner_id', '=', user.id).execute()).length).toBe(5);
    } finally {
      await small.close();
    }
    if (dialect !== 'sqlite') return;
    // The default, at full size once: 1,000 saved, the 1,001st and 1,002nd named (they used to end the request in a bare 413).
    const files = Array.from({ length: 1002 }, (_, i) => ({ name: `note-${i}.txt`, data: Buffer.from(`note ${i} ${dialect}`), type: 'text/plain' }));
    const batch = await upload(owner, files);
    expect(batch).toMatchObject({ imported: 1000, failed: 2, complete: true });
    expect(batch.items.slice(1000).map((i) => [i.name, i.key])).toEqual([['note-1000.txt', 'upload.too_many_files'], ['note-1001.txt', 'upload.too_many_files']]);
    expect(await worksOf(owner.id)).toHaveLength(1000);
  }, 120_000);
});

describe('temporary files of killed uploads', () => {
  it('are removed at the next start; a live writer keeps its files until the age cap', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-killed-'));
    try {
      new LocalDiskBlobStore(root);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/ingest/killed-upload.child.ts'), root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve());
        child.on('exit', () => reject(new Error('the writer exited early')));
      });
      child.kill('SIGKILL');
      await once(child, 'exit');
      const tmp = path.join(root, 'tmp');
      const left = fs.readdirSync(tmp);
      expect(left).toHaveLength(1);
      expect(fs.statSync(path.join(tmp, left[0]!)).size).toBeGreaterThan(0);

      // A neighbour that is still writing (a live pid), once fresh and once past the age cap.
      const neighbour = spawn('sleep', ['30']);
      const fresh = path.join(tmp, `${neighbour.pid}.fresh.part`);
      const stale = path.join(tmp, `${neighbour.pid}.stale.part`);
      fs.writeFileSync(fresh, 'x');
      fs.writeFileSync(stale, 'x');
      const old = new Date(Date.now() - 25 * 3_600_000);
      fs.utimesSync(stale, old, old);
      try {
        const store = new LocalDiskBlobStore(root);
        expect(fs.readdirSync(tmp).sort()).toEqual([path.basename(fresh)]);
        // The same sweep runs with `wenyuan gc` and the periodic audit, sparing this process's own uploads.
        const writing = store.stage(Readable.from((async function* () {
          yield Buffer.alloc(10);
          await new Promise((r) => setTimeout(r, 200));
          yield Buffer.alloc(10);
        })()));
        await new Promise((r) => setTimeout(r, 50));
        expect(store.removeStaleTemporaries().removed).toBe(0);
        const staged = await writing;
        await staged.discard();
        expect(fs.readdirSync(tmp)).toEqual([path.basename(fresh)]);
      } finally {
        neighbour.kill('SIGKILL');
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobTooLargeError, LocalDiskBlobStore, blobKey, HEAD_BYTES } from '../../src/platform/blob-store.js';
import { blobStoreContract } from './blob-store.contract.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Every regular file below `dir`, relative, with forward slashes. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** A stream that yields `data` in chunks of `chunk` bytes, so hashing spans many writes. */
function chunked(data: Buffer, chunk = 7919): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('LocalDiskBlobStore: the shared blob store contract', () => {
  blobStoreContract(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-blobs-'));
    return {
      store: new LocalDiskBlobStore(root),
      leftovers: async () => fs.readdirSync(path.join(root, 'tmp')),
      close: async () => fs.rmSync(root, { recursive: true, force: true }),
    };
  });
});

describe('LocalDiskBlobStore', () => {
  let root: string;
  let store: LocalDiskBlobStore;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-blobs-'));
    store = new LocalDiskBlobStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('hashes a multi-chunk stream to the same sha256 as node:crypto and stores the exact bytes', async () => {
    const data = randomBytes(300_001);
    const stored = await store.put(chunked(data));
    expect(stored).toEqual({ sha256: sha(data), size: data.length, created: true, head: data.subarray(0, HEAD_BYTES) });
    expect(Buffer.compare(await store.read(stored.sha256), data)).toBe(0);
    expect(await store.size(stored.sha256)).toBe(data.length);
    expect(await store.has(stored.sha256)).toBe(true);
    expect(store.localPath(stored.sha256)).toBe(path.join(root, blobKey(stored.sha256)));
  });

  it('hashes the empty stream to the well-known empty digest', async () => {
    const stored = await store.put(Readable.from([]));
    expect(stored.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(stored.size).toBe(0);
  });

  it('stores identical content once: second put says created:false and leaves one file', async () => {
    const data = randomBytes(10_000);
    const first = await store.put(chunked(data));
    const second = await store.put(chunked(data, 333));
    const third = await store.putBuffer(data);
    expect(first.created).toBe(true);
    expect(second).toEqual({ sha256: first.sha256, size: data.length, created: false, head: data.subarray(0, HEAD_BYTES) });
    expect(third).toEqual({ sha256: first.sha256, size: data.length, created: false });
    expect(filesUnder(root)).toEqual([blobKey(first.sha256)]);
  });

  it('concurrent puts of the same content end with one file and no temp files', async () => {
    const data = randomBytes(50_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => store.put(chunked(data, 4096))));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(data)]));
    expect(filesUnder(root)).toEqual([blobKey(sha(data))]);
  });

  it('refuses a stream over maxBytes with BlobTooLargeError and leaves no temp file', async () => {
    const data = randomBytes(5000);
    const error = await store.put(chunked(data, 1000), { maxBytes: 4999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect((error as BlobTooLargeError).maxBytes).toBe(4999);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(filesUnder(root)).toEqual([]);
    expect(await store.has(sha(data))).toBe(false);
  });

  it('accepts a stream of exactly maxBytes (the limit is inclusive)', async () => {
    const data = randomBytes(5000);
    const stored = await store.put(chunked(data, 1000), { maxBytes: 5000 });
    expect(stored.sha256).toBe(sha(data));
  });

  it('names stored files by content only: the source file name appears nowhere on disk', async () => {
    const srcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-src-'));
    try {
      const name = 'Secret Scroll 清明上河图.tif';
      const data = randomBytes(2048);
      fs.writeFileSync(path.join(srcDir, name), data);
      const stored = await store.put(fs.createReadStream(path.join(srcDir, name)));
      const files = filesUnder(root);
      expect(files).toEqual([`sha256/${stored.sha256.slice(0, 2)}/${stored.sha256.slice(2, 4)}/${stored.sha256}`]);
      for (const f of files) {
        expect(f).not.toMatch(/Secret|Scroll|清明|\.tif/);
      }
    } finally {
      fs.rmSync(srcDir, { recursive: true, force: true });
    }
  });

  it('blobKey refuses anything that is not a sha256 hex digest (no path injection through keys)', () => {
    expect(() => blobKey('../../etc/passwd')).toThrow(/not a sha256/);
    expect(() => blobKey('A'.repeat(64))).toThrow(/not a sha256/);
    expect(() => blobKey(`${'a'.repeat(63)}/`)).toThrow(/not a sha256/);
    expect(() => store.open('../x')).toThrow(/not a sha256/);
  });

  it('list() yields exactly the stored digests, and remove() takes one away', async () => {
    const blobs = [randomBytes(10), randomBytes(2000), randomBytes(70_000)];
    const digests: string[] = [];
    for (const b of blobs) digests.push((await store.put(chunked(b))).sha256);
    digests.push((await store.putBuffer(Buffer.from('derivative'))).sha256);
    // Stray files the store did not write must not be reported as blobs.
    fs.writeFileSync(path.join(root, 'tmp', 'leftover.part'), 'x');
    fs.mkdirSync(path.join(root, 'sha256', 'zz', 'zz'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sha256', 'zz', 'zz', 'README'), 'x');
    expect((await collect(store.list())).sort()).toEqual([...digests].sort());

    await store.remove(digests[1]!);
    expect((await collect(store.list())).sort()).toEqual([digests[0], digests[2], digests[3]].sort());
    expect(await store.has(digests[1]!)).toBe(false);
    expect(await store.size(digests[1]!)).toBeNull();
  });

  it('open() streams the stored bytes back', async () => {
    const data = randomBytes(100_000);
    const { sha256 } = await store.put(chunked(data));
    const chunks: Buffer[] = [];
    for await (const c of store.open(sha256)) chunks.push(c as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha256);
  });

  it('a source stream that fails half way leaves no blob and no temp file', async () => {
    const data = randomBytes(20_000);
    async function* failing() {
      yield data.subarray(0, 10_000);
      await new Promise((r) => setTimeout(r, 5));
      yield data.subarray(10_000, 15_000);
      throw new Error('connection reset by peer');
    }
    await expect(store.put(Readable.from(failing()))).rejects.toThrow('connection reset by peer');
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(filesUnder(root)).toEqual([]);
    expect(await collect(store.list())).toEqual([]);
  });

  it('a source stream that fails before its first byte leaves no temp file either', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('boom at once'));
      },
    });
    await expect(store.put(source)).rejects.toThrow('boom at once');
    // The write stream opens its file asynchronously; give a late open a chance to show up.
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('stage() keeps new bytes out of the store until commit; discard() removes only the staged copy', async () => {
    const data = randomBytes(50_000);
    const staged = await store.stage(chunked(data));
    expect(staged).toMatchObject({ sha256: sha(data), size: data.length, existed: false });
    expect(await store.has(staged.sha256)).toBe(false);
    expect(Buffer.compare(fs.readFileSync(staged.path!), data)).toBe(0);
    await staged.discard();
    expect(fs.existsSync(staged.path!)).toBe(false);
    expect(filesUnder(root)).toEqual([]);

    const kept = await store.stage(chunked(data));
    expect(await kept.commit()).toEqual({ sha256: sha(data), size: data.length, created: true });
    expect(await kept.commit()).toEqual({ sha256: sha(data), size: data.length, created: true });
    await kept.discard(); // after commit: nothing to undo
    expect(Buffer.compare(await store.read(kept.sha256), data)).toBe(0);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('staging bytes already stored never touches them on discard, and restarts their sweep grace period', async () => {
    const data = randomBytes(20_000);
    const { sha256 } = await store.put(chunked(data));
    const old = new Date(Date.now() - 3 * 24 * 3_600_000);
    fs.utimesSync(store.localPath(sha256), old, old);
    const again = await store.stage(chunked(data));
    expect(again).toMatchObject({ sha256, existed: true, path: store.localPath(sha256) });
    expect(Date.now() - (await store.storedAt(sha256))!).toBeLessThan(60_000);
    await again.discard();
    expect(Buffer.compare(await store.read(sha256), data)).toBe(0);
    expect(await again.commit()).toEqual({ sha256, size: data.length, created: false });
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('stage() stops at maxBytes and leaves no temporary file', async () => {
    await expect(store.stage(chunked(randomBytes(100_000)), { maxBytes: 99_999 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BlobMissingError, BlobTooLargeError, HEAD_BYTES, type BlobStore } from '../../src/platform/blob-store.js';

/** What the contract needs of a store under test. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** Whatever the store holds besides its blobs: temporary files, staging objects. Empty when idle. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A stream that yields `data` in chunks of `chunk` bytes, so hashing spans many writes. */
export function chunked(data: Buffer, chunk = 7919): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The behaviour every BlobStore shares (local disk, S3): call inside a describe block, with a
 * factory that opens an empty store.
 */
export function blobStoreContract(open: () => Promise<BlobStoreHarness>): void {
  let h: BlobStoreHarness;
  let store: BlobStore;
  beforeEach(async () => {
    h = await open();
    store = h.store;
  });
  afterEach(async () => h.close());

  it('put hashes a multi-chunk stream like node:crypto; has/size/read/open/storedAt give it back', async () => {
    const data = randomBytes(300_001);
    const stored = await store.put(chunked(data));
    expect(stored).toEqual({ sha256: sha(data), size: data.length, created: true, head: data.subarray(0, HEAD_BYTES) });
    expect(Buffer.compare(await store.read(stored.sha256), data)).toBe(0);
    expect(sha(await readAll(store.open(stored.sha256)))).toBe(stored.sha256);
    expect(await store.size(stored.sha256)).toBe(data.length);
    expect(await store.has(stored.sha256)).toBe(true);
    expect(Math.abs(Date.now() - (await store.storedAt(stored.sha256))!)).toBeLessThan(60_000);
    expect(await h.leftovers()).toEqual([]);
  });

  it('hashes the empty stream to the well-known empty digest', async () => {
    const stored = await store.put(Readable.from([]));
    expect(stored.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(stored.size).toBe(0);
    expect((await store.read(stored.sha256)).length).toBe(0);
  });

  it('stores identical content once: later puts answer created:false and list shows one key', async () => {
    const data = randomBytes(10_000);
    const first = await store.put(chunked(data));
    const second = await store.put(chunked(data, 333));
    const third = await store.putBuffer(data);
    expect(first.created).toBe(true);
    expect(second).toEqual({ sha256: first.sha256, size: data.length, created: false, head: data.subarray(0, HEAD_BYTES) });
    expect(third).toEqual({ sha256: first.sha256, size: data.length, created: false });
    expect(await collect(store.list())).toEqual([first.sha256]);
    expect(await h.leftovers()).toEqual([]);
  });

  it('concurrent puts of the same content end with one blob and nothing left over', async () => {
    const data = randomBytes(50_000);
    const results = await Promise.all(Array.from({ length: 4 }, () => store.put(chunked(data, 4096))));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(data)]));
    expect(await collect(store.list())).toEqual([sha(data)]);
    expect(await h.leftovers()).toEqual([]);
  });

  it('refuses a stream over maxBytes mid-stream, leaving nothing; exactly maxBytes is accepted', async () => {
    const data = randomBytes(5000);
    const error = await store.put(chunked(data, 1000), { maxBytes: 4999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect((error as BlobTooLargeError).maxBytes).toBe(4999);
    await expect(store.stage(chunked(randomBytes(100_000)), { maxBytes: 99_999 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await h.leftovers()).toEqual([]);
    expect(await collect(store.list())).toEqual([]);
    expect(await store.has(sha(data))).toBe(false);
    expect((await store.put(chunked(data, 1000), { maxBytes: 5000 })).sha256).toBe(sha(data));
  });

  it('a source stream that fails half way leaves no blob and nothing over', async () => {
    const data = randomBytes(20_000);
    async function* failing() {
      yield data.subarray(0, 10_000);
      await new Promise((r) => setTimeout(r, 5));
      yield data.subarray(10_000, 15_000);
      throw new Error('connection reset by peer');
    }
    await expect(store.put(Readable.from(failing()))).rejects.toThrow('connection reset by peer');
    expect(await h.leftovers()).toEqual([]);
    expect(await collect(store.list())).toEqual([]);
  });

  it('stage keeps new bytes out of the store until commit; discard removes only the staged copy', async () => {
    const data = randomBytes(50_000);
    const staged = await store.stage(chunked(data));
    expect(staged).toMatchObject({ sha256: sha(data), size: data.length, existed: false });
    expect(staged.path).not.toBeNull();
    expect(Buffer.compare(fs.readFileSync(staged.path!), data)).toBe(0);
    expect(await store.has(staged.sha256)).toBe(false);
    await staged.discard();
    expect(await h.leftovers()).toEqual([]);
    expect(await collect(store.list())).toEqual([]);

    const kept = await store.stage(chunked(data));
    await kept.sync();
    expect(await kept.commit()).toEqual({ sha256: sha(data), size: data.length, created: true });
    expect(await kept.commit()).toEqual({ sha256: sha(data), size: data.length, created: true });
    await kept.discard(); // after commit: nothing to undo
    expect(Buffer.compare(await store.read(kept.sha256), data)).toBe(0);
    expect(await h.leftovers()).toEqual([]);
  });

  it('staging bytes already stored says existed, and discarding never touches the stored blob', async () => {
    const data = randomBytes(20_000);
    const { sha256 } = await store.put(chunked(data));
    const again = await store.stage(chunked(data));
    expect(again).toMatchObject({ sha256, existed: true });
    await again.discard();
    expect(Buffer.compare(await store.read(sha256), data)).toBe(0);
    expect(await again.commit()).toEqual({ sha256, size: data.length, created: false });
    expect(await h.leftovers()).toEqual([]);
  });

  it('openRange gives exactly the asked bytes (both ends inclusive)', async () => {
    const data = randomBytes(100_000);
    const { sha256 } = await store.put(chunked(data));
    expect(await readAll(store.openRange(sha256, 10, 19))).toEqual(data.subarray(10, 20));
    expect(await readAll(store.openRange(sha256, 0, 0))).toEqual(data.subarray(0, 1));
    expect(await readAll(store.openRange(sha256, 99_990, 99_999))).toEqual(data.subarray(99_990));
    expect(await readAll(store.openRange(sha256, 4096, 70_000))).toEqual(data.subarray(4096, 70_001));
  });

  it('list yields exactly the stored digests; remove takes one away', async () => {
    const digests: string[] = [];
    for (const b of [randomBytes(10), randomBytes(2000), randomBytes(70_000)]) digests.push((await store.put(chunked(b))).sha256);
    digests.push((await store.putBuffer(Buffer.from('derivative'), { durable: false })).sha256);
    expect((await collect(store.list())).sort()).toEqual([...digests].sort());
    await store.remove(digests[1]!);
    await store.remove(digests[1]!); // idempotent
    expect((await collect(store.list())).sort()).toEqual([digests[0], digests[2], digests[3]].sort());
    expect(await store.has(digests[1]!)).toBe(false);
    expect(await store.size(digests[1]!)).toBeNull();
    expect(await store.storedAt(digests[1]!)).toBeNull();
  });

  it('withLocalFile lends a file holding the bytes; a missing blob rejects everywhere with ENOENT', async () => {
    const data = randomBytes(30_000);
    const { sha256 } = await store.put(chunked(data));
    const seen = await store.withLocalFile(sha256, async (file) => fs.readFileSync(file));
    expect(Buffer.compare(seen, data)).toBe(0);
    expect(await h.leftovers()).toEqual([]);
    const missing = sha(Buffer.from('never stored'));
    await expect(store.withLocalFile(missing, async () => 1)).rejects.toBeInstanceOf(BlobMissingError);
    await expect(readAll(store.open(missing))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.read(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses keys that are not sha256 digests (no path injection through keys)', () => {
    expect(() => store.open('../x')).toThrow(/not a sha256/);
    expect(() => store.openRange('A'.repeat(64), 0, 1)).toThrow(/not a sha256/);
  });
}

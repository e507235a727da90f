import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { BlobTooLargeForLocalError } from '../../src/platform/blob-store.js';
import { BlobStoreUnavailableError, S3BlobStore } from '../../src/platform/s3-blob-store.js';
import { statusForCode } from '../../src/platform/http/error-status.js';
import { s3Available, s3TestStore } from '../support/s3.js';
import { blobStoreContract, chunked, collect, readAll, sha } from './blob-store.contract.js';

const available = await s3Available();

/** Keys under the store's prefix that are not blobs (staging objects), and its local temporary files. */
async function leftovers(store: S3BlobStore, tempDir: string): Promise<string[]> {
  const location = (store as unknown as { prefix: string; bucket: string });
  const page = await store.client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix }));
  const keys = (page.Contents ?? []).map((o) => o.Key!.slice(location.prefix.length)).filter((k) => !k.startsWith('sha256/'));
  return [...keys, ...fs.readdirSync(tempDir)];
}

describe.skipIf(!available)('S3BlobStore (S3 server on loopback): the shared blob store contract', () => {
  blobStoreContract(async () => {
    const { store, tempDir } = s3TestStore();
    return {
      store,
      leftovers: () => leftovers(store, tempDir),
      close: async () => {
        store.close();
        fs.rmSync(tempDir, { recursive: true, force: true });
      },
    };
  });
});

describe.skipIf(!available)('S3BlobStore', () => {
  it('streams 100 MB through multipart upload with memory bounded by a few parts, and no local copy past the bound', async () => {
    const partSize = 5 * 1024 * 1024;
    const { store, tempDir } = s3TestStore({ partSizeBytes: partSize, maxTempBytes: 2 * 1024 * 1024 });
    try {
      const total = 100 * 1024 * 1024;
      const block = randomBytes(1024 * 1024);
      const hash = (await import('node:crypto')).createHash('sha256');
      let sent = 0;
      const source = new Readable({
        read() {
          if (sent >= total) return this.push(null);
          // A different block each time, so nothing could be deduplicated or compressed away.
          const chunk = Buffer.from(block);
          chunk.writeUInt32BE(sent / block.length, 0);
          hash.update(chunk);
          sent += chunk.length;
          this.push(chunk);
        },
      });
      // Garbage (spent part buffers) is collected before each sample: what remains is what the upload holds.
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as () => void;
      await store.putBuffer(randomBytes(100)); // the SDK's code and sockets, loaded before measuring
      gc();
      const before = process.memoryUsage();
      const peak = { rss: before.rss, buffers: before.arrayBuffers };
      const timer = setInterval(() => {
        gc();
        const now = process.memoryUsage();
        peak.rss = Math.max(peak.rss, now.rss);
        peak.buffers = Math.max(peak.buffers, now.arrayBuffers);
      }, 50);
      const staged = await store.stage(source);
      clearInterval(timer);
      const grew = { rss: peak.rss - before.rss, buffers: peak.buffers - before.arrayBuffers };
      console.log(`staging ${total / 1048576} MiB: RSS +${(grew.rss / 1048576).toFixed(1)} MiB, buffers held +${(grew.buffers / 1048576).toFixed(1)} MiB`);
      // Buffers held: the part being filled, the queue of 2 in flight and their copies (5–7 parts
      // measured quiet, 8.4 once under a full CI run's load), never the file (20 parts); RSS: those
      // plus the allocator's and the HTTP client's working set.
      expect(grew.buffers).toBeLessThan(10 * partSize);
      expect(grew.rss).toBeLessThan(48 * 1024 * 1024);
      expect(staged.size).toBe(total);
      expect(staged.sha256).toBe(hash.digest('hex'));
      // Past the 2 MiB local bound the local copy was dropped: the bytes are only in the staging object.
      expect(staged.path).toBeNull();
      expect(fs.readdirSync(tempDir)).toEqual([]);
      expect(await staged.commit()).toEqual({ sha256: staged.sha256, size: total, created: true });
      expect(await store.size(staged.sha256)).toBe(total);
      const back = (await import('node:crypto')).createHash('sha256');
      for await (const chunk of store.open(staged.sha256)) back.update(chunk as Buffer);
      expect(back.digest('hex')).toBe(staged.sha256);
      await expect(store.withLocalFile(staged.sha256, async () => 1)).rejects.toBeInstanceOf(BlobTooLargeForLocalError);
      expect(await leftovers(store, tempDir)).toEqual([]);
    } finally {
      store.close();
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('hands out presigned download URLs only when direct downloads are on; they serve the bytes with the given name', async () => {
    const off = s3TestStore();
    const on = s3TestStore({ directUrlSeconds: 60 });
    try {
      const data = randomBytes(4000);
      const { sha256 } = await on.store.put(chunked(data));
      expect(await off.store.directUrl(sha256, { fileName: 'a.tif', mediaType: 'image/tiff', inline: false })).toBeNull();
      const url = await on.store.directUrl(sha256, { fileName: '清明 上河图.tif', mediaType: 'image/tiff', inline: false });
      expect(url).toMatch(/X-Amz-Signature=/);
      const answer = await fetch(url!);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('清明 上河图.tif')}`);
      expect(sha(Buffer.from(await answer.arrayBuffer()))).toBe(sha256);
    } finally {
      for (const s of [off, on]) {
        s.store.close();
        fs.rmSync(s.tempDir, { recursive: true, force: true });
      }
    }
  });

  it('sweeps staging objects older than the age cap, and spares young ones', async () => {
    const { store, tempDir } = s3TestStore();
    try {
      const internals = store as unknown as { prefix: string; bucket: string };
      await store.client.send(new PutObjectCommand({ Bucket: internals.bucket, Key: `${internals.prefix}staging/999999.killed.part`, Body: Buffer.alloc(1234) }));
      expect(await store.removeStaleTemporaries()).toEqual({ removed: 0, freedBytes: 0 });
      expect(await store.removeStaleTemporaries(Date.now() + 25 * 3_600_000)).toEqual({ removed: 1, freedBytes: 1234 });
      expect(await leftovers(store, tempDir)).toEqual([]);
    } finally {
      store.close();
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });
});

describe('S3BlobStore with the service unreachable', () => {
  it('fails fast with the typed error the HTTP layer answers 503, and leaves no local file', async () => {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-s3tmp-'));
    // Port 9 (discard) on loopback: nothing listens, so every connection is refused at once.
    const store = new S3BlobStore({
      location: { bucket: 'nowhere', prefix: '', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true },
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, tempDir, maxTempBytes: 1024 * 1024, maxAttempts: 2, connectTimeoutMs: 500,
    });
    try {
      const started = Date.now();
      const digest = sha(Buffer.from('x'));
      await expect(store.has(digest)).rejects.toBeInstanceOf(BlobStoreUnavailableError);
      await expect(store.put(chunked(randomBytes(10_000)))).rejects.toBeInstanceOf(BlobStoreUnavailableError);
      await expect(store.putBuffer(Buffer.from('y'))).rejects.toBeInstanceOf(BlobStoreUnavailableError);
      await expect(readAll(store.open(digest))).rejects.toBeInstanceOf(BlobStoreUnavailableError);
      await expect(collect(store.list())).rejects.toBeInstanceOf(BlobStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(fs.readdirSync(tempDir)).toEqual([]);
      const error = (await store.size(digest).catch((e: unknown) => e)) as BlobStoreUnavailableError;
      expect(statusForCode(error.code)).toBe(503);
      expect(error.key).toBe('blob_store_unavailable.unreachable');
    } finally {
      store.close();
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });
});

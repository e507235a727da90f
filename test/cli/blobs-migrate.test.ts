import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LocalDiskBlobStore } from '../../src/platform/blob-store.js';
import { newId } from '../../src/platform/ids.js';
import { S3BlobStore } from '../../src/platform/s3-blob-store.js';
import { parseS3Url } from '../../src/platform/s3-location.js';
import { runCli } from '../support/run-cli.js';
import { S3_TEST_CREDENTIALS, S3_TEST_URL, s3Available } from '../support/s3.js';

const available = await s3Available();
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!available)('wenyuan blobs migrate --to s3://…', () => {
  it('copies every blob, verifies each hash, resumes without copying again, and records completion', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-migrate-'));
    const url = new URL(S3_TEST_URL);
    const to = `s3://${url.hostname}/migrate-${newId()}${url.search}`;
    const env = { WENYUAN_S3_ACCESS_KEY_ID: process.env.WENYUAN_S3_ACCESS_KEY_ID, WENYUAN_S3_SECRET_ACCESS_KEY: process.env.WENYUAN_S3_SECRET_ACCESS_KEY };
    process.env.WENYUAN_S3_ACCESS_KEY_ID = S3_TEST_CREDENTIALS.accessKeyId;
    process.env.WENYUAN_S3_SECRET_ACCESS_KEY = S3_TEST_CREDENTIALS.secretAccessKey;
    const location = parseS3Url(to);
    if ('problem' in location) throw new Error(location.problem);
    const target = new S3BlobStore({ location, credentials: S3_TEST_CREDENTIALS, tempDir: path.join(dataDir, 'check'), maxTempBytes: 1 << 20 });
    try {
      const local = new LocalDiskBlobStore(path.join(dataDir, 'blobs'));
      const contents = [randomBytes(10), randomBytes(200_000), Buffer.alloc(0), randomBytes(6 * 1024 * 1024)];
      for (const c of contents) await local.put(Readable.from([c]));
      const digests = contents.map(sha).sort();

      const first = await runCli(['blobs', 'migrate', '--to', to, '--data-dir', dataDir]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('4 files: 4 copied');
      expect(first.stderr).toContain('blobs migrate: 4/4');
      const stored: string[] = [];
      for await (const s of target.list()) stored.push(s);
      expect(stored.sort()).toEqual(digests);
      for (const d of digests) {
        const hash = createHash('sha256');
        for await (const chunk of target.open(d)) hash.update(chunk as Buffer);
        expect(hash.digest('hex')).toBe(d);
      }
      const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'blob-migration.json'), 'utf8')) as { to: string; files: number };
      expect(record).toMatchObject({ to, files: 4 });

      // A file added meanwhile: the second run copies only it.
      const late = randomBytes(5000);
      await local.put(Readable.from([late]));
      const second = await runCli(['blobs', 'migrate', '--to', to, '--data-dir', dataDir]);
      expect(second.stdout).toContain('5 files: 1 copied (5000 bytes), 4 already there, 0 failed');
      expect(await target.has(sha(late))).toBe(true);

      // Without the journal (a run killed before writing it), present blobs are verified by hash, not copied.
      for (const f of fs.readdirSync(dataDir).filter((n) => n.endsWith('.journal'))) fs.rmSync(path.join(dataDir, f));
      const third = await runCli(['blobs', 'migrate', '--to', to, '--data-dir', dataDir]);
      expect(third.stdout).toContain('5 files: 0 copied (0 bytes), 5 already there, 0 failed');

      // A source file whose bytes changed on disk is reported, never stored under its old digest.
      const victim = sha(contents[1]!);
      await target.remove(victim);
      fs.writeFileSync(local.localPath(victim), randomBytes(100));
      for (const f of fs.readdirSync(dataDir).filter((n) => n.endsWith('.journal'))) fs.rmSync(path.join(dataDir, f));
      const fourth = await runCli(['blobs', 'migrate', '--to', to, '--data-dir', dataDir]);
      expect(fourth.code).toBe(2);
      expect(fourth.stdout).toContain(`failed ${victim}`);
      expect(await target.has(victim)).toBe(false);
    } finally {
      target.close();
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

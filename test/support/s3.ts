import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { newId } from '../../src/platform/ids.js';
import { S3BlobStore, type S3BlobStoreOptions } from '../../src/platform/s3-blob-store.js';
import { parseS3Url, type S3Location } from '../../src/platform/s3-location.js';

/**
 * The S3-protocol server the blob store's tests use: WENYUAN_TEST_S3_URL (set by .ci/run, which
 * starts `scripts/s3-test-server.mjs`), else that script's default address. CI (CI=true) or
 * WENYUAN_TEST_REQUIRE_S3=1 makes a missing server fail instead of skipping.
 */
export const S3_TEST_URL = process.env.WENYUAN_TEST_S3_URL ?? 's3://wenyuan-test/?endpoint=http://127.0.0.1:4569&region=us-east-1&forcePathStyle=1';
const S3_REQUIRED = process.env.CI === 'true' || process.env.WENYUAN_TEST_REQUIRE_S3 === '1';
/** s3rver's fixed key pair; a real server's come from WENYUAN_TEST_S3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY. */
export const S3_TEST_CREDENTIALS = {
  accessKeyId: process.env.WENYUAN_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
  secretAccessKey: process.env.WENYUAN_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
};

function location(): S3Location {
  const parsed = parseS3Url(S3_TEST_URL);
  if ('problem' in parsed) throw new Error(`WENYUAN_TEST_S3_URL ${parsed.problem}`);
  return parsed;
}

let probe: Promise<boolean> | null = null;

/** Whether the test S3 server answers; throws when it is required (CI) and does not. */
export function s3Available(): Promise<boolean> {
  probe ??= new Promise<boolean>((resolve) => {
    const endpoint = new URL(location().endpoint ?? 'https://s3.amazonaws.com');
    const socket = net.connect({ host: endpoint.hostname, port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  }).then((up) => {
    if (!up && S3_REQUIRED) throw new Error(`an S3 server is required here (CI) but ${S3_TEST_URL} does not answer: start it with node scripts/s3-test-server.mjs`);
    if (!up) console.warn(`S3 blob store tests skipped: no S3 server at ${S3_TEST_URL} (start one with: node scripts/s3-test-server.mjs)`);
    return up;
  });
  return probe;
}

/** The test bucket under a fresh prefix, so each test sees an empty store. */
export function s3TestLocation(): S3Location {
  return { ...location(), prefix: `${location().prefix}t-${newId()}/` };
}

/** An S3BlobStore on the test server under a fresh prefix, with its own temporary folder. */
export function s3TestStore(options: Partial<S3BlobStoreOptions> = {}): { store: S3BlobStore; tempDir: string } {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-s3tmp-'));
  const store = new S3BlobStore({ location: s3TestLocation(), credentials: S3_TEST_CREDENTIALS, tempDir, maxTempBytes: 64 * 1024 * 1024, ...options });
  return { store, tempDir };
}

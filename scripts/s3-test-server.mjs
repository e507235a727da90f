#!/usr/bin/env node
// An S3-protocol server on loopback for the blob store's contract tests (s3rver: a small Node S3
// implementation with multipart uploads, server-side copy, ranged GETs and presigned URLs).
// Usage: node scripts/s3-test-server.mjs [port]   (default 4569; data in a temporary folder)
// Prints `WENYUAN_TEST_S3_URL=…` once it listens; stops on SIGTERM/SIGINT and removes its data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

const port = Number(process.argv[2] ?? process.env.WENYUAN_TEST_S3_PORT ?? 4569);
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-s3rver-'));
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: 'wenyuan-test' }] });
const { port: bound } = await server.run();
console.log(`WENYUAN_TEST_S3_URL=s3://wenyuan-test/?endpoint=http://127.0.0.1:${bound}&region=us-east-1&forcePathStyle=1`);
const stop = () => {
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

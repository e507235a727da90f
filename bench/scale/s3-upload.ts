// A 2 GiB upload through the API into the S3 store (issue 16): the file is generated on the fly and
// streamed (never held in memory, here or — the point — in the API process); prints the API
// process's peak RSS (VmHWM from /proc, and the highest VmRSS sampled every 50 ms), the throughput,
// and s3rver's peak beside it. A real `wenyuan serve --role api` process on PostgreSQL + s3rver.
// Run: node --import tsx bench/scale/s3-upload.ts [--gib 2] [--sqlite]
import { randomFillSync } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { machine, postgresDatabase, tempDir } from '../support.js';
import { freePort, loadLine, procStatusKiB, S3RVER_KEYS, startS3, startWenyuan, waitForHealth } from './processes.js';

const { values: flags } = parseArgs({ options: { gib: { type: 'string', default: '2' }, sqlite: { type: 'boolean', default: false } } });
const SIZE = Math.round(Number(flags.gib) * 1024 ** 3);
const CHUNK = 1024 * 1024;

const s3 = await startS3();
const pgDb = flags.sqlite ? null : await postgresDatabase('wenyuan_bench_s3upload');
const dataDir = tempDir('wenyuan-bench-s3-upload-');
const databaseUrl = pgDb?.url ?? `sqlite:${path.join(dataDir, 'wenyuan.db')}`;
const blob = { blobStore: s3.url, s3AccessKeyId: S3RVER_KEYS.WENYUAN_S3_ACCESS_KEY_ID, s3SecretAccessKey: S3RVER_KEYS.WENYUAN_S3_SECRET_ACCESS_KEY };
let token: string;
{
  const app = await createApp(loadConfig({ dataDir, databaseUrl, readWorkers: 0, ...blob }, {}));
  await app.instance.configure({ name: { en: 'Bench Museum' }, publicUrl: 'http://127.0.0.1', registryOrigin: 'bench.example/registry' });
  const creator = await app.identity.createUser({ username: 'bench-creator', password: 'bench-password-1', role: 'creator' });
  token = (await app.identity.createApiToken(creator.id, 'bench')).token;
  await app.close();
}
const port = await freePort();
const api = startWenyuan(['serve', '--role', 'api', '--port', String(port)], {
  WENYUAN_DATA_DIR: dataDir,
  WENYUAN_DATABASE_URL: databaseUrl,
  WENYUAN_BLOB_STORE: s3.url,
  ...S3RVER_KEYS,
  WENYUAN_MAX_UPLOAD_BYTES: String(SIZE + 1024 ** 2),
  WENYUAN_UPLOAD_QUOTA_BYTES: String(4 * SIZE),
  WENYUAN_LOG_LEVEL: 'error',
});
await waitForHealth(`http://127.0.0.1:${port}`, api);
const idleRss = procStatusKiB(api.pid, 'VmRSS') / 1024;
const idleHwm = procStatusKiB(api.pid, 'VmHWM') / 1024;

/** SIZE bytes of random data, made 1 MiB at a time into one reused buffer (copied out per push). */
function generated(): Readable {
  const buffer = Buffer.alloc(CHUNK);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return void this.push(null);
      const n = Math.min(CHUNK, SIZE - sent);
      randomFillSync(buffer, 0, n);
      sent += n;
      this.push(Buffer.from(buffer.subarray(0, n)));
    },
  });
}

const boundary = '----wenyuan-bench-s3-upload';
const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big-${SIZE}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
async function* body(): AsyncGenerator<Buffer> {
  yield head;
  yield* generated();
  yield tail;
}

let peakRss = 0;
let peakS3 = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, procStatusKiB(api.pid, 'VmRSS') / 1024);
  peakS3 = Math.max(peakS3, procStatusKiB(s3.child.pid, 'VmRSS') / 1024);
}, 50);
const start = performance.now();
const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
  const req = http.request(
    { host: '127.0.0.1', port, path: '/api/uploads', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + SIZE + tail.length } },
    (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    },
  );
  req.on('error', reject);
  pipeline(Readable.from(body()), req).catch(reject);
});
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
const hwm = procStatusKiB(api.pid, 'VmHWM') / 1024;
const s3Hwm = procStatusKiB(s3.child.pid, 'VmHWM') / 1024;

console.log(`machine: ${machine()}; ${loadLine()}`);
console.log(`store: s3rver on loopback; database: ${pgDb ? 'PostgreSQL' : 'SQLite'}; API: one \`wenyuan serve --role api\` process (from the sources, tsx)`);
console.log(`answer: ${answer.status} ${answer.text.slice(0, 300)}`);
if (answer.status !== 200 || !answer.text.includes('"imported"')) console.log('UPLOAD FAILED');
console.log(`upload of ${(SIZE / 1024 ** 3).toFixed(2)} GiB (generated and streamed): ${seconds.toFixed(1)} s, ${(SIZE / 1024 ** 2 / seconds).toFixed(0)} MiB/s end to end (until the API answered)`);
console.log(`API process memory: idle RSS ${idleRss.toFixed(0)} MiB (peak so far ${idleHwm.toFixed(0)} MiB) → peak during the upload: VmHWM ${hwm.toFixed(0)} MiB, highest sampled VmRSS ${peakRss.toFixed(0)} MiB`);
console.log(`s3rver process: VmHWM ${s3Hwm.toFixed(0)} MiB, highest sampled VmRSS ${peakS3.toFixed(0)} MiB`);
await api.stop();
await s3.child.stop();
await pgDb?.drop();
process.exit(0);

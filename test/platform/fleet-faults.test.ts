import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../e2e/server-process.js';
import { createApp } from '../../src/app.js';
import { DISPLAY_JOB } from '../../src/archive/work.service.js';
import { seededRandom } from '../../src/discover/recommend/holdout-split.js';
import { LocalDiskBlobStore, type BlobStore } from '../../src/platform/blob-store.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { S3BlobStore } from '../../src/platform/s3-blob-store.js';
import { parseS3Url } from '../../src/platform/s3-location.js';
import { FINGERPRINT_JOB } from '../../src/protect/fingerprint.service.js';
import { PYRAMID_JOB } from '../../src/publish/pyramid.service.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { inspectLog } from '../registry/registry-helpers.js';
import { multipart, photoPixels, TEST_PASSWORD, type MultipartPart } from '../routes/route-helpers.js';
import { createTestDatabase, testDialects, type TestDialect, type TestDatabase } from '../support/databases.js';
import { startWenyuan, until, waitForHealth, type Child } from '../support/fleet.js';
import { runCli } from '../support/run-cli.js';
import { S3_TEST_CREDENTIALS, S3_TEST_URL, s3Available } from '../support/s3.js';
import { TEST_PUBLIC_URL, TEST_REGISTRY_ORIGIN } from '../support/test-app.js';

/**
 * kill -9 in a real fleet (`serve --role api|worker` processes on one database and one store): an API
 * process killed mid-upload, a worker killed mid-job, the sequencer's lease holder killed mid-batch.
 * Kills land at random moments from a printed seed (WENYUAN_FAULT_SEED replays one); each fault is
 * repeated WENYUAN_FAULT_ROUNDS times (2 here; bench/scale/faults.ts runs many).
 */
const ROUNDS = Math.max(1, Number(process.env.WENYUAN_FAULT_ROUNDS ?? 2));
// Real processes started from the sources (tsx): generous bounds for a loaded machine, growing with the rounds.
vi.setConfig({ testTimeout: 120_000 + ROUNDS * 60_000, hookTimeout: 150_000 });
const SEED = Number(process.env.WENYUAN_FAULT_SEED ?? randomBytes(4).readUInt32BE());
console.log(`fleet-faults: seed ${SEED}, ${ROUNDS} round(s) per fault (replay with WENYUAN_FAULT_SEED=${SEED} WENYUAN_FAULT_ROUNDS=${ROUNDS})`);
/** A job's lease in the fleet: a killed worker's jobs are taken over this long after its last heartbeat. */
const JOB_LEASE_SECONDS = 2;
const IMAGE_JOBS = [DISPLAY_JOB, FINGERPRINT_JOB, PYRAMID_JOB];

/** mulberry32 (the recommender's seeded generator): small, seedable, good enough to place kills. */
const random = seededRandom;

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pidOf = (holder: string | null | undefined) => Number(holder?.split(':')[1]);

/** A JPEG unique to `seed`: smooth structure plus noise (PDQ needs edges), drawn at a quarter size; over 2048 px it gets a pyramid. */
async function photo(seed: number, fullWidth: number, fullHeight: number): Promise<Buffer> {
  const [width, height] = [fullWidth / 4, fullHeight / 4];
  const pixels = photoPixels(seed, width, height);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).resize(fullWidth, fullHeight, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
}

type UploadResult = { status: number; items: { status: string; sha256?: string; workId?: string }[] } | { error: string };

/** POSTs files to /api/uploads slowly (16 KiB every 10 ms), so a kill lands while bytes are in flight. */
function slowUpload(base: string, token: string, files: { name: string; data: Buffer }[]): Promise<UploadResult> {
  const parts: MultipartPart[] = [{ name: 'visibility', value: 'private' }, ...files.map((f) => ({ name: 'file', filename: f.name, contentType: 'image/jpeg', data: f.data }))];
  const body = multipart(parts);
  return new Promise((resolve) => {
    const request = http.request(`${base}/api/uploads`, { method: 'POST', headers: { ...body.headers, authorization: `Bearer ${token}`, 'content-length': String(body.payload.length) } });
    request.on('error', (error) => resolve({ error: error.message }));
    request.on('response', (response) => {
      let text = '';
      response.on('data', (d: Buffer) => (text += d.toString()));
      response.on('error', (error) => resolve({ error: error.message }));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, items: (JSON.parse(text) as { items?: [] }).items ?? [] });
        } catch {
          resolve({ error: `unreadable answer ${response.statusCode}: ${text.slice(0, 200)}` });
        }
      });
    });
    let offset = 0;
    const next = () => {
      if (request.destroyed) return;
      if (offset >= body.payload.length) return void request.end();
      request.write(body.payload.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
      setTimeout(next, 10);
    };
    next();
  });
}

interface Environment {
  name: string;
  dialect: TestDialect;
  s3: boolean;
}

async function environments(): Promise<Environment[]> {
  const dialects = await testDialects();
  const haveS3 = await s3Available();
  const out: Environment[] = [];
  if (dialects.includes('postgres')) {
    if (!haveS3) console.warn('fleet-faults.test.ts: no S3 server (WENYUAN_TEST_S3_URL): the PostgreSQL fleet stores on local disk instead');
    out.push({ name: `postgres + ${haveS3 ? 'S3' : 'local disk'}`, dialect: 'postgres', s3: haveS3 });
  } else console.warn('fleet-faults.test.ts: no PostgreSQL: only the SQLite fleet runs');
  if (process.env.WENYUAN_FAULT_SQLITE !== '0') out.push({ name: 'sqlite + local disk', dialect: 'sqlite', s3: false });
  return out;
}

describe.each(await environments())('kill -9 in a fleet ($name)', (environment) => {
  const rand = random(SEED ^ (environment.dialect === 'postgres' ? 0x5a5a : 0));
  let database: TestDatabase;
  let db: Database;
  let env: Record<string, string>;
  let token = '';
  let steadyUrl = '';
  const children: Child[] = [];
  /** Uploads answered 2xx: the bytes sent, by hash, and the work they went to. */
  const acknowledged = new Map<string, { data: Buffer; workId: string }>();
  let s3: { store: S3BlobStore; bucket: string; prefix: string; tempDir: string } | null = null;
  let store: BlobStore | null = null;
  let seq = 0;

  const start = (args: string[]) => {
    const child = startWenyuan(args, env);
    children.push(child);
    return child;
  };
  const startApi = async () => {
    const port = await freePort();
    const child = start(['serve', '--role', 'api', '--port', String(port)]);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child);
    return { child, url };
  };
  const startWorker = () => start(['serve', '--role', 'worker']);
  /** `wenyuan <args>` on the fleet's instance, run in this process (a command is one more process of the fleet). */
  const wenyuan = async (args: string[]) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    try {
      return await runCli(args);
    } finally {
      vi.unstubAllEnvs();
    }
  };
  /** The fleet's store, opened here once the killed writers' temporaries were looked at (a disk store's start sweeps them). */
  const blobs = (): BlobStore => (store ??= s3?.store ?? new LocalDiskBlobStore(path.join(database.dataDir, 'blobs')));
  /** Temporary copies of uploads on local disk, `<pid>.<id>.part`, wherever this store keeps them. */
  const temporaries = (): string[] => {
    const dir = s3 ? path.join(database.dataDir, 'tmp', 'blobs') : path.join(database.dataDir, 'blobs', 'tmp');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.part')) : [];
  };
  const stagingObjects = async (): Promise<string[]> => {
    if (!s3) return [];
    const page = await s3.store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${s3.prefix}staging/` }));
    return (page.Contents ?? []).map((o) => o.Key!.slice(`${s3!.prefix}staging/`.length));
  };
  const storedBlobs = async () => {
    const out: string[] = [];
    for await (const sha256 of blobs().list()) out.push(sha256);
    return out.sort();
  };

  beforeAll(async () => {
    database = await createTestDatabase(environment.dialect);
    let blobStore = '';
    if (environment.s3) {
      const url = new URL(S3_TEST_URL);
      const prefix = `${url.pathname.replace(/^\//, '')}faults-${randomBytes(4).toString('hex')}`;
      url.pathname = `/${prefix}`;
      blobStore = url.toString();
      const location = parseS3Url(blobStore);
      if ('problem' in location) throw new Error(location.problem);
      // Its own temporary folder: opening a store sweeps the dead writers' temporaries in its folder.
      const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-faults-s3-'));
      s3 = { store: new S3BlobStore({ location, credentials: S3_TEST_CREDENTIALS, tempDir, maxTempBytes: 64 * 1024 * 1024 }), bucket: location.bucket, prefix: location.prefix, tempDir };
    }
    const s3Settings = environment.s3 ? { blobStore, s3AccessKeyId: S3_TEST_CREDENTIALS.accessKeyId, s3SecretAccessKey: S3_TEST_CREDENTIALS.secretAccessKey } : {};
    const config = loadConfig({ dataDir: database.dataDir, databaseUrl: database.url, registryOrigin: TEST_REGISTRY_ORIGIN, readWorkers: 0, ...s3Settings }, {});
    const setup = await createApp(config);
    await setup.instance.configure({ name: { 'zh-Hans': '故障测试馆', en: 'Fault Test Museum' }, publicUrl: TEST_PUBLIC_URL, registryOrigin: TEST_REGISTRY_ORIGIN });
    const user = await setup.identity.createUser({ username: `creator-${randomBytes(3).toString('hex')}`, password: TEST_PASSWORD, role: 'creator' });
    token = (await setup.identity.createApiToken(user.id, 'fault test')).token;
    await setup.close();
    env = {
      WENYUAN_DATA_DIR: database.dataDir,
      WENYUAN_DATABASE_URL: database.url,
      WENYUAN_READ_WORKERS: '0',
      WENYUAN_WORKER_CONCURRENCY: '2',
      WENYUAN_JOB_LEASE_SECONDS: String(JOB_LEASE_SECONDS),
      WENYUAN_WATERMARK_PUBLIC_COPIES: 'true',
      WENYUAN_LOG_LEVEL: 'warn',
      WENYUAN_REDIS_URL: '',
      WENYUAN_RATE_LIMIT_PER_MINUTE: '100000',
      WENYUAN_UPLOAD_RATE_LIMIT_PER_MINUTE: '100000',
      WENYUAN_UPLOAD_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
      ...(environment.s3 ? { WENYUAN_BLOB_STORE: blobStore, WENYUAN_S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId, WENYUAN_S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey } : {}),
    };
    ({ url: steadyUrl } = await startApi());
    db = openDatabase(database.url, { readWorkers: 0 });
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await db?.close();
    await database?.drop();
    if (s3) fs.rmSync(s3.tempDir, { recursive: true, force: true });
  });

  it('an API process killed mid-upload: every acknowledged upload is whole, nothing half-written, the other process serves on; gc sweeps only the staging', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const victim = await startApi();
      // Several uploads in flight on each process; some carry an image large enough for a pyramid.
      const batch = async (base: string) => {
        const files = [];
        for (let n = 0; n < 2; n++) {
          const large = n === 0 && rand() < 0.35;
          const id = ++seq;
          files.push({ name: `f${id}.jpg`, data: await photo(SEED + id, large ? 2200 : 640, large ? 1400 : 480) });
        }
        return { files, answer: slowUpload(base, token, files) };
      };
      const onVictim = await Promise.all([0, 1].map(() => batch(victim.url)));
      const onSteady = [await batch(steadyUrl)];
      const delay = Math.round(rand() * 3000);
      await sleep(delay);
      const victimPid = victim.child.process.pid!;
      await victim.child.kill9();

      const answers = await Promise.all([...onVictim, ...onSteady].map(async (b) => ({ files: b.files, answer: await b.answer })));
      let acked = 0;
      let ackedByVictim = 0;
      for (const [i, { files, answer }] of answers.entries()) {
        // The process that was not killed answers every upload.
        if (i >= onVictim.length) expect('status' in answer && answer.status, JSON.stringify(answer)).toBe(200);
        if (!('status' in answer) || answer.status >= 300) continue;
        for (const item of answer.items) {
          const file = files.find((f) => sha(f.data) === item.sha256);
          expect(item.status, JSON.stringify(item)).toBe('imported');
          acknowledged.set(item.sha256!, { data: file!.data, workId: item.workId! });
          acked++;
          if (i < onVictim.length) ackedByVictim++;
        }
      }
      console.log(`fleet-faults (${environment.name}): API round ${round + 1}: killed after ${delay} ms; ${acked} files acknowledged (${ackedByVictim} by the killed process)`);

      // What the killed writer left: local temporaries (and, on S3, staging objects) under its pid.
      const leftLocal = temporaries().filter((n) => n.startsWith(`${victimPid}.`));
      const leftStaging = (await stagingObjects()).filter((n) => n.startsWith(`${victimPid}.`));
      const before = store ? await storedBlobs() : null;
      const gc = await wenyuan(['gc', '--json']);
      expect(gc.code, gc.stderr).toBe(0);
      const report = JSON.parse(gc.stdout.trim().split('\n').at(-1)!) as { removed: number };
      // Nothing stored is removed (unreferenced bytes wait a day); the dead writer's temporaries are gone.
      expect(report.removed).toBe(0);
      expect(temporaries().filter((n) => n.startsWith(`${victimPid}.`))).toEqual([]);
      if (before) expect(await storedBlobs()).toEqual(before);
      if (leftLocal.length + leftStaging.length > 0) console.log(`  left by the killed process: ${leftLocal.length} temporary file(s), ${leftStaging.length} staging object(s)`);
      if (leftStaging.length > 0) {
        // The object store cannot tell a live writer from a dead one: staging objects go by age only (a day).
        const swept = await s3!.store.removeStaleTemporaries(Date.now() + 25 * 3_600_000);
        expect(swept.removed).toBeGreaterThanOrEqual(leftStaging.length);
        expect(await stagingObjects()).toEqual([]);
      }
    }

    // Every acknowledged upload is there, with its bytes.
    expect(acknowledged.size).toBeGreaterThan(0);
    for (const [sha256, { data, workId }] of acknowledged) {
      const file = await db.db.selectFrom('work_files').select(['work_id', 'size']).where('sha256', '=', sha256).where('work_id', '=', workId).executeTakeFirst();
      expect(file, `work file ${sha256}`).toBeDefined();
      expect(Number(file!.size)).toBe(data.length);
      expect(sha(await blobs().read(sha256))).toBe(sha256);
    }
    // No work without its file, no file without its blob row and bytes.
    const bare = await db.db.selectFrom('works').select('id').where((eb) => eb.not(eb.exists(eb.selectFrom('work_files').select('work_files.id').whereRef('work_files.work_id', '=', 'works.id')))).execute();
    expect(bare).toEqual([]);
    const files = await db.db.selectFrom('work_files').select(['sha256', 'size']).execute();
    for (const f of files) {
      expect(await db.db.selectFrom('blobs').select('sha256').where('sha256', '=', f.sha256).executeTakeFirst(), f.sha256).toBeDefined();
      expect(await blobs().size(f.sha256)).toBe(Number(f.size));
    }
    const fixity = await wenyuan(['fixity', '--json']);
    expect(fixity.code, fixity.stdout + fixity.stderr).toBe(0);
    expect(fixity.stdout).toMatch(/"problems": \[\]/);
  });

  it('a worker killed mid-job: after restarts every job is done once, each image has one display copy, fingerprint and pyramid', async () => {
    const images = await db.db.selectFrom('work_files').select(['sha256', 'width', 'height']).execute();
    expect(images.length).toBeGreaterThan(0);
    for (let round = 0; round < ROUNDS; round++) {
      const worker = startWorker();
      const pid = worker.process.pid!;
      // Killed at a random moment once it is running jobs.
      await until('the worker to run a job', async () => (await db.db.selectFrom('jobs').select('id').where('status', '=', 'running').where('locked_by', 'like', `%:${pid}:%`).executeTakeFirst()) ?? false, 60_000);
      const delay = Math.round(rand() * 1200);
      await sleep(delay);
      await worker.kill9();
      const orphaned = await db.db.selectFrom('jobs').select(['id', 'kind']).where('status', '=', 'running').where('locked_by', 'like', `%:${pid}:%`).execute();
      console.log(`fleet-faults (${environment.name}): worker round ${round + 1}: killed ${delay} ms into its jobs, ${orphaned.length} left running (${orphaned.map((j) => j.kind).join(', ')})`);
    }
    const last = startWorker();
    const started = Date.now();
    // Bounded: the killed workers' leases run out after JOB_LEASE_SECONDS, then the new worker takes their jobs.
    await until('every job to finish', async () => (await db.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).where('run_at', '<=', new Date().toISOString()).executeTakeFirst()) === undefined, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\nworker output:\n${last.output()}`);
    });
    console.log(`fleet-faults (${environment.name}): all jobs done ${Date.now() - started} ms after the last restart`);

    const jobs = await db.db.selectFrom('jobs').select(['kind', 'status', 'dedupe_key', 'attempts', 'last_error']).execute();
    for (const job of jobs) expect(job.status, `${job.kind}: ${job.last_error}`).not.toBe('dead');
    // One job per image and kind, done.
    for (const image of images) {
      for (const kind of IMAGE_JOBS) {
        const rows = jobs.filter((j) => j.dedupe_key === `${kind}:${image.sha256}`);
        expect(rows.map((r) => r.status), `${kind} of ${image.sha256}`).toEqual(['done']);
      }
    }
    const derivatives = await db.db.selectFrom('derivatives').select(['source_sha256', 'name', 'sha256']).execute();
    const fingerprints = await db.db.selectFrom('fingerprints').select('sha256').execute();
    const pyramids = await db.db.selectFrom('iiif_pyramids').selectAll().execute();
    for (const image of images) {
      const display = derivatives.filter((d) => d.source_sha256 === image.sha256 && d.name === 'display');
      expect(display, `display copy of ${image.sha256}`).toHaveLength(1);
      expect(await blobs().has(display[0]!.sha256)).toBe(true);
      expect(fingerprints.filter((f) => f.sha256 === image.sha256), `fingerprint of ${image.sha256}`).toHaveLength(1);
      const large = Math.max(Number(image.width), Number(image.height)) > 2048;
      const own = pyramids.filter((p) => p.source_sha256 === image.sha256);
      // The original's pyramid, and the public one made through the watermark.
      expect(own.map((p) => p.variant).sort(), `pyramids of ${image.sha256}`).toEqual(large ? ['original', 'public'] : []);
      for (const p of own) expect(sha(fs.readFileSync(path.join(database.dataDir, p.path))), p.path).toBe(p.sha256);
    }
    // No pyramid file but the recorded ones: a killed build's `.part` is rebuilt over and renamed.
    const iiif = path.join(database.dataDir, 'iiif');
    const onDisk = fs.existsSync(iiif) ? fs.readdirSync(iiif, { recursive: true, encoding: 'utf8' }).filter((n) => /\.(tif|part)$/.test(n)) : [];
    expect(onDisk.map((n) => path.join('iiif', n)).sort()).toEqual(pyramids.map((p) => p.path).sort());
  });

  it('the sequencer’s lease holder killed mid-batch: no acknowledged registration lost or doubled, another process takes the lease, the log audits clean', async () => {
    const works = [...new Set([...acknowledged.values()].map((a) => a.workId))];
    expect(works.length).toBeGreaterThan(0);
    // Two workers (each runs a sequencer; one holds the lease): the one left from the last test and one more.
    startWorker();
    // Acknowledged registration ids. Two `again` requests for one work at the same moment are one
    // registration (the second is answered with the first, `existing`), so an id may come twice.
    const accepted: string[] = [];
    let existing = 0;
    let streaming = true;
    let failures = 0;
    const stream = async () => {
      while (streaming) {
        const workId = works[Math.floor(rand() * works.length)]!;
        const res = await fetch(`${steadyUrl}/api/works/${workId}/registrations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ again: true, wait: false }) });
        const body = (await res.json()) as { registrationId?: string; existing?: boolean };
        if (res.status >= 200 && res.status < 300) {
          accepted.push(body.registrationId!);
          if (body.existing) existing++;
        } else failures++;
      }
    };
    const streams = [stream(), stream(), stream()];
    const holderNow = async () => (await db.db.selectFrom('registry_state').select(['sequencer_holder', 'sequencer_lease_until']).executeTakeFirst())?.sequencer_holder ?? null;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const entries = async () => Number((await db.db.selectFrom('registry_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        const sequencedBefore = await entries();
        // A live holder that is sequencing: the log grew since the last round.
        const holder = await until('a live sequencer to hold the lease and sequence', async () => {
          const h = await holderNow();
          const alive = h && children.some((c) => c.process.pid === pidOf(h) && c.process.exitCode === null && c.process.signalCode === null);
          return alive && (await entries()) > sequencedBefore ? h : null;
        }, 60_000);
        const entriesBefore = await entries();
        const delay = Math.round(200 + rand() * 1000);
        await sleep(delay);
        const killed = children.find((c) => c.process.pid === pidOf(holder))!;
        await killed.kill9();
        startWorker();
        // Another process takes the lease (once the dead one's runs out) and sequences on.
        const next = await until('another process to take the lease', async () => {
          const h = await holderNow();
          return h && pidOf(h) !== pidOf(holder) ? h : null;
        }, 60_000);
        console.log(`fleet-faults (${environment.name}): sequencer round ${round + 1}: holder ${pidOf(holder)} killed ${delay} ms after ${entriesBefore} entries; ${pidOf(next)} took over; ${accepted.length} accepted so far`);
      }
    } finally {
      streaming = false;
      await Promise.all(streams);
    }
    expect(failures).toBe(0);
    expect(accepted.length).toBeGreaterThan(0);
    await until('every registration to be sequenced', async () => (await db.db.selectFrom('registry_pending').select('id').executeTakeFirst()) === undefined, 60_000);

    // Exactly one entry for each acknowledged registration, and a receipt that verifies.
    const entries = await db.db.selectFrom('registry_entries').select('registration_id').execute();
    const ids = entries.map((e) => e.registration_id);
    expect(new Set(ids).size).toBe(ids.length);
    const unique = [...new Set(accepted)];
    console.log(`fleet-faults (${environment.name}): ${accepted.length} registrations acknowledged (${existing} answered as existing), ${unique.length} distinct, ${ids.length} entries`);
    const sequenced = new Set(ids);
    expect(accepted.filter((id) => !sequenced.has(id))).toEqual([]);
    const key = (await (await fetch(`${steadyUrl}/api/registry/key`)).text()).trim();
    const sample = unique.length <= 40 ? unique : Array.from({ length: 40 }, () => unique[Math.floor(rand() * unique.length)]!);
    for (const id of sample) {
      const res = await fetch(`${steadyUrl}/api/registry/registrations/${id}/receipt.json`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, id).toBe(200);
      const result = await verifyReceipt(await res.text(), { crypto: nodeCrypto, pinnedLogKey: key });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    }
    const inspector = await createApp(loadConfig({ dataDir: database.dataDir, databaseUrl: database.url, readWorkers: 0, logLevel: 'silent', ...(s3 ? { blobStore: env.WENYUAN_BLOB_STORE!, s3AccessKeyId: S3_TEST_CREDENTIALS.accessKeyId, s3SecretAccessKey: S3_TEST_CREDENTIALS.secretAccessKey } : {}) }, {}));
    try {
      // Entries 0‥n−1 without gap or double, every checkpoint the root of the entries before it.
      expect((await inspectLog(inspector)).entries).toBe(ids.length);
    } finally {
      await inspector.close();
    }
    const audit = await wenyuan(['registry', 'audit', '--json']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/"ok": true/);
  });
});

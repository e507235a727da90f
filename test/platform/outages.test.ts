import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { buildServer, type Server } from '../../src/platform/http/server.js';
import type { S3BlobStore } from '../../src/platform/s3-blob-store.js';
import { freePort } from '../e2e/server-process.js';
import { makeUser, multipart, photoBytes, TEST_PASSWORD, type TestUser } from '../routes/route-helpers.js';
import { createTestContext, TEST_PUBLIC_URL, TEST_REGISTRY_ORIGIN, type TestContext } from '../support/test-app.js';

/**
 * Outages an instance must survive without a restart: the object store gone for a while, the
 * database restarted under load, the blob store's disk full. Each fault is real (a stopped S3
 * server, a PostgreSQL instance this file owns and restarts, a tmpfs that fills up), never a mock.
 * The outage lasts WENYUAN_OUTAGE_SECONDS (5 by default, as CI runs it; 30 for a long run).
 */
const OUTAGE_SECONDS = Number(process.env.WENYUAN_OUTAGE_SECONDS ?? 5);
/** Longest an answer may take while something is down: "fails fast", not a hang until a proxy gives up. */
const FAST_MS = 10_000;

vi.setConfig({ testTimeout: 60_000 + OUTAGE_SECONDS * 4_000, hookTimeout: 60_000 });

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/** Runs `fn` and says how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

type UploadItem = { status: string; code?: string; key?: string; workId?: string; sha256?: string };

async function upload(ctx: TestContext, user: TestUser, name: string, data: Buffer, contentType = 'image/png'): Promise<{ status: number; item: UploadItem; ms: number }> {
  const body = multipart([{ name: 'file', filename: name, contentType, data }]);
  const { value: response, ms } = await timed(() => ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...user.headers, ...body.headers }, payload: body.payload }));
  return { status: response.statusCode, item: (response.json() as { items?: UploadItem[] }).items?.[0] ?? (response.json() as UploadItem), ms };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** s3rver in a child process on a given port and folder (as scripts/s3-test-server.mjs, minus its cleanup on exit). */
const S3_SERVER = `
import S3rver from 's3rver';
const [port, directory] = process.argv.slice(1);
await new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: 'outage' }] }).run();
console.log('listening');
`;

/** An S3 server on its own port and folder that the test kills and starts again (same port, same bytes). */
class StoppableS3 {
  private child: ChildProcess | null = null;
  readonly directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-outage-s3-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `s3://outage/?endpoint=http://127.0.0.1:${this.port}&region=us-east-1&forcePathStyle=1`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', S3_SERVER, String(this.port), this.directory], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => ((output += d.toString()), output.includes('listening') && resolve()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      child.once('exit', () => reject(new Error(`the S3 server did not start:\n${output}`)));
    });
  }

  /** As a crash would: the process dies, its port stops answering, open connections are cut. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}

describe('the object store (S3) unreachable for a while', () => {
  let s3: StoppableS3;
  let ctx: TestContext;
  let curator: TestUser;

  beforeAll(async () => {
    s3 = new StoppableS3(await freePort());
    await s3.start();
    ctx = await createTestContext('sqlite', { blobStore: s3.url, s3AccessKeyId: 'S3RVER', s3SecretAccessKey: 'S3RVER' });
    curator = await makeUser(ctx, 'curator');
  });
  afterAll(async () => {
    await ctx?.close();
    await s3?.dispose();
  });

  it('answers 503 blob_store_unavailable fast where blobs are needed, serves the rest, is not ready, and its jobs wait the outage out', async () => {
    const inject = (url: string, headers: Record<string, string> = curator.headers) => timed(() => ctx.server.inject({ method: 'GET', url, headers }));
    // A work made whole before the outage (derivatives and fingerprint done) ...
    const firstPng = await photoBytes(1601, 320, 240);
    const first = await upload(ctx, curator, 'before.png', firstPng);
    expect(first.item.status, JSON.stringify(first.item)).toBe('imported');
    await ctx.app.worker.drain();
    const workId = first.item.workId!;
    const image = first.item.sha256!;
    // ... and one whose jobs (display copy, fingerprint, …) are still queued when the store goes.
    const second = await upload(ctx, curator, 'pending.png', await photoBytes(1602, 320, 240));
    expect(second.item.status).toBe('imported');
    const queued = await ctx.app.database.db.selectFrom('jobs').select(['id', 'kind']).where('status', '=', 'queued').execute();
    expect(queued.length).toBeGreaterThan(0);

    await s3.stop();
    const downAt = Date.now();
    const slowest: Record<string, number> = {};

    const refused = await upload(ctx, curator, 'during.png', await photoBytes(1603, 320, 240));
    slowest.upload = refused.ms;
    // An upload answers per file (one bad file does not sink a batch): the file is refused with the code.
    expect(refused.status).toBe(200);
    expect(refused.item).toMatchObject({ status: 'failed', code: 'blob_store_unavailable', key: 'blob_store_unavailable.unreachable' });
    for (const [what, url] of [
      ['original', `/api/works/${workId}/files/${image}`],
      ['original range', `/api/works/${workId}/files/${image}`],
      ['thumbnail', `/api/works/${workId}/files/${image}/thumbnail`],
      ['display copy', `/api/works/${workId}/files/${image}/display`],
      ['IIIF tile', `/iiif/3/${workId}~${image.slice(0, 16)}/0,0,128,128/64,/0/default.jpg`],
    ] as const) {
      const { value: response, ms } = await inject(url, what === 'original range' ? { ...curator.headers, range: 'bytes=0-99' } : curator.headers);
      slowest[what] = ms;
      expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'blob_store_unavailable', key: 'blob_store_unavailable.unreachable' } });
      expect(response.headers['retry-after']).toBe('30');
    }
    // What needs no blob goes on: the catalogue, a work's record, search, sign-in.
    for (const url of [`/api/works/${workId}`, '/api/works?q=before', '/api/health']) {
      const { value: response } = await inject(url);
      expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
    }
    const login = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: curator.username, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const ready = await ctx.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: [{ name: 'database', ok: true }, { name: 'blob store', ok: false }] });
    console.log(`outage: slowest answer by kind (ms) ${JSON.stringify(slowest)}`);
    for (const [what, ms] of Object.entries(slowest)) expect(ms, what).toBeLessThan(FAST_MS);

    // The worker runs through the outage: jobs that need the store fail, are queued again, never dead.
    ctx.app.worker.start();
    await until('the queued jobs to have failed on the store', async () => {
      const rows = await ctx.app.database.db.selectFrom('jobs').select(['status', 'attempts', 'last_error']).where('id', 'in', queued.map((q) => q.id)).execute();
      return rows.some((r) => r.attempts >= 1 && /file store cannot be reached/.test(r.last_error ?? '')) && rows;
    }, 15_000);
    await sleep(Math.max(0, downAt + OUTAGE_SECONDS * 1000 - Date.now()));
    const during = await ctx.app.database.db.selectFrom('jobs').select(['kind', 'status', 'attempts', 'max_attempts']).where('id', 'in', queued.map((q) => q.id)).execute();
    expect(during.filter((j) => j.status === 'dead')).toEqual([]);
    // Outage failures give their attempt back: a long outage does not use up a job's retries.
    for (const job of during) expect(job.max_attempts - job.attempts, job.kind).toBeGreaterThanOrEqual(4);

    await s3.start();
    const recovered = await until('/readyz to say ready', async () => (await ctx.server.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 10_000);
    expect(recovered).toBe(true);
    await until('the queued jobs to finish', async () => {
      const rows = await ctx.app.database.db.selectFrom('jobs').select('status').where('id', 'in', queued.map((q) => q.id)).execute();
      return rows.every((r) => r.status === 'done');
    }, 75_000);
    const again = await upload(ctx, curator, 'after.png', await photoBytes(1603, 320, 240));
    expect(again.item.status).toBe('imported');
    // Its jobs run too; then the worker stops, so no job holds a temporary copy while we look.
    await until('every job to finish', async () => (await ctx.app.database.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).execute()).length === 0, 30_000);
    await ctx.app.worker.stop();
    const original = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${image}`, headers: curator.headers });
    expect(original.statusCode).toBe(200);
    expect(sha(original.rawPayload)).toBe(image);
    expect((await inject(`/api/works/${second.item.workId}/files/${second.item.sha256}/display`)).value.statusCode).toBe(200);

    // Nothing corrupt or half-written: every blob hashes to its key, no staging object, no temporary file.
    const fixity = await ctx.app.fixity.run('cli');
    expect(fixity.problems).toEqual([]);
    const store = ctx.app.blobs as S3BlobStore;
    const listed = await store.client.send(new ListObjectsV2Command({ Bucket: 'outage' }));
    expect((listed.Contents ?? []).map((o) => o.Key!).filter((k) => !k.startsWith('sha256/'))).toEqual([]);
    expect(fs.readdirSync(path.join(ctx.app.config.dataDir, 'tmp', 'blobs'))).toEqual([]);
  });
});

/**
 * A PostgreSQL server this file owns (initdb into a temporary folder, its own port), so restarting
 * it touches no other test: CI runs test files in parallel on one shared server.
 */
class PrivatePostgres {
  readonly directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-outage-pg-'));
  private readonly data = path.join(this.directory, 'data');

  constructor(private readonly bin: string, readonly port: number) {}

  /** The newest installed server's programs, and how to run them; a reason to skip when there are none. */
  static locate(): { bin: string } | { skip: string } {
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
    if (versions.length === 0) return { skip: `no PostgreSQL server programs under ${root}` };
    if (process.getuid?.() === 0) {
      try {
        execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
      } catch {
        return { skip: 'running as root without a postgres account to run the server as' };
      }
    }
    return { bin: path.join(root, versions[0]!, 'bin') };
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/wenyuan`;
  }

  /** Runs one of the server's programs: as the `postgres` account when we are root (the server refuses root). */
  private async run(program: string, args: string[]): Promise<void> {
    const file = path.join(this.bin, program);
    const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    await new Promise<void>((resolve, reject) => {
      execFile(command, argv, { timeout: 60_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`${program} ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve()));
    });
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      fs.chownSync(this.directory, uid, gid);
    }
    await this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await this.start();
    const admin = new pg.Client({ connectionString: this.url.replace(/\/wenyuan$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE wenyuan');
    await admin.end();
  }

  /**
   * fsync off: after a crash the server would otherwise fsync every file of its folder before
   * recovering (10 s and more on a busy disk). A killed server loses nothing by it: only the
   * operating system's crash drops unsynced pages, and WAL recovery still runs as after any crash.
   */
  start(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-l', path.join(this.directory, 'server.log'), '-w', '-t', '60', '-o', `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  /** As a crash would: every backend killed at once, recovery from the WAL at the next start. */
  stopImmediately(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  async dispose(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}

const postgresHere = PrivatePostgres.locate();
if ('skip' in postgresHere) console.warn(`outages.test.ts: PostgreSQL restart test skipped: ${postgresHere.skip}`);

describe.skipIf('skip' in postgresHere)('PostgreSQL restarted under load', () => {
  let server: PrivatePostgres;
  let app: App;
  let http: Server;
  let headers: Record<string, string>;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-outage-pgdata-'));
    server = new PrivatePostgres((postgresHere as { bin: string }).bin, await freePort());
    await server.init();
    // Four clients as fast as answers come: on a quick machine they pass an account's request limit
    // (a 429 is not what this test is about), so the limits are off.
    app = await createApp(loadConfig({ dataDir, databaseUrl: server.url, registryOrigin: TEST_REGISTRY_ORIGIN, rateLimitPerMinute: 0, searchRateLimitPerMinute: 0, searchRateLimitPerIpPerMinute: 0, uploadRateLimitPerMinute: 0, uploadRateLimitPerIpPerMinute: 0 }, {}));
    await app.instance.configure({ name: { 'zh-Hans': '故障测试馆', en: 'Outage Museum' }, publicUrl: TEST_PUBLIC_URL, registryOrigin: TEST_REGISTRY_ORIGIN });
    http = await buildServer(app.http, { logger: false, webRoot: null });
    await http.ready();
    const user = await app.identity.createUser({ username: `curator-${Date.now()}`, password: TEST_PASSWORD, role: 'curator' });
    headers = { authorization: `Bearer ${(await app.identity.createApiToken(user.id, 'outage test')).token}` };
  });
  afterAll(async () => {
    await http?.close();
    await app?.close().catch(() => undefined);
    await server?.dispose();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 database_unavailable fast while it is down, serves again from the same process after, and loses no acknowledged write', async () => {
    const known = await http.inject({ method: 'POST', url: '/api/works', headers, payload: { metadata: { title: { en: 'Before the restart' } } } });
    expect(known.statusCode).toBe(201);
    const knownId = (known.json() as { id: string }).id;
    app.worker.start();

    type Result = { began: number; at: number; write: boolean; status: number; code?: string; ms: number };
    const results: Result[] = [];
    const acknowledged: string[] = [];
    let stopping = false;
    let written = 0;
    // Four clients, each writing a work then reading one, as fast as answers come.
    const client = async () => {
      for (let i = 0; !stopping; i++) {
        const write = i % 2 === 0;
        const began = Date.now();
        const { value: response, ms } = await timed(() =>
          write
            ? http.inject({ method: 'POST', url: '/api/works', headers, payload: { metadata: { title: { en: `Load ${++written}` } } } })
            : http.inject({ method: 'GET', url: `/api/works/${knownId}`, headers }),
        );
        const body = response.json() as { id?: string; error?: { code: string } };
        results.push({ began, at: Date.now(), write, status: response.statusCode, ms, ...(body.error ? { code: body.error.code } : {}) });
        if (write && response.statusCode === 201) acknowledged.push(body.id!);
        if (response.statusCode >= 500) await sleep(50);
      }
    };
    const clients = [client(), client(), client(), client()];
    await sleep(1000);

    await server.stopImmediately();
    const downAt = Date.now();
    await sleep(500);
    const ready = await http.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: [{ name: 'database', ok: false }, { name: 'blob store', ok: true }] });
    await sleep(Math.max(0, downAt + OUTAGE_SECONDS * 1000 - Date.now()));
    const restartAt = Date.now();
    await server.start();
    const upAt = Date.now();
    await until('reads and writes to succeed again', async () => results.filter((r) => r.at > upAt && r.status < 300).length >= 20, 20_000);
    await sleep(1000);
    stopping = true;
    await Promise.all(clients);

    // Asked after the server was down and answered before it was started again (an answer racing
    // the stop or the start may go either way).
    const outage = results.filter((r) => r.began > downAt && r.at < restartAt);
    const failures = results.filter((r) => r.status >= 300);
    console.log(`PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s: ${results.length} answers, ${failures.length} refused, slowest ${Math.max(...results.map((r) => r.ms))} ms, ${acknowledged.length} writes acknowledged`);
    expect(outage.length).toBeGreaterThan(0);
    // Every answer was a success or a 503 saying why; none hung.
    expect([...new Set(failures.map((r) => `${r.status} ${r.code}`))]).toEqual(['503 database_unavailable']);
    for (const r of results) expect(r.ms).toBeLessThan(FAST_MS);
    expect(outage.every((r) => r.status === 503)).toBe(true);
    // The same process serves again (its pools reconnected) ...
    const after = results.slice(-20);
    expect(after.filter((r) => r.at < upAt || r.status >= 300)).toEqual([]);
    expect((await http.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    // ... and every write it acknowledged survived the crash.
    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ id: string }>('SELECT id FROM works WHERE id = ANY($1)', [acknowledged]);
      expect(rows.length).toBe(acknowledged.length);
    } finally {
      await check.end();
    }
    // The worker rode the outage out: it still claims and finishes jobs.
    let probed = false;
    app.worker.register('outage.probe', async () => void (probed = true));
    await app.jobs.enqueue(app.database.db, 'outage.probe', {});
    app.worker.poke();
    await until('the worker to run a job after the restart', async () => probed && (await app.database.db.selectFrom('jobs').select('status').where('kind', '=', 'outage.probe').executeTakeFirst())?.status === 'done', 15_000);
  });
});

/** Whether this process may mount a small tmpfs (root in a machine or container that allows it): the real full disk. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

const mountable = canMountTmpfs();
if (!mountable) console.warn('outages.test.ts: full-disk test skipped: this process cannot mount a tmpfs (needs root where mounting is allowed)');

describe.skipIf(!mountable)('the local blob store’s disk full', () => {
  let dataDir = '';
  let blobsDir = '';
  let mounted = false;
  let ctx: TestContext;
  let curator: TestUser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-outage-disk-'));
    blobsDir = path.join(dataDir, 'blobs');
    fs.mkdirSync(blobsDir);
    // Only the blob store is on the small disk; the database stays where it was.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', blobsDir]);
    mounted = true;
    ctx = await createTestContext('sqlite', { dataDir });
    curator = await makeUser(ctx, 'curator');
  });
  afterAll(async () => {
    await ctx?.close();
    if (mounted) execFileSync('umount', [blobsDir]);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an upload that does not fit with storage_full, keeps nothing of it, spares earlier works, and takes uploads again once space is freed', async () => {
    const works = async () => Number((await ctx.app.database.db.selectFrom('works').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const earlierPng = await photoBytes(1701, 320, 240);
    const earlier = await upload(ctx, curator, 'earlier.png', earlierPng);
    expect(earlier.item.status).toBe('imported');
    await ctx.app.worker.drain();

    // Something else fills the disk, leaving 1 MiB: a 3 MiB file cannot fit.
    const { bavail, bsize } = fs.statfsSync(blobsDir);
    const filler = path.join(blobsDir, 'filler.bin');
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 1024 * 1024)));
    const big = randomBytes(3 * 1024 * 1024);
    const before = await works();
    const refused = await upload(ctx, curator, 'big.bin', big, 'application/octet-stream');
    expect(refused.status).toBe(200);
    expect(refused.item).toMatchObject({ status: 'failed', code: 'storage_full', key: 'storage_full.blob_store' });
    // Nothing of it is left: no work, no partial file under its key, no temporary file.
    expect(await works()).toBe(before);
    expect(await ctx.app.blobs.has(sha(big))).toBe(false);
    expect(fs.readdirSync(path.join(blobsDir, 'tmp'))).toEqual([]);
    // The earlier work is whole and still served.
    const original = await ctx.server.inject({ method: 'GET', url: `/api/works/${earlier.item.workId}/files/${earlier.item.sha256}`, headers: curator.headers });
    expect(original.statusCode).toBe(200);
    expect(sha(original.rawPayload)).toBe(sha(earlierPng));
    expect((await ctx.app.fixity.run('cli')).problems).toEqual([]);

    fs.rmSync(filler);
    const again = await upload(ctx, curator, 'big.bin', big, 'application/octet-stream');
    expect(again.item).toMatchObject({ status: 'imported', sha256: sha(big) });
    await ctx.app.worker.drain();
    expect((await ctx.app.fixity.run('cli')).problems).toEqual([]);
    expect(fs.readdirSync(path.join(blobsDir, 'tmp'))).toEqual([]);
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../e2e/server-process.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { photoBytes, TEST_PASSWORD } from '../routes/route-helpers.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';
import { startWenyuan, until, waitForHealth, type Child } from '../support/fleet.js';
import { TEST_PUBLIC_URL, TEST_REGISTRY_ORIGIN } from '../support/test-app.js';

// Three real processes per database, started from the sources (tsx): slower than an in-process test.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 150_000 });

// Its own Redis database, emptied at the start: counts of an earlier run (kept a minute) must not count.
const REDIS_URL = process.env.WENYUAN_TEST_FLEET_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

/** Whether Redis answers; empties the fleet's database there, so no earlier count (kept a minute) counts. */
async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.flushdb();
    return true;
  } catch (error) {
    if (process.env.WENYUAN_TEST_REQUIRE_REDIS === '1') throw new Error(`Redis is required (WENYUAN_TEST_REQUIRE_REDIS=1) but ${REDIS_URL} is unreachable: ${String(error)}`);
    console.warn(`fleet.test.ts: no Redis at ${REDIS_URL}; the shared rate-limit check is skipped`);
    return false;
  } finally {
    probe.disconnect();
  }
}

const haveRedis = await redisAvailable();

/**
 * A fleet on one database and one data dir: two `serve --role api` processes (A and B, as behind a
 * load balancer) and, later, one `serve --role worker`. What one API process writes, the other
 * answers at once (sessions, catalogue, facets, suggestions, fingerprints all follow the database);
 * rate limits are counted together in Redis; jobs run on the worker only, once each.
 * SQLite is included: two processes on one file is a real one-machine deployment.
 */
describe.each(await testDialects())('a fleet of processes (%s)', (dialect) => {
  let database: TestDatabase;
  let db: Database;
  const children: Child[] = [];
  let a: string;
  let b: string;
  let worker: Child;
  const users: Record<'admin' | 'creator' | 'licensee', { username: string; token: string }> = {} as never;
  const photo = photoBytes(20_261_206);
  let workId = '';
  // Public before the fleet starts, so every process's suggestion index holds its title: labels of
  // works new or made public follow in the background (1–30 s); a work made private drops out at once.
  let titledId = '';
  let sharedEnv: Record<string, string>;

  const api = async (base: string, method: string, url: string, options: { token?: string; cookie?: string; json?: unknown; form?: FormData } = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    // A browser's session: state-changing requests carry the CSRF header the web client sends.
    if (options.cookie) Object.assign(headers, { cookie: options.cookie, 'x-wenyuan-csrf': '1' });
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) body = options.form;
    return fetch(`${base}/api${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  const json = async <T>(response: Response, status = 200): Promise<T> => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    if (haveRedis) await redisAvailable();
    database = await createTestDatabase(dialect);
    // Set up in this process (as `wenyuan setup` and `admin create` would), then closed: the fleet owns the database.
    const config = loadConfig({ dataDir: database.dataDir, databaseUrl: database.url, registryOrigin: TEST_REGISTRY_ORIGIN, readWorkers: 0 }, {});
    const setup = await createApp(config);
    await setup.instance.configure({ name: { 'zh-Hans': '舰队测试馆', en: 'Fleet Test Museum' }, publicUrl: TEST_PUBLIC_URL, registryOrigin: TEST_REGISTRY_ORIGIN });
    for (const role of ['admin', 'creator', 'licensee'] as const) {
      const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
      const user = await setup.identity.createUser({ username, password: TEST_PASSWORD, role });
      users[role] = { username, token: (await setup.identity.createApiToken(user.id, 'fleet test')).token };
      if (role === 'creator') {
        titledId = (await setup.works.create({ kind: 'user', id: user.id, username, role }, { metadata: { title: { en: 'Zephyrfleet Harbour' } } as never, visibility: 'public', collectionId: null })).id;
      }
    }
    await setup.close();

    sharedEnv = {
      WENYUAN_DATA_DIR: database.dataDir,
      WENYUAN_DATABASE_URL: database.url,
      WENYUAN_READ_WORKERS: '0',
      WENYUAN_WORKER_CONCURRENCY: '2',
      WENYUAN_LOG_LEVEL: 'warn',
      // Searches by one account (anonymous visitors: one address): 20 a minute in all, whichever process answers.
      WENYUAN_SEARCH_RATE_LIMIT_PER_MINUTE: '20',
      WENYUAN_SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE: '10000',
      WENYUAN_REDIS_URL: haveRedis ? REDIS_URL : '',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    const [childA, childB] = [startWenyuan(['serve', '--role', 'api', '--port', String(portA)], sharedEnv), startWenyuan(['serve', '--role', 'api', '--port', String(portB)], sharedEnv)];
    // Started with the others (its start-up overlaps theirs); that it, not A or B, runs the jobs is checked by pid.
    worker = startWenyuan(['serve', '--role', 'worker'], sharedEnv);
    children.push(childA, childB, worker);
    a = `http://127.0.0.1:${portA}`;
    b = `http://127.0.0.1:${portB}`;
    await Promise.all([waitForHealth(a, childA), waitForHealth(b, childB)]);
    db = openDatabase(database.url, { readWorkers: 0 });
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await db?.close();
    await database?.drop();
  });

  it('a session made on A works on B, and signing out on A ends it on B at once', async () => {
    const login = await api(a, 'POST', '/auth/login', { json: { username: users.creator.username, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).not.toBe('');
    expect((await json<{ user: { username: string } | null }>(await api(b, 'GET', '/auth/me', { cookie }))).user?.username).toBe(users.creator.username);
    expect((await api(a, 'POST', '/auth/logout', { cookie })).status).toBe(200);
    expect((await json<{ user: unknown }>(await api(b, 'GET', '/auth/me', { cookie }))).user).toBeNull();
    expect((await api(b, 'GET', '/uploads/usage', { cookie })).status).toBe(401);
  });

  it.skipIf(!haveRedis)('a rate limit is counted across A and B (Redis)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await api(i % 2 === 0 ? a : b, 'GET', `/works?q=limit${i}`, { token: users.licensee.token })).status);
    // In each process's memory alone, 22 searches split 11 + 11 would all pass.
    expect(statuses).toEqual([...Array(20).fill(200), 429, 429]);
  });

  it('a work published through A is in B’s search and facets at once; made private through B, it leaves A’s search, facets and suggestions at once', async () => {
    type Page = { total: number; items: { id: string }[]; facets: Record<string, { value: string; count: number }[]> };
    type Suggestions = { items: { label: string; workId?: string }[] };
    const typeCount = (page: Page) => (page.facets.type ?? []).reduce((sum, f) => sum + f.count, 0);
    const suggested = async (base: string) => (await json<Suggestions>(await api(base, 'GET', '/search/suggest?q=Zephyrf'))).items.map((s) => s.workId);
    const form = new FormData();
    form.append('visibility', 'private');
    form.append('file', new Blob([new Uint8Array(await photo)], { type: 'image/png' }), 'fleet.png');
    const uploaded = await json<{ items: { status: string; workId: string }[] }>(await api(a, 'POST', '/uploads', { token: users.creator.token, form }));
    expect(uploaded.items[0]?.status).toBe('imported');
    workId = uploaded.items[0]!.workId;

    // B answers (and caches) the anonymous catalogue before the upload is public.
    expect((await json<Page>(await api(b, 'GET', '/works?q=Quillharbor'))).total).toBe(0);
    const before = await json<Page>(await api(b, 'GET', '/works'));
    expect(before.items.map((w) => w.id)).toEqual([titledId]);
    expect(await suggested(b)).toEqual([titledId]);

    const edit = async (base: string, id: string, change: Record<string, unknown>) => {
      const { version } = await json<{ version: number }>(await api(base, 'GET', `/works/${id}`, { token: users.creator.token }));
      await json(await api(base, 'PATCH', `/works/${id}`, { token: users.creator.token, json: { expectedVersion: version, ...change } }));
    };
    await edit(a, workId, { visibility: 'public', metadata: { title: { en: 'Quillharbor at Dusk' } } });

    const found = await json<Page>(await api(b, 'GET', '/works?q=Quillharbor'));
    expect(found.items.map((w) => w.id)).toEqual([workId]);
    const after = await json<Page>(await api(b, 'GET', '/works'));
    expect(after.total).toBe(2);
    expect(typeCount(after)).toBe(typeCount(before) + 1);
    // A answers (and caches) them public too…
    expect((await json<Page>(await api(a, 'GET', '/works'))).total).toBe(2);
    expect(await suggested(a)).toEqual([titledId]);

    // …and B makes them private.
    await edit(b, titledId, { visibility: 'private' });
    await edit(b, workId, { visibility: 'private' });
    expect((await json<Page>(await api(a, 'GET', '/works?q=Quillharbor'))).total).toBe(0);
    expect((await json<Page>(await api(a, 'GET', '/works?q=Zephyrfleet'))).total).toBe(0);
    const hidden = await json<Page>(await api(a, 'GET', '/works'));
    expect(hidden.total).toBe(0);
    expect(typeCount(hidden)).toBe(typeCount(before) - 1);
    expect(await suggested(a)).toEqual([]);
    // The owner still finds them, on either process.
    expect((await json<Page>(await api(a, 'GET', '/works', { token: users.creator.token }))).total).toBe(2);
  });

  it('jobs enqueued through A run once each, on the worker (API processes run none); a scan through B finds the image it fingerprinted', async () => {
    expect(workId).not.toBe('');
    // Every job due so far: those the upload and the edits through A and B enqueued (display copy,
    // fingerprint, …) and any the worker scheduled itself.
    const due = await db.db.selectFrom('jobs').select(['id', 'kind']).where('run_at', '<=', new Date().toISOString()).execute();
    expect(due.map((j) => j.kind)).toEqual(expect.arrayContaining(['media.display', 'protect.fingerprint']));
    const ids = due.map((j) => j.id);
    const ran = await until('the worker to run the jobs', async () => {
      const rows = await db.db.selectFrom('jobs').select(['id', 'kind', 'status', 'attempts', 'locked_by']).where('id', 'in', ids).execute();
      return rows.every((j) => j.status === 'done' || j.status === 'dead') ? rows : null;
    }, 45_000).catch((error: Error) => {
      throw new Error(`${error.message}\nworker output:\n${worker.output()}`);
    });
    const workerPid = String(worker.process.pid);
    for (const job of ran) {
      expect(job.status, `${job.kind}: ${worker.output()}`).toBe('done');
      expect(job.attempts, job.kind).toBe(1);
      // `locked_by` is host:pid:suffix of the process that ran it: the worker, never A or B.
      expect(job.locked_by?.split(':')[1], job.kind).toBe(workerPid);
    }

    await until('the fingerprint on B', async () => (await (await api(b, 'GET', `/works/${workId}/fingerprint`, { token: users.creator.token })).json() as { status: string }).status === 'ok');
    const scan = new FormData();
    scan.append('file', new Blob([new Uint8Array(await photo)], { type: 'image/png' }), 'suspect.png');
    const scanned = await json<{ items: { status: string; matches: { workId: string }[] }[] }>(await api(b, 'POST', '/scans', { token: users.admin.token, form: scan }));
    expect(scanned.items[0]?.matches.map((m) => m.workId)).toContain(workId);
  });
});

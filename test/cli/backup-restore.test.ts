import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { checkKeysBackedUp } from '../../src/cli/doctor-checks.js';
import type { Actor } from '../../src/govern/roles.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrationProvider } from '../../src/platform/db/migrate.js';
import { buildServer, type Server } from '../../src/platform/http/server.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { login, makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, TEST_REGISTRY_ORIGIN, type TestContext } from '../support/test-app.js';

interface Record {
  blobs: { count: number; copied: number; alreadyPresent: number; referenced: number; missing: string[] };
  keys: { name: string }[];
  migrations: string[];
  counts: { [table: string]: number };
}

const readRecord = (folder: string): Record => JSON.parse(fs.readFileSync(path.join(folder, 'backup.json'), 'utf8')) as Record;
const folderOf = (stdout: string): string => /backup written to (.+)/.exec(stdout)![1]!.trim();

/**
 * `wenyuan backup` while the instance is open, a second backup copying only the new blobs, and
 * `wenyuan restore` onto a fresh data directory and database, after which `wenyuan fixity` and
 * `wenyuan registry audit` pass and works and receipts are what they were; and the refusals.
 */
describe.each(await testDialects())('wenyuan backup and restore (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let tmp = '';
  let backupDir = '';
  let works: { workId: string; sha256: string }[] = [];
  let registrations: string[] = [];
  let first: Record;
  let second: Record;
  const extra: TestDatabase[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'backupowner');
    const actor: Actor = { kind: 'user', id: owner.id, username: owner.username, role: 'creator' };
    works = [];
    for (const seed of [7101, 7102, 7103]) works.push(await uploadImage(ctx, owner.headers, seed, { visibility: 'public' }));
    registrations = [];
    for (const w of works.slice(0, 2)) registrations.push((await ctx.app.registry.register(actor, w.workId)).registrationId);
    await ctx.app.registry.sequencePending();
    // A sign-in puts a record in the audit trail.
    await login(ctx, owner.username);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-backup-'));
    backupDir = path.join(tmp, 'backups');
  });

  afterAll(async () => {
    await ctx?.close();
    for (const db of extra) await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('backs up while the instance is open; a second backup copies only the new blobs', async () => {
    const run = await runCli(['backup', backupDir], ctx);
    expect(run.code, run.stderr).toBe(0);
    const folder = folderOf(run.stdout);
    first = readRecord(folder);
    expect(first.blobs.copied).toBe(first.blobs.count);
    expect(first.blobs.alreadyPresent).toBe(0);
    expect(first.blobs.count).toBeGreaterThanOrEqual(3);
    expect(first.blobs.referenced).toBeGreaterThanOrEqual(3);
    expect(first.blobs.missing).toEqual([]);
    expect(first.counts.works).toBe(3);
    expect(first.counts.registry_entries).toBeGreaterThanOrEqual(2);
    expect(first.counts.audit_records).toBeGreaterThan(0);
    expect(first.keys.length).toBeGreaterThan(0);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    for (const key of first.keys) expect(fs.statSync(path.join(folder, 'keys', key.name)).mode & 0o777).toBe(0o600);
    // The keys are recorded as backed up, as `wenyuan doctor --keys-backed-up` does.
    expect(checkKeysBackedUp(ctx.app.config.dataDir).level).toBe('ok');
    expect(fs.readdirSync(path.join(backupDir, 'blobs', 'tmp'))).toEqual([]);

    works.push(await uploadImage(ctx, owner.headers, 7104, { visibility: 'public' }));
    const again = await runCli(['backup', backupDir], ctx);
    expect(again.code, again.stderr).toBe(0);
    second = readRecord(folderOf(again.stdout));
    expect(second.blobs.alreadyPresent).toBe(first.blobs.count);
    expect(second.blobs.copied).toBe(second.blobs.count - first.blobs.count);
    expect(second.blobs.copied).toBeGreaterThanOrEqual(1);
    expect(second.counts.works).toBe(4);
  });

  it('restores onto a fresh data directory: fixity and the registry audit pass, works and receipts match', async () => {
    const target = await createTestDatabase(dialect);
    extra.push(target);
    const instance = ['--data-dir', target.dataDir, '--database-url', target.url];
    const restore = await runCli(['restore', backupDir, ...instance]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`blobs: ${second.blobs.count}`);

    expect(checkKeysBackedUp(target.dataDir).level).toBe('ok');
    for (const key of second.keys) expect(fs.readFileSync(path.join(target.dataDir, 'keys', key.name)).equals(fs.readFileSync(path.join(ctx.app.config.dataDir, 'keys', key.name)))).toBe(true);

    const fixity = await runCli(['fixity', ...instance]);
    expect(fixity.code, fixity.stdout).toBe(0);
    expect(fixity.stdout).toContain('0 changed, 0 missing');
    expect(Number(/checked (\d+) files/.exec(fixity.stdout)?.[1])).toBeGreaterThanOrEqual(4);
    const audit = await runCli(['registry', 'audit', ...instance]);
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.stdout).toContain('consistent');
    const trail = await runCli(['audit', 'verify', ...instance]);
    expect(trail.code, trail.stdout + trail.stderr).toBe(0);

    const app: App = await createApp(loadConfig({ dataDir: target.dataDir, databaseUrl: target.url, registryOrigin: TEST_REGISTRY_ORIGIN }, {}));
    const server: Server = await buildServer(app.http, { logger: false, webRoot: null });
    try {
      await server.ready();
      const pinnedKey = await ctx.app.registry.log.verifierKey();
      expect(await app.registry.log.verifierKey()).toBe(pinnedKey);
      for (const w of works) {
        const [before, after] = await Promise.all([ctx.server, server].map((s) => s.inject({ method: 'GET', url: `/api/works/${w.workId}`, headers: owner.headers })));
        expect(after!.statusCode).toBe(200);
        expect(after!.json()).toEqual(before!.json());
        const file = await server.inject({ method: 'GET', url: `/api/works/${w.workId}/files/${w.sha256}`, headers: owner.headers });
        expect(file.statusCode).toBe(200);
        expect(file.rawPayload.equals(await ctx.app.blobs.read(w.sha256))).toBe(true);
      }
      for (const [i, id] of registrations.entries()) {
        const receipt = await server.inject({ method: 'GET', url: `/api/registry/registrations/${id}/receipt.json` });
        expect(receipt.statusCode).toBe(200);
        const result = await verifyReceipt(receipt.rawPayload, { crypto: nodeCrypto, pinnedLogKey: pinnedKey, fileSha256: works[i]!.sha256 });
        expect(result.ok, JSON.stringify(result.checks)).toBe(true);
      }
      const login = await app.identity.findByUsername(owner.username);
      expect(login?.id).toBe(owner.id);
    } finally {
      await server.close();
      await app.close();
    }
  });

  it('takes a consistent backup while uploads go on: the restored instance passes fixity', async () => {
    const during = path.join(tmp, 'during');
    const [run] = await Promise.all([runCli(['backup', during], ctx), ...[7201, 7202, 7203].map((seed) => uploadImage(ctx, owner.headers, seed))]);
    expect(run.code, run.stderr).toBe(0);
    const record = readRecord(folderOf(run.stdout));
    const target = await createTestDatabase(dialect);
    extra.push(target);
    const instance = ['--data-dir', target.dataDir, '--database-url', target.url];
    expect((await runCli(['restore', during, ...instance])).code).toBe(0);
    const fixity = await runCli(['fixity', ...instance]);
    expect(fixity.code, fixity.stdout).toBe(0);
    const app = await createApp(loadConfig({ dataDir: target.dataDir, databaseUrl: target.url, registryOrigin: TEST_REGISTRY_ORIGIN }, {}));
    try {
      const works = await app.database.db.selectFrom('works').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(works.n)).toBe(record.counts.works);
      expect(record.counts.works).toBeGreaterThanOrEqual(4);
    } finally {
      await app.close();
    }
  });

  it('refuses a non-empty target directory or database, a tampered blob (named) and an incomplete backup', async () => {
    const busy = path.join(tmp, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const nonEmpty = await runCli(['restore', backupDir, '--data-dir', busy, '--database-url', `sqlite:${path.join(tmp, 'busy.db')}`]);
    expect(nonEmpty.code).toBe(1);
    expect(nonEmpty.stderr).toContain(`refusing to restore into ${busy}: it is not empty (1 entries, e.g. notes.txt)`);

    const intoLive = path.join(tmp, 'fresh-0');
    const liveDatabase = await runCli(['restore', backupDir, '--data-dir', intoLive, '--database-url', ctx.app.config.databaseUrl]);
    expect(liveDatabase.code).toBe(1);
    expect(liveDatabase.stderr).toMatch(dialect === 'sqlite' ? /refusing to restore: the database file .+ exists already/ : /refusing to restore: the PostgreSQL database already holds \d+ table\(s\)/);
    expect(fs.existsSync(intoLive)).toBe(false);

    const copy = path.join(tmp, 'tampered');
    fs.cpSync(backupDir, copy, { recursive: true });
    const manifest = fs.readFileSync(path.join(copy, path.basename(folderOfLatest(copy)), 'blobs.tsv'), 'utf8');
    const victim = manifest.split('\n').find((l) => /^[0-9a-f]{64}\t/.test(l))!.split('\t')[0]!;
    const victimFile = path.join(copy, 'blobs', 'sha256', victim.slice(0, 2), victim.slice(2, 4), victim);
    const bytes = fs.readFileSync(victimFile);
    bytes[bytes.length >> 1]! ^= 0xff;
    fs.writeFileSync(victimFile, bytes);
    const fresh = path.join(tmp, 'fresh-1');
    const empty = await createTestDatabase(dialect);
    extra.push(empty);
    const tampered = await runCli(['restore', copy, '--data-dir', fresh, '--database-url', dialect === 'sqlite' ? `sqlite:${path.join(fresh, 'wenyuan.db')}` : empty.url]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`blob ${victim} is damaged: it hashes to`);
    expect(fs.existsSync(fresh)).toBe(false);

    const incomplete = path.join(tmp, 'incomplete');
    fs.cpSync(backupDir, incomplete, { recursive: true });
    const latest = folderOfLatest(incomplete);
    fs.rmSync(path.join(latest, 'backup.json'));
    const interrupted = await runCli(['restore', latest, '--data-dir', path.join(tmp, 'fresh-2')]);
    expect(interrupted.code).toBe(1);
    expect(interrupted.stderr).toContain(`the backup in ${latest} is incomplete: it has no backup.json`);
  });
});

describe('wenyuan restore of a backup from an older release', () => {
  it('backs up without migrating, and the restored instance gets the migrations the backup lacks', async () => {
    const source = await createTestDatabase('sqlite');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-backup-old-'));
    try {
      const names = Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
      const database = openDatabase(source.url);
      expect((await new Migrator({ db: database.db, provider: migrationProvider('sqlite') }).migrateTo(names.at(-3)!)).error).toBeUndefined();
      await database.close();
      const instance = ['--data-dir', source.dataDir, '--database-url', source.url];
      const backup = await runCli(['backup', path.join(tmp, 'backups'), ...instance]);
      expect(backup.code, backup.stderr).toBe(0);
      expect(readRecord(folderOf(backup.stdout)).migrations).toEqual(names.slice(0, -2));

      const fresh = path.join(tmp, 'fresh');
      const restore = await runCli(['restore', path.join(tmp, 'backups'), '--data-dir', fresh]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toContain(`upgraded by 2 migration(s): ${names.slice(-2).join(', ')}`);
      const fixity = await runCli(['fixity', '--data-dir', fresh]);
      expect(fixity.code, fixity.stdout).toBe(0);
    } finally {
      await source.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function folderOfLatest(root: string): string {
  return path.join(root, fs.readdirSync(root).filter((n) => n !== 'blobs').sort().at(-1)!);
}

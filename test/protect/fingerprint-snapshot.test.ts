import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { FingerprintIndex, type IndexLogger } from '../../src/protect/fingerprint-index.js';
import { FingerprintRepository } from '../../src/protect/fingerprint.repository.js';
import { FingerprintSnapshotRepository } from '../../src/protect/fingerprint-snapshot.repository.js';
import { FINGERPRINT_SNAPSHOT_JOB, FingerprintSnapshots } from '../../src/protect/fingerprint-snapshot.service.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';
import { createTestContext } from '../support/test-app.js';

const CROPS = [0.05, 0.1, 0.15, 0.2];

/** The fingerprints repository, counting the rows the index reads through it. */
class CountingRepository extends FingerprintRepository {
  rowsRead = 0;
  override async changedSince(version: number, limit: number) {
    const rows = await super.changedSince(version, limit);
    this.rowsRead += rows.length;
    return rows;
  }
}

interface Image {
  sha256: string;
  whole: Buffer;
  crops: Buffer[];
}

function image(): Image {
  return { sha256: randomBytes(32).toString('hex'), whole: randomBytes(32), crops: CROPS.map(() => randomBytes(32)) };
}

/**
 * Snapshots of the fingerprint index: a process that starts with one loads it and reads only the
 * rows changed since, and still finds every fingerprint committed before its search; a snapshot it
 * cannot use (damaged, another format, none) costs a full read, never a wrong answer.
 */
describe.each(await testDialects())('fingerprint index snapshots (%s)', (dialect) => {
  let target: TestDatabase;
  let database: Database;
  let repo: FingerprintRepository;
  const opened: Database[] = [];
  const older = Array.from({ length: 30 }, image);
  const newer = Array.from({ length: 5 }, image);
  let refingerprinted: Image;

  const upsert = (img: Image) =>
    repo.upsert({ sha256: img.sha256, status: 'ok', reason: null, pdq: img.whole, pdq_crops: Buffer.concat(img.crops), crop_fractions: CROPS.join(','), pdq_on_black: null, pdq_quality: 90, iscc: null, width: 64, height: 64, pages: null, created_at: new Date().toISOString() });

  /** A new process: its own connection, repositories and index, logging what it did. */
  function startProcess() {
    const db = openDatabase(target.url);
    opened.push(db);
    const rows = new CountingRepository(db);
    const logs: { level: string; msg: string; obj: object }[] = [];
    const logger: IndexLogger = { info: (obj, msg = '') => logs.push({ level: 'info', msg, obj }), warn: (obj, msg = '') => logs.push({ level: 'warn', msg, obj }) };
    const index = new FingerprintIndex(rows, { snapshots: new FingerprintSnapshots(new FingerprintSnapshotRepository(db), rows), logger });
    return { rows, index, logs };
  }

  const snapshots = () => new FingerprintSnapshots(new FingerprintSnapshotRepository(database), repo, { policy: { minImages: 20 } });

  beforeAll(async () => {
    target = await createTestDatabase(dialect);
    database = openDatabase(target.url);
    await migrateToLatest(database);
    repo = new FingerprintRepository(database);
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await database.close();
    await target.drop();
  });

  it('writes a snapshot only when due, and it covers every row committed before it', async () => {
    for (const img of older.slice(0, 10)) await upsert(img);
    expect(await snapshots().due(Date.now())).toBe(false); // fewer images than minImages
    for (const img of older.slice(10)) await upsert(img);
    expect(await snapshots().due(Date.now())).toBe(true);
    const written = await snapshots().write();
    expect(written).toMatchObject({ coversVersion: await repo.version(), codes: 30 * 5, images: 30 });
    expect(await snapshots().due(Date.now())).toBe(false);
    // 10 % of its images changed, or a day old with anything changed: due again.
    await upsert(newer[0]!);
    expect(await snapshots().due(Date.now())).toBe(false);
    expect(await snapshots().due(Date.now() + 25 * 3_600_000)).toBe(true);
  });

  it('a process starting with a snapshot reads only the rows changed since, and finds snapshot and delta codes', async () => {
    for (const img of newer.slice(1)) await upsert(img);
    // Re-fingerprinted after the snapshot: the same image with a new whole-image code.
    refingerprinted = { ...older[3]!, whole: randomBytes(32) };
    await upsert(refingerprinted);

    const { rows, index, logs } = startProcess();
    expect(rows.rowsRead).toBe(0); // lazy: nothing is read before the first search
    const found = await index.search([older[7]!.crops[2]!, newer[4]!.whole], 0);
    expect(rows.rowsRead).toBe(5 + 1); // five new images and the re-fingerprinted one, not 35
    expect(found.map((m) => [m.sha256, m.cropPerSide, m.queryIndex]).sort()).toEqual([[older[7]!.sha256, 0.15, 0], [newer[4]!.sha256, 0, 1]].sort());
    expect(logs.find((l) => l.msg.includes('loaded from its snapshot'))?.obj).toMatchObject({ codes: 150 });
    expect(index.size).toBe(150 + 6 * 5); // the re-fingerprinted image's codes are appended

    // Near, not only exact: a snapshot code with 9 bits flipped is found at distance 9.
    const near = Buffer.from(older[20]!.whole);
    for (const byte of [0, 3, 8, 12, 17, 20, 25, 29, 31]) near[byte]! ^= 0x01;
    expect(await index.search([near], 31)).toEqual([{ sha256: older[20]!.sha256, distance: 9, queryIndex: 0, cropPerSide: 0 }]);

    // Committed before a search, searched by it: the delta keeps following the table.
    const later = image();
    await upsert(later);
    expect((await index.search([later.crops[0]!], 0)).map((m) => m.sha256)).toEqual([later.sha256]);
    expect(rows.rowsRead).toBe(7);

    // The re-fingerprinted image's new code is found; its old one (from the snapshot) still names it.
    expect((await index.search([refingerprinted.whole], 0)).map((m) => m.sha256)).toEqual([older[3]!.sha256]);
    expect((await index.search([older[3]!.whole], 0)).map((m) => m.sha256)).toEqual([older[3]!.sha256]);
  });

  it('a new snapshot replaces the old one and holds only current codes', async () => {
    const before = await database.db.selectFrom('fingerprint_snapshots').select('id').execute();
    const written = await snapshots().write();
    const after = await database.db.selectFrom('fingerprint_snapshots').select('id').execute();
    expect(before).toHaveLength(1);
    expect(after.map((r) => r.id)).toEqual([written.id]);
    const parts = await database.db.selectFrom('fingerprint_snapshot_parts').select('snapshot_id').distinct().execute();
    expect(parts.map((p) => p.snapshot_id)).toEqual([written.id]);
    expect(written.images).toBe(36);

    const { rows, index } = startProcess();
    expect((await index.search([refingerprinted.whole], 0)).map((m) => m.sha256)).toEqual([older[3]!.sha256]);
    expect(await index.search([older[3]!.whole], 0)).toEqual([]); // the pre-re-fingerprint code is gone
    expect(rows.rowsRead).toBe(0);
  });

  it('falls back to reading every row, and logs why, when the snapshot is damaged or of another format', async () => {
    const { id } = (await database.db.selectFrom('fingerprint_snapshots').select('id').executeTakeFirstOrThrow());
    const part = await database.db.selectFrom('fingerprint_snapshot_parts').select('data').where('snapshot_id', '=', id).where('part', '=', 0).executeTakeFirstOrThrow();
    const setPart = (data: Uint8Array) => database.db.updateTable('fingerprint_snapshot_parts').set({ data: Buffer.from(data) }).where('snapshot_id', '=', id).where('part', '=', 0).execute();
    const everyImage = [...older, ...newer];

    for (const [damage, reason] of [[(b: Buffer) => void (b[200]! ^= 0x04), 'corrupt'], [(b: Buffer) => b.writeUInt32LE(0, 8), 'format']] as const) {
      const bad = Buffer.from(part.data);
      damage(bad);
      await setPart(bad);
      const { rows, index, logs } = startProcess();
      const found = await index.search(everyImage.map((img) => img.crops[1]!), 0);
      expect(found.map((m) => m.sha256).sort()).toEqual(everyImage.map((img) => img.sha256).sort());
      expect(rows.rowsRead).toBe(36);
      expect(logs.find((l) => l.level === 'warn')?.obj).toMatchObject({ reason });
    }

    // No snapshot at all: the same full read.
    await database.db.deleteFrom('fingerprint_snapshots').execute();
    const { rows, index, logs } = startProcess();
    expect(await index.search([newer[2]!.whole], 0)).toHaveLength(1);
    expect(rows.rowsRead).toBe(36);
    expect(logs.map((l) => l.msg)).toContain('no fingerprint index snapshot yet: reading every fingerprint');
  });
});

describe('the snapshot job of the app (sqlite)', () => {
  it('is registered on the worker and writes a snapshot the app\'s own index could load', async () => {
    const ctx = await createTestContext('sqlite');
    try {
      const img = image();
      await ctx.app.fingerprintRepository.upsert({ sha256: img.sha256, status: 'ok', reason: null, pdq: img.whole, pdq_crops: Buffer.concat(img.crops), crop_fractions: CROPS.join(','), pdq_on_black: null, pdq_quality: 90, iscc: null, width: 64, height: 64, pages: null, created_at: new Date().toISOString() });
      await ctx.app.jobs.enqueue(ctx.app.database.db, FINGERPRINT_SNAPSHOT_JOB, {}, { dedupeKey: FINGERPRINT_SNAPSHOT_JOB });
      expect(await ctx.app.worker.drain([FINGERPRINT_SNAPSHOT_JOB])).toBe(1);
      const row = await ctx.app.database.db.selectFrom('fingerprint_snapshots').selectAll().executeTakeFirstOrThrow();
      expect([row.codes, row.images]).toEqual([5, 1]);
      expect((await ctx.app.fingerprintIndex.search([img.crops[3]!], 0)).map((m) => [m.sha256, m.cropPerSide])).toEqual([[img.sha256, 0.2]]);
    } finally {
      await ctx.close();
    }
  });
});

import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { FingerprintSnapshotsTable } from '../platform/db/schema.js';
import { SnapshotError } from './fingerprint-snapshot.js';

export type SnapshotRow = Selectable<FingerprintSnapshotsTable>;

/** Parts fetched per query when reading a snapshot: a few mebibytes in memory at a time. */
const PARTS_PER_READ = 4;

/** The only SQL over fingerprint index snapshots (migration 0027). */
export class FingerprintSnapshotRepository {
  constructor(private readonly database: Database) {}

  /** The snapshot covering the highest change version, if any. */
  async latest(): Promise<SnapshotRow | undefined> {
    const row = await this.database.db.selectFrom('fingerprint_snapshots').selectAll().orderBy('covers_version', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row && { ...row, covers_version: Number(row.covers_version), bytes: Number(row.bytes) };
  }

  /** The bytes of snapshot `id` in order; throws SnapshotError when parts are missing (replaced while read). */
  async *parts(id: string, count: number): AsyncGenerator<Uint8Array> {
    for (let from = 0; from < count; from += PARTS_PER_READ) {
      const to = Math.min(count, from + PARTS_PER_READ);
      const rows = await this.database.db
        .selectFrom('fingerprint_snapshot_parts').select(['part', 'data'])
        .where('snapshot_id', '=', id).where('part', '>=', from).where('part', '<', to)
        .orderBy('part').execute();
      if (rows.length !== to - from || rows.some((r, i) => r.part !== from + i)) throw new SnapshotError('corrupt', `snapshot ${id} is missing parts ${from}–${to - 1} (replaced while being read?)`);
      for (const row of rows) yield row.data;
    }
  }

  /** Stores the parts of a snapshot not yet published (invisible to readers until `publish`). */
  async writeParts(id: string, parts: Iterable<Uint8Array>): Promise<{ parts: number; bytes: number }> {
    let part = 0;
    let bytes = 0;
    for (const data of parts) {
      await this.database.db.insertInto('fingerprint_snapshot_parts').values({ snapshot_id: id, part, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }).execute();
      part++;
      bytes += data.length;
    }
    return { parts: part, bytes };
  }

  /**
   * Makes a snapshot whose parts are stored the newest, and deletes the older ones with their parts
   * (a process reading one of those at that moment finds parts missing and reads the rows instead).
   */
  async publish(row: SnapshotRow): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      const stored = await trx.selectFrom('fingerprint_snapshot_parts').select((eb) => eb.fn.countAll<number>().as('n')).where('snapshot_id', '=', row.id).executeTakeFirstOrThrow();
      if (Number(stored.n) !== row.parts) throw new Error(`snapshot ${row.id} has ${stored.n} of its ${row.parts} parts stored`);
      await trx.insertInto('fingerprint_snapshots').values(row).execute();
      await trx.deleteFrom('fingerprint_snapshots').where('id', '!=', row.id).where('covers_version', '<=', row.covers_version).execute();
      await trx.deleteFrom('fingerprint_snapshot_parts').where('snapshot_id', 'not in', trx.selectFrom('fingerprint_snapshots').select('id')).execute();
    });
  }

  /** Deletes the parts of a snapshot that was not published (a failed write). */
  async discard(id: string): Promise<void> {
    await this.database.db.deleteFrom('fingerprint_snapshot_parts').where('snapshot_id', '=', id).execute();
  }
}

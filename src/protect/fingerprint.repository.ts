import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, FingerprintsTable, WatermarkCopiesTable } from '../platform/db/schema.js';

export type Executor = Kysely<DB> | Transaction<DB>;
export type FingerprintRow = Selectable<FingerprintsTable>;
export type WatermarkCopyRow = Selectable<WatermarkCopiesTable>;
export type NewFingerprintRow = Omit<FingerprintRow, 'change_version'>;

/** A work that holds a given file, with what access checks and scan results need. */
export interface WorkHoldingFile {
  workId: string;
  visibility: string;
  ownerId: string | null;
  sha256: string;
  primary: boolean;
}

/** The only SQL over fingerprints and watermarked copies. */
export class FingerprintRepository {
  constructor(private readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  /**
   * Writes (or replaces) an image's fingerprint under the next change version. The protect_state
   * row lock is held to commit, so versions become visible in increasing order and an index that
   * has read every row up to version n has seen every write ≤ n.
   */
  async upsert(row: NewFingerprintRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const state = await trx.updateTable('protect_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
      const values = { ...row, change_version: Number(state.version) };
      const { sha256: _key, ...changes } = values;
      await trx.insertInto('fingerprints').values(values).onConflict((oc) => oc.column('sha256').doUpdateSet(changes)).execute();
    });
  }

  async find(sha256: string): Promise<FingerprintRow | undefined> {
    return this.db.selectFrom('fingerprints').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  /** What a registry entry needs of several files' fingerprints (those not fingerprinted yet are absent). */
  async findMany(sha256s: string[]): Promise<Pick<FingerprintRow, 'sha256' | 'status' | 'pdq' | 'iscc'>[]> {
    const out: Pick<FingerprintRow, 'sha256' | 'status' | 'pdq' | 'iscc'>[] = [];
    // PostgreSQL takes the hashes as one array (cheaper to parse and plan than a long IN list); SQLite in chunks under its parameter limit.
    const pg = this.database.dialect === 'postgres';
    for (let i = 0; i < sha256s.length; i += pg ? 4096 : 500) {
      const chunk = sha256s.slice(i, i + (pg ? 4096 : 500));
      const query = this.db.selectFrom('fingerprints').select(['sha256', 'status', 'pdq', 'iscc']);
      out.push(...(await (pg ? query.where(sql<boolean>`sha256 = ANY(${chunk}::text[])`) : query.where('sha256', 'in', chunk)).execute()));
    }
    return out;
  }

  /** The latest committed fingerprint change version. */
  async version(): Promise<number> {
    const row = await this.db.selectFrom('protect_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }

  /** Matchable fingerprints written after `version`, oldest first, at most `limit`. */
  async changedSince(version: number, limit: number): Promise<Pick<FingerprintRow, 'sha256' | 'pdq' | 'pdq_crops' | 'crop_fractions' | 'pdq_on_black' | 'change_version'>[]> {
    return this.db
      .selectFrom('fingerprints')
      .select(['sha256', 'pdq', 'pdq_crops', 'crop_fractions', 'pdq_on_black', 'change_version'])
      .where('change_version', '>', version)
      .where('status', '=', 'ok')
      .orderBy('change_version')
      .limit(limit)
      .execute();
  }

  /** How many matchable fingerprints were written after `version` (when a new index snapshot is due). */
  async countChangedSince(version: number): Promise<number> {
    const row = await this.db.selectFrom('fingerprints').select((eb) => eb.fn.countAll<number>().as('n')).where('change_version', '>', version).where('status', '=', 'ok').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Image files held by works that have no fingerprint yet, in hash order after `after` (for the backfill after an upgrade). */
  async imagesWithoutFingerprint(after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('work_files')
      .leftJoin('fingerprints', 'fingerprints.sha256', 'work_files.sha256')
      .select('work_files.sha256')
      .distinct()
      .where('work_files.kind', '=', 'image')
      .where('fingerprints.sha256', 'is', null)
      .where('work_files.sha256', '>', after)
      .orderBy('work_files.sha256')
      .limit(limit)
      .execute();
    return rows.map((r) => r.sha256);
  }

  /** Works that hold any of these files (as a file of theirs), for resolving index matches. */
  async worksHoldingFiles(sha256s: string[]): Promise<WorkHoldingFile[]> {
    if (sha256s.length === 0) return [];
    const rows = await this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['works.id', 'works.visibility', 'works.owner_id', 'works.primary_file_sha256', 'work_files.sha256'])
      .where('work_files.sha256', 'in', sha256s)
      .execute();
    return rows.map((r) => ({ workId: r.id, visibility: r.visibility, ownerId: r.owner_id, sha256: r.sha256, primary: r.primary_file_sha256 === r.sha256 }));
  }

  /** Copies issued of a work for people (downloads and licences, not public display copies), newest first, with who issued them. */
  copiesIssuedOfWork(workId: string, limit: number): Promise<(WatermarkCopyRow & { issuer_name: string | null; issuer_username: string | null })[]> {
    return this.db
      .selectFrom('watermark_copies')
      .leftJoin('users', 'users.id', 'watermark_copies.issued_by')
      .selectAll('watermark_copies')
      .select(['users.display_name as issuer_name', 'users.username as issuer_username'])
      .where('watermark_copies.work_id', '=', workId)
      .where('watermark_copies.purpose', '!=', 'public')
      .orderBy('watermark_copies.serial', 'desc')
      .limit(limit)
      .execute();
  }

  async insertCopy(executor: Executor, row: Omit<WatermarkCopyRow, 'serial'>): Promise<number> {
    const inserted = await executor.insertInto('watermark_copies').values(row).returning('serial').executeTakeFirstOrThrow();
    return Number(inserted.serial);
  }

  async setCopyOutput(serial: number, outputSha256: string): Promise<void> {
    await this.db.updateTable('watermark_copies').set({ output_sha256: outputSha256 }).where('serial', '=', serial).execute();
  }

  async deleteCopy(serial: number): Promise<void> {
    await this.db.deleteFrom('watermark_copies').where('serial', '=', serial).execute();
  }

  async copiesOfWork(workId: string): Promise<WatermarkCopyRow[]> {
    return this.db.selectFrom('watermark_copies').selectAll().where('work_id', '=', workId).orderBy('serial', 'desc').limit(1000).execute();
  }

  async findCopy(serial: number): Promise<WatermarkCopyRow | undefined> {
    return this.db.selectFrom('watermark_copies').selectAll().where('serial', '=', serial).executeTakeFirst();
  }
}

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { ConsentRecordsTable, DB, PersonalExportsTable, UserErasuresTable } from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';

export type ConsentRow = Selectable<ConsentRecordsTable>;
export type ExportRow = Selectable<PersonalExportsTable>;
export type ErasureRow = Selectable<UserErasuresTable>;

/** True when `error` is a unique-constraint violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** The privacy module's own tables and settings: consents, exports, erasures (the person's data is each module's `personalData`, src/platform/personal-data.ts). */
export class PrivacyRepository {
  constructor(private readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async setting(key: string): Promise<{ value: string; updatedAt: string } | null> {
    const row = await this.db.selectFrom('settings').select(['value', 'updated_at']).where('key', '=', key).executeTakeFirst();
    return row ? { value: row.value, updatedAt: row.updated_at } : null;
  }

  async putSetting(key: string, value: string, now: string, executor: Kysely<DB> = this.db): Promise<void> {
    await executor
      .insertInto('settings')
      .values({ key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  async appendConsent(row: Omit<ConsentRow, 'id'>, executor: Kysely<DB> = this.db): Promise<ConsentRow> {
    const full = { id: newId(), ...row };
    await executor.insertInto('consent_records').values(full).execute();
    return full;
  }

  /** Every record of a person, oldest first. */
  consentHistory(userId: string): Promise<ConsentRow[]> {
    return this.db.selectFrom('consent_records').selectAll().where('user_id', '=', userId).orderBy('at').orderBy('id').execute();
  }

  // ---- exports ----

  /** Inserts a queued export; throws a unique violation when one is queued or running for the person. */
  async insertExport(row: ExportRow, executor: Kysely<DB> = this.db): Promise<void> {
    await executor.insertInto('personal_exports').values(row).execute();
  }

  runningExport(userId: string): Promise<ExportRow | undefined> {
    return this.db.selectFrom('personal_exports').selectAll().where('user_id', '=', userId).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  }

  getExport(id: string): Promise<ExportRow | undefined> {
    return this.db.selectFrom('personal_exports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listExports(userId: string): Promise<ExportRow[]> {
    return this.db.selectFrom('personal_exports').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(20).execute();
  }

  async updateExport(id: string, changes: Partial<ExportRow>, onlyIf?: string[]): Promise<boolean> {
    let query = this.db.updateTable('personal_exports').set(changes).where('id', '=', id);
    if (onlyIf) query = query.where('status', 'in', onlyIf);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Ready exports past their expiry (or any finished export older than `before`, for retention). */
  staleExports(now: string, finishedBefore: string): Promise<ExportRow[]> {
    return this.db
      .selectFrom('personal_exports')
      .selectAll()
      .where((eb) => eb.or([eb.and([eb('status', '=', 'ready'), eb('expires_at', '<', now)]), eb.and([eb('status', 'in', ['downloaded', 'expired', 'failed']), eb('created_at', '<', finishedBefore)])]))
      .execute();
  }

  async deleteExport(id: string): Promise<void> {
    await this.db.deleteFrom('personal_exports').where('id', '=', id).execute();
  }

  exportsOf(userId: string): Promise<ExportRow[]> {
    return this.db.selectFrom('personal_exports').selectAll().where('user_id', '=', userId).execute();
  }

  // ---- erasures ----

  getErasure(userId: string, executor: Kysely<DB> = this.db): Promise<ErasureRow | undefined> {
    return executor.selectFrom('user_erasures').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  async insertErasure(row: ErasureRow, executor: Kysely<DB>): Promise<void> {
    await executor.insertInto('user_erasures').values(row).execute();
  }

  async setErasureStep(userId: string, step: number, finishedAt: string | null): Promise<void> {
    await this.db
      .updateTable('user_erasures')
      .set({ step, ...(finishedAt ? { status: 'done', finished_at: finishedAt } : {}) })
      .where('user_id', '=', userId)
      .execute();
  }

  runningErasures(): Promise<ErasureRow[]> {
    return this.db.selectFrom('user_erasures').selectAll().where('status', '=', 'running').execute();
  }
}

import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, RegistryCheckpointsTable, RegistryEntriesTable, RegistryPendingTable } from '../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;
export type PendingRow = Selectable<RegistryPendingTable>;
export type EntryRow = Selectable<RegistryEntriesTable>;
export type CheckpointRow = Selectable<RegistryCheckpointsTable>;

/** What other modules may read of the log directly (by interface): a work's entries. */
export type RegistryReader = Pick<RegistryRepository, 'entriesOfWork'>;

/** The only SQL over the transparency log's tables. */
export class RegistryRepository {
  constructor(readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(fn);
  }

  /** A transaction whose commit is on disk before it returns (signed checkpoints). */
  durableTransaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.durable((db) => db.transaction().execute(fn));
  }

  /** Durable: a pending id is an acknowledgement, so it must survive a power cut. */
  async insertPending(row: PendingRow): Promise<void> {
    await this.database.durable((db) => db.insertInto('registry_pending').values(row).execute());
  }

  /** Many registrations in one durable transaction (bulk registration by a curator). */
  async insertPendingMany(rows: PendingRow[]): Promise<void> {
    await this.database.durable((db) =>
      db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 100) await trx.insertInto('registry_pending').values(rows.slice(i, i + 100)).execute();
      }),
    );
  }

  async countPending(): Promise<number> {
    const row = await this.db.selectFrom('registry_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Locks the tree for this transaction and returns its size and root. On PostgreSQL the row lock
   * makes concurrent sequencers wait; SQLite allows one writer at a time anyway.
   */
  async lockState(trx: Transaction<DB>): Promise<{ size: number; rootHash: string }> {
    if (this.database.dialect === 'sqlite') {
      // Take the write lock now rather than at the first write, so two sequencers never both read the old size.
      await sql`UPDATE registry_state SET id = id WHERE id = 1`.execute(trx);
    }
    let query = trx.selectFrom('registry_state').select(['size', 'root_hash']).where('id', '=', 1);
    if (this.database.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { size: Number(row.size), rootHash: row.root_hash };
  }

  async state(): Promise<{ size: number; rootHash: string }> {
    const row = await this.db.selectFrom('registry_state').select(['size', 'root_hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { size: Number(row.size), rootHash: row.root_hash };
  }

  async setState(trx: Transaction<DB>, size: number, rootHash: string): Promise<void> {
    await trx.updateTable('registry_state').set({ size, root_hash: rootHash, updated_at: new Date().toISOString() }).where('id', '=', 1).execute();
  }

  takePending(trx: Transaction<DB>, limit: number): Promise<PendingRow[]> {
    let query = trx.selectFrom('registry_pending').selectAll().orderBy('created_at').orderBy('id').limit(limit);
    if (this.database.dialect === 'postgres') query = query.forUpdate().skipLocked();
    return query.execute();
  }

  async deletePending(trx: Transaction<DB>, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('registry_pending').where('id', 'in', ids.slice(i, i + 500)).execute();
  }

  async insertEntries(trx: Transaction<DB>, rows: Insertable<RegistryEntriesTable>[]): Promise<void> {
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 100) await trx.insertInto('registry_entries').values(rows.slice(i, i + 100)).execute();
  }

  async putTiles(trx: Transaction<DB>, tiles: { level: number; index: number; width: number; hashes: Buffer }[]): Promise<void> {
    for (const t of tiles) {
      await trx
        .insertInto('registry_tiles')
        .values({ level: t.level, idx: t.index, width: t.width, hashes: t.hashes })
        .onConflict((oc) => oc.columns(['level', 'idx']).doUpdateSet({ width: t.width, hashes: t.hashes }))
        .execute();
    }
  }

  async getTile(level: number, index: number, executor: Executor = this.db): Promise<{ width: number; hashes: Buffer } | undefined> {
    const row = await executor.selectFrom('registry_tiles').select(['width', 'hashes']).where('level', '=', level).where('idx', '=', index).executeTakeFirst();
    if (!row) return undefined;
    // Both drivers return a Buffer already; copying 8 KiB per tile read only fed the garbage collector.
    return { width: row.width, hashes: Buffer.isBuffer(row.hashes) ? row.hashes : Buffer.from(row.hashes) };
  }

  /**
   * Several tiles in one query (those that do not exist are simply absent from the answer). Every
   * proof runs this, so its SQL text is made once per number of tiles and reused: building the
   * query anew each time was a third of a proof's garbage.
   */
  async getTiles(refs: { level: number; index: number }[], executor: Executor = this.db): Promise<{ level: number; index: number; width: number; hashes: Buffer }[]> {
    if (refs.length === 0) return [];
    let text = this.tileQueries.get(refs.length);
    if (text === undefined) {
      const pg = this.database.dialect === 'postgres';
      const terms = refs.map((_, i) => (pg ? `(level = $${2 * i + 1} AND idx = $${2 * i + 2})` : '(level = ? AND idx = ?)'));
      text = `SELECT level, idx, width, hashes FROM registry_tiles WHERE ${terms.join(' OR ')}`;
      this.tileQueries.set(refs.length, text);
    }
    const params: number[] = [];
    for (const r of refs) params.push(r.level, r.index);
    const { rows } = await executor.executeQuery<{ level: number; idx: number | string; width: number; hashes: Buffer | Uint8Array }>(CompiledQuery.raw(text, params));
    return rows.map((row) => ({ level: row.level, index: Number(row.idx), width: row.width, hashes: Buffer.isBuffer(row.hashes) ? row.hashes : Buffer.from(row.hashes) }));
  }

  private readonly tileQueries = new Map<number, string>();

  async insertCheckpoint(trx: Transaction<DB>, row: CheckpointRow): Promise<void> {
    await trx.insertInto('registry_checkpoints').values(row).execute();
  }

  latestCheckpoint(): Promise<CheckpointRow | undefined> {
    return this.db.selectFrom('registry_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  }

  checkpointAt(size: number): Promise<CheckpointRow | undefined> {
    return this.db.selectFrom('registry_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
  }

  allCheckpoints(): Promise<CheckpointRow[]> {
    return this.db.selectFrom('registry_checkpoints').selectAll().orderBy('size').execute();
  }

  entryByRegistration(registrationId: string): Promise<EntryRow | undefined> {
    return this.db.selectFrom('registry_entries').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
  }

  pendingById(id: string): Promise<PendingRow | undefined> {
    return this.db.selectFrom('registry_pending').selectAll().where('id', '=', id).executeTakeFirst();
  }

  entryAt(index: number): Promise<EntryRow | undefined> {
    return this.db.selectFrom('registry_entries').selectAll().where('idx', '=', index).executeTakeFirst();
  }

  entriesByLeafHash(leafHash: string): Promise<EntryRow[]> {
    return this.db.selectFrom('registry_entries').selectAll().where('leaf_hash', '=', leafHash).orderBy('idx').execute();
  }

  /** A work's registrations, sequenced and pending, newest first, with who registered them. */
  async registrationsOfWork(workId: string, limit: number): Promise<{ registrationId: string; index: number | null; userId: string | null; userName: string | null; username: string | null; at: string }[]> {
    const sequenced = await this.db
      .selectFrom('registry_entries')
      .leftJoin('users', 'users.id', 'registry_entries.user_id')
      .select(['registry_entries.registration_id', 'registry_entries.idx', 'registry_entries.user_id', 'registry_entries.sequenced_at', 'users.display_name', 'users.username'])
      .where('registry_entries.work_id', '=', workId)
      .orderBy('registry_entries.idx', 'desc')
      .limit(limit)
      .execute();
    const pending = await this.db
      .selectFrom('registry_pending')
      .leftJoin('users', 'users.id', 'registry_pending.user_id')
      .select(['registry_pending.id', 'registry_pending.user_id', 'registry_pending.created_at', 'users.display_name', 'users.username'])
      .where('registry_pending.work_id', '=', workId)
      .limit(limit)
      .execute();
    return [
      ...pending.map((p) => ({ registrationId: p.id, index: null, userId: p.user_id, userName: p.display_name, username: p.username, at: p.created_at })),
      ...sequenced.map((e) => ({ registrationId: e.registration_id, index: Number(e.idx), userId: e.user_id, userName: e.display_name, username: e.username, at: e.sequenced_at })),
    ];
  }

  entriesOfWork(workId: string): Promise<EntryRow[]> {
    return this.db.selectFrom('registry_entries').selectAll().where('work_id', '=', workId).orderBy('idx').execute();
  }

  async maxIndex(): Promise<number | null> {
    const row = await this.db.selectFrom('registry_entries').select((eb) => eb.fn.max('idx').as('m')).executeTakeFirst();
    return row?.m === null || row?.m === undefined ? null : Number(row.m);
  }

  /** Entries [from, to) in index order (audits and entry bundles). */
  entriesBetween(from: number, to: number): Promise<EntryRow[]> {
    return this.db.selectFrom('registry_entries').selectAll().where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
  }
}

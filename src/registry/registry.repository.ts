import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, RegistryCheckpointsTable, RegistryEntriesTable, RegistryOpeningsTable, RegistryPendingTable, RegistryRequestsTable } from '../platform/db/schema.js';
import { rawRequestKey, type RequestSealer } from './request-seal.js';

type Executor = Kysely<DB> | Transaction<DB>;
export type PendingRow = Selectable<RegistryPendingTable>;
export type EntryRow = Selectable<RegistryEntriesTable>;
export type CheckpointRow = Selectable<RegistryCheckpointsTable>;
export type OpeningRow = Selectable<RegistryOpeningsTable>;
export type RequestRow = Selectable<RegistryRequestsTable>;
/** How a pending row was asked for: its idempotency key and generation, and what the key stands for. */
export type RequestFields = Pick<RequestRow, 'request_key' | 'generation' | 'file_sha256' | 'role'>;

/**
 * A registration accepted by a bulk run, not yet written: its pending row (what the sequencer would
 * take), the request it answers and, for a sealed entry, its opening.
 */
export interface AcceptedRegistration {
  row: PendingRow;
  request: RequestFields;
  opening: OpeningRow | null;
}

/** The columns `insertRows` passes as arrays on PostgreSQL, with their types (every column of the table, in order). */
const UNNEST_COLUMNS = {
  registry_requests: [['request_key', 'text'], ['generation', 'integer'], ['registration_id', 'text'], ['work_id', 'text'], ['user_id', 'text'], ['file_sha256', 'text'], ['role', 'text'], ['seal', 'text'], ['created_at', 'text']],
  registry_entries: [['idx', 'bigint'], ['registration_id', 'text'], ['leaf_hash', 'text'], ['entry', 'text'], ['work_id', 'text'], ['user_id', 'text'], ['sequenced_at', 'text']],
  registry_pending: [['id', 'text'], ['entry', 'text'], ['work_id', 'text'], ['user_id', 'text'], ['created_at', 'text']],
} as const;

/** What other modules may read of the log directly (by interface): a work's entries. */
export type RegistryReader = Pick<RegistryRepository, 'entriesOfWork'>;

/** The only SQL over the transparency log's tables. */
export class RegistryRepository {
  constructor(
    readonly database: Database,
    /** Seals each registration request (the sequencer takes only pending rows with a valid seal). */
    readonly sealer: RequestSealer,
  ) {}

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

  /**
   * Durable: a pending id is an acknowledgement, so it must survive a power cut. The sealed request
   * row goes in with it; its primary key (idempotency key, generation) makes a second identical
   * request fail here, so that the caller can answer with the first one's registration.
   */
  async insertPending(row: PendingRow, request?: RequestFields): Promise<void> {
    await this.database.durable((db) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('registry_requests').values(this.requestRow(row, request)).execute();
        await trx.insertInto('registry_pending').values(row).execute();
      }),
    );
  }

  /** Many registrations in one durable transaction (bulk registration by a curator), each its own request. */
  async insertPendingMany(rows: PendingRow[]): Promise<void> {
    await this.database.durable((db) =>
      db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 100) {
          const chunk = rows.slice(i, i + 100);
          await trx.insertInto('registry_requests').values(chunk.map((row) => this.requestRow(row))).execute();
          await trx.insertInto('registry_pending').values(chunk).execute();
        }
      }),
    );
  }

  /**
   * A bulk run's registrations, durable and pending, in one transaction: openings, sealed requests
   * and pending rows (a bulk run that cannot sequence them itself leaves them to the sequencer).
   */
  async insertAcceptedPending(accepted: AcceptedRegistration[]): Promise<void> {
    await this.database.durable((db) =>
      db.transaction().execute(async (trx) => {
        await this.insertAccepted(trx, accepted);
        await this.insertRows(trx, 'registry_pending', accepted.map((a) => a.row));
      }),
    );
  }

  /** Openings and sealed requests of accepted registrations, inside `trx` (no pending rows). */
  async insertAccepted(trx: Transaction<DB>, accepted: AcceptedRegistration[]): Promise<void> {
    const openings = accepted.flatMap((a) => (a.opening ? [a.opening] : []));
    for (let i = 0; i < openings.length; i += 100) await trx.insertInto('registry_openings').values(openings.slice(i, i + 100)).execute();
    await this.insertRows(trx, 'registry_requests', accepted.map((a) => this.requestRow(a.row, a.request)));
  }

  /**
   * Many rows into one of the log's tables. On PostgreSQL one `INSERT … SELECT FROM unnest(…)` per
   * 4,096 rows, each column passed as one array: a bulk batch's statements cost Node a third less
   * to build than 100-row VALUES lists, and Node's CPU is what bounds a bulk registration there.
   * On SQLite, 100-row VALUES (under its bound-parameter limit).
   */
  private async insertRows<T extends 'registry_requests' | 'registry_entries' | 'registry_pending'>(trx: Transaction<DB>, table: T, rows: Insertable<DB[T]>[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.database.dialect !== 'postgres') {
      for (let i = 0; i < rows.length; i += 100) await trx.insertInto(table).values(rows.slice(i, i + 100) as never).execute();
      return;
    }
    const columns = UNNEST_COLUMNS[table];
    for (let i = 0; i < rows.length; i += 4096) {
      const chunk = rows.slice(i, i + 4096) as Record<string, unknown>[];
      const arrays = columns.map(([name, type]) => sql`${chunk.map((row) => row[name] ?? null)}::${sql.raw(type)}[]`);
      await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))}) SELECT * FROM unnest(${sql.join(arrays)})`.execute(trx);
    }
  }

  private requestRow(row: PendingRow, request?: RequestFields): RequestRow {
    const fields = request ?? { request_key: rawRequestKey(row.id), generation: 0, file_sha256: null, role: null };
    const seal = this.sealer.seal({ registrationId: row.id, requestKey: fields.request_key, generation: fields.generation, entry: row.entry, workId: row.work_id, userId: row.user_id, createdAt: row.created_at });
    return { ...fields, registration_id: row.id, work_id: row.work_id, user_id: row.user_id, seal, created_at: row.created_at };
  }

  /** The newest generation of a request key, if it was ever asked for. */
  latestRequest(requestKey: string): Promise<RequestRow | undefined> {
    return this.db.selectFrom('registry_requests').selectAll().where('request_key', '=', requestKey).orderBy('generation', 'desc').limit(1).executeTakeFirst();
  }

  /** The newest generation of each of these request keys that was ever asked for, by key (bulk runs). */
  async latestRequests(requestKeys: string[]): Promise<Map<string, RequestRow>> {
    const out = new Map<string, RequestRow>();
    // PostgreSQL takes the keys as one array (cheaper to parse and plan than a long IN list); SQLite in chunks under its parameter limit.
    const pg = this.database.dialect === 'postgres';
    for (let i = 0; i < requestKeys.length; i += pg ? 4096 : 500) {
      const chunk = requestKeys.slice(i, i + (pg ? 4096 : 500));
      const query = this.db.selectFrom('registry_requests').selectAll();
      for (const row of await (pg ? query.where(sql<boolean>`request_key = ANY(${chunk}::text[])`) : query.where('request_key', 'in', chunk)).execute()) {
        const seen = out.get(row.request_key);
        if (!seen || row.generation > seen.generation) out.set(row.request_key, row);
      }
    }
    return out;
  }

  requestAt(requestKey: string, generation: number): Promise<RequestRow | undefined> {
    return this.db.selectFrom('registry_requests').selectAll().where('request_key', '=', requestKey).where('generation', '=', generation).executeTakeFirst();
  }

  /** The requests behind these registrations (sequencing checks their seals; audits too). */
  async requestsFor(ids: string[], executor: Executor = this.db): Promise<Map<string, RequestRow>> {
    const out = new Map<string, RequestRow>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await executor.selectFrom('registry_requests').selectAll().where('registration_id', 'in', ids.slice(i, i + 500)).execute()) out.set(row.registration_id, row);
    }
    return out;
  }

  /** A user's registrations of a work, newest first, with the file and role each was for. */
  requestsOfWork(workId: string, userId: string): Promise<RequestRow[]> {
    return this.db.selectFrom('registry_requests').selectAll().where('work_id', '=', workId).where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  }

  /** Moves pending rows the sequencer refused out of its way, keeping them for the audit. */
  async rejectPending(trx: Transaction<DB>, rows: { row: PendingRow; reason: string }[], at: string): Promise<void> {
    if (rows.length === 0) return;
    for (let i = 0; i < rows.length; i += 100) {
      await trx.insertInto('registry_rejected').values(rows.slice(i, i + 100).map(({ row, reason }) => ({ id: row.id, entry: row.entry, work_id: row.work_id, user_id: row.user_id, created_at: row.created_at, reason, rejected_at: at }))).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
    await this.deletePending(trx, rows.map((r) => r.row.id));
  }

  /** Row counts for the registry's health: checkpoints (and the latest one's time), refused pending rows, the oldest waiting row. */
  async counts(): Promise<{ checkpoints: number; rejected: number; lastCheckpointAt: string | null; oldestPendingAt: string | null }> {
    const c = await this.db.selectFrom('registry_checkpoints').select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('created_at').as('last')]).executeTakeFirstOrThrow();
    const r = await this.db.selectFrom('registry_rejected').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const p = await this.db.selectFrom('registry_pending').select((eb) => eb.fn.min('created_at').as('oldest')).executeTakeFirstOrThrow();
    const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
    return { checkpoints: Number(c.n), rejected: Number(r.n), lastCheckpointAt: iso(c.last), oldestPendingAt: iso(p.oldest) };
  }

  rejected(): Promise<Selectable<DB['registry_rejected']>[]> {
    return this.db.selectFrom('registry_rejected').selectAll().orderBy('rejected_at').execute();
  }

  allPending(): Promise<PendingRow[]> {
    return this.db.selectFrom('registry_pending').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async countPending(): Promise<number> {
    const row = await this.db.selectFrom('registry_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Locks the tree for this transaction and returns its size and root. On PostgreSQL the row lock
   * makes concurrent sequencers wait; SQLite allows one writer at a time anyway. The lease is read
   * under the same lock, so nobody can take it over until this transaction ends (fencing).
   */
  async lockState(trx: Transaction<DB>): Promise<{ size: number; rootHash: string; leaseHolder: string | null; leaseUntil: string | null }> {
    if (this.database.dialect === 'sqlite') {
      // Take the write lock now rather than at the first write, so two sequencers never both read the old size.
      await sql`UPDATE registry_state SET id = id WHERE id = 1`.execute(trx);
    }
    let query = trx.selectFrom('registry_state').select(['size', 'root_hash', 'sequencer_holder', 'sequencer_lease_until']).where('id', '=', 1);
    if (this.database.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { size: Number(row.size), rootHash: row.root_hash, leaseHolder: row.sequencer_holder, leaseUntil: row.sequencer_lease_until };
  }

  /**
   * Takes or renews the sequencer's lease for `holder` until `until`: granted when nobody holds it,
   * `holder` already does, or the holder's lease ran out (it died). One conditional UPDATE, so two
   * processes asking at once cannot both get it.
   */
  async takeSequencerLease(holder: string, now: Date, until: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('registry_state')
      .set({ sequencer_holder: holder, sequencer_lease_until: until.toISOString() })
      .where('id', '=', 1)
      .where((eb) => eb.or([eb('sequencer_holder', 'is', null), eb('sequencer_holder', '=', holder), eb('sequencer_lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up (a clean stop), so another worker takes over without waiting for it to run out. */
  async releaseSequencerLease(holder: string): Promise<void> {
    await this.db.updateTable('registry_state').set({ sequencer_holder: null, sequencer_lease_until: null }).where('id', '=', 1).where('sequencer_holder', '=', holder).execute();
  }

  /** Who holds the sequencer's lease and until when (null: nobody). */
  async sequencerLease(): Promise<{ holder: string; until: string } | null> {
    const row = await this.db.selectFrom('registry_state').select(['sequencer_holder', 'sequencer_lease_until']).where('id', '=', 1).executeTakeFirstOrThrow();
    return row.sequencer_holder && row.sequencer_lease_until ? { holder: row.sequencer_holder, until: row.sequencer_lease_until } : null;
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
    await this.insertRows(trx, 'registry_entries', rows);
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

  /** The checkpoint with the highest history number (the one a new checkpoint links to). */
  lastInHistory(trx: Transaction<DB>): Promise<CheckpointRow | undefined> {
    return trx.selectFrom('registry_checkpoints').selectAll().where('seq', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  }

  /** Checkpoints signed before the history existed (0009), oldest first. */
  outsideHistory(trx: Transaction<DB>): Promise<CheckpointRow[]> {
    return trx.selectFrom('registry_checkpoints').selectAll().where('seq', 'is', null).orderBy('size').execute();
  }

  async setHistory(trx: Transaction<DB>, size: number, seq: number, history: string): Promise<void> {
    await trx.updateTable('registry_checkpoints').set({ seq, history }).where('size', '=', size).execute();
  }

  /** Pending registrations whose request has no seal yet (made before 0009). */
  async unsealedPending(trx: Transaction<DB>): Promise<{ row: PendingRow; request: RequestRow }[]> {
    const rows = await trx
      .selectFrom('registry_pending')
      .innerJoin('registry_requests', 'registry_requests.registration_id', 'registry_pending.id')
      .selectAll('registry_pending')
      .select(['registry_requests.request_key', 'registry_requests.generation', 'registry_requests.file_sha256', 'registry_requests.role', 'registry_requests.seal', 'registry_requests.created_at as request_created_at', 'registry_requests.registration_id', 'registry_requests.work_id as request_work_id', 'registry_requests.user_id as request_user_id'])
      .where('registry_requests.seal', 'is', null)
      .execute();
    return rows.map((r) => ({
      row: { id: r.id, entry: r.entry, work_id: r.work_id, user_id: r.user_id, created_at: r.created_at },
      request: { request_key: r.request_key, generation: r.generation, registration_id: r.registration_id, work_id: r.request_work_id, user_id: r.request_user_id, file_sha256: r.file_sha256, role: r.role, seal: r.seal, created_at: r.request_created_at },
    }));
  }

  async setSeal(trx: Transaction<DB>, registrationId: string, seal: string): Promise<void> {
    await trx.updateTable('registry_requests').set({ seal }).where('registration_id', '=', registrationId).execute();
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

  /**
   * The opening of a sealed entry. Not durable on its own: it is written just before its pending row,
   * whose durable commit flushes it too (one log, in order), so a pending row never outlives it.
   */
  async insertOpening(row: OpeningRow): Promise<void> {
    await this.db.insertInto('registry_openings').values(row).execute();
  }

  /** Drops the opening of a registration that was not accepted after all. */
  async deleteOpening(registrationId: string): Promise<void> {
    await this.db.deleteFrom('registry_openings').where('registration_id', '=', registrationId).execute();
  }

  openingOf(registrationId: string): Promise<OpeningRow | undefined> {
    return this.db.selectFrom('registry_openings').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
  }

  /** Openings of many registrations (audits), by registration id. */
  async openingsOf(registrationIds: string[]): Promise<Map<string, OpeningRow>> {
    const out = new Map<string, OpeningRow>();
    for (let i = 0; i < registrationIds.length; i += 500) {
      const rows = await this.db.selectFrom('registry_openings').selectAll().where('registration_id', 'in', registrationIds.slice(i, i + 500)).execute();
      for (const row of rows) out.set(row.registration_id, row);
    }
    return out;
  }
}

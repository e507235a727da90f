import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { AuditAnchorsTable, AuditRecordsTable } from '../platform/db/schema.js';
import { chainRecord, type AuditRecord } from './audit-chain.js';

export type AuditRecordRow = Selectable<AuditRecordsTable>;
export type AuditAnchorRow = Selectable<AuditAnchorsTable>;

/** What a list of the trail may be narrowed to; `before` is the keyset cursor (a seq). */
export interface AuditFilter {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  before?: number;
}

// 12 parameters a row: 1,000 rows stay under SQLite's and PostgreSQL's limits on one statement.
const ROWS_PER_INSERT = 1000;

/** Stored row → chain record. */
export function fromRow(row: AuditRecordRow): AuditRecord {
  return { seq: Number(row.seq), at: row.at, actor: row.actor, action: row.action, targetType: row.target_type, targetId: row.target_id, outcome: row.outcome, details: row.details, ip: row.ip, prevHash: row.prev_hash, hash: row.hash };
}

function toRow(record: AuditRecord): AuditRecordRow {
  return { seq: record.seq, at: record.at, actor: record.actor, action: record.action, target_type: record.targetType, target_id: record.targetId, outcome: record.outcome, details: record.details, ip: record.ip, prev_hash: record.prevHash, hash: record.hash };
}

/** The only SQL over the audit trail. */
export class AuditRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Chains and inserts a batch in one transaction. The state row is written first: that takes
   * SQLite's write lock (a second process waits on its busy timeout instead of failing on a stale
   * read) and PostgreSQL's row lock (a second app instance waits), so the head read next is the
   * real one and two processes can never chain onto the same record.
   */
  async append(entries: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>[], now: string): Promise<AuditRecord[]> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('audit_state').set({ updated_at: now }).where('id', '=', 1).execute();
      const state = await trx.selectFrom('audit_state').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      let head = { seq: Number(state.seq), hash: state.hash };
      const records: AuditRecord[] = [];
      for (const entry of entries) {
        const record = chainRecord(head, entry);
        records.push(record);
        head = record;
      }
      for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
        await trx.insertInto('audit_records').values(records.slice(i, i + ROWS_PER_INSERT).map(toRow)).execute();
      }
      await trx.updateTable('audit_state').set({ seq: head.seq, hash: head.hash, updated_at: now }).where('id', '=', 1).execute();
      return records;
    });
  }

  /** Inserts records already chained (the benchmark's fast seeding), moving the head to the last. */
  async insertChained(records: AuditRecord[], now: string): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += ROWS_PER_INSERT) await trx.insertInto('audit_records').values(records.slice(i, i + ROWS_PER_INSERT).map(toRow)).execute();
      const last = records[records.length - 1]!;
      await trx.updateTable('audit_state').set({ seq: last.seq, hash: last.hash, updated_at: now }).where('id', '=', 1).execute();
    });
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const state = await this.db.selectFrom('audit_state').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(state.seq), hash: state.hash };
  }

  /** Records after `afterSeq` up to `toSeq`, in seq order: one page of a streaming check. */
  async page(afterSeq: number, toSeq: number, limit: number): Promise<AuditRecordRow[]> {
    return this.db.selectFrom('audit_records').selectAll().where('seq', '>', afterSeq).where('seq', '<=', toSeq).orderBy('seq').limit(limit).execute();
  }

  /**
   * Every record after `afterSeq` up to `toSeq` in seq order, in chunks (never all in memory; a chunk
   * rather than a row per step, since an async step per row costs more than hashing it). SQLite
   * streams each page of `pageSize` (half the time of materialising it: less garbage); PostgreSQL (no
   * cursor driver here) reads the next page while the caller works through this one.
   */
  async *records(afterSeq: number, toSeq: number, pageSize: number): AsyncGenerator<AuditRecordRow[]> {
    let after = afterSeq;
    if (this.database.dialect === 'sqlite') {
      while (after < toSeq) {
        const start = after;
        let chunk: AuditRecordRow[] = [];
        for await (const row of this.db.selectFrom('audit_records').selectAll().where('seq', '>', start).where('seq', '<=', toSeq).orderBy('seq').limit(pageSize).stream(1000)) {
          chunk.push(row);
          if (chunk.length === 1000) {
            yield chunk;
            chunk = [];
          }
          after = Number(row.seq);
        }
        if (chunk.length > 0) yield chunk;
        if (after === start) return;
      }
      return;
    }
    let next: Promise<AuditRecordRow[]> | null = after < toSeq ? this.page(after, toSeq, pageSize) : null;
    try {
      while (next) {
        const rows = await next;
        next = null;
        if (rows.length === 0) return;
        after = Number(rows[rows.length - 1]!.seq);
        if (after < toSeq) next = this.page(after, toSeq, pageSize);
        yield rows;
      }
    } finally {
      // A page asked for ahead that is no longer wanted (the caller stopped) must not reject unheard.
      await next?.catch(() => undefined);
    }
  }

  async recordAt(seq: number): Promise<AuditRecordRow | undefined> {
    return this.db.selectFrom('audit_records').selectAll().where('seq', '=', seq).executeTakeFirst();
  }

  /** Newest first, keyset-paginated by seq. */
  async list(filter: AuditFilter, limit: number): Promise<AuditRecordRow[]> {
    let query = this.db.selectFrom('audit_records').selectAll();
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
    if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
    if (filter.since) query = query.where('at', '>=', filter.since);
    if (filter.until) query = query.where('at', '<', filter.until);
    if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
    return query.orderBy('seq', 'desc').limit(limit).execute();
  }

  async insertAnchor(row: AuditAnchorRow): Promise<void> {
    await this.db.insertInto('audit_anchors').values(row).onConflict((oc) => oc.column('seq').doNothing()).execute();
  }

  async latestAnchor(): Promise<AuditAnchorRow | undefined> {
    return this.db.selectFrom('audit_anchors').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  }
}

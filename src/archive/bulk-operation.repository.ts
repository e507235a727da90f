import type { Insertable, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { BulkOperationItemsTable, BulkOperationsTable, DB } from '../platform/db/schema.js';
import type { BulkCounts } from './bulk-operation.contract.js';
import type { Executor } from './work.repository.js';

export type BulkOperationRow = Selectable<BulkOperationsTable>;
export type BulkItemRow = Selectable<BulkOperationItemsTable>;

/** Rows per INSERT: well under both dialects' limits on bound parameters. */
const INSERT_BATCH = 500;

const emptyCounts = (total: number): BulkCounts => ({ total, pending: 0, done: 0, unchanged: 0, skipped: 0, failed: 0 });

/** The only SQL over bulk operations and their items. */
export class BulkOperationRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async insertOperation(trx: Executor, row: Insertable<BulkOperationsTable>, items: Insertable<BulkOperationItemsTable>[]): Promise<void> {
    await trx.insertInto('bulk_operations').values(row).execute();
    for (let i = 0; i < items.length; i += INSERT_BATCH) {
      await trx.insertInto('bulk_operation_items').values(items.slice(i, i + INSERT_BATCH)).execute();
    }
  }

  findOperation(id: string): Promise<(BulkOperationRow & { actor_name: string | null }) | undefined> {
    return this.db
      .selectFrom('bulk_operations')
      .leftJoin('users', 'users.id', 'bulk_operations.actor_id')
      .selectAll('bulk_operations')
      .select('users.username as actor_name')
      .where('bulk_operations.id', '=', id)
      .executeTakeFirst();
  }

  /** The newest operations, of one actor or (null) everyone's. */
  listOperations(actorId: string | null, limit: number): Promise<(BulkOperationRow & { actor_name: string | null })[]> {
    let query = this.db.selectFrom('bulk_operations').leftJoin('users', 'users.id', 'bulk_operations.actor_id').selectAll('bulk_operations').select('users.username as actor_name');
    if (actorId !== null) query = query.where('bulk_operations.actor_id', '=', actorId);
    return query.orderBy('bulk_operations.created_at', 'desc').orderBy('bulk_operations.id', 'desc').limit(limit).execute();
  }

  /** Items per status of each operation (counted from the items, so progress never drifts from the truth). */
  async counts(operations: Pick<BulkOperationRow, 'id' | 'total'>[]): Promise<Map<string, BulkCounts>> {
    const out = new Map(operations.map((op) => [op.id, emptyCounts(op.total)]));
    if (operations.length === 0) return out;
    const rows = await this.db
      .selectFrom('bulk_operation_items')
      .select(['operation_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('operation_id', 'in', operations.map((op) => op.id))
      .groupBy(['operation_id', 'status'])
      .execute();
    for (const row of rows) {
      const counts = out.get(row.operation_id);
      if (counts && row.status in counts && row.status !== 'total') counts[row.status as Exclude<keyof BulkCounts, 'total'>] = Number(row.n);
    }
    return out;
  }

  /** The next items still to do, in selection order. */
  pendingItems(operationId: string, limit: number): Promise<BulkItemRow[]> {
    return this.db.selectFrom('bulk_operation_items').selectAll().where('operation_id', '=', operationId).where('status', '=', 'pending').orderBy('position').limit(limit).execute();
  }

  /** Records an item's result; only a pending item changes (a re-run never rewrites a finished one). */
  async finishItem(operationId: string, position: number, changes: Pick<Updateable<BulkOperationItemsTable>, 'status' | 'reason' | 'previous' | 'version'>, executor: Executor = this.db): Promise<void> {
    await executor
      .updateTable('bulk_operation_items')
      .set({ ...changes, updated_at: new Date().toISOString() })
      .where('operation_id', '=', operationId)
      .where('position', '=', position)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Skips every pending item with the same reason (the actor may no longer run the operation). */
  async skipPending(operationId: string, reason: string): Promise<void> {
    await this.db.updateTable('bulk_operation_items').set({ status: 'skipped', reason, updated_at: new Date().toISOString() }).where('operation_id', '=', operationId).where('status', '=', 'pending').execute();
  }

  /** Skipped and failed items, in selection order, and how many there are. */
  async problems(operationId: string, limit: number): Promise<{ rows: BulkItemRow[]; total: number }> {
    const base = this.db.selectFrom('bulk_operation_items').where('operation_id', '=', operationId).where('status', 'in', ['skipped', 'failed']);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('position').limit(limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** The items that changed their work (what an undo puts back), in selection order. */
  doneItems(operationId: string, executor: Executor = this.db): Promise<Pick<BulkItemRow, 'work_id' | 'previous' | 'version'>[]> {
    return executor.selectFrom('bulk_operation_items').select(['work_id', 'previous', 'version']).where('operation_id', '=', operationId).where('status', '=', 'done').orderBy('position').execute();
  }

  async updateOperation(id: string, changes: Updateable<BulkOperationsTable>, onlyIfStatus?: readonly string[]): Promise<boolean> {
    let query = this.db.updateTable('bulk_operations').set(changes).where('id', '=', id);
    if (onlyIfStatus) query = query.where('status', 'in', [...onlyIfStatus]);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks an operation as undone by another, unless it is already (or not finished): false then. */
  async claimUndo(trx: Executor, id: string, undoId: string): Promise<boolean> {
    const result = await trx
      .updateTable('bulk_operations')
      .set({ status: 'undone', undone_by: undoId })
      .where('id', '=', id)
      .where('status', 'in', ['done', 'failed'])
      .where('undone_by', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

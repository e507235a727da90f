import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { ThrottleState } from './login-throttle.js';

/** The only SQL over the sign-in throttle's table (`login_throttle`): one row per hashed key. */
export class LoginThrottleRepository {
  constructor(private readonly database: Database) {}

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(fn);
  }

  /**
   * The states of `keys`, locked for the rest of the transaction: on PostgreSQL each row is made if
   * missing and taken FOR UPDATE, in sorted order so two sign-ins never wait on each other in a
   * circle; SQLite runs one write transaction at a time anyway.
   */
  async lock(trx: Transaction<DB>, keys: string[]): Promise<Map<string, ThrottleState>> {
    const out = new Map<string, ThrottleState>();
    const epoch = new Date(0).toISOString();
    for (const key of [...new Set(keys)].sort()) {
      await trx.insertInto('login_throttle').values({ key, failures: 0, failed_at: epoch, ticket_at: null, expires_at: epoch }).onConflict((oc) => oc.column('key').doNothing()).execute();
      let query = trx.selectFrom('login_throttle').select(['failures', 'failed_at', 'ticket_at']).where('key', '=', key);
      if (this.database.dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirstOrThrow();
      out.set(key, { failures: Number(row.failures), failedAt: Date.parse(row.failed_at), ticketAt: row.ticket_at === null ? null : Date.parse(row.ticket_at) });
    }
    return out;
  }

  async save(db: Kysely<DB>, key: string, state: ThrottleState, expiresAt: number): Promise<void> {
    await db
      .updateTable('login_throttle')
      .set({ failures: state.failures, failed_at: new Date(state.failedAt).toISOString(), ticket_at: state.ticketAt === null ? null : new Date(state.ticketAt).toISOString(), expires_at: new Date(expiresAt).toISOString() })
      .where('key', '=', key)
      .execute();
  }

  async remove(db: Kysely<DB>, key: string): Promise<void> {
    await db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  /** Deletes rows that say nothing any more; returns how many. */
  async prune(now: number): Promise<number> {
    const result = await this.database.db.deleteFrom('login_throttle').where('expires_at', '<', new Date(now).toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async count(): Promise<number> {
    const row = await this.database.db.selectFrom('login_throttle').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

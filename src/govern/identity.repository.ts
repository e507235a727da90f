import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { ApiTokensTable, DB, UsersTable } from '../platform/db/schema.js';

export type UserRow = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

/** The only SQL over users, sessions and API tokens. */
export class IdentityRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async insertUser(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  listUsers(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('username').execute();
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async updateUser(id: string, changes: Partial<Pick<UserRow, 'role' | 'disabled' | 'display_name' | 'password_hash' | 'preferred_lang' | 'country'>>, now: string): Promise<void> {
    await this.db.updateTable('users').set({ ...changes, updated_at: now }).where('id', '=', id).execute();
  }

  /**
   * Disables an account and, in the same transaction, revokes every API token it holds and ends
   * its sessions: enabling it again later gives back the account, not the old credentials.
   */
  async disableUser(id: string, changes: Partial<Pick<UserRow, 'role' | 'display_name' | 'country'>>, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ ...changes, disabled: 1, updated_at: now }).where('id', '=', id).execute();
      await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
  }

  /**
   * Opens a session unless the account is disabled by now. The user row is locked (PostgreSQL;
   * SQLite writes one at a time), so a disable running at the same moment either sees this session
   * and ends it, or commits first and this one is refused — never a session that outlives it.
   */
  async insertSessionIfActive(row: { token_hash: string; user_id: string; created_at: string; expires_at: string; last_seen_at?: string | null; ip?: string | null; user_agent?: string | null }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockActiveUser(trx, row.user_id))) return false;
      await trx.insertInto('sessions').values(row).execute();
      return true;
    });
  }

  findSessionUser(tokenHash: string, now: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends the user's sessions, all but `keepTokenHash` when given. */
  async deleteSessionsOf(userId: string, keepTokenHash?: string): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepTokenHash !== undefined) query = query.where('token_hash', '!=', keepTokenHash);
    await query.execute();
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }

  /** Stores a new API token unless the account is disabled by now (the same lock as insertSessionIfActive). */
  async insertApiTokenIfActive(row: ApiTokenRow): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockActiveUser(trx, row.user_id))) return false;
      await trx.insertInto('api_tokens').values(row).execute();
      return true;
    });
  }

  private async lockActiveUser(trx: Transaction<DB>, userId: string): Promise<boolean> {
    let query = trx.selectFrom('users').select('disabled').where('id', '=', userId);
    if (this.database.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row !== undefined && row.disabled === 0;
  }

  findApiTokenUser(tokenHash: string): Promise<(UserRow & { token_id: string }) | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select('api_tokens.id as token_id')
      .where('api_tokens.token_hash', '=', tokenHash)
      .where('api_tokens.revoked_at', 'is', null)
      .executeTakeFirst();
  }

  async touchApiToken(id: string, now: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  listApiTokens(userId: string): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  }

  async revokeApiToken(id: string, userId: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

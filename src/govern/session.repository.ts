import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { SessionsTable } from '../platform/db/schema.js';

export type SessionRow = Selectable<SessionsTable>;

/** The SQL a person's list of their own sessions needs (opening and resolving them stays in IdentityRepository). */
export class SessionRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  listSessions(userId: string, now: string): Promise<SessionRow[]> {
    return this.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).where('expires_at', '>', now).orderBy('created_at', 'desc').execute();
  }

  async deleteSession(userId: string, tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '=', tokenHash).execute();
  }

  /** At most once a minute per session, so browsing does not turn every read into a write. */
  async touchSession(tokenHash: string, now: string, staleBefore: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', staleBefore)]))
      .execute();
  }
}

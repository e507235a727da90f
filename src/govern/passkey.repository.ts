import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { PasskeyChallengesTable, UserPasskeysTable } from '../platform/db/schema.js';

export type PasskeyRow = Selectable<UserPasskeysTable>;
export type PasskeyChallengeRow = Selectable<PasskeyChallengesTable>;

/**
 * How long a used or expired challenge is kept, so a replay is told apart from a made-up one; short,
 * since anyone may ask for passwordless options (and the table must not grow with a flood of them).
 */
const CHALLENGE_KEEP_MS = 3_600_000;

/** The only SQL over passkeys and their ceremonies' challenges. */
export class PasskeyRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  listByUser(userId: string): Promise<PasskeyRow[]> {
    return this.db.selectFrom('user_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'asc').execute();
  }

  async countByUser(userId: string): Promise<number> {
    const row = await this.db.selectFrom('user_passkeys').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findByCredentialId(credentialId: string): Promise<PasskeyRow | undefined> {
    return this.db.selectFrom('user_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  }

  /** False when the credential is registered already (to this or another account). */
  async insert(row: PasskeyRow): Promise<boolean> {
    const result = await this.db.insertInto('user_passkeys').values(row).onConflict((oc) => oc.column('credential_id').doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const result = await this.db.updateTable('user_passkeys').set({ name }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('user_passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async removeAllOf(userId: string): Promise<void> {
    await this.db.deleteFrom('user_passkeys').where('user_id', '=', userId).execute();
  }

  /**
   * Records a use with the authenticator's new counter, unless another request recorded one at
   * least as high meanwhile (the conditional update makes a replayed or cloned signature lose).
   * A counter of 0 (authenticators that keep none) always passes when the stored one is 0 too.
   */
  async recordUse(id: string, counter: number, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('user_passkeys')
      .set({ counter, last_used_at: now })
      .where('id', '=', id)
      .where((eb) => (counter === 0 ? eb('counter', '=', 0) : eb('counter', '<', counter)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async insertChallenge(row: Omit<PasskeyChallengeRow, 'used_at'>, now: string): Promise<void> {
    // Old challenges are swept on the way, so the table stays small without a job.
    await this.db.deleteFrom('passkey_challenges').where('expires_at', '<=', new Date(Date.parse(now) - CHALLENGE_KEEP_MS).toISOString()).execute();
    await this.db.insertInto('passkey_challenges').values({ ...row, used_at: null }).execute();
  }

  findChallenge(challengeHash: string): Promise<PasskeyChallengeRow | undefined> {
    return this.db.selectFrom('passkey_challenges').selectAll().where('challenge_hash', '=', challengeHash).executeTakeFirst();
  }

  /** Uses a live challenge up; false when it is unknown, expired or was used (by another request too). */
  async useChallenge(challengeHash: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('passkey_challenges')
      .set({ used_at: now })
      .where('challenge_hash', '=', challengeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

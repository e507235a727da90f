import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { UserTotpTable } from '../platform/db/schema.js';

export type UserTotpRow = Selectable<UserTotpTable>;

const POLICY_KEY = 'govern.mfa_required_roles';

/** The only SQL over TOTP secrets, recovery codes, sign-in challenges and the two-factor policy. */
export class TwoFactorRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  findTotp(userId: string): Promise<UserTotpRow | undefined> {
    return this.db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** Starts (or restarts) an enrolment; a confirmed secret is never replaced here. */
  async savePendingTotp(userId: string, secretSealed: string, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
      if (existing?.confirmed_at) return false;
      await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await trx.insertInto('user_totp').values({ user_id: userId, secret_sealed: secretSealed, confirmed_at: null, last_step: null, created_at: now }).execute();
      return true;
    });
  }

  /** Activates a pending secret and replaces the recovery codes, in one transaction. */
  async confirmTotp(userId: string, step: number, codeHashes: string[], now: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('user_totp').set({ confirmed_at: now, last_step: step }).where('user_id', '=', userId).where('confirmed_at', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.insertInto('recovery_codes').values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
      return true;
    });
  }

  /**
   * Records an accepted step unless that step (or a later one) was accepted meanwhile: the
   * conditional update makes two requests racing with one code succeed at most once.
   */
  async advanceStep(userId: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable('user_totp')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteTotp(userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    });
  }

  /** Burns a recovery code; false when it is unknown or was used before. */
  async burnRecoveryCode(userId: string, codeHash: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async countRecoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertChallenge(challengeHash: string, userId: string, expiresAt: string, now: string): Promise<void> {
    // Expired challenges are swept on the way, so the table stays small without a job.
    await this.db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).execute();
    await this.db.insertInto('mfa_challenges').values({ challenge_hash: challengeHash, user_id: userId, expires_at: expiresAt }).execute();
  }

  findChallenge(challengeHash: string, now: string): Promise<{ user_id: string } | undefined> {
    return this.db.selectFrom('mfa_challenges').select('user_id').where('challenge_hash', '=', challengeHash).where('expires_at', '>', now).executeTakeFirst();
  }

  /** Uses a challenge up; false when another request used it first. */
  async deleteChallenge(challengeHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mfa_challenges').where('challenge_hash', '=', challengeHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async readPolicy(): Promise<string[]> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', POLICY_KEY).executeTakeFirst();
    return row ? (JSON.parse(row.value) as string[]) : [];
  }

  async writePolicy(roles: string[], now: string): Promise<void> {
    const value = JSON.stringify(roles);
    await this.db
      .insertInto('settings')
      .values({ key: POLICY_KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}

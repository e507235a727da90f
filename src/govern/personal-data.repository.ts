import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { paged, parseStoredJson, type ErasureContext, type ErasureVeto, type PersonalDataSource, type PersonalExport } from '../platform/personal-data.js';

/** No password hashes to this (argon2 refuses to parse it), so an erased account can never be signed into again. */
const UNUSABLE_HASH = '!erased';
const PAGE = 1000;

/**
 * Govern's part of the person's data: the account, its sessions, tokens and second factors, and the
 * audit records by or about them (export only: the trail is a hash chain and holds ids and
 * pseudonymised addresses only).
 */
export class GovernPersonalData implements PersonalDataSource {
  readonly name = 'govern';

  constructor(private readonly database: Database) {}

  private get db(): Kysely<DB> {
    return this.database.db;
  }

  async export(userId: string): Promise<PersonalExport> {
    const user = await this.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'disabled', 'preferred_lang', 'country', 'created_at', 'updated_at']).where('id', '=', userId).executeTakeFirst();
    const sessions = await this.db.selectFrom('sessions').select(['created_at', 'expires_at', 'last_seen_at', 'user_agent', 'ip']).where('user_id', '=', userId).execute();
    const apiTokens = await this.db.selectFrom('api_tokens').select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).execute();
    const totp = await this.db.selectFrom('user_totp').select(['confirmed_at', 'created_at']).where('user_id', '=', userId).executeTakeFirst();
    return {
      account: { user, sessions, apiTokens, twoFactor: totp ? { enabled: totp.confirmed_at !== null, since: totp.confirmed_at ?? totp.created_at } : { enabled: false, since: null } },
      events: { auditRecords: this.auditRecords(userId) },
    };
  }

  /** Audit records by or about the person, oldest first (addresses are already pseudonymised in the trail). */
  private auditRecords(userId: string) {
    return paged(
      (after) =>
        this.db
          .selectFrom('audit_records')
          .select(['seq', 'at', 'actor', 'action', 'target_type', 'target_id', 'outcome', 'details', 'ip'])
          .where((eb) => eb.or([eb('actor', '=', userId), eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', userId)])]))
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(PAGE)
          .execute(),
      (row) => Number(row.seq),
      (row) => ({ seq: Number(row.seq), at: row.at, actor: row.actor, action: row.action, target: { type: row.target_type, id: row.target_id }, outcome: row.outcome, details: parseStoredJson(row.details), ipPseudonym: row.ip }),
      PAGE,
    );
  }

  async namesOf(userId: string): Promise<string[]> {
    const user = await this.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', userId).executeTakeFirst();
    return [user?.username, user?.display_name].filter((n): n is string => Boolean(n && n.trim()));
  }

  /** An unknown account, or the last active admin, is not erased. */
  async veto(trx: Transaction<DB>, userId: string): Promise<ErasureVeto | null> {
    const user = await trx.selectFrom('users').select(['role']).where('id', '=', userId).executeTakeFirst();
    if (!user) return 'unknown_user';
    if (user.role !== 'admin') return null;
    const others = await trx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('disabled', '=', 0).where('id', '!=', userId).executeTakeFirstOrThrow();
    return Number(others.n) === 0 ? 'last_admin' : null;
  }

  /** Disables the account and ends every way in (sessions, API tokens), in the caller's transaction. */
  async lockOut(trx: Transaction<DB>, userId: string, now: string): Promise<void> {
    await trx.updateTable('users').set({ disabled: 1, updated_at: now }).where('id', '=', userId).execute();
    await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  readonly erase = {
    /** The account row keeps its id (records refer to it) and loses everything else; every credential goes. */
    account: async (userId: string, context: ErasureContext): Promise<void> => {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ username: context.placeholder, display_name: context.placeholder, password_hash: UNUSABLE_HASH, preferred_lang: null, country: null, disabled: 1, updated_at: context.now }).where('id', '=', userId).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
        await trx.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
        await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        await trx.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
        await trx.deleteFrom('user_passkeys').where('user_id', '=', userId).execute();
        await trx.deleteFrom('passkey_challenges').where('user_id', '=', userId).execute();
      });
    },
  };

  /** Expired sessions and sign-in throttle rows, every run. */
  async purge(now: Date): Promise<Record<string, number>> {
    const at = now.toISOString();
    const sessions = await this.db.deleteFrom('sessions').where('expires_at', '<', at).executeTakeFirst();
    const throttle = await this.db.deleteFrom('login_throttle').where('expires_at', '<', at).executeTakeFirst();
    return { sessions: Number(sessions.numDeletedRows), loginThrottle: Number(throttle.numDeletedRows) };
  }
}

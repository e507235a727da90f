import { createHash } from 'node:crypto';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId, newSecret } from '../platform/ids.js';
import type { ApiToken, PublicUser } from './identity.contract.js';
import type { ApiTokenRow, IdentityRepository, UserRow } from './identity.repository.js';
import type { SignInThrottle } from './login-throttle.service.js';
import { hashPassword, passwordError, verifyPassword } from './password.js';
import { ROLES, type Actor, type Role } from './roles.js';

export type { PublicUser };

/** Who is signing in from where: the address feeds the throttle; both are shown in the owner's session list. */
export interface SignInClient {
  ip: string;
  userAgent?: string | undefined;
}

/** The second factors an account can prove: a code from an authenticator app, a passkey. */
export type SecondFactorKind = 'totp' | 'passkey';

/** The second factor as sign-in needs it (TwoFactorService and passkeys); without it, passwords alone sign in. */
export interface SecondFactorGate {
  /** The account's second factors; none: the password alone signs in. */
  factorsOf(userId: string): Promise<SecondFactorKind[]>;
  createChallenge(userId: string): Promise<string>;
}

/** A right password opens a session, or (with a second factor) yields a challenge for the second step. */
export type LoginResult = { token: string; user: PublicUser; expiresAt: Date } | { mfaRequired: true; challenge: string; factors: SecondFactorKind[] };

const USERNAME = /^[\p{L}\p{N}_.-]{2,64}$/u;

/**
 * The disabled account that command-line imports are recorded under (works and versions must name a
 * user row). It is no person, so the list of users leaves it out; an active account of that name is
 * someone's and is listed.
 */
export const CLI_USERNAME = 'cli';

function isInternalAccount(row: UserRow): boolean {
  return row.username === CLI_USERNAME && row.disabled === 1;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    disabled: row.disabled === 1,
    preferredLang: row.preferred_lang,
    createdAt: row.created_at,
    country: row.country ?? null,
  };
}

function actorOf(row: UserRow): Actor {
  return { kind: 'user', id: row.id, username: row.username, role: row.role as Role };
}

/** Accounts, passwords, browser sessions and API tokens. */
export class IdentityService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly options: { sessionTtlHours: number },
    /** Sign-in throttling by account and client; without it (tools, tests) sign-in is not throttled. */
    private readonly throttle: SignInThrottle | null = null,
    private readonly secondFactor: SecondFactorGate | null = null,
  ) {}

  async createUser(input: { username: string; password: string; role: Role; displayName?: string }): Promise<PublicUser> {
    const username = input.username.trim().normalize('NFC');
    if (!USERNAME.test(username)) throw CommonErrors.invalid('username must be 2–64 letters, digits, ".", "_" or "-"', { key: 'user.username_invalid', params: { min: 2, max: 64 } });
    if (!ROLES.includes(input.role)) throw CommonErrors.invalid(`role must be one of ${ROLES.join(', ')}`, { key: 'user.role_invalid', params: { role: String(input.role) } });
    const problem = passwordError(input.password);
    if (problem) throw problem;
    if (await this.repo.findUserByUsername(username)) throw CommonErrors.conflict(`username "${username}" is taken`, { key: 'user.username_taken', params: { username } });
    const now = new Date().toISOString();
    const row: UserRow = {
      id: newId(),
      username,
      display_name: input.displayName?.trim() || username,
      password_hash: await hashPassword(input.password),
      role: input.role,
      disabled: 0,
      preferred_lang: null,
      created_at: now,
      updated_at: now,
      country: null,
    };
    await this.repo.insertUser(row);
    return toPublicUser(row);
  }

  async hasAnyUser(): Promise<boolean> {
    return (await this.repo.countUsers()) > 0;
  }

  /**
   * Checks a password and opens a session; the same message for unknown users and wrong passwords.
   * `client.ip` (the requester's address) puts the check behind the sign-in throttle: too many
   * failures answer rate_limited with the seconds to wait, before the password is even checked.
   */
  async login(username: string, password: string, client?: SignInClient): Promise<LoginResult> {
    if (!this.throttle || !client) return this.checkAndOpenSession(username, password, client);
    return this.throttle.guard(username, client.ip, () => this.checkAndOpenSession(username, password, client), (error) => error instanceof AppError && error.code === 'bad_credentials');
  }

  private async checkAndOpenSession(username: string, password: string, client?: SignInClient): Promise<LoginResult> {
    const row = await this.repo.findUserByUsername(username.trim().normalize('NFC'));
    // Verify against a dummy hash when the user is unknown so timing does not reveal which usernames exist.
    const ok = row ? await verifyPassword(row.password_hash, password) : await verifyPassword(await getDummyHash(), password);
    if (!row || !ok || row.disabled === 1) throw new AppError('bad_credentials', 'wrong username or password', { key: 'auth.bad_credentials' });
    // Two-factor on: no session yet, only a short-lived challenge for the second step.
    const factors = this.secondFactor ? await this.secondFactor.factorsOf(row.id) : [];
    if (this.secondFactor && factors.length > 0) return { mfaRequired: true, challenge: await this.secondFactor.createChallenge(row.id), factors };
    return this.openSession(row, client);
  }

  /** Opens a session for an account whose sign-in has been checked (password, and second factor when on). */
  async openSessionFor(userId: string, client?: SignInClient): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
    const row = await this.repo.findUserById(userId);
    if (!row || row.disabled === 1) throw new AppError('bad_credentials', 'wrong username or password', { key: 'auth.bad_credentials' });
    return this.openSession(row, client);
  }

  private async openSession(row: UserRow, client?: SignInClient): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
    const token = newSecret('wys');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.options.sessionTtlHours * 3_600_000);
    // Disabled while the password was being checked: no session (re-enabling must not revive one).
    const seen = { last_seen_at: now.toISOString(), ip: client?.ip ?? null, user_agent: client?.userAgent?.slice(0, 400) ?? null };
    if (!(await this.repo.insertSessionIfActive({ token_hash: tokenHash(token), user_id: row.id, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), ...seen }))) {
      throw new AppError('bad_credentials', 'wrong username or password', { key: 'auth.bad_credentials' });
    }
    return { token, user: toPublicUser(row), expiresAt };
  }

  async logout(token: string): Promise<void> {
    await this.repo.deleteSession(tokenHash(token));
  }

  /** Resolves a session cookie to an actor, or null when it is unknown, expired or disabled. */
  async actorForSession(token: string): Promise<Actor | null> {
    const row = await this.repo.findSessionUser(tokenHash(token), new Date().toISOString());
    if (!row || row.disabled === 1) return null;
    return actorOf(row);
  }

  /** Resolves an API token (Authorization: Bearer) to an actor. */
  async actorForApiToken(token: string): Promise<Actor | null> {
    const row = await this.repo.findApiTokenUser(tokenHash(token));
    if (!row || row.disabled === 1) return null;
    await this.repo.touchApiToken(row.token_id, new Date().toISOString());
    return actorOf(row);
  }

  async createApiToken(userId: string, name: string): Promise<{ token: string; id: string }> {
    const cleanName = name.trim();
    if (!cleanName || cleanName.length > 100) throw CommonErrors.invalid('token name must be 1–100 characters', { key: 'token.name_length', params: { max: 100 } });
    const token = newSecret('wyt');
    const row: ApiTokenRow = {
      id: newId(),
      user_id: userId,
      name: cleanName,
      token_hash: tokenHash(token),
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    if (!(await this.repo.insertApiTokenIfActive(row))) throw CommonErrors.unauthenticated();
    return { token, id: row.id };
  }

  async listApiTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.repo.listApiTokens(userId);
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revoked: r.revoked_at !== null }));
  }

  async revokeApiToken(userId: string, tokenId: string): Promise<void> {
    if (!(await this.repo.revokeApiToken(tokenId, userId, new Date().toISOString()))) throw CommonErrors.notFound('api_token', { id: tokenId }, `API token ${tokenId} was not found`);
  }

  async findByUsername(username: string): Promise<PublicUser | null> {
    const row = await this.repo.findUserByUsername(username.trim().normalize('NFC'));
    return row ? toPublicUser(row) : null;
  }

  async getUser(id: string): Promise<PublicUser> {
    const row = await this.repo.findUserById(id);
    if (!row) throw CommonErrors.notFound('user', { id });
    return toPublicUser(row);
  }

  /** The people with accounts, for admins (the internal command-line account is not one). */
  async listUsers(): Promise<PublicUser[]> {
    return (await this.repo.listUsers()).filter((row) => !isInternalAccount(row)).map(toPublicUser);
  }

  /** Admin change of role or disabled flag; refuses to remove the last active admin. */
  async updateUser(id: string, changes: { role?: Role; disabled?: boolean; displayName?: string; password?: string; country?: string | null }): Promise<PublicUser> {
    const row = await this.repo.findUserById(id);
    if (!row) throw CommonErrors.notFound('user', { id });
    // Check everything before changing anything, so a bad password does not leave half an update.
    const badPassword = changes.password !== undefined ? passwordError(changes.password) : null;
    if (badPassword) throw badPassword;
    const losesAdmin = row.role === 'admin' && row.disabled === 0 && ((changes.role && changes.role !== 'admin') || changes.disabled === true);
    if (losesAdmin && (await this.repo.countActiveAdmins()) <= 1) throw CommonErrors.conflict('cannot remove the last active admin', { key: 'user.last_admin' });
    const fields = { ...(changes.role ? { role: changes.role } : {}), ...(changes.displayName ? { display_name: changes.displayName.trim() } : {}), ...(changes.country !== undefined ? { country: changes.country } : {}) };
    const now = new Date().toISOString();
    // Disabling revokes the account's API tokens for good (re-enabling must not revive them).
    if (changes.disabled === true) await this.repo.disableUser(id, fields, now);
    else await this.repo.updateUser(id, { ...fields, ...(changes.disabled === false ? { disabled: 0 } : {}) }, now);
    if (changes.password !== undefined) await this.changePassword(id, null, changes.password);
    if (changes.role) await this.repo.deleteSessionsOf(id);
    return this.getUser(id);
  }

  /** Sets a new password and ends the account's sessions, all but `keepSessionToken` (the one asking) when given. */
  async changePassword(id: string, current: string | null, next: string, keepSessionToken?: string): Promise<void> {
    const row = await this.repo.findUserById(id);
    if (!row) throw CommonErrors.notFound('user', { id });
    if (current !== null && !(await verifyPassword(row.password_hash, current))) throw new AppError('bad_credentials', 'current password is wrong', { key: 'auth.current_password_wrong' });
    const problem = passwordError(next);
    if (problem) throw problem;
    await this.repo.updateUser(id, { password_hash: await hashPassword(next) }, new Date().toISOString());
    await this.repo.deleteSessionsOf(id, keepSessionToken === undefined ? undefined : tokenHash(keepSessionToken));
  }

  /** Ends every session of an account (an admin's reset of its second factors). */
  async endSessionsOf(id: string): Promise<void> {
    await this.repo.deleteSessionsOf(id);
  }

  /** Checks an account's password (turning two-factor off with it). */
  async passwordMatches(id: string, password: string): Promise<boolean> {
    const row = await this.repo.findUserById(id);
    return row !== undefined && (await verifyPassword(row.password_hash, password));
  }
}

// A real hash of a random secret, computed once, so unknown usernames cost the same time as wrong passwords.
let dummyHash: Promise<string> | null = null;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(newSecret('dummy'));
  return dummyHash;
}

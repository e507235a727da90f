import { createHash } from 'node:crypto';
import { CommonErrors } from '../platform/errors.js';
import type { SessionRepository } from './session.repository.js';

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string | null;
  expiresAt: string;
  userAgent: string | null;
  /** Shown only to the session's owner (the only one who can list it). */
  ip: string | null;
  current: boolean;
}

/** The token's hash of a session cookie, as the sessions table keys it. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A session's public id: derived from the token's hash, so it names a session without being
 * usable as one (and needs no column of its own).
 */
export function sessionIdOf(tokenHash: string): string {
  return createHash('sha256').update(`session-id:${tokenHash}`).digest('hex').slice(0, 32);
}

const TOUCH_EVERY_MS = 60_000;

/** A person's own browser sessions: the list and revoking one (a password change ends the others: IdentityService). */
export class SessionService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly repo: SessionRepository,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async list(userId: string, currentToken: string | null): Promise<SessionView[]> {
    const current = currentToken ? sessionTokenHash(currentToken) : null;
    const rows = await this.repo.listSessions(userId, new Date(this.clock()).toISOString());
    return rows.map((row) => ({
      id: sessionIdOf(row.token_hash),
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      userAgent: row.user_agent,
      ip: row.ip,
      current: row.token_hash === current,
    }));
  }

  async revoke(userId: string, sessionId: string): Promise<void> {
    const rows = await this.repo.listSessions(userId, new Date(this.clock()).toISOString());
    const row = rows.find((r) => sessionIdOf(r.token_hash) === sessionId);
    if (!row) throw CommonErrors.notFound('session', { id: sessionId });
    await this.repo.deleteSession(userId, row.token_hash);
  }

  /**
   * Records that a session was used, at most once a minute: remembered here first, so most
   * requests write nothing (on SQLite even an UPDATE matching no row takes the write lock).
   */
  async touch(token: string): Promise<void> {
    const now = this.clock();
    const hash = sessionTokenHash(token);
    const last = this.touched.get(hash);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    // Bounded: forgetting only costs one more conditional write.
    if (this.touched.size >= 10_000) this.touched.clear();
    this.touched.set(hash, now);
    await this.repo.touchSession(hash, new Date(now).toISOString(), new Date(now - TOUCH_EVERY_MS).toISOString());
  }
}

import type { Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.js';
import type { ErrorParams } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Mailer } from '../platform/mail.js';
import type { ReviewRepository } from './review.repository.js';
import { mailFor } from './review-mail.js';

export interface NotificationView {
  id: string;
  kind: string;
  params: ErrorParams;
  createdAt: string;
  readAt: string | null;
}

/**
 * What people are told: a row they read in the interface (written in the transaction of what it
 * tells), and an email after the commit when SMTP is configured and they gave an address. A mail
 * that fails is logged, never an error of the decision it reports.
 */
export class NotificationService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly mailer: Mailer | null,
    private readonly onMailError: (error: unknown) => void = () => undefined,
  ) {}

  get mailConfigured(): boolean {
    return this.mailer !== null;
  }

  /** Writes the notification in `trx`; returns what to do once committed (send the email). */
  async notify(trx: Transaction<DB>, userId: string, kind: string, params: ErrorParams): Promise<() => void> {
    const now = new Date().toISOString();
    await this.repo.insertNotification(trx, { id: newId(), user_id: userId, kind, params: JSON.stringify(params), created_at: now, read_at: null });
    return () => void this.email(userId, kind, params).catch(this.onMailError);
  }

  /** Sends the email of a notification (nothing without a mailer or an address); resolves once the server took it. */
  async email(userId: string, kind: string, params: ErrorParams): Promise<boolean> {
    if (!this.mailer) return false;
    const to = await this.repo.emailOf(userId);
    if (!to) return false;
    await this.mailer.send({ to, ...mailFor(kind, params) });
    return true;
  }

  async list(userId: string, limit = 50): Promise<{ items: NotificationView[]; unread: number }> {
    const rows = await this.repo.notificationsOf(userId, limit);
    return {
      items: rows.map((r) => ({ id: r.id, kind: r.kind, params: JSON.parse(r.params) as ErrorParams, createdAt: r.created_at, readAt: r.read_at })),
      unread: await this.repo.unreadCount(userId),
    };
  }

  markRead(userId: string, ids: string[] | null): Promise<void> {
    return this.repo.markRead(userId, ids, new Date().toISOString());
  }

  async address(userId: string): Promise<{ email: string | null; mailConfigured: boolean }> {
    return { email: await this.repo.emailOf(userId), mailConfigured: this.mailConfigured };
  }

  async setAddress(userId: string, email: string | null): Promise<{ email: string | null; mailConfigured: boolean }> {
    await this.repo.setEmail(userId, email, new Date().toISOString());
    return this.address(userId);
  }
}

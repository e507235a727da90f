import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, NotificationsTable, ReviewChecksTable, ReviewDecisionsTable, ReviewItemsTable, ReviewReasonsTable, ReviewReportsTable } from '../platform/db/schema.js';

export type Executor = Kysely<DB> | Transaction<DB>;
export type ReviewItemRow = Selectable<ReviewItemsTable>;
export type ReviewCheckRow = Selectable<ReviewChecksTable>;
export type ReviewReportRow = Selectable<ReviewReportsTable>;
export type ReviewReasonRow = Selectable<ReviewReasonsTable>;
export type ReviewDecisionRow = Selectable<ReviewDecisionsTable>;
export type NotificationRow = Selectable<NotificationsTable>;

/** A queue row with what the list shows beside it (the work's title and visibility, people's names). */
export type QueueRow = ReviewItemRow & { metadata: string | null; visibility: string | null; submitter_name: string | null; claimer_name: string | null };

export interface QueueFilter {
  kind?: string;
  state?: string;
  stage?: string;
  claimedBy?: string;
  submitterId?: string;
  newestFirst?: boolean;
  /** Keyset: items after this (opened_at, id) in the page's order. */
  after?: { openedAt: string; id: string };
  limit: number;
}

const SETTINGS_KEY = 'review.settings';

/** The only SQL over the review queue, its checks, reports, reasons and notifications (a person's part on export and erasure: personal-data.repository.ts). */
export class ReviewRepository {
  constructor(private readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(fn);
  }

  async readSettings(executor: Executor = this.db): Promise<string | null> {
    const row = await executor.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
    return row?.value ?? null;
  }

  async writeSettings(value: string, now: string): Promise<void> {
    await this.db.insertInto('settings').values({ key: SETTINGS_KEY, value, updated_at: now }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now })).execute();
  }

  async insertItem(executor: Executor, row: ReviewItemRow): Promise<void> {
    await executor.insertInto('review_items').values(row).execute();
  }

  findItem(id: string, executor: Executor = this.db): Promise<ReviewItemRow | undefined> {
    return executor.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  openItemFor(executor: Executor, workId: string, kind: string): Promise<ReviewItemRow | undefined> {
    return executor.selectFrom('review_items').selectAll().where('work_id', '=', workId).where('kind', '=', kind).where('state', '=', 'open').executeTakeFirst();
  }

  latestSubmissionFor(workId: string): Promise<ReviewItemRow | undefined> {
    return this.db.selectFrom('review_items').selectAll().where('work_id', '=', workId).where('kind', '=', 'submission').orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  /** Takes the item for `reviewer` unless someone else holds an unexpired claim (one conditional UPDATE: two reviewers never both win). */
  async claim(id: string, reviewer: string, now: string, expiresAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('review_items')
      .set({ claimed_by: reviewer, claim_expires_at: expiresAt, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', reviewer), eb('claim_expires_at', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(id: string, reviewer: string, now: string): Promise<boolean> {
    const result = await this.db.updateTable('review_items').set({ claimed_by: null, claim_expires_at: null, updated_at: now }).where('id', '=', id).where('state', '=', 'open').where('claimed_by', '=', reviewer).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records a decision on an open item `reviewer` holds (claim unexpired); false when that no longer holds. */
  async decide(trx: Transaction<DB>, id: string, reviewer: string, now: string, changes: Pick<ReviewItemRow, 'decision' | 'reason_code' | 'reason_text'> & { first_decided_by?: string | null }): Promise<boolean> {
    const result = await trx
      .updateTable('review_items')
      .set({ ...changes, state: 'decided', decided_by: reviewer, decided_at: now, claimed_by: null, claim_expires_at: null, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .where('claimed_by', '=', reviewer)
      .where('claim_expires_at', '>=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertDecision(trx: Transaction<DB>, row: ReviewDecisionRow): Promise<void> {
    await trx.insertInto('review_decisions').values(row).execute();
  }

  /** Opens the appeal stage of a decided first-stage submission (false: it was appealed meanwhile). */
  async openAppeal(trx: Transaction<DB>, id: string, now: string, text: string): Promise<boolean> {
    const result = await trx
      .updateTable('review_items')
      .set({ state: 'open', stage: 'appeal', stage_opened_at: now, appeal_text: text, appealed_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'decided')
      .where('stage', '=', 'first')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setChecks(itemId: string, checks: { code: string; outcome: string; params: string }[], now: string): Promise<void> {
    await this.transaction(async (trx) => {
      await trx.deleteFrom('review_checks').where('item_id', '=', itemId).execute();
      if (checks.length > 0) await trx.insertInto('review_checks').values(checks.map((c) => ({ item_id: itemId, ...c, checked_at: now }))).execute();
      await trx.updateTable('review_items').set({ checks_state: 'done' }).where('id', '=', itemId).execute();
    });
  }

  async checksOf(itemIds: string[]): Promise<ReviewCheckRow[]> {
    if (itemIds.length === 0) return [];
    return this.db.selectFrom('review_checks').selectAll().where('item_id', 'in', itemIds).orderBy('code').execute();
  }

  async hasReported(executor: Executor, itemId: string, reporterKey: string): Promise<boolean> {
    return (await executor.selectFrom('review_reports').select('id').where('item_id', '=', itemId).where('reporter_key', '=', reporterKey).executeTakeFirst()) !== undefined;
  }

  async insertReport(executor: Executor, row: ReviewReportRow): Promise<void> {
    await executor.insertInto('review_reports').values(row).execute();
    await executor.updateTable('review_items').set((eb) => ({ report_count: eb('report_count', '+', 1), updated_at: row.created_at })).where('id', '=', row.item_id).execute();
  }

  reportsOf(itemId: string, limit = 50): Promise<ReviewReportRow[]> {
    return this.db.selectFrom('review_reports').selectAll().where('item_id', '=', itemId).orderBy('created_at', 'desc').limit(limit).execute();
  }

  /** A page of the queue, by keyset on (opened_at, id): open items oldest first, decided newest first. */
  async queue(filter: QueueFilter): Promise<QueueRow[]> {
    const newestFirst = filter.newestFirst ?? filter.state === 'decided';
    let query = this.db
      .selectFrom('review_items as r')
      .leftJoin('works as w', 'w.id', 'r.work_id')
      .leftJoin('work_metadata as m', 'm.work_id', 'r.work_id')
      .leftJoin('users as s', 's.id', 'r.submitter_id')
      .leftJoin('users as c', 'c.id', 'r.claimed_by')
      .selectAll('r')
      .select(['m.metadata', 'w.visibility', 's.display_name as submitter_name', 'c.display_name as claimer_name']);
    if (filter.state) query = query.where('r.state', '=', filter.state);
    if (filter.kind) query = query.where('r.kind', '=', filter.kind);
    if (filter.stage) query = query.where('r.stage', '=', filter.stage);
    if (filter.claimedBy) query = query.where('r.claimed_by', '=', filter.claimedBy);
    if (filter.submitterId) query = query.where('r.submitter_id', '=', filter.submitterId);
    if (filter.after) {
      const { openedAt, id } = filter.after;
      query = newestFirst
        ? query.where((eb) => eb.or([eb('r.opened_at', '<', openedAt), eb.and([eb('r.opened_at', '=', openedAt), eb('r.id', '<', id)])]))
        : query.where((eb) => eb.or([eb('r.opened_at', '>', openedAt), eb.and([eb('r.opened_at', '=', openedAt), eb('r.id', '>', id)])]));
    }
    const direction = newestFirst ? 'desc' : 'asc';
    return query.orderBy('r.opened_at', direction).orderBy('r.id', direction).limit(filter.limit).execute() as Promise<QueueRow[]>;
  }

  async queueRow(id: string): Promise<QueueRow | undefined> {
    return this.db
      .selectFrom('review_items as r')
      .leftJoin('works as w', 'w.id', 'r.work_id')
      .leftJoin('work_metadata as m', 'm.work_id', 'r.work_id')
      .leftJoin('users as s', 's.id', 'r.submitter_id')
      .leftJoin('users as c', 'c.id', 'r.claimed_by')
      .selectAll('r')
      .select(['m.metadata', 'w.visibility', 's.display_name as submitter_name', 'c.display_name as claimer_name'])
      .where('r.id', '=', id)
      .executeTakeFirst() as Promise<QueueRow | undefined>;
  }

  // Workload: counts over open items only (an index range), and decisions of the last 30 days.
  async openCounts(): Promise<{ kind: string; stage: string; count: number }[]> {
    const rows = await this.db.selectFrom('review_items').select(['kind', 'stage', (eb) => eb.fn.countAll<number>().as('count')]).where('state', '=', 'open').groupBy(['kind', 'stage']).execute();
    return rows.map((r) => ({ kind: r.kind, stage: r.stage, count: Number(r.count) }));
  }

  async oldestOpen(): Promise<string | null> {
    const row = await this.db.selectFrom('review_items').select('opened_at').where('state', '=', 'open').orderBy('opened_at').limit(1).executeTakeFirst();
    return row?.opened_at ?? null;
  }

  /** The open item at `offset` by age (the median without reading every row). */
  async openAt(offset: number): Promise<string | null> {
    const row = await this.db.selectFrom('review_items').select('opened_at').where('state', '=', 'open').orderBy('opened_at').limit(1).offset(offset).executeTakeFirst();
    return row?.opened_at ?? null;
  }

  decisionsSince(since: string): Promise<(Pick<ReviewDecisionRow, 'reviewer_id' | 'stage' | 'decision' | 'stage_opened_at' | 'decided_at'> & { name: string | null })[]> {
    return this.db
      .selectFrom('review_decisions as d')
      .leftJoin('users as u', 'u.id', 'd.reviewer_id')
      .select(['d.reviewer_id', 'd.stage', 'd.decision', 'd.stage_opened_at', 'd.decided_at', 'u.display_name as name'])
      .where('d.decided_at', '>=', since)
      .orderBy('d.decided_at', 'desc')
      .limit(100_000)
      .execute();
  }

  async appealOutcomes(): Promise<{ decided: number; overturned: number }> {
    const rows = await this.db.selectFrom('review_decisions').select(['decision', (eb) => eb.fn.countAll<number>().as('count')]).where('stage', '=', 'appeal').groupBy('decision').execute();
    const decided = rows.reduce((sum, r) => sum + Number(r.count), 0);
    const overturned = Number(rows.find((r) => r.decision === 'approved')?.count ?? 0);
    return { decided, overturned };
  }

  reasons(): Promise<ReviewReasonRow[]> {
    return this.db.selectFrom('review_reasons').selectAll().orderBy('position').orderBy('code').execute();
  }

  findReason(code: string, executor: Executor = this.db): Promise<ReviewReasonRow | undefined> {
    return executor.selectFrom('review_reasons').selectAll().where('code', '=', code).executeTakeFirst();
  }

  async upsertReason(row: Omit<ReviewReasonRow, 'position'>): Promise<void> {
    await this.transaction(async (trx) => {
      const existing = await trx.selectFrom('review_reasons').select('position').where('code', '=', row.code).executeTakeFirst();
      if (existing) {
        await trx.updateTable('review_reasons').set({ label_zh: row.label_zh, label_en: row.label_en, applies_to: row.applies_to, retired: row.retired }).where('code', '=', row.code).execute();
        return;
      }
      const last = await trx.selectFrom('review_reasons').select((eb) => eb.fn.max('position').as('max')).executeTakeFirst();
      await trx.insertInto('review_reasons').values({ ...row, position: Number(last?.max ?? -1) + 1 }).execute();
    });
  }

  async insertNotification(executor: Executor, row: NotificationRow): Promise<void> {
    await executor.insertInto('notifications').values(row).execute();
  }

  notificationsOf(userId: string, limit: number): Promise<NotificationRow[]> {
    return this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('count')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async markRead(userId: string, ids: string[] | null, now: string): Promise<void> {
    let query = this.db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
    if (ids) {
      if (ids.length === 0) return;
      query = query.where('id', 'in', ids);
    }
    await query.execute();
  }

  async emailOf(userId: string): Promise<string | null> {
    return (await this.db.selectFrom('notification_addresses').select('email').where('user_id', '=', userId).executeTakeFirst())?.email ?? null;
  }

  async setEmail(userId: string, email: string | null, now: string): Promise<void> {
    if (email === null) {
      await this.db.deleteFrom('notification_addresses').where('user_id', '=', userId).execute();
      return;
    }
    await this.db.insertInto('notification_addresses').values({ user_id: userId, email, updated_at: now }).onConflict((oc) => oc.column('user_id').doUpdateSet({ email, updated_at: now })).execute();
  }
}


import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { PersonalDataSource, PersonalExport } from '../platform/personal-data.js';

/** How a signed-in reporter is named in `review_reports.reporter_key` (anonymous ones by an HMAC of the address). */
export const reporterKeyOf = (userId: string): string => `user:${userId}`;

/**
 * The review module's part of the person's data: their notifications and the address they go to,
 * and the text they wrote as a submitter (appeals) or reporter (report details). A reviewer's
 * reasons are the institution's record of its decision and stay; so do the ids in every row.
 */
export class ReviewPersonalData implements PersonalDataSource {
  readonly name = 'review';

  constructor(private readonly database: Database) {}

  private get db(): Kysely<DB> {
    return this.database.db;
  }

  async export(userId: string): Promise<PersonalExport> {
    const notifications = await this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    const addresses = await this.db.selectFrom('notification_addresses').selectAll().where('user_id', '=', userId).execute();
    const appeals = await this.db.selectFrom('review_items').select(['id', 'work_id', 'appeal_text', 'appealed_at']).where('submitter_id', '=', userId).where('appealed_at', 'is not', null).orderBy('appealed_at').execute();
    const reports = await this.db.selectFrom('review_reports').select(['id', 'item_id', 'reason_code', 'details', 'created_at']).where('reporter_key', '=', reporterKeyOf(userId)).orderBy('created_at').execute();
    return {
      account: { notifications, notification_addresses: addresses },
      events: {
        reviewAppeals: appeals.map((a) => ({ itemId: a.id, workId: a.work_id, text: a.appeal_text, at: a.appealed_at })),
        reviewReports: reports.map((r) => ({ id: r.id, caseId: r.item_id, reason: r.reason_code, details: r.details, at: r.created_at })),
      },
    };
  }

  readonly erase = {
    /** What the person wrote to the review desk is blanked (the appeal and report themselves stay, by id). */
    activity: async (userId: string): Promise<void> => {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('review_items').set({ appeal_text: '' }).where('submitter_id', '=', userId).where('appeal_text', 'is not', null).where('appeal_text', '!=', '').execute();
        await trx.updateTable('review_reports').set({ details: '' }).where('reporter_key', '=', reporterKeyOf(userId)).where('details', '!=', '').execute();
      });
    },
    /** The person's notifications and the email address they went to. */
    account: async (userId: string): Promise<void> => {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('notifications').where('user_id', '=', userId).execute();
        await trx.deleteFrom('notification_addresses').where('user_id', '=', userId).execute();
      });
    },
  };
}

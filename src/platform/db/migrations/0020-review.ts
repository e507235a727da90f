import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The review queue. `review_items`: one row per submission (a creator asked for a work to be made
 * public) or case (visitors reported a public work), with its claim, its stage (first review, appeal)
 * and its latest decision; at most one open item per work and kind (a partial unique index, so a
 * flood of reports or a repeated "make public" merges into the open one). `review_decisions`: every
 * decision, for the workload figures and the appeal rule. `review_checks`: the automatic checks'
 * outcomes per item. `review_reports`: what each reporter said. `review_reasons`: the editable list
 * of reasons. `notifications` (+ `notification_addresses`): what a person is told in the interface
 * and, when SMTP is configured and they gave an address, by email.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('review_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // submission | report
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id').onDelete('cascade'))
    // The work's owner when the item opened (the person told of decisions, who may appeal).
    .addColumn('submitter_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull()) // open | decided
    .addColumn('stage', 'text', (c) => c.notNull()) // first | appeal
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('stage_opened_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'text')
    .addColumn('decision', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason_code', 'text')
    .addColumn('reason_text', 'text')
    // Who made the decision appealed against: the appeal goes to someone else.
    .addColumn('first_decided_by', 'text')
    .addColumn('appeal_text', 'text')
    .addColumn('appealed_at', 'text')
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('checks_state', 'text', (c) => c.notNull()) // pending | done | none
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The queue page: open items of a kind, oldest first, by keyset (opened_at, id).
  await db.schema.createIndex('review_items_queue').on('review_items').columns(['state', 'kind', 'opened_at', 'id']).execute();
  await db.schema.createIndex('review_items_state').on('review_items').columns(['state', 'opened_at', 'id']).execute();
  await db.schema.createIndex('review_items_submitter').on('review_items').columns(['submitter_id', 'opened_at']).execute();
  await db.schema.createIndex('review_items_work').on('review_items').columns(['work_id', 'opened_at']).execute();
  await sql`CREATE UNIQUE INDEX review_items_one_open ON review_items (work_id, kind) WHERE state = 'open'`.execute(db);

  await db.schema
    .createTable('review_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('review_items.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('reason_text', 'text')
    .addColumn('stage_opened_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('review_decisions_at').on('review_decisions').columns(['decided_at']).execute();
  await db.schema.createIndex('review_decisions_item').on('review_decisions').columns(['item_id', 'decided_at']).execute();

  await db.schema
    .createTable('review_checks')
    .addColumn('item_id', 'text', (c) => c.notNull().references('review_items.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // pass | warn | fail
    .addColumn('params', 'text', (c) => c.notNull()) // JSON
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_checks_pk', ['item_id', 'code'])
    .execute();

  await db.schema
    .createTable('review_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('review_items.id').onDelete('cascade'))
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    // The reporter: `user:<id>` or a keyed pseudonym of the address (never the address).
    .addColumn('reporter_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('review_reports_item').on('review_reports').columns(['item_id', 'reporter_key']).execute();

  await db.schema
    .createTable('review_reasons')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('label_zh', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text', (c) => c.notNull())
    .addColumn('applies_to', 'text', (c) => c.notNull()) // decision | report | both
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const reasons: [string, string, string, string][] = [
    ['rights_unclear', '权利信息不清', 'Rights unclear', 'both'],
    ['possible_infringement', '可能侵权', 'Possible infringement', 'both'],
    ['metadata_incomplete', '著录信息不完整', 'Metadata incomplete', 'decision'],
    ['file_quality', '文件质量问题', 'File quality', 'decision'],
    ['inappropriate', '内容不当', 'Inappropriate content', 'both'],
    ['privacy', '涉及个人隐私', 'Privacy', 'report'],
    ['other', '其他', 'Other', 'both'],
  ];
  let position = 0;
  for (const [code, zh, en, applies] of reasons) {
    await sql`INSERT INTO review_reasons (code, label_zh, label_en, applies_to, position, retired) VALUES (${code}, ${zh}, ${en}, ${applies}, ${position++}, 0)`.execute(db);
  }

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull()) // JSON
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema
    .createTable('notification_addresses')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Data classification and cross-border transfer rules (issue 15 item 4): the class of works and
 * collections (public, internal, important, core — the categories of China's Data Security Law),
 * the country of accounts (licensees and partners), the transfer rules, risk assessments and the log
 * of every transfer decision.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // Existing rows become 'public': before this migration nothing was classified, and calling every
  // old work "internal" would stop every export abroad the day of the upgrade. Staff classify what is not.
  await db.schema.alterTable('works').addColumn('data_class', 'text', (c) => c.notNull().defaultTo('public')).execute();
  await db.schema.alterTable('collections').addColumn('data_class', 'text', (c) => c.notNull().defaultTo('public')).execute();
  // ISO 3166-1 alpha-2 (or a subdivision like CN-11); null: not said.
  await db.schema.alterTable('users').addColumn('country', 'text').execute();

  await db.schema
    .createTable('transfer_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('data_class', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('transfer_assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('data_classes', 'text', (c) => c.notNull())
    .addColumn('scope_type', 'text', (c) => c.notNull())
    .addColumn('scope_ids', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('volume', 'text', (c) => c.notNull())
    .addColumn('safeguards', 'text', (c) => c.notNull())
    // LangMap JSON (zh / en free text).
    .addColumn('notes', 'text')
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('transfer_assessments_status').on('transfer_assessments').columns(['status', 'destination']).execute();

  await db.schema
    .createTable('transfer_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('data_classes', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('proceeded', 'integer', (c) => c.notNull())
    // JSON: the rules that decided, as they read then (a rule edited later does not rewrite the log).
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('assessment_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .execute();
  // The starting rules (docs/architecture.md): domestic allowed; abroad public allowed, internal and
  // important data assessed, core data refused.
  const now = new Date().toISOString();
  const defaults: [string, string, string][] = [['CN', '*', 'allow'], ['*', 'public', 'allow'], ['*', 'internal', 'assess'], ['*', 'important', 'assess'], ['*', 'core', 'refuse']];
  await (db as Kysely<{ transfer_rules: { id: string; position: number; destination: string; data_class: string; outcome: string; note: string | null; created_at: string } }>)
    .insertInto('transfer_rules')
    .values(defaults.map(([destination, dataClass, outcome], i) => ({ id: `default-${i + 1}`, position: i, destination, data_class: dataClass, outcome, note: null, created_at: now })))
    .execute();
  await db.schema.createIndex('transfer_decisions_at').on('transfer_decisions').columns(['at']).execute();

  await db.schema
    .createTable('transfer_exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('works', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

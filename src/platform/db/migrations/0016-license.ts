import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Licensing and trade. Terms are ODRL policies kept as JSON-LD text (what the right holder wrote is
 * what is exported); orders move through one status column under optimistic locking; a payment row
 * per order (unique) makes a second confirmation of one invoice impossible; grants keep the exact
 * Agreement that was hashed into the transparency log. Money is integer minor units (bigint on
 * PostgreSQL) booked as double-entry postings that sum to zero per transaction and currency.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const bigint = pg ? 'bigint' : 'integer';

  await db.schema
    .createTable('license_parties')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('contact', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('license_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('odrl', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('auto_approve', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('edition_size', 'integer')
    .addColumn('edition_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_policies_target').on('license_policies').columns(['target_type', 'target_id', 'status']).execute();

  await db.schema
    .createTable('heritage_elements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('custodian_party_id', 'text', (c) => c.references('license_parties.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('work_heritage_elements')
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull().references('heritage_elements.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('work_heritage_elements_pk', ['work_id', 'element_id'])
    .execute();
  await db.schema.createIndex('work_heritage_elements_element').on('work_heritage_elements').column('element_id').execute();

  await db.schema
    .createTable('royalty_splits')
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('shares', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('royalty_splits_pk', ['work_id', 'version'])
    .execute();

  await db.schema
    .createTable('license_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('licensee_id', 'text', (c) => c.notNull())
    .addColumn('licensee_name', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('price_minor', bigint, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('copies', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.unique())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_orders_licensee').on('license_orders').columns(['licensee_id', 'created_at']).execute();
  await db.schema.createIndex('license_orders_work').on('license_orders').columns(['work_id', 'created_at']).execute();
  await db.schema.createIndex('license_orders_status').on('license_orders').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('license_payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().unique().references('license_orders.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('amount_minor', bigint, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('confirmed_by', 'text')
    .addColumn('confirmed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('license_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().unique().references('license_orders.id'))
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('licensee_id', 'text', (c) => c.notNull())
    .addColumn('licensee_name', 'text', (c) => c.notNull())
    .addColumn('agreement', 'text', (c) => c.notNull())
    .addColumn('agreement_sha256', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('revocation', 'text')
    .addColumn('revocation_sha256', 'text')
    .addColumn('revocation_registration_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_grants_licensee').on('license_grants').columns(['licensee_id', 'created_at']).execute();
  await db.schema.createIndex('license_grants_work').on('license_grants').columns(['work_id', 'created_at']).execute();

  await db.schema
    .createTable('ledger_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('batch_id', 'text')
    .addColumn('work_id', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // One payment transaction per order: a second booking of the same payment fails on this index.
  await db.schema.createIndex('ledger_transactions_order_kind').on('ledger_transactions').columns(['order_id', 'kind']).unique().execute();

  const postings = db.schema.createTable('ledger_postings');
  await (pg ? postings.addColumn('id', 'bigserial', (c) => c.primaryKey()) : postings.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('transaction_id', 'text', (c) => c.notNull().references('ledger_transactions.id'))
    // The transaction's kind, order, work and memo, copied: a statement reads one account's range with no join
    // (a month of 100,000 lines cost three times as much through the join). Postings are never updated.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('work_id', 'text')
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text')
    .addColumn('minor', bigint, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_postings_party').on('ledger_postings').columns(['party_id', 'currency', 'created_at']).execute();
  await db.schema.createIndex('ledger_postings_transaction').on('ledger_postings').column('transaction_id').execute();
  // Statements and balances read one account's postings over a period.
  await db.schema.createIndex('ledger_postings_account').on('ledger_postings').columns(['account', 'currency', 'created_at']).execute();

  await db.schema
    .createTable('settlement_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('total_minor', bigint, (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

import type { Kysely, Transaction } from 'kysely';
import type { WorkRemover } from '../archive/personal-data.repository.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { parseStoredJson, replaceNamesInJson, type ErasureContext, type PersonalDataSource, type PersonalExport } from '../platform/personal-data.js';

/**
 * The license module's part of the person's data: orders, grants and payments as licensee; parties
 * and their ledger postings as right holder. Financial records stay on erasure (bookkeeping law) but
 * lose the person's name and contact. As the archive's remover, a licensed work is never deleted
 * (its orders are financial records), and a deleted work's terms and splits go with it.
 */
export class LicensePersonalData implements PersonalDataSource, WorkRemover {
  readonly name = 'license';

  constructor(private readonly database: Database) {}

  private get db(): Kysely<DB> {
    return this.database.db;
  }

  async export(userId: string): Promise<PersonalExport> {
    const orders = await this.db.selectFrom('license_orders').selectAll().where('licensee_id', '=', userId).orderBy('created_at').execute();
    const orderIds = orders.map((o) => o.id);
    const grants = await this.db.selectFrom('license_grants').select(['id', 'order_id', 'work_id', 'licensee_name', 'agreement_sha256', 'registration_id', 'valid_from', 'valid_until', 'status', 'revoked_at', 'created_at']).where('licensee_id', '=', userId).execute();
    const payments = orderIds.length === 0 ? [] : await this.db.selectFrom('license_payments').select(['id', 'order_id', 'provider', 'reference', 'amount_minor', 'currency', 'confirmed_at']).where('order_id', 'in', orderIds).execute();
    const parties = await this.db.selectFrom('license_parties').select(['id', 'kind', 'name', 'contact', 'created_at']).where('user_id', '=', userId).execute();
    const partyIds = parties.map((p) => p.id);
    const postings = partyIds.length === 0 ? [] : await this.db.selectFrom('ledger_postings').select(['transaction_id', 'kind', 'order_id', 'work_id', 'memo', 'account', 'party_id', 'minor', 'currency', 'created_at']).where('party_id', 'in', partyIds).orderBy('id').execute();
    return {
      orders: {
        asLicensee: {
          orders: orders.map((o) => ({ id: o.id, workId: o.work_id, offerId: o.offer_id, licenseeName: o.licensee_name, request: parseStoredJson(o.request), price: { minor: String(o.price_minor), currency: o.currency }, copies: o.copies, status: o.status, invoiceNumber: o.invoice_number, createdAt: o.created_at, updatedAt: o.updated_at })),
          grants: grants.map((g) => ({ ...g })),
          payments: payments.map((p) => ({ ...p, amount_minor: String(p.amount_minor) })),
        },
        asRightHolder: {
          parties: parties.map((p) => ({ ...p, name: parseStoredJson(p.name) })),
          postings: postings.map((p) => ({ ...p, minor: String(p.minor) })),
        },
      },
    };
  }

  /** The names the person licensed under. */
  async namesOf(userId: string): Promise<string[]> {
    const orders = await this.db.selectFrom('license_orders').select('licensee_name').distinct().where('licensee_id', '=', userId).execute();
    return orders.map((o) => o.licensee_name).filter((n): n is string => Boolean(n && n.trim()));
  }

  readonly erase = {
    /**
     * Parties, orders and grants keep their rows with the placeholder as the name. A grant's agreement
     * text names the licensee: the name is replaced there too, so the stored text no longer hashes to
     * the digest in the transparency log (the log holds only that digest; the licensee's own copy of
     * the agreement still matches it).
     */
    records: async (userId: string, context: ErasureContext): Promise<void> => {
      const { names, placeholder } = context;
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('license_parties').set({ name: JSON.stringify({ und: placeholder }), contact: null }).where('user_id', '=', userId).execute();
        await trx.updateTable('license_orders').set({ licensee_name: placeholder }).where('licensee_id', '=', userId).execute();
        const grants = await trx.selectFrom('license_grants').select(['id', 'agreement']).where('licensee_id', '=', userId).execute();
        for (const grant of grants) {
          await trx.updateTable('license_grants').set({ licensee_name: placeholder, agreement: replaceNamesInJson(grant.agreement, names, placeholder) }).where('id', '=', grant.id).execute();
        }
      });
    },
  };

  /** Works someone ordered a licence of stay (they pass to the institution instead). */
  async mustKeep(trx: Transaction<DB>, workIds: string[]): Promise<string[]> {
    if (workIds.length === 0) return [];
    return (await trx.selectFrom('license_orders').select('work_id').distinct().where('work_id', 'in', workIds).execute()).map((r) => r.work_id);
  }

  async remove(trx: Transaction<DB>, works: { id: string; seq: number }[]): Promise<void> {
    const ids = works.map((w) => w.id);
    await trx.deleteFrom('work_heritage_elements').where('work_id', 'in', ids).execute();
    await trx.deleteFrom('royalty_splits').where('work_id', 'in', ids).execute();
  }
}

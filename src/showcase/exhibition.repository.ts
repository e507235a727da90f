import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { ExhibitionsTable } from '../platform/db/schema.js';

export type ExhibitionRow = Selectable<ExhibitionsTable>;

/** The only SQL over exhibitions. */
export class ExhibitionRepository {
  constructor(private readonly database: Database) {}

  async insert(row: Insertable<ExhibitionsTable>): Promise<void> {
    await this.database.db.insertInto('exhibitions').values(row).execute();
  }

  /** Writes a new version only if nobody saved in between (optimistic locking); false otherwise. */
  async update(id: string, expectedVersion: number, changes: Omit<Partial<ExhibitionRow>, 'id' | 'created_at' | 'created_by'>): Promise<boolean> {
    const result = await this.database.db.updateTable('exhibitions').set(changes).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.database.db.deleteFrom('exhibitions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  findById(id: string): Promise<ExhibitionRow | undefined> {
    return this.database.db.selectFrom('exhibitions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findBySlug(slug: string): Promise<ExhibitionRow | undefined> {
    return this.database.db.selectFrom('exhibitions').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  /** Published exhibitions visible at `now` (an ISO timestamp), newest first. */
  listVisible(now: string, limit: number): Promise<ExhibitionRow[]> {
    return this.database.db
      .selectFrom('exhibitions')
      .selectAll()
      .where('status', '=', 'published')
      .where('publish_at', '<=', now)
      .orderBy('publish_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Every exhibition (drafts and scheduled too), or those of one status, the last changed first. */
  listAll(status: string | null, limit: number): Promise<ExhibitionRow[]> {
    let query = this.database.db.selectFrom('exhibitions').selectAll();
    if (status !== null) query = query.where('status', '=', status);
    return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  findByIds(ids: readonly string[]): Promise<ExhibitionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.database.db.selectFrom('exhibitions').selectAll().where('id', 'in', [...ids]).execute();
  }
}

import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { CollectionsTable } from '../platform/db/schema.js';

export type CollectionRow = Selectable<CollectionsTable>;

/** The only SQL over collections. */
export class CollectionRepository {
  constructor(private readonly database: Database) {}

  async insert(row: CollectionRow): Promise<void> {
    await this.database.db.insertInto('collections').values(row).execute();
  }

  findById(id: string): Promise<CollectionRow | undefined> {
    return this.database.db.selectFrom('collections').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listAll(): Promise<CollectionRow[]> {
    return this.database.db.selectFrom('collections').selectAll().orderBy('created_at').execute();
  }

  async update(id: string, changes: Partial<Pick<CollectionRow, 'name' | 'description' | 'visibility' | 'parent_id' | 'download_policy' | 'open_to_contributions'>>, now: string): Promise<void> {
    await this.database.db.updateTable('collections').set({ ...changes, updated_at: now }).where('id', '=', id).execute();
  }
}

import type { Database } from '../platform/db/database.js';
import type { DataClass } from './data-class.js';

export interface ClassedCollection {
  id: string;
  parent_id: string | null;
  data_class: string;
}

export interface ClassedWork {
  id: string;
  collection_id: string | null;
  data_class: string;
}

const CHUNK = 500;

/** The only SQL over the `data_class` columns of works and collections. */
export class DataClassRepository {
  constructor(private readonly database: Database) {}

  /** Every collection's parent and class: a small table, read whole to walk chains in memory. */
  collections(): Promise<ClassedCollection[]> {
    return this.database.db.selectFrom('collections').select(['id', 'parent_id', 'data_class']).execute();
  }

  async works(ids: readonly string[]): Promise<ClassedWork[]> {
    const out: ClassedWork[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      out.push(...(await this.database.db.selectFrom('works').select(['id', 'collection_id', 'data_class']).where('id', 'in', chunk).execute()));
    }
    return out;
  }

  async worksIn(collectionIds: readonly string[]): Promise<ClassedWork[]> {
    const out: ClassedWork[] = [];
    for (let i = 0; i < collectionIds.length; i += CHUNK) {
      const chunk = collectionIds.slice(i, i + CHUNK);
      out.push(...(await this.database.db.selectFrom('works').select(['id', 'collection_id', 'data_class']).where('collection_id', 'in', chunk).execute()));
    }
    return out;
  }

  async setWork(id: string, dataClass: DataClass): Promise<number> {
    // Not a new version of the work (its record is unchanged), so updated_at stays.
    const result = await this.database.db.updateTable('works').set({ data_class: dataClass }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setCollection(id: string, dataClass: DataClass, now: string): Promise<number> {
    const result = await this.database.db.updateTable('collections').set({ data_class: dataClass, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

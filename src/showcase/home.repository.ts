import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { ShowcaseHomeTable } from '../platform/db/schema.js';

export type HomeRow = Selectable<ShowcaseHomeTable>;

const ROW_ID = 1;

/** The only SQL over the home page's settings: a single row, written whole. */
export class HomeRepository {
  constructor(private readonly database: Database) {}

  find(): Promise<HomeRow | undefined> {
    return this.database.db.selectFrom('showcase_home').selectAll().where('id', '=', ROW_ID).executeTakeFirst();
  }

  async save(settings: string, updatedAt: string, updatedBy: string | null): Promise<void> {
    await this.database.db
      .insertInto('showcase_home')
      .values({ id: ROW_ID, settings, updated_at: updatedAt, updated_by: updatedBy })
      .onConflict((oc) => oc.column('id').doUpdateSet({ settings, updated_at: updatedAt, updated_by: updatedBy }))
      .execute();
  }
}

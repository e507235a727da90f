import type { Database } from '../platform/db/database.js';

const KEY = 'search_synonyms';

/** The only SQL over the search thesaurus: one `settings` row holding its groups as JSON. */
export class SynonymsRepository {
  constructor(private readonly database: Database) {}

  /** The stored groups and when they were saved, or null when none were ever stored. */
  async read(): Promise<{ groups: string[][]; updatedAt: string } | null> {
    const row = await this.database.db.selectFrom('settings').select(['value', 'updated_at']).where('key', '=', KEY).executeTakeFirst();
    if (!row) return null;
    const parsed = JSON.parse(row.value) as { groups?: unknown };
    const groups = Array.isArray(parsed.groups) ? parsed.groups.filter((g): g is string[] => Array.isArray(g) && g.every((v) => typeof v === 'string')) : [];
    return { groups, updatedAt: row.updated_at };
  }

  async write(groups: string[][], updatedAt: string): Promise<void> {
    const value = JSON.stringify({ groups });
    await this.database.db
      .insertInto('settings')
      .values({ key: KEY, value, updated_at: updatedAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: updatedAt }))
      .execute();
  }

  /** Stores `groups` unless a thesaurus is stored already (an admin's edits are never overwritten). */
  async seed(groups: string[][], updatedAt: string): Promise<void> {
    await this.database.db
      .insertInto('settings')
      .values({ key: KEY, value: JSON.stringify({ groups }), updated_at: updatedAt })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

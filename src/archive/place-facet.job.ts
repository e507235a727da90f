import type { Database } from '../platform/db/database.js';
import { GAZETTEER_VERSION } from './gazetteer.js';
import { parseStoredMetadata } from './metadata.schema.js';
import { facetColumns } from './work-facets.js';
import type { WorkRepository } from './work.repository.js';

export const PLACE_FACET_JOB = 'archive.place-facet';
const VERSION_KEY = 'archive.place_facet_version';

/**
 * Keeps `works.place_key` / `geo_*` in step with the gazetteer: after the 0012 migration, and after
 * any change of the gazetteer data, every work's place is matched again (in batches, writing only
 * the rows whose match changed, each with a new change version so the facet index follows).
 */
export class PlaceFacetRefresh {
  constructor(
    private readonly database: Database,
    private readonly works: Pick<WorkRepository, 'metadataBatch' | 'setPlaceColumns' | 'transaction'>,
  ) {}

  /** True when works were matched against another gazetteer (or never) and there are works. */
  async needed(): Promise<boolean> {
    const row = await this.database.db.selectFrom('settings').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
    if (row?.value === GAZETTEER_VERSION) return false;
    const any = await this.database.db.selectFrom('works').select('seq').limit(1).executeTakeFirst();
    if (!any) await this.markCurrent();
    return any !== undefined;
  }

  /** Matches every work's place again; returns how many rows changed. */
  async run(): Promise<number> {
    let changed = 0;
    for (let after = 0; ; ) {
      const rows = await this.works.metadataBatch(after, 500);
      if (rows.length === 0) break;
      const updates = rows.flatMap((row) => {
        const { place_key, geo_lat, geo_lon } = facetColumns(parseStoredMetadata(row.metadata));
        return place_key === row.place_key && geo_lat === row.geo_lat && geo_lon === row.geo_lon ? [] : [{ id: row.id, columns: { place_key, geo_lat, geo_lon } }];
      });
      if (updates.length > 0) {
        await this.works.transaction(async (trx) => {
          for (const u of updates) await this.works.setPlaceColumns(trx, u.id, u.columns);
        });
      }
      changed += updates.length;
      after = rows[rows.length - 1]!.seq;
    }
    await this.markCurrent();
    return changed;
  }

  private async markCurrent(): Promise<void> {
    const now = new Date().toISOString();
    await this.database.db
      .insertInto('settings')
      .values({ key: VERSION_KEY, value: GAZETTEER_VERSION, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: GAZETTEER_VERSION, updated_at: now }))
      .execute();
  }
}

import type { Database } from '../platform/db/database.js';
import type { IiifPyramidsTable } from '../platform/db/schema.js';

/** Which pixels a pyramid holds: the original's, or the publicly watermarked frame's. */
export type PyramidVariant = 'original' | 'public';

/** The only SQL for `iiif_pyramids`. */
export class PyramidRepository {
  constructor(private readonly database: Database) {}

  async get(sourceSha256: string, variant: PyramidVariant): Promise<IiifPyramidsTable | undefined> {
    const row = await this.database.db.selectFrom('iiif_pyramids').selectAll().where('source_sha256', '=', sourceSha256).where('variant', '=', variant).executeTakeFirst();
    return row ? { ...row, bytes: Number(row.bytes) } : undefined;
  }

  async put(row: IiifPyramidsTable): Promise<void> {
    await this.database.db
      .insertInto('iiif_pyramids')
      .values(row)
      .onConflict((oc) => oc.columns(['source_sha256', 'variant']).doUpdateSet({ path: row.path, sha256: row.sha256, bytes: row.bytes, width: row.width, height: row.height, levels: row.levels, tile_size: row.tile_size, created_at: row.created_at }))
      .execute();
  }

  /** Rows in source order after `sourceSha256`, for walking them all in batches. */
  after(path: string, limit: number): Promise<Pick<IiifPyramidsTable, 'source_sha256' | 'variant' | 'path' | 'sha256'>[]> {
    return this.database.db.selectFrom('iiif_pyramids').select(['source_sha256', 'variant', 'path', 'sha256']).where('path', '>', path).orderBy('path').limit(limit).execute();
  }

  async remove(sourceSha256: string, variant: PyramidVariant): Promise<void> {
    await this.database.db.deleteFrom('iiif_pyramids').where('source_sha256', '=', sourceSha256).where('variant', '=', variant).execute();
  }
}

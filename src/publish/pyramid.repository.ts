import type { Database } from '../platform/db/database.js';
import type { IiifPyramidsTable } from '../platform/db/schema.js';

/** The only SQL for `iiif_pyramids`. */
export class PyramidRepository {
  constructor(private readonly database: Database) {}

  async get(sourceSha256: string): Promise<IiifPyramidsTable | undefined> {
    const row = await this.database.db.selectFrom('iiif_pyramids').selectAll().where('source_sha256', '=', sourceSha256).executeTakeFirst();
    return row ? { ...row, bytes: Number(row.bytes) } : undefined;
  }

  async put(row: IiifPyramidsTable): Promise<void> {
    await this.database.db
      .insertInto('iiif_pyramids')
      .values(row)
      .onConflict((oc) => oc.column('source_sha256').doUpdateSet({ path: row.path, sha256: row.sha256, bytes: row.bytes, width: row.width, height: row.height, levels: row.levels, tile_size: row.tile_size, created_at: row.created_at }))
      .execute();
  }

  /** Rows in source order after `sourceSha256`, for walking them all in batches. */
  after(sourceSha256: string, limit: number): Promise<Pick<IiifPyramidsTable, 'source_sha256' | 'path' | 'sha256'>[]> {
    return this.database.db.selectFrom('iiif_pyramids').select(['source_sha256', 'path', 'sha256']).where('source_sha256', '>', sourceSha256).orderBy('source_sha256').limit(limit).execute();
  }

  async remove(sourceSha256: string): Promise<void> {
    await this.database.db.deleteFrom('iiif_pyramids').where('source_sha256', '=', sourceSha256).execute();
  }
}

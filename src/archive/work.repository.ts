import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, DerivativesTable, WorkEventsTable, WorkFilesTable, WorksTable, WorkVersionsTable } from '../platform/db/schema.js';

export type Executor = Kysely<DB> | Transaction<DB>;
/** A work's row together with its descriptive record (stored in work_metadata). */
export type WorkRow = Selectable<WorksTable> & { metadata: string };
export type NewWorkRow = Omit<Insertable<WorksTable>, 'change_version'> & { metadata: string };
export type WorkFileRow = Selectable<WorkFilesTable>;
export type WorkVersionRow = Selectable<WorkVersionsTable>;
export type WorkEventRow = Selectable<WorkEventsTable>;
export type DerivativeRow = Selectable<DerivativesTable>;

/** What other modules may read of works (by interface): rows, files, derivatives, metadata. */
export type WorkReader = Pick<WorkRepository, 'findById' | 'filesOf' | 'findFile' | 'derivativesOf' | 'metadataOf' | 'catalogueVersion' | 'publicImageWorks' | 'countPublicImageWorks' | 'publicImageWorksAt' | 'workIdsOwnedBy' | 'publicWorkIdsWithRights' | 'registrationFactsOf'>;

/** The only SQL over works, their files, versions, events, blobs and derivatives. */
export class WorkRepository {
  constructor(private readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(fn);
  }

  /**
   * Takes the next catalogue change version. The row lock it takes is held to commit, so versions
   * become visible in increasing order and a reader that saw version n has seen every write ≤ n.
   */
  private async nextChangeVersion(trx: Executor): Promise<number> {
    const row = await trx.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
    return Number(row.version);
  }

  /** The latest committed catalogue change version. */
  async catalogueVersion(): Promise<number> {
    const row = await this.db.selectFrom('catalogue_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }

  async insertWork(trx: Executor, row: NewWorkRow): Promise<WorkRow> {
    const { metadata, ...work } = row;
    const change_version = await this.nextChangeVersion(trx);
    const inserted = await trx.insertInto('works').values({ ...work, change_version }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('work_metadata').values({ work_id: inserted.id, metadata }).execute();
    return { ...inserted, metadata };
  }

  /** A batch of works after `afterSeq` with their stored metadata, for recomputing derived columns. */
  async metadataBatch(afterSeq: number, limit: number): Promise<{ seq: number; id: string; place_key: string | null; geo_lat: number | null; geo_lon: number | null; metadata: string }[]> {
    const rows = await this.db
      .selectFrom('works')
      .innerJoin('work_metadata', 'work_metadata.work_id', 'works.id')
      .select(['works.seq', 'works.id', 'works.place_key', 'works.geo_lat', 'works.geo_lon', 'work_metadata.metadata'])
      .where('works.seq', '>', afterSeq)
      .orderBy('works.seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  }

  /** Rewrites derived place columns without a new version (the record did not change); the facet index sees it. */
  async setPlaceColumns(trx: Executor, id: string, columns: { place_key: string | null; geo_lat: number | null; geo_lon: number | null }): Promise<void> {
    const change_version = await this.nextChangeVersion(trx);
    await trx.updateTable('works').set({ ...columns, change_version }).where('id', '=', id).execute();
  }

  /** Writes a new version only if nobody saved in between (optimistic locking); returns false otherwise. */
  async updateWork(trx: Executor, id: string, expectedVersion: number, changes: Partial<NewWorkRow>): Promise<boolean> {
    const { metadata, ...work } = changes;
    const change_version = await this.nextChangeVersion(trx);
    const result = await trx.updateTable('works').set({ ...work, change_version }).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (metadata !== undefined) await trx.updateTable('work_metadata').set({ metadata }).where('work_id', '=', id).execute();
    return true;
  }

  private withMetadata(executor: Executor) {
    return executor.selectFrom('works').innerJoin('work_metadata', 'work_metadata.work_id', 'works.id').selectAll('works').select('work_metadata.metadata');
  }

  findById(id: string, executor: Executor = this.db): Promise<WorkRow | undefined> {
    return this.withMetadata(executor).where('works.id', '=', id).executeTakeFirst();
  }

  /** Who may register each of these works, and which file (bulk registration), without their records. */
  async registrationFactsOf(ids: string[]): Promise<Pick<WorkRow, 'id' | 'owner_id' | 'visibility' | 'primary_file_sha256'>[]> {
    const out: Pick<WorkRow, 'id' | 'owner_id' | 'visibility' | 'primary_file_sha256'>[] = [];
    // PostgreSQL takes the ids as one array (cheaper to parse and plan than a long IN list); SQLite in chunks under its parameter limit.
    const pg = this.database.dialect === 'postgres';
    for (let i = 0; i < ids.length; i += pg ? 4096 : 500) {
      const chunk = ids.slice(i, i + (pg ? 4096 : 500));
      const query = this.db.selectFrom('works').select(['id', 'owner_id', 'visibility', 'primary_file_sha256']);
      out.push(...(await (pg ? query.where(sql<boolean>`id = ANY(${chunk}::text[])`) : query.where('id', 'in', chunk)).execute()));
    }
    return out;
  }

  findBySourceKey(sourceKey: string): Promise<WorkRow | undefined> {
    return this.withMetadata(this.db).where('works.source_key', '=', sourceKey).executeTakeFirst();
  }

  /** Descriptive records of several works, by id. */
  async metadataOf(workIds: string[]): Promise<Map<string, string>> {
    if (workIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('work_metadata').select(['work_id', 'metadata']).where('work_id', 'in', workIds).execute();
    return new Map(rows.map((r) => [r.work_id, r.metadata]));
  }

  /** Works that already hold a file with this content. */
  worksWithFile(sha256: string): Promise<{ work_id: string; visibility: string; owner_id: string | null }[]> {
    return this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['work_files.work_id', 'works.visibility', 'works.owner_id'])
      .where('work_files.sha256', '=', sha256)
      .orderBy('works.seq')
      .execute();
  }

  /**
   * Public works with at least one image (their type is `image` exactly then), oldest first, in
   * pages: what IIIF collections list. `collectionId` null: the whole archive.
   */
  publicImageWorks(collectionId: string | null, offset: number, limit: number): Promise<Pick<WorkRow, 'id' | 'primary_file_sha256'>[]> {
    let query = this.db.selectFrom('works').select(['id', 'primary_file_sha256']).where('visibility', '=', 'public').where('work_type', '=', 'image');
    if (collectionId !== null) query = query.where('collection_id', '=', collectionId);
    return query.orderBy('seq').offset(offset).limit(limit).execute();
  }

  /** Public works under any of these rights URIs (the license module's AI-training exceptions), at most `limit`. */
  async publicWorkIdsWithRights(uris: readonly string[], limit: number): Promise<string[]> {
    if (uris.length === 0) return [];
    const rows = await this.db.selectFrom('works').select('id').where('visibility', '=', 'public').where('rights_uri', 'in', [...uris]).orderBy('seq').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** The ids of the works one account owns (a creator's works, for the orders they decide). */
  async workIdsOwnedBy(ownerId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('works').select('id').where('owner_id', '=', ownerId).execute();
    return rows.map((r) => r.id);
  }

  async countPublicImageWorks(collectionId: string | null): Promise<number> {
    let query = this.db.selectFrom('works').select((eb) => eb.fn.countAll<number>().as('n')).where('visibility', '=', 'public').where('work_type', '=', 'image');
    if (collectionId !== null) query = query.where('collection_id', '=', collectionId);
    return Number((await query.executeTakeFirst())?.n ?? 0);
  }

  /**
   * Public works with images spread over the archive: for each fraction (0 ≤ f < 1) of the span of
   * their seqs, the first such work at or after that point. Two index reads per fraction, however
   * many works there are (the home page's "discovery" picks its works so); a work after a gap in the
   * seqs is a little likelier, which a showcase can live with. Duplicates are left to the caller.
   */
  async publicImageWorksAt(fractions: readonly number[]): Promise<Pick<WorkRow, 'id' | 'primary_file_sha256'>[]> {
    const publicImages = () => this.db.selectFrom('works').where('visibility', '=', 'public').where('work_type', '=', 'image');
    const first = await publicImages().select('seq').orderBy('seq').limit(1).executeTakeFirst();
    const last = await publicImages().select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!first || !last) return [];
    const low = Number(first.seq);
    const span = Number(last.seq) - low + 1;
    const out: Pick<WorkRow, 'id' | 'primary_file_sha256'>[] = [];
    for (const fraction of fractions) {
      const at = low + Math.min(span - 1, Math.max(0, Math.floor(fraction * span)));
      const row = await publicImages().select(['id', 'primary_file_sha256']).where('seq', '>=', at).orderBy('seq').limit(1).executeTakeFirst();
      if (row) out.push(row);
    }
    return out;
  }

  filesOf(workIds: string[], executor: Executor = this.db): Promise<WorkFileRow[]> {
    if (workIds.length === 0) return Promise.resolve([]);
    return executor.selectFrom('work_files').selectAll().where('work_id', 'in', workIds).orderBy('work_id').orderBy('position').execute();
  }

  /** Changes of a work that are not a new descriptive version (files attached, type). */
  async touchWork(trx: Executor, id: string, changes: Pick<Partial<NewWorkRow>, 'work_type' | 'primary_file_sha256' | 'updated_at'>): Promise<void> {
    const change_version = await this.nextChangeVersion(trx);
    await trx.updateTable('works').set({ ...changes, change_version }).where('id', '=', id).execute();
  }

  async maxFilePosition(trx: Executor, workId: string): Promise<number> {
    const row = await trx.selectFrom('work_files').select((eb) => eb.fn.max('position').as('p')).where('work_id', '=', workId).executeTakeFirst();
    return row?.p === null || row?.p === undefined ? -1 : Number(row.p);
  }

  async insertFile(trx: Executor, row: WorkFileRow): Promise<void> {
    await trx.insertInto('work_files').values(row).execute();
  }

  findFile(sha256: string): Promise<WorkFileRow | undefined> {
    return this.db.selectFrom('work_files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  /** Works (visibility and owner) that reference a blob, directly or through a derivative. */
  async worksReferencingBlob(sha256: string): Promise<Pick<WorkRow, 'id' | 'visibility' | 'owner_id'>[]> {
    const direct = await this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['works.id', 'works.visibility', 'works.owner_id'])
      .where('work_files.sha256', '=', sha256)
      .execute();
    const viaDerivative = await this.db
      .selectFrom('derivatives')
      .innerJoin('work_files', 'work_files.sha256', 'derivatives.source_sha256')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['works.id', 'works.visibility', 'works.owner_id'])
      .where('derivatives.sha256', '=', sha256)
      .execute();
    return [...direct, ...viaDerivative];
  }

  async insertBlobIfMissing(trx: Executor, row: { sha256: string; size: number; media_type: string; created_at: string }): Promise<void> {
    await trx.insertInto('blobs').values(row).onConflict((oc) => oc.column('sha256').doNothing()).execute();
  }

  async upsertDerivative(trx: Executor, row: DerivativeRow): Promise<void> {
    await trx
      .insertInto('derivatives')
      .values(row)
      .onConflict((oc) => oc.columns(['source_sha256', 'name']).doUpdateSet({ sha256: row.sha256, width: row.width, height: row.height, media_type: row.media_type, created_at: row.created_at }))
      .execute();
  }

  /** Whether a derivative of this name (thumbnail, display) is recorded for the file. */
  async hasDerivative(executor: Executor, sourceSha256: string, name: string): Promise<boolean> {
    const row = await executor.selectFrom('derivatives').select('sha256').where('source_sha256', '=', sourceSha256).where('name', '=', name).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Upload usage: the bytes of the distinct files in the works `ownerId` owns. Bytes in two of
   * their works count once; bytes another user also holds count for each of them (so the figure
   * never tells whether someone else has the same file).
   */
  async uploadedBytes(ownerId: string, executor: Executor = this.db): Promise<number> {
    const row = await executor
      .selectFrom((eb) =>
        eb.selectFrom('work_files').innerJoin('works', 'works.id', 'work_files.work_id').select(['work_files.sha256', 'work_files.size']).distinct().where('works.owner_id', '=', ownerId).as('owned'),
      )
      .select((eb) => eb.fn.sum<number | string | null>('owned.size').as('bytes'))
      .executeTakeFirst();
    return Number(row?.bytes ?? 0);
  }

  /** Holds the owner's upload accounting until the transaction ends (SQLite runs one write transaction at a time already). */
  async lockUploadsOf(trx: Transaction<DB>, ownerId: string): Promise<void> {
    if (this.database.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${`uploads:${ownerId}`}))`.execute(trx);
  }

  /**
   * Takes the key (owner, sha256) for the work an upload is creating. Returns null when taken, or
   * the work that already holds it: a concurrent identical upload that committed first.
   */
  async takeUploadKey(trx: Transaction<DB>, row: { owner_id: string; sha256: string; work_id: string; created_at: string }): Promise<string | null> {
    const taken = await trx.insertInto('upload_keys').values(row).onConflict((oc) => oc.columns(['owner_id', 'sha256']).doNothing()).returning('work_id').executeTakeFirst();
    if (taken) return null;
    const holder = await trx.selectFrom('upload_keys').select('work_id').where('owner_id', '=', row.owner_id).where('sha256', '=', row.sha256).executeTakeFirstOrThrow();
    return holder.work_id;
  }

  async setPlaceholder(sha256: string, placeholder: string): Promise<void> {
    await this.db.updateTable('work_files').set({ placeholder }).where('sha256', '=', sha256).execute();
  }

  derivativesOf(sourceSha256s: string[]): Promise<DerivativeRow[]> {
    if (sourceSha256s.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('derivatives').selectAll().where('source_sha256', 'in', sourceSha256s).execute();
  }

  async insertVersion(trx: Executor, row: WorkVersionRow): Promise<void> {
    await trx.insertInto('work_versions').values(row).execute();
  }

  listVersions(workId: string): Promise<(WorkVersionRow & { changed_by_name: string | null; changed_by_username: string | null })[]> {
    return this.db
      .selectFrom('work_versions')
      .leftJoin('users', 'users.id', 'work_versions.changed_by')
      .selectAll('work_versions')
      .select(['users.display_name as changed_by_name', 'users.username as changed_by_username'])
      .where('work_versions.work_id', '=', workId)
      .orderBy('work_versions.version', 'desc')
      .execute();
  }

  findVersion(workId: string, version: number): Promise<WorkVersionRow | undefined> {
    return this.db.selectFrom('work_versions').selectAll().where('work_id', '=', workId).where('version', '=', version).executeTakeFirst();
  }

  async insertEvent(trx: Executor, row: Insertable<WorkEventsTable>): Promise<void> {
    await trx.insertInto('work_events').values(row).execute();
  }

  listEvents(workId: string, limit: number): Promise<(WorkEventRow & { actor_name: string | null; actor_username: string | null })[]> {
    return this.db
      .selectFrom('work_events')
      .leftJoin('users', 'users.id', 'work_events.actor_id')
      .selectAll('work_events')
      .select(['users.display_name as actor_name', 'users.username as actor_username'])
      .where('work_events.work_id', '=', workId)
      .orderBy('work_events.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Every stored file with its expected size, for the fixity audit. */
  listBlobs(afterSha256: string, limit: number): Promise<{ sha256: string; size: number }[]> {
    return this.db.selectFrom('blobs').select(['sha256', 'size']).where('sha256', '>', afterSha256).orderBy('sha256').limit(limit).execute();
  }

  listDerivativeBlobs(afterSha256: string, limit: number): Promise<{ sha256: string }[]> {
    return this.db.selectFrom('derivatives').select('sha256').distinct().where('sha256', '>', afterSha256).orderBy('sha256').limit(limit).execute();
  }

  worksInCollections(collectionIds: string[]): Promise<WorkRow[]> {
    if (collectionIds.length === 0) return Promise.resolve([]);
    return this.withMetadata(this.db).where('works.collection_id', 'in', collectionIds).orderBy('works.seq').execute();
  }
}

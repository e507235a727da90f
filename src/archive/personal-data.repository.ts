import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { paged, parseStoredJson, type ErasureContext, type PersonalDataSource, type PersonalExport, type PersonalExportContext } from '../platform/personal-data.js';

const PAGE = 1000;
const CHUNK = 500;

/**
 * A module above the archive with rows about works (the search index, reuse flags, licence terms),
 * told inside the deleting transaction which works go (archive.extensions.addWorkRemover).
 */
export interface WorkRemover {
  /** Of these works, those that must stay (a licensed work: its orders are financial records). */
  mustKeep?(trx: Transaction<DB>, workIds: string[]): Promise<string[]>;
  /** Deletes the module's rows about these works, before the works' own rows go. */
  remove(trx: Transaction<DB>, works: { id: string; seq: number }[]): Promise<void>;
}

/**
 * The archive's part of the person's data: the works they own (with every version and file), the
 * work events they caused, and, on erasure, the works passed to the institution or deleted.
 */
export class ArchivePersonalData implements PersonalDataSource {
  readonly name = 'archive';

  constructor(
    private readonly database: Database,
    private readonly removers: readonly WorkRemover[],
  ) {}

  private get db(): Kysely<DB> {
    return this.database.db;
  }

  async export(userId: string, context: PersonalExportContext): Promise<PersonalExport> {
    const ids = (await this.db.selectFrom('works').select('id').where('owner_id', '=', userId).orderBy('seq').execute()).map((r) => r.id);
    const work = (id: string) => this.work(id, context);
    return {
      events: { workEvents: this.workEvents(userId) },
      works: {
        works: (async function* () {
          for (const id of ids) {
            const one = await work(id);
            if (one) yield one;
          }
        })(),
      },
    };
  }

  /** The work events the person caused, oldest first, a page at a time. */
  private workEvents(userId: string) {
    return paged(
      (after) => this.db.selectFrom('work_events').select(['id', 'work_id', 'type', 'at', 'detail']).where('actor_id', '=', userId).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
      (row) => Number(row.id),
      (row) => ({ id: Number(row.id), workId: row.work_id, type: row.type, at: row.at, detail: parseStoredJson(row.detail) }),
      PAGE,
    );
  }

  /** One work's metadata, every version and its files (each file's original is attached to the export). */
  private async work(workId: string, context: PersonalExportContext) {
    const work = await this.db.selectFrom('works').select(['id', 'visibility', 'work_type', 'version', 'collection_id', 'created_at', 'updated_at']).where('id', '=', workId).executeTakeFirst();
    if (!work) return null;
    const meta = await this.db.selectFrom('work_metadata').select('metadata').where('work_id', '=', workId).executeTakeFirst();
    const versions = await this.db.selectFrom('work_versions').select(['version', 'metadata', 'visibility', 'changed_at', 'changed_fields', 'note']).where('work_id', '=', workId).orderBy('version').execute();
    const files = await this.db.selectFrom('work_files').select(['sha256', 'original_name', 'media_type', 'kind', 'size', 'width', 'height', 'position']).where('work_id', '=', workId).orderBy('position').execute();
    return {
      ...work,
      metadata: parseStoredJson(meta?.metadata ?? '{}'),
      versions: versions.map((v) => ({ ...v, metadata: parseStoredJson(v.metadata), changed_fields: parseStoredJson(v.changed_fields) })),
      files: files.map((f) => ({ ...f, path: context.attach(f.sha256, f.original_name) })),
    };
  }

  readonly erase = {
    works: async (userId: string, context: ErasureContext): Promise<void> => {
      if (context.worksPolicy === 'delete') await this.deleteWorksOf(userId, context.now);
      else await this.transferWorksOf(userId, context.now);
    },
    /** Events and versions no longer point at the person. */
    activity: async (userId: string): Promise<void> => {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('work_events').set({ actor_id: null }).where('actor_id', '=', userId).execute();
        await trx.updateTable('work_versions').set({ changed_by: null }).where('changed_by', '=', userId).execute();
      });
    },
  };

  /** The institution owns the person's works and collections from now on (owner null). */
  async transferWorksOf(userId: string, now: string): Promise<number> {
    return this.db.transaction().execute((trx) => this.transferRest(trx, userId, now));
  }

  /**
   * The person's works go with their files' records, versions, events and (through the removers)
   * search entries and other modules' rows; works a remover must keep pass to the institution. The
   * originals' bytes leave the blob store at the next blob sweep (`wenyuan gc`), once no work refers
   * to them. The catalogue version moves on, as for every change of works.
   */
  async deleteWorksOf(userId: string, now: string): Promise<{ deleted: number; kept: number }> {
    return this.db.transaction().execute(async (trx) => {
      const works = (await trx.selectFrom('works').select(['id', 'seq']).where('owner_id', '=', userId).execute()).map((w) => ({ id: w.id, seq: Number(w.seq) }));
      const kept = new Set<string>();
      if (works.length > 0) for (const remover of this.removers) for (const id of (await remover.mustKeep?.(trx, works.map((w) => w.id))) ?? []) kept.add(id);
      const doomed = works.filter((w) => !kept.has(w.id));
      // One catalogue version for the whole erasure, taken before the writes as every work write does.
      const version = works.length > 0 ? await this.nextCatalogueVersion(trx) : undefined;
      for (let i = 0; i < doomed.length; i += CHUNK) {
        const chunk = doomed.slice(i, i + CHUNK);
        for (const remover of this.removers) await remover.remove(trx, chunk);
        const ids = chunk.map((w) => w.id);
        // work_files, work_metadata and the other rows keyed by work cascade from `works`.
        await trx.deleteFrom('work_events').where('work_id', 'in', ids).execute();
        await trx.deleteFrom('work_versions').where('work_id', 'in', ids).execute();
        await trx.deleteFrom('works').where('id', 'in', ids).execute();
        // Readers following works.change_version never see a deleted row: a tombstone tells them
        // (discover's facet index, suggestions). Pruning old ones is left to the retention job.
        await trx.insertInto('work_tombstones').values(chunk.map((w) => ({ seq: w.seq, change_version: version! }))).execute();
      }
      await this.transferRest(trx, userId, now, version);
      return { deleted: doomed.length, kept: works.length - doomed.length };
    });
  }

  /** The next catalogue version, in commit order: the row stays locked until the transaction ends (as work.repository.ts). */
  private async nextCatalogueVersion(trx: Transaction<DB>): Promise<number> {
    const row = await trx.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
    return Number(row.version);
  }

  /** `version`: the catalogue version the caller took already, if it did. */
  private async transferRest(trx: Transaction<DB>, userId: string, now: string, version?: number): Promise<number> {
    // A change of owner is a change of works: readers following change_version see it (the facet index's owner column).
    const owns = version === undefined && (await trx.selectFrom('works').select('seq').where('owner_id', '=', userId).limit(1).executeTakeFirst()) !== undefined;
    const change_version = version ?? (owns ? await this.nextCatalogueVersion(trx) : undefined);
    const result = change_version === undefined ? { numUpdatedRows: 0n } : await trx.updateTable('works').set({ owner_id: null, updated_at: now, change_version }).where('owner_id', '=', userId).executeTakeFirst();
    await trx.updateTable('collections').set({ owner_id: null }).where('owner_id', '=', userId).execute();
    await trx.deleteFrom('upload_keys').where('owner_id', '=', userId).execute();
    return Number(result.numUpdatedRows);
  }

  /** Work events past their retention period (`keepDays.workEvents`; kept for ever by default). */
  async purge(now: Date, keepDays: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    const days = keepDays.workEvents ?? 0;
    if (days <= 0) return { workEvents: 0 };
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const result = await this.db.deleteFrom('work_events').where('at', '<', cutoff).executeTakeFirst();
    return { workEvents: Number(result.numDeletedRows) };
  }
}

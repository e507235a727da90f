import type { Transaction } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { CollectionReuseFlags, ReuseFlags } from './reuse-flags.js';

/** The only SQL over `work_reuse_flags`: license's per-work answers, versioned with the catalogue. */
export class ReuseFlagsRepository {
  constructor(private readonly database: Database) {}

  /**
   * Writes (or with null clears) the flags of works, by seq, in one transaction that takes the next
   * catalogue version: the facet index and every cached anonymous answer see the change at once.
   */
  async write(entries: readonly { workSeq: number; flags: ReuseFlags | null }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.database.db.transaction().execute(async (trx) => {
      const state = await trx.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
      const change_version = Number(state.version);
      for (const { workSeq, flags } of entries) {
        const row = {
          active: flags ? 1 : 0,
          free_to_reuse: flags?.freeToReuse ? 1 : 0,
          licensable: flags?.licensable ? 1 : 0,
          ai_training: flags?.aiTraining ? 1 : 0,
          change_version,
        };
        await trx
          .insertInto('work_reuse_flags')
          .values({ work_seq: workSeq, ...row })
          .onConflict((oc) => oc.column('work_seq').doUpdateSet(row))
          .execute();
      }
    });
  }

  /** Deletes the flags of deleted works (an erased person's), in the deleting transaction. */
  async removeWorks(trx: Transaction<DB>, workSeqs: readonly number[]): Promise<void> {
    if (workSeqs.length > 0) await trx.deleteFrom('work_reuse_flags').where('work_seq', 'in', [...workSeqs]).execute();
  }

  /** Writes (or with null clears) what the works of collections inherit, taking the next catalogue version. */
  async writeCollections(entries: readonly { collectionId: string; flags: CollectionReuseFlags | null }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.database.db.transaction().execute(async (trx) => {
      const state = await trx.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
      const change_version = Number(state.version);
      for (const { collectionId, flags } of entries) {
        const row = {
          active: flags ? 1 : 0,
          has_licence: flags?.licence ? 1 : 0,
          free_to_reuse: flags?.licence?.freeToReuse ? 1 : 0,
          ai_training: flags?.licence?.aiTraining ? 1 : 0,
          licensable: flags?.licensable ? 1 : 0,
          change_version,
        };
        await trx
          .insertInto('collection_reuse_flags')
          .values({ collection_id: collectionId, ...row })
          .onConflict((oc) => oc.column('collection_id').doUpdateSet(row))
          .execute();
      }
    });
  }

  /** Works of some collections (directly in them) that have flags of their own, by seq after `afterSeq`. */
  async flaggedWorksIn(collectionIds: readonly string[], afterSeq: number, limit: number): Promise<{ id: string; seq: number }[]> {
    if (collectionIds.length === 0) return [];
    const rows = await this.database.db
      .selectFrom('works')
      .innerJoin('work_reuse_flags as f', 'f.work_seq', 'works.seq')
      .select(['works.id', 'works.seq'])
      .where('f.active', '=', 1)
      .where('works.collection_id', 'in', collectionIds)
      .where('works.seq', '>', afterSeq)
      .orderBy('works.seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, seq: Number(r.seq) }));
  }

  /** Whether license ever wrote flags here (the first start after the upgrade backfills them). */
  async any(): Promise<boolean> {
    const work = await this.database.db.selectFrom('work_reuse_flags').select('work_seq').limit(1).executeTakeFirst();
    const collection = work ? undefined : await this.database.db.selectFrom('collection_reuse_flags').select('collection_id').limit(1).executeTakeFirst();
    return work !== undefined || collection !== undefined;
  }
}

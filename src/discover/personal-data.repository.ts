import type { Kysely, Transaction } from 'kysely';
import type { WorkRemover } from '../archive/personal-data.repository.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { paged, type PersonalDataSource, type PersonalExport } from '../platform/personal-data.js';
import type { ReuseFlagsRepository } from './reuse-flags.repository.js';
import type { SearchIndex } from './search-index.js';

const PAGE = 1000;

/**
 * Discover's part of the person's data: what the recommender learnt from them (signals, consent).
 * It is also the archive's remover for deleted works: their search entries, reuse flags, signals
 * and picks go in the deleting transaction.
 */
export class DiscoverPersonalData implements PersonalDataSource, WorkRemover {
  readonly name = 'discover';

  constructor(
    private readonly database: Database,
    private readonly searchIndex: Pick<SearchIndex, 'removeWorks'>,
    private readonly reuseFlags: Pick<ReuseFlagsRepository, 'removeWorks'>,
  ) {}

  private get db(): Kysely<DB> {
    return this.database.db;
  }

  async export(userId: string): Promise<PersonalExport> {
    return {
      events: {
        recommendationSignals: paged(
          (after) => this.db.selectFrom('recommendation_signals').select(['id', 'work_id', 'kind', 'weight', 'created_at']).where('user_id', '=', userId).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
          (row) => Number(row.id),
          (row) => ({ workId: row.work_id, kind: row.kind, weight: row.weight, at: row.created_at }),
          PAGE,
        ),
      },
    };
  }

  readonly erase = {
    /** What the recommender learnt from the person, and their consent to it, is deleted. */
    activity: async (userId: string): Promise<void> => {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recommendation_signals').where('user_id', '=', userId).execute();
        await trx.deleteFrom('recommendation_consents').where('user_id', '=', userId).execute();
      });
    },
  };

  /** Recommendation signals past their retention period (`keepDays.recommendationSignals`). */
  async purge(now: Date, keepDays: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    const days = keepDays.recommendationSignals ?? 0;
    if (days <= 0) return { recommendationSignals: 0 };
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const result = await this.db.deleteFrom('recommendation_signals').where('created_at', '<', cutoff).executeTakeFirst();
    return { recommendationSignals: Number(result.numDeletedRows) };
  }

  async remove(trx: Transaction<DB>, works: { id: string; seq: number }[]): Promise<void> {
    const seqs = works.map((w) => w.seq);
    const ids = works.map((w) => w.id);
    await this.searchIndex.removeWorks(trx, seqs);
    await this.reuseFlags.removeWorks(trx, seqs);
    await trx.deleteFrom('recommendation_signals').where('work_id', 'in', ids).execute();
    await trx.deleteFrom('recommendation_picks').where('work_id', 'in', ids).execute();
  }
}

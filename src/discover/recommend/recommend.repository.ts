import { sql, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { WorksTable } from '../../platform/db/schema.js';

/** A person's history: summed weight per work, the most recent first. */
export interface HistoryRow {
  workId: string;
  weight: number;
  last: number;
}

/** The only SQL of recommendations: consent, signals, picks, the stored model, and the works it learns from. */
export class RecommendRepository {
  constructor(private readonly database: Database) {}

  async consentOf(userId: string): Promise<string | null> {
    const row = await this.database.db.selectFrom('recommendation_consents').select('consented_at').where('user_id', '=', userId).executeTakeFirst();
    return row?.consented_at ?? null;
  }

  async giveConsent(userId: string, at: string): Promise<void> {
    await this.database.db.insertInto('recommendation_consents').values({ user_id: userId, consented_at: at }).onConflict((oc) => oc.column('user_id').doNothing()).execute();
  }

  /** Withdraws consent and erases every signal of the person, in one transaction. */
  async withdrawConsent(userId: string): Promise<number> {
    return this.database.db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('recommendation_signals').where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('recommendation_consents').where('user_id', '=', userId).execute();
      return Number(deleted.numDeletedRows);
    });
  }

  /** Records a signal only while consent stands (checked in the same statement, so a withdrawal racing it wins). */
  async recordSignal(userId: string, workId: string, kind: string, weight: number, at: string): Promise<boolean> {
    const result = await sql`INSERT INTO recommendation_signals (user_id, work_id, kind, weight, created_at)
      SELECT ${userId}, ${workId}, ${kind}, ${weight}, ${at} WHERE EXISTS (SELECT 1 FROM recommendation_consents WHERE user_id = ${userId})`.execute(this.database.db);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  /** The person's works by summed weight (not-interested ones separately), most recent first, at most `limit`. */
  async historyOf(userId: string, limit: number): Promise<{ history: HistoryRow[]; notInterested: string[] }> {
    const rows = await this.database.db
      .selectFrom('recommendation_signals')
      .select(['work_id', (eb) => eb.fn.sum<number>('weight').as('weight'), (eb) => eb.fn.max<number>('id').as('last'), (eb) => eb.fn.sum<number>(sql`CASE WHEN kind = 'not_interested' THEN 1 ELSE 0 END`).as('refused')])
      .where('user_id', '=', userId)
      .groupBy('work_id')
      .orderBy('last', 'desc')
      .limit(limit)
      .execute();
    const history: HistoryRow[] = [];
    const notInterested: string[] = [];
    for (const row of rows) {
      if (Number(row.refused) > 0) notInterested.push(row.work_id);
      else if (Number(row.weight) > 0) history.push({ workId: row.work_id, weight: Number(row.weight), last: Number(row.last) });
    }
    return { history, notInterested };
  }

  /** Every consenting person's summed weight per work, for a model build (read in pages). */
  async *allInteractions(pageSize = 50_000): AsyncGenerator<{ person: string; workId: string; weight: number }[]> {
    let after = '';
    for (;;) {
      const users = await this.database.db.selectFrom('recommendation_consents').select('user_id').where('user_id', '>', after).orderBy('user_id').limit(Math.max(1, Math.floor(pageSize / 100))).execute();
      if (users.length === 0) return;
      const rows = await this.database.db
        .selectFrom('recommendation_signals')
        .select(['user_id', 'work_id', (eb) => eb.fn.sum<number>('weight').as('weight'), (eb) => eb.fn.sum<number>(sql`CASE WHEN kind = 'not_interested' THEN 1 ELSE 0 END`).as('refused')])
        .where(
          'user_id',
          'in',
          users.map((u) => u.user_id),
        )
        .groupBy(['user_id', 'work_id'])
        .execute();
      yield rows.filter((r) => Number(r.refused) === 0 && Number(r.weight) > 0).map((r) => ({ person: r.user_id, workId: r.work_id, weight: Number(r.weight) }));
      after = users[users.length - 1]!.user_id;
    }
  }

  /** Public works with what the model reads of them, in pages by seq. */
  async *publicWorks(pageSize = 2_000): AsyncGenerator<{ id: string; industry: string | null; heritage: string | null; period: string | null; medium: string | null; place: string | null; metadata: string }[]> {
    for (let after = 0; ; ) {
      const rows = await this.database.db
        .selectFrom('works')
        .innerJoin('work_metadata', 'work_metadata.work_id', 'works.id')
        .select(['works.seq', 'works.id', 'works.industry', 'works.heritage', 'works.period', 'works.medium_facet', 'works.place_key', 'work_metadata.metadata'])
        .where('works.visibility', '=', 'public')
        .where('works.seq', '>', after)
        .orderBy('works.seq')
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({ id: r.id, industry: r.industry, heritage: r.heritage, period: r.period, medium: r.medium_facet, place: r.place_key, metadata: r.metadata }));
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /** The people who consented most recently (a sample for the exposure figures). */
  async recentConsenters(limit: number): Promise<string[]> {
    const rows = await this.database.db.selectFrom('recommendation_consents').select('user_id').orderBy('consented_at', 'desc').limit(limit).execute();
    return rows.map((r) => r.user_id);
  }

  async picks(): Promise<string[]> {
    const rows = await this.database.db.selectFrom('recommendation_picks').select('work_id').orderBy('position').execute();
    return rows.map((r) => r.work_id);
  }

  async replacePicks(workIds: string[], by: string, at: string): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recommendation_picks').execute();
      if (workIds.length > 0) await trx.insertInto('recommendation_picks').values(workIds.map((work_id, position) => ({ work_id, position, pinned_by: by, pinned_at: at }))).execute();
    });
  }

  async modelBuiltAt(): Promise<string | null> {
    const row = await this.database.db.selectFrom('recommendation_models').select('built_at').where('id', '=', 'current').executeTakeFirst();
    return row?.built_at ?? null;
  }

  async loadModel(): Promise<{ builtAt: string; data: Uint8Array } | null> {
    const row = await this.database.db.selectFrom('recommendation_models').select(['built_at', 'data']).where('id', '=', 'current').executeTakeFirst();
    return row ? { builtAt: row.built_at, data: row.data } : null;
  }

  async storeModel(builtAt: string, data: Uint8Array): Promise<void> {
    await this.database.db
      .insertInto('recommendation_models')
      .values({ id: 'current', built_at: builtAt, data })
      .onConflict((oc) => oc.column('id').doUpdateSet({ built_at: builtAt, data }))
      .execute();
  }

  /** Public works by id, in the order asked (missing and non-public ones dropped). */
  async publicRows(ids: string[]): Promise<Selectable<WorksTable>[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.db.selectFrom('works').selectAll().where('id', 'in', ids).where('visibility', '=', 'public').execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * One public work of a category at a random point: the first at or after a seeded position in the
   * seq range (then wrapping round). An index read on (visibility, facet), whatever the archive's size.
   */
  async randomInCategory(facet: 'industry' | 'heritage', value: string, fraction: number, exclude: string[]): Promise<Selectable<WorksTable> | undefined> {
    const range = await this.database.db
      .selectFrom('works')
      .select([(eb) => eb.fn.min<number>('seq').as('lo'), (eb) => eb.fn.max<number>('seq').as('hi')])
      .where('visibility', '=', 'public')
      .where(facet, '=', value)
      .executeTakeFirst();
    if (range?.lo === null || range?.lo === undefined) return undefined;
    const lo = Number(range.lo);
    const at = lo + Math.floor(fraction * (Number(range.hi) - lo + 1));
    const pick = (from: number) => {
      let query = this.database.db.selectFrom('works').selectAll().where('visibility', '=', 'public').where(facet, '=', value).where('seq', '>=', from);
      if (exclude.length > 0) query = query.where('id', 'not in', exclude);
      return query.orderBy('seq').limit(1).executeTakeFirst();
    };
    return (await pick(at)) ?? (await pick(lo));
  }

  /** The newest public works. */
  async newestPublic(limit: number, exclude: string[]): Promise<Selectable<WorksTable>[]> {
    let query = this.database.db.selectFrom('works').selectAll().where('visibility', '=', 'public');
    if (exclude.length > 0) query = query.where('id', 'not in', exclude);
    return query.orderBy('seq', 'desc').limit(limit).execute();
  }

  /** The categories that have public works, with counts. */
  async publicCategories(): Promise<{ facet: 'industry' | 'heritage'; value: string; count: number }[]> {
    const out: { facet: 'industry' | 'heritage'; value: string; count: number }[] = [];
    for (const facet of ['industry', 'heritage'] as const) {
      const rows = await this.database.db
        .selectFrom('works')
        .select([facet, (eb) => eb.fn.countAll<number>().as('n')])
        .where('visibility', '=', 'public')
        .where(facet, 'is not', null)
        .groupBy(facet)
        .execute();
      for (const row of rows) out.push({ facet, value: String(row[facet as keyof typeof row]), count: Number(row.n) });
    }
    return out;
  }
}

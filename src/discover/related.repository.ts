import { sql, type Expression, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Actor } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import type { WorksTable } from '../platform/db/schema.js';
import { accessRule } from './catalogue.repository.js';
import type { QueryTerm } from './search-text.js';

/** One phrase to find in the search index: every token must match (a name, a subject). */
export type Phrase = QueryTerm[];

export interface SimilarSignals {
  medium: string | null;
  industry: string | null;
  period: string | null;
  /** The work's subjects, each a phrase; every one shared counts. */
  subjects: Phrase[];
}

/** Points per shared trait; a candidate needs MIN_SIMILARITY to be "like" the work. */
const WEIGHTS = { subject: 3, medium: 2, industry: 1, period: 1 } as const;
export const MIN_SIMILARITY = 2;
/** A date range at most this wide says when a work was made; a wider one ("Ming to Qing") says too little to match on. */
const PRECISE_RANGE_YEARS = 100;

/**
 * The only SQL behind "related works". Every query applies the catalogue's access rule and runs on
 * the read pool: a work page asks for its neighbours on every view.
 */
export class RelatedRepository {
  constructor(private readonly database: Database) {}

  /** Newest readable works whose indexed text contains any of the phrases (candidates, checked by the caller). */
  async mentioning(actor: Actor, phrases: Phrase[], exclude: string[], limit: number): Promise<Selectable<WorksTable>[]> {
    const match = this.matchAny(phrases);
    if (!match) return [];
    return this.database.read
      .selectFrom('works')
      .selectAll()
      .where((eb) => eb.and([accessRule(eb, actor), eb('id', 'not in', exclude), eb('seq', 'in', match)]))
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * Readable works of the same period key, or whose years overlap a precise enough range (a work
   * dated 1700 is of the same time as one dated "Qing, Kangxi", though their keys differ); those
   * closest in time first.
   */
  async samePeriod(actor: Actor, range: { period: string | null; earliest: number | null; latest: number | null }, exclude: string[], limit: number): Promise<Selectable<WorksTable>[]> {
    const { period, earliest, latest } = range;
    const precise = earliest !== null && latest !== null && latest - earliest <= PRECISE_RANGE_YEARS;
    if (period === null && !precise) return [];
    let query = this.database.read
      .selectFrom('works')
      .selectAll()
      .where((eb) => {
        const same: Expression<SqlBool>[] = [];
        if (period !== null) same.push(eb('period', '=', period));
        if (precise) same.push(eb.and([eb('earliest_year', '<=', latest), eb('latest_year', '>=', earliest), eb('latest_year', '<=', eb('earliest_year', '+', PRECISE_RANGE_YEARS))]));
        return eb.and([accessRule(eb, actor), eb('id', 'not in', exclude), eb.or(same)]);
      });
    if (earliest !== null) query = query.orderBy(sql`earliest_year IS NULL`).orderBy(sql`abs(earliest_year - ${earliest})`);
    return query.orderBy('seq', 'desc').limit(limit).execute();
  }

  /** Readable works sharing subjects, medium, industry or period, the most alike first. */
  async similar(actor: Actor, signals: SimilarSignals, exclude: string[], limit: number): Promise<Selectable<WorksTable>[]> {
    const points: RawBuilder<number>[] = [];
    const anyOf: RawBuilder<SqlBool>[] = [];
    const shared = (condition: RawBuilder<SqlBool>, weight: number, candidate: boolean) => {
      points.push(sql<number>`CASE WHEN ${condition} THEN ${sql.lit(weight)} ELSE 0 END`);
      if (candidate) anyOf.push(condition);
    };
    for (const phrase of signals.subjects) {
      const match = this.matchAny([phrase]);
      if (match) shared(sql<SqlBool>`works.seq IN ${match}`, WEIGHTS.subject, true);
    }
    if (signals.medium !== null) shared(sql<SqlBool>`works.medium_facet = ${signals.medium}`, WEIGHTS.medium, true);
    if (signals.industry !== null) shared(sql<SqlBool>`works.industry = ${signals.industry}`, WEIGHTS.industry, true);
    // The period alone makes no likeness (that is its own row); it only breaks ties.
    if (signals.period !== null) shared(sql<SqlBool>`works.period = ${signals.period}`, WEIGHTS.period, false);
    if (anyOf.length === 0) return [];
    const score = sql<number>`(${sql.join(points, sql` + `)})`;
    return this.database.read
      .selectFrom('works')
      .selectAll()
      .where((eb) => eb.and([accessRule(eb, actor), eb('id', 'not in', exclude), eb.or(anyOf), sql<SqlBool>`${score} >= ${MIN_SIMILARITY}`]))
      .orderBy(score, 'desc')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
  }

  /** A subquery of the seqs of works matching any phrase (all tokens of one), or null for none. */
  private matchAny(phrases: Phrase[]): RawBuilder<number> | null {
    const usable = phrases.filter((p) => p.length > 0);
    if (usable.length === 0) return null;
    if (this.database.dialect === 'sqlite') {
      const query = usable.map((p) => `(${p.map((t) => `"${t.token.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' AND ')})`).join(' OR ');
      return sql<number>`(SELECT rowid FROM search_fts WHERE search_fts MATCH ${query})`;
    }
    // Tokens contain only letters and digits (see search-text.ts), so quoting them is enough.
    const query = usable.map((p) => `(${p.map((t) => `'${t.token.replaceAll("'", "''")}'${t.prefix ? ':*' : ''}`).join(' & ')})`).join(' | ');
    return sql<number>`(SELECT work_seq FROM search_documents WHERE tsv @@ to_tsquery('simple', ${query}))`;
  }
}

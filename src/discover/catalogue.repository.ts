import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '../govern/roles.js';
import { isStaff } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import type { DB, WorksTable } from '../platform/db/schema.js';
import type { Selectable } from 'kysely';
import type { QueryTerm } from './search-text.js';

export const FACETS = {
  industry: 'industry',
  heritage: 'heritage',
  period: 'period',
  medium: 'medium_facet',
  institution: 'institution_facet',
  rights: 'rights_uri',
  type: 'work_type',
  visibility: 'visibility',
} as const;
export type FacetName = keyof typeof FACETS;

export interface CatalogueQuery {
  terms: QueryTerm[];
  filters: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
  collectionIds?: string[];
  ownerId?: string;
  sort: 'relevance' | 'title' | 'date' | 'newest';
  limit: number;
  offset: number;
  facets: FacetName[];
  facetLimit: number;
}

export interface CatalogueResult {
  rows: Selectable<WorksTable>[];
  total: number;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
}

type WorksEb = ExpressionBuilder<DB, 'works'>;

/** The only SQL behind browsing and search: access rule, filters, full-text match, facets. */
export class CatalogueRepository {
  constructor(private readonly database: Database) {}

  async search(actor: Actor, query: CatalogueQuery): Promise<CatalogueResult> {
    const db = this.database.db;
    const matchSql = this.matchSql(query.terms);
    const whereBase = (eb: WorksEb): Expression<SqlBool> => {
      const parts: Expression<SqlBool>[] = [accessRule(eb, actor)];
      // A work matches a year range when its own range overlaps it.
      if (query.yearFrom !== undefined) parts.push(eb('latest_year', '>=', query.yearFrom));
      if (query.yearTo !== undefined) parts.push(eb('earliest_year', '<=', query.yearTo));
      if (query.collectionIds) parts.push(eb('collection_id', 'in', query.collectionIds.length ? query.collectionIds : ['']));
      if (query.ownerId) parts.push(eb('owner_id', '=', query.ownerId));
      if (matchSql) parts.push(eb('seq', 'in', matchSql));
      return eb.and(parts);
    };
    const where = (eb: WorksEb): Expression<SqlBool> => {
      const parts: Expression<SqlBool>[] = [whereBase(eb)];
      for (const [facet, values] of Object.entries(query.filters) as [FacetName, string[]][]) {
        if (values && values.length > 0) parts.push(eb(FACETS[facet], 'in', values));
      }
      return eb.and(parts);
    };

    let rowsQuery = db.selectFrom('works').selectAll().where((eb) => where(eb));
    if (query.sort === 'relevance' && matchSql && this.database.dialect === 'sqlite') {
      // bm25 ranks by how many and how rare the matched tokens are; unmatched works were filtered already.
      rowsQuery = rowsQuery
        .innerJoin(sql<{ rowid: number; rank: number }>`(SELECT rowid, bm25(search_fts, 8.0, 1.0) AS rank FROM search_fts WHERE search_fts MATCH ${this.ftsQuery(query.terms)})`.as('m'), 'm.rowid', 'works.seq')
        .orderBy(sql`m.rank`)
        .orderBy('works.seq');
    } else if (query.sort === 'relevance' && matchSql) {
      rowsQuery = rowsQuery
        .innerJoin('search_documents as sd', 'sd.work_seq', 'works.seq')
        .orderBy(sql`ts_rank(sd.tsv, to_tsquery('simple', ${this.tsQuery(query.terms)}))`, 'desc')
        // Among equal ranks, the shortest title is the closest to what was typed.
        .orderBy(sql`length(sd.title_tokens)`)
        .orderBy('works.seq');
    } else if (query.sort === 'title') {
      rowsQuery = rowsQuery.orderBy('title_sort').orderBy('seq');
    } else if (query.sort === 'date') {
      rowsQuery = rowsQuery.orderBy(sql`earliest_year IS NULL`).orderBy('earliest_year').orderBy('seq');
    } else {
      rowsQuery = rowsQuery.orderBy('seq', 'desc');
    }

    const narrowed = query.yearFrom !== undefined || query.yearTo !== undefined || query.collectionIds !== undefined || query.ownerId !== undefined || matchSql !== null || Object.values(query.filters).some((v) => v && v.length > 0);
    const [rows, counts] = await Promise.all([
      rowsQuery.limit(query.limit).offset(query.offset).execute(),
      narrowed ? this.countsInOneScan(query, (eb) => whereBase(eb)) : this.countsFromIndexes(actor, query, (eb) => where(eb)),
    ]);
    return { rows: rows as Selectable<WorksTable>[], total: counts.total, facets: counts.facets };
  }

  /**
   * Unfiltered view: one count per facet, each answered from a (visibility, facet) index
   * without touching table rows.
   */
  private async countsFromIndexes(_actor: Actor, query: CatalogueQuery, where: (eb: WorksEb) => Expression<SqlBool>) {
    const db = this.database.db;
    const [total, ...perFacet] = await Promise.all([
      db.selectFrom('works').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
      ...query.facets.map((facet) =>
        db
          .selectFrom('works')
          .select([`${FACETS[facet]} as value`, (eb) => eb.fn.countAll<number>().as('n')])
          .where(where)
          .where(FACETS[facet], 'is not', null)
          .groupBy(FACETS[facet])
          .execute(),
      ),
    ]);
    const facets: CatalogueResult['facets'] = {};
    query.facets.forEach((facet, i) => {
      facets[facet] = topValues((perFacet[i] ?? []).map((r) => ({ value: String(r.value), count: Number(r.n) })), query.facetLimit);
    });
    return { total: Number(total.n), facets };
  }

  /**
   * Filtered view: the works matching the text, years and access rule are read once into a
   * materialised set; every facet is then counted from it with the other facets' filters
   * applied (so a facet's own choice does not hide its alternatives).
   */
  private async countsInOneScan(query: CatalogueQuery, whereBase: (eb: WorksEb) => Expression<SqlBool>) {
    const db = this.database.db;
    const columns = Object.values(FACETS);
    const base = db.selectFrom('works').select(columns).where(whereBase);
    const facetFilter = (skip: FacetName | null) =>
      sql.join(
        (Object.entries(query.filters) as [FacetName, string[] | undefined][])
          .filter(([facet, values]) => facet !== skip && values && values.length > 0)
          .map(([facet, values]) => sql` AND ${sql.ref(FACETS[facet])} IN (${sql.join(values!)})`),
        sql``,
      );
    const parts = [
      sql`SELECT '_total' AS facet, NULL AS value, count(*) AS n FROM f WHERE 1 = 1${facetFilter(null)}`,
      ...query.facets.map(
        (facet) =>
          sql`SELECT ${facet} AS facet, ${sql.ref(FACETS[facet])} AS value, count(*) AS n FROM f WHERE ${sql.ref(FACETS[facet])} IS NOT NULL${facetFilter(facet)} GROUP BY ${sql.ref(FACETS[facet])}`,
      ),
    ];
    const result = await sql<{ facet: string; value: string | null; n: number }>`WITH f AS MATERIALIZED ${base} ${sql.join(parts, sql` UNION ALL `)}`.execute(db);
    let total = 0;
    const grouped = new Map<string, { value: string; count: number }[]>();
    for (const row of result.rows) {
      if (row.facet === '_total') total = Number(row.n);
      else grouped.set(row.facet, [...(grouped.get(row.facet) ?? []), { value: String(row.value), count: Number(row.n) }]);
    }
    const facets: CatalogueResult['facets'] = {};
    for (const facet of query.facets) facets[facet] = topValues(grouped.get(facet) ?? [], query.facetLimit);
    return { total, facets };
  }

  /** A subquery of matching work seqs, or null when there is no text query. */
  private matchSql(terms: QueryTerm[]) {
    if (terms.length === 0) return null;
    if (this.database.dialect === 'sqlite') {
      return sql<number>`(SELECT rowid FROM search_fts WHERE search_fts MATCH ${this.ftsQuery(terms)})`;
    }
    return sql<number>`(SELECT work_seq FROM search_documents WHERE tsv @@ to_tsquery('simple', ${this.tsQuery(terms)}))`;
  }

  private ftsQuery(terms: QueryTerm[]): string {
    return terms.map((t) => `"${t.token.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' AND ');
  }

  private tsQuery(terms: QueryTerm[]): string {
    // Tokens contain only letters and digits (see search-text.ts), so quoting them is enough.
    return terms.map((t) => `'${t.token.replaceAll("'", "''")}'${t.prefix ? ':*' : ''}`).join(' & ');
  }
}

/** The most frequent values first, ties by value, at most `limit`. */
function topValues(values: { value: string; count: number }[], limit: number): { value: string; count: number }[] {
  return values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).slice(0, limit);
}

/** Public works for everyone; all works for staff; own works for their owners. */
export function accessRule(eb: WorksEb, actor: Actor): Expression<SqlBool> {
  if (isStaff(actor)) return sql<SqlBool>`1 = 1`;
  if (actor.kind === 'user') return eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', actor.id)]);
  return eb('visibility', '=', 'public');
}

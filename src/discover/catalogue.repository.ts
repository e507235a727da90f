import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '../govern/roles.js';
import { isStaff } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import type { DB, WorksTable } from '../platform/db/schema.js';
import type { Selectable } from 'kysely';
import type { Match } from './search-query.js';
import { FacetIndex, SeqSet } from './facet-index.js';
import { SAMPLE_EVERY, SqlFacetCounter, type SqlFacetCountQuery } from './facet-counts-sql.js';
import { FACETS, type FacetName } from './facets.js';
import { narrowMatch } from './search-facet-tokens.js';
import { searchTokensCurrent } from './search-index.js';
import { RIGHTS_USES, USE_BITS, USE_COLUMNS, requiredMask, type RightsUse } from './reuse-flags.js';

export { FACETS, type FacetName } from './facets.js';

export interface CatalogueQuery {
  /** The text query (every part required, each in any field), or null for none. */
  match: Match | null;
  filters: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
  collectionIds?: string[];
  ownerId?: string;
  /** Uses every work must allow (reuse-flags.ts). */
  rightsUse?: RightsUse[];
  sort: 'relevance' | 'title' | 'date' | 'newest';
  limit: number;
  offset: number;
  facets: FacetName[];
  facetLimit: number;
}

/**
 * Ranking scores every match, which for a word in every title (a hundred thousand works) costs the
 * better part of a second and tells nothing (every score is alike). Above this many matches a
 * relevance search lists the newest first and says so; adding a word brings ranking back.
 */
export const RANKED_MATCH_LIMIT = 5_000;

export interface CatalogueResult {
  rows: Selectable<WorksTable>[];
  /** The order actually applied: `newest` when relevance was asked for a search too broad to rank. */
  sortedBy: CatalogueQuery['sort'];
  total: number;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
  /** How many matching works allow each use. */
  rightsUse: { value: RightsUse; count: number }[];
  /** Whether the total and counts are estimates (a broad selection counted by the database's sample). */
  approximate: boolean;
}

type WorksEb = ExpressionBuilder<DB, 'works'>;

/** The part of a query that chooses works (no order, page or facets). */
export type CatalogueSelection = Pick<CatalogueQuery, 'match' | 'filters' | 'yearFrom' | 'yearTo' | 'collectionIds' | 'ownerId' | 'rightsUse'>;

/** For each chosen use, the rights URIs that allow it: works without per-work flags match by these. */
type ReuseUris = { use: RightsUse; uris: string[] }[];

/** The only SQL behind browsing and search: access rule, filters, full-text match, facets. */
export class CatalogueRepository {
  /** Facet counts from this process's memory (every work's facet columns) or from the database. */
  private readonly counter: { kind: 'memory'; index: FacetIndex } | { kind: 'database'; sql: SqlFacetCounter };

  constructor(
    private readonly database: Database,
    /** The reuse bits of a rights URI (reuse-flags.service.ts). */
    private readonly maskOfRights: (rightsUri: string | null) => number = () => 0,
    facetCounts: 'memory' | 'database' = 'memory',
  ) {
    this.counter = facetCounts === 'database' ? { kind: 'database', sql: new SqlFacetCounter(database, maskOfRights) } : { kind: 'memory', index: new FacetIndex(database, maskOfRights) };
  }

  /** Whether search documents carry facet tokens (narrowMatch), once seen true; else asked again at most every 5 s. */
  private tokensChecked: { current: boolean; at: number } = { current: false, at: -Infinity };

  private async facetTokensReady(): Promise<boolean> {
    if (this.tokensChecked.current || Date.now() - this.tokensChecked.at < 5_000) return this.tokensChecked.current;
    this.tokensChecked = { current: await searchTokensCurrent(this.database.db), at: Date.now() };
    return this.tokensChecked.current;
  }

  /** The rights URIs allowing each chosen use, from the list of the URIs works hold. */
  private async reuseUris(uses: readonly RightsUse[] | undefined): Promise<ReuseUris> {
    if (!uses || uses.length === 0) return [];
    const values = this.counter.kind === 'memory' ? await this.counter.index.rightsValues() : await this.counter.sql.rightsValues();
    return [...new Set(uses)].map((use) => ({ use, uris: values.filter((uri) => (this.maskOfRights(uri) & USE_BITS[use]) !== 0) }));
  }

  /**
   * The condition of a query: the access rule, the text match, the year range, collections, owner,
   * facet and reuse filters (all but `except`'s filter: a facet's own counts leave it out).
   */
  private whereOf(actor: Actor, query: CatalogueSelection, reuse: ReuseUris, narrow: boolean, except?: FacetName, sampled = false): (eb: WorksEb) => Expression<SqlBool> {
    const matchSql = this.matchSql(textMatch(query, narrow, except), sampled);
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
        if (values && values.length > 0 && facet !== except) parts.push(eb(FACETS[facet], 'in', values));
      }
      for (const { use, uris } of reuse) parts.push(reuseCondition(eb, use, uris));
      return eb.and(parts);
    };
    return where;
  }

  /**
   * The ids of the works a query selects (the access rule applied), oldest first, at most `limit`:
   * what a bulk operation over a search result changes. Read off the event loop.
   */
  async matchingIds(actor: Actor, query: CatalogueSelection, limit: number): Promise<string[]> {
    const where = this.whereOf(actor, query, await this.reuseUris(query.rightsUse), await this.facetTokensReady());
    const rows = await this.database.read.selectFrom('works').select('id').where((eb) => where(eb)).orderBy('seq').limit(limit).execute();
    return rows.map((row) => row.id);
  }

  /** How many works a query selects (the access rule applied). */
  async countMatching(actor: Actor, query: CatalogueSelection): Promise<number> {
    const where = this.whereOf(actor, query, await this.reuseUris(query.rightsUse), await this.facetTokensReady());
    const row = await this.database.read.selectFrom('works').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => where(eb)).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async search(actor: Actor, query: CatalogueQuery): Promise<CatalogueResult> {
    const matchSql = this.matchSql(query.match);
    const reuse = await this.reuseUris(query.rightsUse);
    const narrow = await this.facetTokensReady();
    const where = this.whereOf(actor, query, reuse, narrow);

    // The matches first (off the event loop): their number decides whether ranking is worth its cost.
    // The in-memory counter needs them all. Counting in the database, the counts come first instead
    // (their sample sees a broad match cheaply) when they decide the order, else beside the rows.
    const matching = query.match && this.counter.kind === 'memory' ? await this.matchingSeqs(query.match) : null;
    const matchCount = matching ? matching.size : query.match && query.sort === 'relevance' ? await this.estimateTotal(actor, query) : 0;
    const sortedBy = query.sort === 'relevance' && matchCount > RANKED_MATCH_LIMIT ? 'newest' : query.sort;

    let rowsQuery = this.database.read.selectFrom('works').selectAll().where((eb) => where(eb));
    if (sortedBy === 'relevance' && matchSql && this.database.dialect === 'sqlite') {
      // bm25 ranks by how many and how rare the matched tokens are; unmatched works were filtered already.
      rowsQuery = rowsQuery
        .innerJoin(sql<{ rowid: number; rank: number }>`(SELECT rowid, bm25(search_fts, 10.0, 5.0, 2.0, 1.0) AS rank FROM search_fts WHERE search_fts MATCH ${ftsQuery(query.match!)})`.as('m'), 'm.rowid', 'works.seq')
        .orderBy(sql`m.rank`)
        .orderBy('works.seq');
    } else if (sortedBy === 'relevance' && matchSql) {
      rowsQuery = rowsQuery
        .innerJoin('search_documents as sd', 'sd.work_seq', 'works.seq')
        // Weights {D, C, B, A}: title 10 : creator 5 : inscription 2 : the rest 1, as bm25 on SQLite.
        .orderBy(sql`ts_rank('{0.1, 0.2, 0.5, 1.0}', sd.tsv, to_tsquery('simple', ${tsQuery(query.match!)}))`, 'desc')
        // Among equal ranks, the shortest title is the closest to what was typed.
        .orderBy(sql`length(sd.title_tokens)`)
        .orderBy('works.seq');
    } else if (sortedBy === 'newest' && query.match && this.database.dialect === 'sqlite') {
      // Newest first: FTS5 walks its doclists from the highest rowid (= seq) down and the walk stops
      // once the page is full, where `seq IN (every match)` first gathered every match — 300,000 for a
      // common word. The works' own conditions are checked per row on the way.
      const rest = this.whereOf(actor, { ...query, match: null }, reuse, narrow);
      const text = textMatch(query, narrow)!;
      rowsQuery = this.database.read
        .selectFrom('works')
        .innerJoin(sql<{ rowid: number }>`search_fts`.as('m'), 'm.rowid', 'works.seq')
        .selectAll('works')
        .where((eb) => eb.and([sql<SqlBool>`m.search_fts MATCH ${ftsQuery(text)}`, rest(eb as unknown as WorksEb)]))
        .orderBy(sql`m.rowid`, 'desc') as unknown as typeof rowsQuery;
    } else if (sortedBy === 'title') {
      rowsQuery = rowsQuery.orderBy('title_sort').orderBy('seq');
    } else if (sortedBy === 'date') {
      rowsQuery = rowsQuery.orderBy(sql`earliest_year IS NULL`).orderBy('earliest_year').orderBy('seq');
    } else {
      rowsQuery = rowsQuery.orderBy('seq', 'desc');
    }

    const [rows, counts] = await Promise.all([rowsQuery.limit(query.limit).offset(query.offset).execute(), this.countFacets(actor, query, matching)]);
    return { rows: rows as Selectable<WorksTable>[], sortedBy, total: counts.total, facets: counts.facets, rightsUse: counts.rightsUse, approximate: counts.approximate };
  }

  /** How many works a query selects, cheaply (the database's sample when it sees many): whether to rank them. */
  private async estimateTotal(actor: Actor, query: CatalogueQuery): Promise<number> {
    if (this.counter.kind !== 'database') throw new Error('the in-memory counter counts the matches themselves');
    return this.counter.sql.estimateTotal(await this.sqlCountQuery(actor, query));
  }

  /** A query as the database's facet counter takes it. */
  private async sqlCountQuery(actor: Actor, query: CatalogueQuery): Promise<SqlFacetCountQuery> {
    const reuse = await this.reuseUris(query.rightsUse);
    const everyUse = await this.reuseUris(RIGHTS_USES);
    const narrow = await this.facetTokensReady();
    return {
      actor,
      facets: query.facets,
      facetLimit: query.facetLimit,
      filters: query.filters,
      narrowed: query.match !== null || query.yearFrom !== undefined || query.yearTo !== undefined || query.collectionIds !== undefined || query.ownerId !== undefined || reuse.length > 0,
      where: (except, sampled) => this.whereOf(actor, query, reuse, narrow, except, sampled),
      allows: (use) => (eb) => reuseCondition(eb, use, everyUse.find((u) => u.use === use)!.uris),
    };
  }

  /** The total, facet counts and uses of a query's works, from memory or from the database. */
  private async countFacets(actor: Actor, query: CatalogueQuery, matching: SeqSet | null): Promise<Omit<CatalogueResult, 'rows' | 'sortedBy'>> {
    if (this.counter.kind === 'database') return this.counter.sql.count(await this.sqlCountQuery(actor, query));
    const counts = await this.counter.index.count({
      actor,
      filters: query.filters,
      ...(query.yearFrom !== undefined ? { yearFrom: query.yearFrom } : {}),
      ...(query.yearTo !== undefined ? { yearTo: query.yearTo } : {}),
      ...(query.collectionIds ? { collectionIds: query.collectionIds } : {}),
      ...(query.ownerId ? { ownerId: query.ownerId } : {}),
      matching,
      rightsUse: requiredMask(query.rightsUse),
      facets: query.facets,
      facetLimit: query.facetLimit,
    });
    return { ...counts, approximate: false };
  }

  /** Every work whose tokens match the text query (before access and filters), read off the event loop. */
  private async matchingSeqs(match: Match): Promise<SeqSet> {
    const query =
      this.database.dialect === 'sqlite'
        ? sql<{ seq: number }>`SELECT rowid AS seq FROM search_fts WHERE search_fts MATCH ${ftsQuery(match)}`
        : sql<{ seq: number }>`SELECT work_seq AS seq FROM search_documents WHERE tsv @@ to_tsquery('simple', ${tsQuery(match)})`;
    return SeqSet.of(await this.database.readInts(query.compile(this.database.read)));
  }

  /** Whether any work the actor may see matches (a typo check: a private work's words must not show through). */
  async anyVisibleMatch(actor: Actor, match: Match): Promise<boolean> {
    const matchSql = this.matchSql(match)!;
    const row = await this.database.read
      .selectFrom('works')
      .select('seq')
      .where((eb) => eb.and([accessRule(eb, actor), eb('seq', 'in', matchSql)]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The candidates that are indexed terms, those in the most works first (SQLite's fts5vocab knows;
   * PostgreSQL's term table does not count, so alphabetical there), at most `limit`.
   */
  async vocabularyTerms(candidates: string[], limit: number): Promise<string[]> {
    if (candidates.length === 0) return [];
    const rows =
      this.database.dialect === 'sqlite'
        ? await sql<{ term: string }>`SELECT term FROM search_vocab WHERE term IN (${sql.join(candidates)}) ORDER BY doc DESC, term LIMIT ${limit}`.execute(this.database.read)
        : await sql<{ term: string }>`SELECT term FROM search_terms WHERE term IN (${sql.join(candidates)}) ORDER BY term LIMIT ${limit}`.execute(this.database.read);
    return rows.rows.map((row) => row.term);
  }

  /**
   * A subquery of matching work seqs, or null when there is no text query. `sampled` keeps to the
   * facet counter's 1-in-32 sample, which PostgreSQL finds in its own small text index (0026).
   */
  private matchSql(match: Match | null, sampled = false) {
    if (!match) return null;
    if (this.database.dialect === 'sqlite') {
      return sql<number>`(SELECT rowid FROM search_fts WHERE search_fts MATCH ${ftsQuery(match)})`;
    }
    if (sampled) return sql<number>`(SELECT work_seq FROM search_documents WHERE tsv @@ to_tsquery('simple', ${tsQuery(match)}) AND work_seq % ${sql.lit(SAMPLE_EVERY)} = 0)`;
    return sql<number>`(SELECT work_seq FROM search_documents WHERE tsv @@ to_tsquery('simple', ${tsQuery(match)}))`;
  }
}

/**
 * The text match a query asks the index for: narrowed by the selected facets' tokens too, once every
 * document has them (`narrow`); the works' columns still decide.
 */
function textMatch(query: CatalogueSelection, narrow: boolean, except?: FacetName): Match | null {
  return query.match && narrow ? narrowMatch(query.match, query, except) : query.match;
}

/** A match as an FTS5 query: quoted tokens (prefix `*`), AND / OR groups in parentheses. */
export function ftsQuery(match: Match): string {
  if ('token' in match) return `"${match.token.replaceAll('"', '""')}"${match.prefix ? '*' : ''}`;
  const [items, op] = 'any' in match ? [match.any, ' OR '] : [match.all, ' AND '];
  return items.length === 1 ? ftsQuery(items[0]!) : `(${items.map(ftsQuery).join(op)})`;
}

/** A match as a PostgreSQL tsquery. Tokens hold only letters and digits (search-text.ts), so quoting is enough. */
export function tsQuery(match: Match): string {
  if ('token' in match) return `'${match.token.replaceAll("'", "''")}'${match.prefix ? ':*' : ''}`;
  const [items, op] = 'any' in match ? [match.any, ' | '] : [match.all, ' & '];
  return items.length === 1 ? tsQuery(items[0]!) : `(${items.map(tsQuery).join(op)})`;
}

/**
 * Whether a work allows a use: license's flags of the work when it has its own terms (by seq, the
 * primary key), else what its collection inherits (the collection's licence replaces the rights URI;
 * its offers make it licensable), else its rights URI's (`uris`: the URIs that allow the use).
 */
function reuseCondition(eb: WorksEb, use: RightsUse, uris: string[]): Expression<SqlBool> {
  const flagged = eb.selectFrom('work_reuse_flags').select('work_seq').where('active', '=', 1);
  const collections = eb.selectFrom('collection_reuse_flags').select('collection_id').where('active', '=', 1);
  let inherited: Expression<SqlBool>;
  if (use === 'licensable') {
    inherited = eb('collection_id', 'in', collections.where('licensable', '=', 1));
  } else {
    const licensed = collections.where('has_licence', '=', 1);
    const byRights = uris.length > 0 ? eb.and([eb.or([eb('collection_id', 'is', null), eb('collection_id', 'not in', licensed)]), eb('rights_uri', 'in', uris)]) : sql<SqlBool>`1 = 0`;
    inherited = eb.or([eb('collection_id', 'in', licensed.where(USE_COLUMNS[use], '=', 1)), byRights]);
  }
  return eb.or([eb('seq', 'in', flagged.where(USE_COLUMNS[use], '=', 1)), eb.and([eb('seq', 'not in', flagged), inherited])]);
}

/** Public works for everyone; all works for staff; own works for their owners. */
export function accessRule(eb: WorksEb, actor: Actor): Expression<SqlBool> {
  if (isStaff(actor)) return sql<SqlBool>`1 = 1`;
  if (actor.kind === 'user') return eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', actor.id)]);
  return eb('visibility', '=', 'public');
}

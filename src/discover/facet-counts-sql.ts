import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '../govern/roles.js';
import { isStaff } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { FacetCounts } from './facet-index.js';
import { FACETS, type FacetName } from './facets.js';
import { RIGHTS_USES, USE_BITS, inheritedMask, type RightsUse } from './reuse-flags.js';

type WorksEb = ExpressionBuilder<DB, 'works'>;
type Condition = (eb: WorksEb) => Expression<SqlBool>;

/** Selections up to this many works are counted exactly; broader ones from the sample. */
export const EXACT_COUNT_LIMIT = 5_000;
/** One work in this many is in the sample (`seq % 32 = 0`: the partial index of migration 0026). */
export const SAMPLE_EVERY = 32;
/** Deltas beyond this many are folded into the counts by the next reader. */
const FOLD_AFTER = 5_000;

export interface SqlFacetCountQuery {
  actor: Actor;
  facets: FacetName[];
  facetLimit: number;
  /** The facet filters (each facet's counts leave out its own filter, as the in-memory index does). */
  filters: Partial<Record<FacetName, string[]>>;
  /** Whether anything but facet filters narrows the works: a text query, years, collections, an owner, reuse. */
  narrowed: boolean;
  /**
   * The query's whole condition (access rule included), without the named facet's filter; `sampled`:
   * its text match may keep to the sample already (the sample's own text index finds it cheaply).
   */
  where: (except?: FacetName, sampled?: boolean) => Condition;
  /** Whether a work allows each use (license's flags, its collection's, its rights URI's). */
  allows: (use: RightsUse) => Condition;
}

/** Counts, and whether any of them are estimates from the sample. */
export type SqlFacetCounts = FacetCounts & { approximate: boolean };

interface Grouped {
  total: number;
  facets: Map<FacetName, Map<string, number>>;
  uses: Record<RightsUse, number>;
  approximate: boolean;
}

const FACET_NAMES = Object.keys(FACETS) as FacetName[];
const FACET_OF_COLUMN = new Map(FACET_NAMES.map((f) => [FACETS[f] as string, f]));

/**
 * Facet counts computed by PostgreSQL, for catalogues whose facet columns should not live in every
 * API process (the in-memory FacetIndex costs memory per work per process). Three ways, cheapest
 * first, with the same results the in-memory index gives:
 * - nothing selected (the catalogue's first page): the counts table the works triggers keep
 *   (migration 0026), exact, a few hundred rows whatever the catalogue's size;
 * - a selection: first counted on the 1-in-32 sample (an index-only scan); if that estimates
 *   more than EXACT_COUNT_LIMIT works the scaled estimate is the answer (marked approximate), else
 *   the selection is counted exactly — a narrow selection is cheap to count.
 * Each facet with a filter of its own is counted without that filter, in its own query.
 */
export class SqlFacetCounter {
  private folding: Promise<void> | null = null;
  private summary: { version: number; rows: Promise<SummaryRow[]> } | null = null;
  /** The uses of everything per summary read and visibility class. */
  private readonly usesCache = new WeakMap<SummaryRow[], Map<string, Promise<Record<RightsUse, number>>>>();

  constructor(
    private readonly database: Database,
    /** The reuse bits of a rights URI (license's mapping, through discover's reuse-flags service). */
    private readonly maskOfRights: (rightsUri: string | null) => number,
    /** Selections the sample says are larger than this are estimated (tests set it low). */
    private readonly exactLimit = EXACT_COUNT_LIMIT,
  ) {}

  /** The rights URIs works hold (the reuse filter's candidates). */
  async rightsValues(): Promise<string[]> {
    const rows = await this.summaryRows();
    return [...new Set(rows.filter((r) => r.facet === 'rights' && r.n > 0).map((r) => r.value))];
  }

  async count(query: SqlFacetCountQuery): Promise<SqlFacetCounts> {
    const filtered = query.facets.filter((f) => (query.filters[f]?.length ?? 0) > 0);
    const unfiltered = query.facets.filter((f) => !filtered.includes(f));
    const [main, ...own] = await Promise.all([
      this.countSelection(query, undefined, unfiltered, true),
      ...filtered.map((facet) => this.countSelection(query, facet, [facet], false)),
    ]);
    const facets: FacetCounts['facets'] = {};
    for (const facet of unfiltered) facets[facet] = top(main!.facets.get(facet), query.facetLimit);
    filtered.forEach((facet, i) => {
      facets[facet] = top(own[i]!.facets.get(facet), query.facetLimit);
    });
    return {
      total: main!.total,
      facets,
      rightsUse: RIGHTS_USES.map((use) => ({ value: use, count: main!.uses[use] })),
      approximate: main!.approximate || own.some((g) => g.approximate),
    };
  }

  /**
   * About how many works the query selects, from the sample alone (an index-only read of 3 % of the
   * catalogue): enough to decide whether a search is narrow enough to rank.
   */
  async estimateTotal(query: SqlFacetCountQuery): Promise<number> {
    return (await this.groupedCounts(query.where(undefined, true), [], false, query.allows, true)).total;
  }

  /** The counts of one selection: the query without `except`'s filter, grouped by `facets`. */
  private async countSelection(query: SqlFacetCountQuery, except: FacetName | undefined, facets: FacetName[], withUses: boolean): Promise<Grouped> {
    const otherFilters = Object.entries(query.filters).some(([facet, values]) => facet !== except && (values?.length ?? 0) > 0);
    if (!query.narrowed && !otherFilters) return this.countEverything(query.actor, facets, withUses, query.allows);
    return this.countWhere(query.where(except), facets, withUses, query.allows, query.where(except, true));
  }

  /** Sample first; the exact count only when the sample says the selection is narrow. */
  private async countWhere(where: Condition, facets: FacetName[], withUses: boolean, allows: SqlFacetCountQuery['allows'], whereSampled: Condition = where): Promise<Grouped> {
    const sampled = await this.groupedCounts(whereSampled, facets, withUses, allows, true);
    if (sampled.total > this.exactLimit) return sampled;
    return this.groupedCounts(where, facets, withUses, allows, false);
  }

  /** One GROUPING SETS query: the total, each facet's values and the uses, over the sample (scaled) or every work. */
  private async groupedCounts(where: Condition, facets: FacetName[], withUses: boolean, allows: SqlFacetCountQuery['allows'], sampled: boolean): Promise<Grouped> {
    const columns = facets.map((f) => FACETS[f] as string);
    const sets = [...columns.map((c) => sql`(${sql.ref(c)})`), sql`()`];
    const rows = (await this.database.read
      .selectFrom('works')
      .where((eb) => (sampled ? eb.and([where(eb), sql<SqlBool>`seq % ${sql.lit(SAMPLE_EVERY)} = 0`]) : where(eb)))
      .select((eb) => [
        ...columns.flatMap((c) => [sql.ref(c).as(c), sql<number>`GROUPING(${sql.ref(c)})`.as(`g_${c}`)]),
        eb.fn.countAll<string>().as('n'),
        ...(withUses ? RIGHTS_USES.map((use) => eb.fn.countAll<string>().filterWhere(allows(use)).as(`use_${use}`)) : []),
      ])
      .groupBy(sql`GROUPING SETS (${sql.join(sets)})`)
      .execute()) as Record<string, unknown>[];
    const scale = sampled ? SAMPLE_EVERY : 1;
    const grouped: Grouped = { total: 0, facets: new Map(facets.map((f) => [f, new Map()])), uses: { free: 0, licensable: 0, ai: 0 }, approximate: false };
    for (const row of rows) {
      const column = columns.find((c) => Number(row[`g_${c}`]) === 0);
      const n = Number(row.n) * scale;
      if (column === undefined) {
        grouped.total = n;
        if (withUses) for (const use of RIGHTS_USES) grouped.uses[use] = Number(row[`use_${use}`]) * scale;
      } else if (row[column] !== null) {
        grouped.facets.get(FACET_OF_COLUMN.get(column)!)!.set(String(row[column]), n);
      }
    }
    // An estimate only when the sample saw enough to stand for the whole (see countWhere).
    grouped.approximate = sampled;
    return grouped;
  }

  /**
   * Every work the actor may see, from the kept counts: public works for everyone, all for staff,
   * and for a signed-in person the public ones plus their own others (counted as a selection).
   */
  private async countEverything(actor: Actor, facets: FacetName[], withUses: boolean, allows: SqlFacetCountQuery['allows']): Promise<Grouped> {
    const staff = isStaff(actor);
    const all = await this.summaryRows();
    const rows = all.filter((r) => staff || r.isPublic === 1);
    const grouped: Grouped = { total: 0, facets: new Map(facets.map((f) => [f, new Map()])), uses: { free: 0, licensable: 0, ai: 0 }, approximate: false };
    for (const row of rows) {
      if (row.facet === '*') grouped.total += row.n;
      const counts = grouped.facets.get(row.facet as FacetName);
      if (counts) counts.set(row.value, (counts.get(row.value) ?? 0) + row.n);
    }
    if (withUses) grouped.uses = { ...(await this.cachedUses(all, staff)) };
    if (!staff && actor.kind === 'user') {
      const ownOthers: Condition = (eb) => eb.and([eb('owner_id', '=', actor.id), eb('visibility', '<>', 'public')]);
      const own = await this.countWhere(ownOthers, facets, withUses, allows);
      grouped.total += own.total;
      for (const [facet, counts] of own.facets) {
        const into = grouped.facets.get(facet)!;
        for (const [value, n] of counts) into.set(value, (into.get(value) ?? 0) + n);
      }
      for (const use of RIGHTS_USES) grouped.uses[use] += own.uses[use];
      grouped.approximate = own.approximate;
    }
    for (const counts of grouped.facets.values()) for (const [value, n] of counts) if (n <= 0) counts.delete(value);
    return grouped;
  }

  /** The uses of everything, once per summary read (reuse flags changing move the catalogue version too). */
  private cachedUses(all: SummaryRow[], staff: boolean): Promise<Record<RightsUse, number>> {
    const key = staff ? 'staff' : 'public';
    let cache = this.usesCache.get(all);
    if (!cache) {
      cache = new Map();
      this.usesCache.set(all, cache);
    }
    let uses = cache.get(key);
    if (!uses) {
      uses = this.usesOfEverything(all.filter((r) => staff || r.isPublic === 1), staff);
      cache.set(key, uses);
      uses.catch(() => cache.delete(key));
    }
    return uses;
  }

  /**
   * How many of the counted works allow each use: by collection and rights URI from the kept counts
   * (what a work without terms of its own inherits), corrected for the works with terms of their own.
   */
  private async usesOfEverything(rows: SummaryRow[], staff: boolean): Promise<Record<RightsUse, number>> {
    const [collections, ownTerms] = await Promise.all([
      this.database.read.selectFrom('collection_reuse_flags').select(['collection_id', 'has_licence', 'free_to_reuse', 'ai_training', 'licensable']).where('active', '=', 1).execute(),
      this.database.read
        .selectFrom('work_reuse_flags as f')
        .innerJoin('works as w', 'w.seq', 'f.work_seq')
        .where('f.active', '=', 1)
        .$if(!staff, (q) => q.where('w.visibility', '=', 'public'))
        .select((eb) => ['w.collection_id', 'w.rights_uri', 'f.free_to_reuse', 'f.licensable', 'f.ai_training', eb.fn.countAll<string>().as('n')])
        .groupBy(['w.collection_id', 'w.rights_uri', 'f.free_to_reuse', 'f.licensable', 'f.ai_training'])
        .execute(),
    ]);
    const inherited = new Map(
      collections.map((c) => [
        c.collection_id,
        { licence: c.has_licence === 1 ? (c.free_to_reuse === 1 ? USE_BITS.free : 0) | (c.ai_training === 1 ? USE_BITS.ai : 0) : -1, licensable: c.licensable === 1 ? USE_BITS.licensable : 0 },
      ]),
    );
    const byMask = new Map<number, number>();
    const add = (mask: number, n: number) => byMask.set(mask, (byMask.get(mask) ?? 0) + n);
    const maskOfGroup = (collectionId: string | null, rightsUri: string | null) => {
      const collection = collectionId ? inherited.get(collectionId) : undefined;
      return inheritedMask(this.maskOfRights(rightsUri), collection?.licence ?? -1, collection?.licensable ?? 0);
    };
    for (const row of rows) {
      if (row.facet !== '~reuse') continue;
      const cut = row.value.indexOf('\u0001');
      const collectionId = row.value.slice(0, cut) || null;
      const rightsUri = row.value.slice(cut + 1) || null;
      add(maskOfGroup(collectionId, rightsUri), row.n);
    }
    for (const row of ownTerms) {
      const n = Number(row.n);
      add(maskOfGroup(row.collection_id, row.rights_uri), -n);
      add((row.free_to_reuse === 1 ? USE_BITS.free : 0) | (row.licensable === 1 ? USE_BITS.licensable : 0) | (row.ai_training === 1 ? USE_BITS.ai : 0), n);
    }
    const uses: Record<RightsUse, number> = { free: 0, licensable: 0, ai: 0 };
    for (const [mask, n] of byMask) for (const use of RIGHTS_USES) if (mask & USE_BITS[use]) uses[use] += n;
    return uses;
  }

  /** The kept counts (counts plus unfolded deltas), read once per catalogue version. */
  private async summaryRows(): Promise<SummaryRow[]> {
    const version = Number((await this.database.db.selectFrom('catalogue_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow()).version);
    // Read after the version: rows at least as new as it, so keeping them under it is never stale.
    if (this.summary?.version !== version) {
      const rows = this.readSummary();
      this.summary = { version, rows };
      rows.catch(() => {
        if (this.summary?.rows === rows) this.summary = null;
      });
    }
    return this.summary.rows;
  }

  private async readSummary(): Promise<SummaryRow[]> {
    const result = await sql<{ facet: string; value: string; is_public: number; n: string; deltas: string }>`
      SELECT facet, value, is_public, sum(n) AS n, sum(delta) AS deltas FROM (
        SELECT facet, value, is_public, n, 0 AS delta FROM facet_counts
        UNION ALL SELECT facet, value, is_public, n, 1 AS delta FROM facet_count_deltas
      ) AS u GROUP BY facet, value, is_public`.execute(this.database.read);
    const deltas = result.rows.reduce((sum, row) => sum + Number(row.deltas), 0);
    if (deltas > FOLD_AFTER) this.fold();
    return result.rows.map((row) => ({ facet: row.facet, value: row.value, isPublic: Number(row.is_public), n: Number(row.n) }));
  }

  /**
   * Moves the deltas into the counts, in one transaction (a reader sees before or after, never half).
   * Two processes folding at once are safe: the second one's DELETE finds the rows gone.
   */
  fold(): Promise<void> {
    this.folding ??= sql`
      WITH moved AS (DELETE FROM facet_count_deltas RETURNING facet, value, is_public, n),
      summed AS (SELECT facet, value, is_public, sum(n) AS n FROM moved GROUP BY facet, value, is_public)
      INSERT INTO facet_counts AS c (facet, value, is_public, n) SELECT facet, value, is_public, n FROM summed
      ON CONFLICT (facet, value, is_public) DO UPDATE SET n = c.n + excluded.n`
      .execute(this.database.db)
      .then(async () => {
        await this.database.db.deleteFrom('facet_counts').where('n', '=', 0).execute();
      })
      .catch(() => undefined)
      .finally(() => {
        this.folding = null;
      });
    return this.folding;
  }
}

interface SummaryRow {
  facet: string;
  value: string;
  isPublic: number;
  n: number;
}

function top(counts: Map<string, number> | undefined, limit: number): { value: string; count: number }[] {
  return [...(counts ?? [])]
    .filter(([, n]) => n > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

import { sql } from 'kysely';
import type { Actor } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import { accessRule } from './catalogue.repository.js';

/** The only SQL behind the timeline and the map: grouped counts of the works an actor may see. */
export class BrowseRepository {
  constructor(private readonly database: Database) {}

  /** Works by period facet value (null: undated). */
  async periodCounts(actor: Actor): Promise<{ period: string | null; dated: boolean; count: number }[]> {
    const rows = await this.database.read
      .selectFrom('works')
      .select((eb) => ['period', sql<number>`CASE WHEN earliest_year IS NULL THEN 0 ELSE 1 END`.as('dated'), eb.fn.countAll<number>().as('count')])
      .where((eb) => accessRule(eb, actor))
      .groupBy(['period', sql`CASE WHEN earliest_year IS NULL THEN 0 ELSE 1 END`])
      .execute();
    return rows.map((r) => ({ period: r.period, dated: Number(r.dated) === 1, count: Number(r.count) }));
  }

  /** Works of these periods grouped by their year range (few distinct ranges), to count reigns from. */
  async rangeCounts(actor: Actor, periods: string[]): Promise<{ period: string; earliest: number; latest: number; count: number }[]> {
    if (periods.length === 0) return [];
    const rows = await this.database.read
      .selectFrom('works')
      .select((eb) => ['period', 'earliest_year', 'latest_year', eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.and([accessRule(eb, actor), eb('period', 'in', periods), eb('earliest_year', 'is not', null)]))
      .groupBy(['period', 'earliest_year', 'latest_year'])
      .execute();
    return rows.map((r) => ({ period: r.period!, earliest: Number(r.earliest_year), latest: Number(r.latest_year), count: Number(r.count) }));
  }

  /** Works by matched gazetteer place. */
  async placeCounts(actor: Actor): Promise<{ key: string; count: number }[]> {
    const rows = await this.database.read
      .selectFrom('works')
      .select((eb) => ['place_key', eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.and([accessRule(eb, actor), eb('place_key', 'is not', null)]))
      .groupBy('place_key')
      .execute();
    return rows.map((r) => ({ key: r.place_key!, count: Number(r.count) }));
  }

  /** Works with their own coordinates, on a 0.1° grid. */
  async geoPoints(actor: Actor): Promise<{ lat: number; lon: number; count: number }[]> {
    const lat = this.database.dialect === 'postgres' ? sql<number>`round(geo_lat::numeric, 1)` : sql<number>`round(geo_lat, 1)`;
    const lon = this.database.dialect === 'postgres' ? sql<number>`round(geo_lon::numeric, 1)` : sql<number>`round(geo_lon, 1)`;
    const rows = await this.database.read
      .selectFrom('works')
      .select((eb) => [lat.as('lat'), lon.as('lon'), eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.and([accessRule(eb, actor), eb('geo_lat', 'is not', null), eb('geo_lon', 'is not', null)]))
      .groupBy([lat, lon])
      .execute();
    return rows.map((r) => ({ lat: Number(r.lat), lon: Number(r.lon), count: Number(r.count) }));
  }
}

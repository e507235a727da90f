import { createHash } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type Dialect } from '../../src/platform/db/database.js';
import { migrationProvider } from '../../src/platform/db/migrate.js';
import { createTestDatabase, testDialects } from '../support/databases.js';

type Row = Record<string, unknown>;
interface Column {
  name: string;
  dataType: string;
  isNullable: boolean;
  hasDefaultValue: boolean;
  isAutoIncrementing: boolean;
}

const MIGRATIONS = Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const at = (era: number) => new Date(Date.UTC(2024, 0, 1 + era)).toISOString();

/**
 * Representative rows as the schema of `era` (the number of migrations applied) holds them: a
 * user, a collection, a blob, a work with its metadata and file, a derivative, a sequenced registry
 * entry — each only where its table exists then, and only with the columns it has then.
 */
function rowsOfEra(era: number): [table: string, key: string, row: Row][] {
  const user = `upgrade-user-${era}`;
  const collection = `upgrade-collection-${era}`;
  const work = `upgrade-work-${era}`;
  const blob = sha(`upgrade blob ${era}`);
  return [
    ['users', 'id', { id: user, username: `upgrade${era}`, display_name: `Era ${era}`, password_hash: 'not-a-hash', role: 'admin', disabled: 0, created_at: at(era), updated_at: at(era) }],
    ['blobs', 'sha256', { sha256: blob, size: 10, media_type: 'image/png', created_at: at(era) }],
    ['collections', 'id', { id: collection, name: JSON.stringify({ en: `Collection ${era}` }), visibility: 'public', owner_id: user, created_at: at(era), updated_at: at(era) }],
    ['works', 'id', { id: work, collection_id: collection, owner_id: user, visibility: 'public', work_type: 'image', version: 1, title_sort: `era ${era}`, primary_file_sha256: blob, change_version: era, created_at: at(era), updated_at: at(era) }],
    ['work_metadata', 'work_id', { work_id: work, metadata: JSON.stringify({ title: { en: `Era ${era}`, 'zh-Hans': `第${era}代` } }) }],
    ['work_files', 'id', { id: `upgrade-file-${era}`, work_id: work, sha256: blob, original_name: `era-${era}.png`, media_type: 'image/png', kind: 'image', size: 10, width: 4, height: 2, position: 0, created_at: at(era) }],
    ['derivatives', 'sha256', { source_sha256: blob, name: 'thumb', sha256: sha(`upgrade thumb ${era}`), media_type: 'image/webp', width: 2, height: 1, created_at: at(era) }],
    ['registry_entries', 'registration_id', { idx: 1_000_000 + era, registration_id: `upgrade-registration-${era}`, leaf_hash: sha(`leaf ${era}`), entry: '{}', work_id: work, user_id: user, sequenced_at: at(era) }],
  ];
}

/** A value for a required column the representative row does not name (one added by a later migration). */
function filler(column: Column, era: number): unknown {
  const type = column.dataType.toLowerCase();
  if (/int|serial|numeric|real|double|float/.test(type)) return 0;
  if (type === 'bool' || type === 'boolean') return false;
  if (type === 'bytea' || type === 'blob') return Buffer.alloc(0);
  if (type === 'jsonb' || type === 'json') return '{}';
  if (type.includes('timestamp')) return at(era);
  return `${column.name}-${era}`;
}

async function writeEra(db: Kysely<Record<string, Row>>, era: number): Promise<[string, string, string][]> {
  const tables = new Map((await db.introspection.getTables()).map((t) => [t.name, t.columns as Column[]]));
  const written: [string, string, string][] = [];
  for (const [table, key, row] of rowsOfEra(era)) {
    const columns = tables.get(table);
    if (!columns) continue;
    const values: Row = {};
    for (const column of columns) {
      if (column.name in row) values[column.name] = row[column.name];
      else if (!column.isNullable && !column.hasDefaultValue && !column.isAutoIncrementing) values[column.name] = filler(column, era);
    }
    await db.insertInto(table).values(values).execute();
    written.push([table, key, String(row[key])]);
  }
  return written;
}

/**
 * Upgrades: every migration runs over a database holding rows written by each earlier schema
 * (rows written right before it among them), on both dialects; afterwards every row is still
 * there and the current release opens the database and reads each era's work. One database per
 * dialect stepped through the migrations one by one covers "from the previous schema with data in
 * it" for every migration, without re-running the whole chain once per migration.
 */
describe.each(await testDialects())('migration upgrades (%s)', (dialect) => {
  it('runs each migration over the rows of the schemas before it, and the app reads them after', { timeout: 60_000 }, async () => {
    expect(MIGRATIONS.length).toBeGreaterThan(20);
    const target = await createTestDatabase(dialect);
    const written: [string, string, string][] = [];
    try {
      const database = openDatabase(target.url);
      try {
        const db = database.db as unknown as Kysely<Record<string, Row>>;
        const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider(dialect as Dialect) });
        for (const [era, name] of MIGRATIONS.entries()) {
          if (era > 0) written.push(...(await writeEra(db, era)));
          const { error, results } = await migrator.migrateTo(name);
          expect(error, `${name} over the rows of ${MIGRATIONS[era - 1] ?? 'nothing'}`).toBeUndefined();
          expect(results?.map((r) => [r.migrationName, r.status])).toEqual([[name, 'Success']]);
        }
        written.push(...(await writeEra(db, MIGRATIONS.length)));
        for (const [table, key, id] of written) {
          const found = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(key)} = ${id}`.execute(db);
          expect(Number(found.rows[0]?.n), `${table} ${id}`).toBe(1);
        }
        // The first era predates every feature table: its work went through all of them.
        expect(written.filter(([table]) => table === 'works').length).toBe(MIGRATIONS.length);
      } finally {
        await database.close();
      }

      const app = await createApp(loadConfig({ dataDir: target.dataDir, databaseUrl: target.url }, {}));
      try {
        const admin = { kind: 'user' as const, id: 'upgrade-user-1', username: 'upgrade1', role: 'admin' as const };
        for (let era = 1; era <= MIGRATIONS.length; era++) {
          const work = await app.works.get(admin, `upgrade-work-${era}`);
          expect(work.metadata.title).toMatchObject({ en: `Era ${era}` });
          expect(work.collectionId).toBe(`upgrade-collection-${era}`);
        }
        expect((await app.identity.findByUsername('upgrade1'))?.id).toBe('upgrade-user-1');
      } finally {
        await app.close();
      }
    } finally {
      await target.drop();
    }
  });
});

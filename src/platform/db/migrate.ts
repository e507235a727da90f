import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Dialect } from './database.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-registry.js';
import * as m0003 from './migrations/0003-protect.js';
import * as m0004 from './migrations/0004-licensed-copies.js';
import * as m0005 from './migrations/0005-first-hour.js';
import * as m0006 from './migrations/0006-sign-in-and-filing.js';
import * as m0007 from './migrations/0007-upload-keys.js';
import * as m0008 from './migrations/0008-sealed-entries.js';
import * as m0009 from './migrations/0009-registration-requests.js';
import * as m0010 from './migrations/0010-iiif-pyramids.js';
import * as m0011 from './migrations/0011-showcase.js';
import * as m0012 from './migrations/0012-place-facet.js';
import * as m0013 from './migrations/0013-bulk-operations.js';
import * as m0014 from './migrations/0014-search-fields.js';
import * as m0015 from './migrations/0015-recommendations.js';
import * as m0016 from './migrations/0016-license.js';
import * as m0017 from './migrations/0017-reuse-flags.js';
import * as m0018 from './migrations/0018-audit-trail.js';
import * as m0019 from './migrations/0019-strong-sign-in.js';
import * as m0020 from './migrations/0020-review.js';
import * as m0021 from './migrations/0021-privacy.js';
import * as m0022 from './migrations/0022-transfer.js';
import * as m0023 from './migrations/0023-passkeys.js';
import * as m0025 from './migrations/0025-sequencer-lease.js';
import * as m0026 from './migrations/0026-facet-counts.js';
import * as m0027 from './migrations/0027-fingerprint-snapshots.js';
import * as m0028 from './migrations/0028-work-tombstones.js';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

// Listed explicitly so the compiled build needs no directory scan; forward-only, never edited once shipped.
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-foundation': m0001,
  '0002-registry': m0002,
  '0003-protect': m0003,
  '0004-licensed-copies': m0004,
  '0005-first-hour': m0005,
  '0006-sign-in-and-filing': m0006,
  '0007-upload-keys': m0007,
  '0008-sealed-entries': m0008,
  '0009-registration-requests': m0009,
  '0010-iiif-pyramids': m0010,
  '0011-showcase': m0011,
  '0012-place-facet': m0012,
  '0013-bulk-operations': m0013,
  '0014-search-fields': m0014,
  '0015-recommendations': m0015,
  '0016-license': m0016,
  '0017-reuse-flags': m0017,
  '0018-audit-trail': m0018,
  '0019-strong-sign-in': m0019,
  '0020-review': m0020,
  '0021-privacy': m0021,
  '0022-transfer': m0022,
  '0023-passkeys': m0023,
  '0025-sequencer-lease': m0025,
  '0026-facet-counts': m0026,
  '0027-fingerprint-snapshots': m0027,
  '0028-work-tombstones': m0028,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return out;
  }
}

/** Every migration of this release, for a Kysely Migrator (the doctor lists those not applied). */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return new StaticProvider(dialect);
}

/** Brings the schema up to date. Kysely's migrator holds a lock table, so concurrent starts are safe. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({ db: database.db, provider: new StaticProvider(database.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

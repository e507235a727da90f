import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** The key of a registration request as 0009 computed it for rows already there (see registry/request-seal.ts). */
function requestKey(parts: (string | null)[]): string {
  return createHash('sha256').update(JSON.stringify(['wenyuan.registration-request/v1', ...parts])).digest('hex');
}

/**
 * Registration requests and the checkpoint history.
 *
 * - `registry_requests`: one row per accepted registration, unique by its idempotency key (work, file,
 *   registrant, role, terms) and generation (0, then 1, 2… for each explicit "register again"), so
 *   repeating a request finds the registration instead of making a new one. Each row carries a seal
 *   (an HMAC by a key outside the database), so a pending row written straight into the database has
 *   no valid request and is never sequenced. Rows made here for earlier registrations carry no seal.
 * - `registry_rejected`: pending rows the sequencer refused (no valid request), kept for the audit.
 * - `registry_checkpoints.seq` and `.history`: every checkpoint numbered 1, 2, 3… and a note signed with
 *   the log key binding its number, size, root, time and its predecessor, so none can be deleted or
 *   back-dated unnoticed.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('registry_requests')
    .addColumn('request_key', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('registration_id', 'text', (c) => c.notNull().unique())
    .addColumn('work_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('file_sha256', 'text')
    .addColumn('role', 'text')
    .addColumn('seal', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_requests_pk', ['request_key', 'generation'])
    .execute();
  await db.schema.createIndex('registry_requests_work').on('registry_requests').columns(['work_id', 'user_id']).execute();

  await db.schema
    .createTable('registry_rejected')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rejected_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('registry_checkpoints').addColumn('seq', bigint).execute();
  await db.schema.alterTable('registry_checkpoints').addColumn('history', 'text').execute();
  await db.schema.createIndex('registry_checkpoints_seq').on('registry_checkpoints').column('seq').unique().execute();

  // Requests for what was registered before: a work already registered is then not registered again by
  // a repeated request. Duplicates made before (a killed batch run again) become generations 1, 2…
  const generations = new Map<string, number>();
  const backfill = async (rows: { id: string; entry: string; work_id: string | null; user_id: string | null; created_at: string }[]) => {
    const values = rows.map((row) => {
      const file = /^content sha256:([0-9a-f]{64})$/m.exec(row.entry)?.[1] ?? null;
      const role = /^role (\S+)$/m.exec(row.entry)?.[1] ?? null;
      const terms = /^terms (?:sha256:)?(\S+)$/m.exec(row.entry)?.[1] ?? null;
      const key = row.user_id && file && role ? requestKey([row.work_id, file, row.user_id, role, terms === 'none' ? null : terms]) : requestKey(['raw', row.id]);
      const generation = generations.get(key) ?? 0;
      generations.set(key, generation + 1);
      return { request_key: key, generation, registration_id: row.id, work_id: row.work_id, user_id: row.user_id, file_sha256: file, role, seal: null, created_at: row.created_at };
    });
    const typed = db as unknown as Kysely<{ registry_requests: (typeof values)[number] }>;
    for (let i = 0; i < values.length; i += 100) await typed.insertInto('registry_requests').values(values.slice(i, i + 100)).execute();
  };
  for (let after = -1; ; ) {
    const { rows } = await sql<{ idx: number | string; id: string; entry: string; work_id: string | null; user_id: string | null; created_at: string }>`
      SELECT idx, registration_id AS id, entry, work_id, user_id, sequenced_at AS created_at FROM registry_entries WHERE idx > ${after} ORDER BY idx LIMIT 2000`.execute(db);
    if (rows.length === 0) break;
    await backfill(rows);
    after = Number(rows.at(-1)!.idx);
  }
  const pending = await sql<{ id: string; entry: string; work_id: string | null; user_id: string | null; created_at: string }>`
    SELECT id, entry, work_id, user_id, created_at FROM registry_pending ORDER BY created_at, id`.execute(db);
  await backfill(pending.rows);
}

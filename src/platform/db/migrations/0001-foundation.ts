import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** Users, works, files, versions, events, search, jobs and fixity: the foundation schema. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const bigint = pg ? 'bigint' : 'integer';

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('preferred_lang', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', bigint, (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('collections.id').onDelete('restrict'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collections_parent').on('collections').column('parent_id').execute();

  let works = db.schema.createTable('works');
  works = pg
    ? works.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : works.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  await works
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('source_key', 'text', (c) => c.unique())
    .addColumn('collection_id', 'text', (c) => c.references('collections.id').onDelete('set null'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('work_type', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title_sort', 'text', (c) => c.notNull())
    .addColumn('industry', 'text')
    .addColumn('heritage', 'text')
    .addColumn('earliest_year', 'integer')
    .addColumn('latest_year', 'integer')
    .addColumn('period', 'text')
    .addColumn('medium_facet', 'text')
    .addColumn('institution_facet', 'text')
    .addColumn('rights_uri', 'text')
    .addColumn('primary_file_sha256', 'text')
    // Taken from catalogue_state in the writing transaction, so it grows in commit order (see facet-index.ts).
    .addColumn('change_version', bigint, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('works_change_version').on('works').column('change_version').execute();
  await db.schema.createTable('catalogue_state').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('version', bigint, (c) => c.notNull()).execute();
  await sql`INSERT INTO catalogue_state (id, version) VALUES (1, 0)`.execute(db);
  for (const column of ['collection_id', 'owner_id', 'earliest_year', 'latest_year', 'title_sort']) {
    await db.schema.createIndex(`works_${column}`).on('works').column(column).execute();
  }
  // (visibility, facet) pairs answer the public catalogue's facet counts from the index alone.
  for (const column of ['industry', 'heritage', 'period', 'medium_facet', 'institution_facet', 'rights_uri', 'work_type']) {
    await db.schema.createIndex(`works_${column}`).on('works').columns([column, 'visibility']).execute();
    await db.schema.createIndex(`works_visibility_${column}`).on('works').columns(['visibility', column]).execute();
  }

  await db.schema
    .createTable('work_metadata')
    .addColumn('work_id', 'text', (c) => c.primaryKey().references('works.id').onDelete('cascade'))
    .addColumn('metadata', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('work_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('size', bigint, (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('placeholder', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('work_files_work_sha', ['work_id', 'sha256'])
    .execute();
  await db.schema.createIndex('work_files_sha').on('work_files').column('sha256').execute();

  await db.schema
    .createTable('derivatives')
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('derivatives_pk', ['source_sha256', 'name'])
    .execute();

  await db.schema
    .createTable('work_versions')
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('collection_id', 'text')
    .addColumn('changed_by', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_fields', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('work_versions_pk', ['work_id', 'version'])
    .execute();

  let events = db.schema.createTable('work_events');
  events = pg
    ? events.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : events.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await events
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_events_work').on('work_events').columns(['work_id', 'id']).execute();

  if (pg) {
    // Title tokens weigh A, the rest D, so ts_rank puts a title match above a mention in a colophon.
    await sql`CREATE TABLE search_documents (
      work_seq bigint PRIMARY KEY REFERENCES works(seq) ON DELETE CASCADE,
      title_tokens text NOT NULL,
      tokens text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_tokens), 'A') || setweight(to_tsvector('simple', tokens), 'D')) STORED
    )`.execute(db);
    await sql`CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)`.execute(db);
  } else {
    // Tokens are produced by our own segmenter (jieba + CJK bigrams), so FTS5 only splits on spaces.
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
  }

  let jobs = db.schema.createTable('jobs');
  jobs = pg
    ? jobs.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : jobs.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await jobs
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['status', 'run_at', 'id']).execute();
  // One live job per dedupe key; finished jobs keep their key for the record but do not block new ones.
  await sql`CREATE UNIQUE INDEX jobs_dedupe_live ON jobs (dedupe_key) WHERE status IN ('queued', 'running')`.execute(db);

  // Small key-value facts about this instance (e.g. which search tokenizer built the index).
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('fixity_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('checked', 'integer', (c) => c.notNull())
    .addColumn('mismatched', 'integer', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
}

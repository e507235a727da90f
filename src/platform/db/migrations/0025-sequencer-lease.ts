import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The registry sequencer's lease: which process extends the log now, and until when. One holder at
 * a time; when it dies, its lease runs out and another worker takes over.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('registry_state').addColumn('sequencer_holder', 'text').execute();
  await db.schema.alterTable('registry_state').addColumn('sequencer_lease_until', 'text').execute();
}

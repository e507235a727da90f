import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Licensed copies name their licensee, who is often a studio or crew without an account here: the
 * name is kept beside the optional user id, so a decoded leak still names who the copy was made for.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('watermark_copies').addColumn('recipient_name', 'text').execute();
}

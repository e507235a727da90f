import type { Database } from '../platform/db/database.js';
import type { PersonalDataSource } from '../platform/personal-data.js';

/**
 * Protect's part of the person's data: a watermarked copy issued to them keeps its row (the mark in
 * the file must still resolve to a grant) but no longer names them.
 */
export class ProtectPersonalData implements PersonalDataSource {
  readonly name = 'protect';

  constructor(private readonly database: Database) {}

  readonly erase = {
    activity: async (userId: string): Promise<void> => {
      await this.database.db.updateTable('watermark_copies').set({ recipient_name: null }).where('recipient_id', '=', userId).execute();
    },
  };
}

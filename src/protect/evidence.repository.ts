import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB, EvidenceReportsTable } from '../platform/db/schema.js';

export type EvidenceReportRow = Selectable<EvidenceReportsTable>;

/** The only SQL over evidence reports. */
export class EvidenceRepository {
  constructor(private readonly database: Database) {}

  get db(): Kysely<DB> {
    return this.database.db;
  }

  /** Saves an evidence report and keeps its suspect image from the blob sweep, in one transaction. */
  async insertEvidence(row: EvidenceReportRow, suspect: { size: number; mediaType: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('blobs').values({ sha256: row.suspect_sha256, size: suspect.size, media_type: suspect.mediaType, created_at: row.created_at }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
      await trx.insertInto('evidence_reports').values(row).execute();
    });
  }

  async setEvidenceRegistration(id: string, registrationId: string): Promise<void> {
    await this.db.updateTable('evidence_reports').set({ registration_id: registrationId }).where('id', '=', id).execute();
  }

  async findEvidence(id: string): Promise<EvidenceReportRow | undefined> {
    return this.db.selectFrom('evidence_reports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Evidence reports, newest first; only `createdBy`'s unless null (staff see all). */
  async listEvidence(createdBy: string | null, limit: number): Promise<Omit<EvidenceReportRow, 'bundle'>[]> {
    let query = this.db.selectFrom('evidence_reports').select(['id', 'created_by', 'created_at', 'suspect_sha256', 'bundle_sha256', 'registration_id']);
    if (createdBy !== null) query = query.where('created_by', '=', createdBy);
    return query.orderBy('created_at', 'desc').limit(limit).execute();
  }
}

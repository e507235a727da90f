import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { TransferAssessmentsTable, TransferDecisionsTable, TransferExportsTable, TransferRulesTable } from '../platform/db/schema.js';

export type RuleRow = Selectable<TransferRulesTable>;
export type AssessmentRow = Selectable<TransferAssessmentsTable>;
export type DecisionRow = Selectable<TransferDecisionsTable>;
export type ExportRow = Selectable<TransferExportsTable>;

const LABELS_KEY = 'transfer.class_labels';

export interface DecisionFilter {
  path?: string;
  destination?: string;
  outcome?: string;
  since?: string;
  until?: string;
  before?: string;
  limit: number;
}

/** The only SQL over transfer rules, assessments, the decision log, exports, and the `transfer.*` settings. */
export class TransferRepository {
  constructor(private readonly database: Database) {}

  rules(): Promise<RuleRow[]> {
    return this.database.db.selectFrom('transfer_rules').selectAll().orderBy('position').execute();
  }

  /** Replaces every rule at once: readers see the old set or the new one, never half of each. */
  async replaceRules(rows: RuleRow[]): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('transfer_rules').execute();
      if (rows.length > 0) await trx.insertInto('transfer_rules').values(rows).execute();
    });
  }

  async labels(): Promise<string | null> {
    const row = await this.database.db.selectFrom('settings').select('value').where('key', '=', LABELS_KEY).executeTakeFirst();
    return row?.value ?? null;
  }

  async setLabels(value: string, now: string): Promise<void> {
    await this.database.db
      .insertInto('settings')
      .values({ key: LABELS_KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  async insertAssessment(row: Insertable<TransferAssessmentsTable>): Promise<void> {
    await this.database.db.insertInto('transfer_assessments').values(row).execute();
  }

  findAssessment(id: string): Promise<AssessmentRow | undefined> {
    return this.database.db.selectFrom('transfer_assessments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listAssessments(status?: string): Promise<AssessmentRow[]> {
    let q = this.database.db.selectFrom('transfer_assessments').selectAll();
    if (status) q = q.where('status', '=', status);
    return q.orderBy('submitted_at', 'desc').limit(500).execute();
  }

  /** Approved assessments that name this country (or the exact destination), newest first. */
  approvedFor(destination: string): Promise<AssessmentRow[]> {
    const country = destination.slice(0, 2);
    return this.database.db
      .selectFrom('transfer_assessments')
      .selectAll()
      .where('status', '=', 'approved')
      .where('destination', 'in', [...new Set([country, destination])])
      .orderBy('decided_at', 'desc')
      .execute();
  }

  /** Moves a pending assessment to its decision; false when it was no longer pending. */
  async decideAssessment(id: string, changes: Pick<AssessmentRow, 'status' | 'decided_by' | 'decided_at' | 'decision_note' | 'expires_at'>): Promise<boolean> {
    const result = await this.database.db.updateTable('transfer_assessments').set(changes).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertDecision(row: DecisionRow): Promise<void> {
    await this.database.db.insertInto('transfer_decisions').values(row).execute();
  }

  listDecisions(filter: DecisionFilter): Promise<DecisionRow[]> {
    let q = this.database.db.selectFrom('transfer_decisions').selectAll();
    if (filter.path) q = q.where('path', '=', filter.path);
    if (filter.destination) q = q.where('destination', '=', filter.destination);
    if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
    if (filter.since) q = q.where('at', '>=', filter.since);
    if (filter.until) q = q.where('at', '<', filter.until);
    if (filter.before) q = q.where('at', '<', filter.before);
    return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  async insertExport(row: ExportRow): Promise<void> {
    await this.database.db.insertInto('transfer_exports').values(row).execute();
  }

  findExport(id: string): Promise<ExportRow | undefined> {
    return this.database.db.selectFrom('transfer_exports').selectAll().where('id', '=', id).executeTakeFirst();
  }
}

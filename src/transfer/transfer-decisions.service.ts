import type { Actor } from '../govern/roles.js';
import type { DataClass } from './transfer-policy.js';
import { requireStaff } from './transfer-rules.service.js';
import type { DecisionFilter, DecisionRow, TransferRepository } from './transfer.repository.js';
import type { TransferPath } from './assessment.service.js';

export interface DecisionRecord {
  id: string;
  at: string;
  path: TransferPath;
  destination: string;
  dataClasses: DataClass[];
  outcome: 'allow' | 'assess' | 'refuse';
  proceeded: boolean;
  reason: string | null;
  rules: { id: string; destination: string; dataClass: string; outcome: string }[];
  assessmentId: string | null;
  actor: string;
  subjectType: string;
  subjectId: string;
}

function toRecord(row: DecisionRow): DecisionRecord {
  return {
    id: row.id,
    at: row.at,
    path: row.path as TransferPath,
    destination: row.destination,
    dataClasses: JSON.parse(row.data_classes) as DataClass[],
    outcome: row.outcome as DecisionRecord['outcome'],
    proceeded: row.proceeded === 1,
    reason: row.reason,
    rules: JSON.parse(row.rules) as DecisionRecord['rules'],
    assessmentId: row.assessment_id,
    actor: row.actor,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
  };
}

/** The log of transfer decisions, for staff (the same decisions are in the audit trail). */
export class TransferDecisionLog {
  constructor(private readonly repo: TransferRepository) {}

  async list(actor: Actor, filter: DecisionFilter): Promise<DecisionRecord[]> {
    requireStaff(actor);
    return (await this.repo.listDecisions({ ...filter, ...(filter.destination ? { destination: filter.destination.toUpperCase() } : {}) })).map(toRecord);
  }
}

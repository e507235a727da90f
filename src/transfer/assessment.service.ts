import type { z } from 'zod';
import type { DataClassService } from '../archive/data-class.service.js';
import type { AuditRecorder } from '../govern/audit.service.js';
import { auditActor } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { assessmentInputSchema, assessmentSchema, TRANSFER_PATHS } from './transfer.contract.js';
import { parseDestination } from './transfer-gate.js';
import type { DataClass } from './transfer-policy.js';
import { requireAdmin, requireManager, requireStaff } from './transfer-rules.service.js';
import type { AssessmentRow, TransferRepository } from './transfer.repository.js';

export type TransferPath = (typeof TRANSFER_PATHS)[number];
export type AssessmentInput = z.infer<typeof assessmentInputSchema>;
export type Assessment = z.infer<typeof assessmentSchema>;

const DAY = 86_400_000;
/** An approval lasts a year unless the admin says otherwise, and at most three. */
const DEFAULT_VALIDITY_DAYS = 365;
const MAX_VALIDITY_DAYS = 3 * 365;

function toAssessment(row: AssessmentRow, now: Date): Assessment {
  return {
    id: row.id,
    status: row.status as Assessment['status'],
    destination: row.destination,
    dataClasses: JSON.parse(row.data_classes) as DataClass[],
    scope: { type: row.scope_type as 'collection' | 'works', ids: JSON.parse(row.scope_ids) as string[] },
    purpose: row.purpose,
    recipient: row.recipient,
    volume: row.volume,
    safeguards: row.safeguards,
    notes: row.notes ? (JSON.parse(row.notes) as Record<string, string>) : null,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    expiresAt: row.expires_at,
    expired: Boolean(row.expires_at && row.expires_at <= now.toISOString()),
  };
}

/**
 * Risk assessments for transfers the rules send to `assess`: staff (admins, curators) fill the
 * short form, an admin other than the submitter approves or rejects it — the submitter may approve
 * their own only when the instance has a single active admin, since nobody else could. An approval
 * covers one destination (a country covers its subdivisions), some classes and a scope (collections
 * with what is nested in them, or a list of works) until it expires.
 */
export class AssessmentService {
  constructor(
    private readonly deps: {
      repo: TransferRepository;
      dataClasses: Pick<DataClassService, 'selection'>;
      audit: AuditRecorder;
      activeAdmins: () => Promise<number>;
      now: () => Date;
    },
  ) {}

  async submit(actor: Actor, input: AssessmentInput): Promise<Assessment> {
    requireManager(actor);
    const destination = parseDestination(input.destination);
    // The scope must name things that exist (a typo would make an approval that covers nothing).
    if (input.scope.type === 'collection') for (const id of input.scope.ids) await this.deps.dataClasses.selection({ collectionId: id });
    else {
      const found = new Set((await this.deps.dataClasses.selection({ workIds: input.scope.ids })).works.map((w) => w.id));
      const missing = input.scope.ids.find((id) => !found.has(id));
      if (missing) throw CommonErrors.notFound('work', { id: missing });
    }
    const notes = input.notes ? Object.fromEntries(Object.entries(input.notes).filter(([, v]) => v && v.trim())) : null;
    const row: AssessmentRow = {
      id: newId(),
      status: 'pending',
      destination,
      data_classes: JSON.stringify([...new Set(input.dataClasses)]),
      scope_type: input.scope.type,
      scope_ids: JSON.stringify([...new Set(input.scope.ids)]),
      purpose: input.purpose.trim(),
      recipient: input.recipient.trim(),
      volume: input.volume.trim(),
      safeguards: input.safeguards.trim(),
      notes: notes && Object.keys(notes).length > 0 ? JSON.stringify(notes) : null,
      submitted_by: actor.kind === 'user' ? actor.id : 'system',
      submitted_at: this.deps.now().toISOString(),
      decided_by: null,
      decided_at: null,
      decision_note: null,
      expires_at: null,
    };
    await this.deps.repo.insertAssessment(row);
    return toAssessment(row, this.deps.now());
  }

  async list(actor: Actor, status?: string): Promise<Assessment[]> {
    requireStaff(actor);
    const now = this.deps.now();
    return (await this.deps.repo.listAssessments(status)).map((row) => toAssessment(row, now));
  }

  async get(actor: Actor, id: string): Promise<Assessment> {
    requireStaff(actor);
    return toAssessment(await this.find(id), this.deps.now());
  }

  async approve(actor: Actor, id: string, input: { expiresAt?: string | null; note?: string | null }): Promise<Assessment> {
    requireAdmin(actor);
    const row = await this.pending(id);
    if (actor.kind === 'user' && row.submitted_by === actor.id && (await this.deps.activeAdmins()) > 1) {
      throw CommonErrors.forbidden(`assessment ${id} is yours; another admin must approve it`, { key: 'transfer.own_assessment', params: { id } });
    }
    const now = this.deps.now();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(now.getTime() + DEFAULT_VALIDITY_DAYS * DAY);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now || expiresAt.getTime() > now.getTime() + MAX_VALIDITY_DAYS * DAY) {
      throw CommonErrors.invalid(`expiry "${input.expiresAt}" must be a date in the next three years`, { key: 'transfer.expiry_invalid', params: { value: String(input.expiresAt) } });
    }
    return this.decide(actor, row, 'approved', input.note ?? null, expiresAt.toISOString());
  }

  async reject(actor: Actor, id: string, note: string | null): Promise<Assessment> {
    requireAdmin(actor);
    return this.decide(actor, await this.pending(id), 'rejected', note, null);
  }

  private async decide(actor: Actor, row: AssessmentRow, status: 'approved' | 'rejected', note: string | null, expiresAt: string | null): Promise<Assessment> {
    const now = this.deps.now().toISOString();
    const ok = await this.deps.repo.decideAssessment(row.id, { status, decided_by: actor.kind === 'user' ? actor.id : 'system', decided_at: now, decision_note: note?.trim() || null, expires_at: expiresAt });
    if (!ok) throw CommonErrors.conflict(`assessment ${row.id} was decided at the same moment`, { key: 'transfer.assessment_state', params: { id: row.id, status: 'decided' } });
    await this.deps.audit.record({ actor: auditActor(actor), action: 'transfer_assessment.decision', target: { type: 'transfer_assessment', id: row.id }, details: { status, destination: row.destination, expiresAt: expiresAt ?? '' } });
    return toAssessment(await this.find(row.id), this.deps.now());
  }

  private async pending(id: string): Promise<AssessmentRow> {
    const row = await this.find(id);
    if (row.status !== 'pending') throw CommonErrors.conflict(`assessment ${id} is already ${row.status}`, { key: 'transfer.assessment_state', params: { id, status: row.status } });
    return row;
  }

  private async find(id: string): Promise<AssessmentRow> {
    const row = await this.deps.repo.findAssessment(id);
    if (!row) throw CommonErrors.notFound('assessment', { id });
    return row;
  }
}

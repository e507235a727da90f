import type { DataClassService, ClassedSelection } from '../archive/data-class.service.js';
import type { AuditRecorder } from '../govern/audit.service.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { decide, destinationCovered, normaliseDestination, type DataClass, type TransferDecision, type TransferRule } from './transfer-policy.js';
import type { TransferPath } from './assessment.service.js';
import type { TransferRulesService } from './transfer-rules.service.js';
import type { AssessmentRow, TransferRepository } from './transfer.repository.js';

export type TransferSubject = { collectionId: string } | { workIds: string[] };

export interface GateRequest {
  path: TransferPath;
  /** As given (normalised here): ISO 3166-1 alpha-2, optionally with a subdivision. */
  destination: string;
  subject: TransferSubject;
  /** The approved assessment the sender names for an `assess` outcome. */
  assessmentId?: string | null;
  /** Look for a covering approved assessment when none is named (a licensee cannot name one). */
  findAssessment?: boolean;
  /** Who sends (a user id, or 'system' for the command line). */
  actor: string;
}

export interface GateDecision extends TransferDecision {
  works: number;
  assessmentId: string | null;
}

export interface GateResult {
  decision: GateDecision;
  decisionId: string;
  selection: ClassedSelection;
}

/**
 * The one check every path that sends data out goes through (issue 15 item 4): the BagIt export
 * (CLI and staff download), licensed copies, and federation harvesting once it exists. It decides
 * by destination and the data classes sent, logs every decision (`transfer_decisions` and the
 * audit trail), and throws a precise error when the transfer may not proceed.
 */
export class TransferGate {
  constructor(
    private readonly deps: {
      repo: TransferRepository;
      rules: TransferRulesService;
      dataClasses: Pick<DataClassService, 'selection'>;
      audit: AuditRecorder;
      now: () => Date;
    },
  ) {}

  /** What would happen, without logging or throwing for the outcome (the dry run of `POST /api/transfers/check`). */
  async evaluate(rawDestination: string, subject: TransferSubject, assessmentId?: string | null): Promise<{ decision: GateDecision; selection: ClassedSelection; problem: AppError | null; rules: TransferRule[] }> {
    const destination = parseDestination(rawDestination);
    const selection = await this.select(subject);
    const rules = await this.deps.rules.rules();
    const base = decide(rules, destination, selection.classes);
    const decision: GateDecision = { ...base, works: selection.works.length, assessmentId: null };
    let problem: AppError | null = null;
    if (base.outcome === 'refuse') {
      const refused = base.classes.filter((c) => c.outcome === 'refuse').map((c) => c.dataClass);
      problem = CommonErrors.forbidden(`sending ${refused.join(', ')} data to ${destination} is refused by the transfer rules (${base.ruleIds.join(', ') || 'default'})`, { key: 'transfer.refused', params: { destination, classes: refused.join(',') } });
    } else if (base.outcome === 'assess') {
      const found = await this.coveringAssessment(decision, selection, assessmentId ?? null);
      if (found.row) decision.assessmentId = found.row.id;
      problem = found.problem;
    }
    return { decision, selection, problem, rules };
  }

  /** Decides, logs the decision, and throws when the transfer may not proceed. */
  async check(request: GateRequest): Promise<GateResult> {
    const { decision, selection, problem, rules } = await this.evaluate(request.destination, request.subject, request.findAssessment ? request.assessmentId : (request.assessmentId ?? ''));
    // Logged with the rules as they were read for this decision (a rule edited later does not rewrite it).
    const decisionId = await this.log(request, decision, problem, rules);
    if (problem) throw problem;
    return { decision, decisionId, selection };
  }

  /** Logs a refusal decided before the rules could be read (a licensee with no country). */
  async logRefusal(request: Omit<GateRequest, 'destination'> & { destination: string; classes: DataClass[] }, problem: AppError): Promise<void> {
    const decision: GateDecision = { destination: request.destination, domestic: false, outcome: 'refuse', classes: [], ruleIds: [], needsAssessment: [], works: 0, assessmentId: null };
    await this.log({ ...request }, { ...decision, classes: request.classes.map((dataClass) => ({ dataClass, outcome: 'refuse', ruleIds: [] })) }, problem, []);
  }

  private async log(request: GateRequest, decision: GateDecision, problem: AppError | null, rules: readonly TransferRule[]): Promise<string> {
    const id = newId();
    const deciding = rules.filter((r) => decision.ruleIds.includes(r.id)).map(({ id: ruleId, destination, dataClass, outcome }) => ({ id: ruleId, destination, dataClass, outcome }));
    const subject = 'collectionId' in request.subject ? { type: 'collection', id: request.subject.collectionId } : { type: 'works', id: request.subject.workIds.slice(0, 20).join(',') };
    const classes = decision.classes.map((c) => c.dataClass);
    await this.deps.repo.insertDecision({
      id,
      at: this.deps.now().toISOString(),
      path: request.path,
      destination: decision.destination,
      data_classes: JSON.stringify(classes),
      outcome: decision.outcome,
      proceeded: problem ? 0 : 1,
      rules: JSON.stringify(deciding),
      reason: problem ? problem.key : null,
      assessment_id: decision.assessmentId,
      actor: request.actor,
      subject_type: subject.type,
      subject_id: subject.id,
    });
    // Awaited: data that left unrecorded is worse than a transfer that fails and is tried again.
    await this.deps.audit.record({
      actor: request.actor,
      action: 'data_transfer.decision',
      target: { type: 'transfer_decision', id },
      outcome: problem ? 'denied' : 'ok',
      details: { path: request.path, destination: decision.destination, outcome: decision.outcome, classes: classes.join(','), assessment: decision.assessmentId ?? '', reason: problem?.key ?? '' },
    });
    return id;
  }

  private async select(subject: TransferSubject): Promise<ClassedSelection> {
    const hasCollection = 'collectionId' in subject && Boolean(subject.collectionId);
    const hasWorks = 'workIds' in subject && subject.workIds.length > 0;
    if (hasCollection === hasWorks) throw CommonErrors.invalid('send either one collection or a list of works (give exactly one of them)', { key: 'transfer.selection' });
    const selection = await this.deps.dataClasses.selection(subject);
    if ('workIds' in subject) {
      const found = new Set(selection.works.map((w) => w.id));
      const missing = subject.workIds.find((id) => !found.has(id));
      if (missing) throw CommonErrors.notFound('work', { id: missing });
    }
    return selection;
  }

  /**
   * The approved assessment that covers this transfer: the one named (checked precisely, each
   * mismatch its own error), or — when `named` is null — the newest approved one that fits.
   * `named === ''` means none was named and none may be looked for.
   */
  private async coveringAssessment(decision: GateDecision, selection: ClassedSelection, named: string | null): Promise<{ row: AssessmentRow | null; problem: AppError | null }> {
    const required = () => CommonErrors.conflict(`sending ${decision.needsAssessment.join(', ')} data to ${decision.destination} needs an approved risk assessment covering that destination, those classes and these works; give its id`, { key: 'transfer.assessment_required', params: { destination: decision.destination, classes: decision.needsAssessment.join(',') } });
    if (named) {
      const row = await this.deps.repo.findAssessment(named);
      if (!row) return { row: null, problem: CommonErrors.notFound('assessment', { id: named }) };
      const problem = assessmentProblem(row, decision, selection, this.deps.now());
      return { row: problem ? null : row, problem };
    }
    if (named === '') return { row: null, problem: required() };
    for (const row of await this.deps.repo.approvedFor(decision.destination)) {
      if (!assessmentProblem(row, decision, selection, this.deps.now())) return { row, problem: null };
    }
    return { row: null, problem: required() };
  }
}

/** Why an assessment does not cover a transfer (null: it does). */
export function assessmentProblem(row: AssessmentRow, decision: GateDecision, selection: ClassedSelection, now: Date): AppError | null {
  const id = row.id;
  if (row.status !== 'approved') return CommonErrors.conflict(`assessment ${id} is ${row.status}, not approved`, { key: 'transfer.assessment_not_approved', params: { id, status: row.status } });
  if (row.expires_at && row.expires_at <= now.toISOString()) return CommonErrors.conflict(`assessment ${id} expired at ${row.expires_at}; submit a new one`, { key: 'transfer.assessment_expired', params: { id, expiresAt: row.expires_at } });
  if (!destinationCovered(row.destination, decision.destination)) return CommonErrors.conflict(`assessment ${id} covers transfers to ${row.destination}, not to ${decision.destination}`, { key: 'transfer.assessment_destination', params: { id, assessed: row.destination, destination: decision.destination } });
  const classes = JSON.parse(row.data_classes) as DataClass[];
  const missing = decision.needsAssessment.filter((c) => !classes.includes(c));
  if (missing.length > 0) return CommonErrors.conflict(`assessment ${id} does not cover ${missing.join(', ')} data`, { key: 'transfer.assessment_classes', params: { id, missing: missing.join(',') } });
  const ids = JSON.parse(row.scope_ids) as string[];
  const covered =
    row.scope_type === 'collection'
      ? selection.rootChain.some((c) => ids.includes(c)) || (selection.rootChain.length === 0 && selection.works.every((w) => w.collectionChain.some((c) => ids.includes(c))))
      : selection.works.every((w) => ids.includes(w.id)) && selection.rootChain.length === 0;
  if (!covered) return CommonErrors.conflict(`assessment ${id} does not cover what is sent (its scope is other works or collections)`, { key: 'transfer.assessment_scope', params: { id } });
  return null;
}

/** A destination as the gate reads it, or a precise error. */
export function parseDestination(raw: string): string {
  const destination = normaliseDestination(raw);
  if (!destination) throw CommonErrors.invalid(`destination "${raw}" must be an ISO 3166-1 alpha-2 code such as CN, DE or US (optionally with a subdivision, CN-11)`, { key: 'transfer.destination_invalid', params: { value: raw } });
  return destination;
}

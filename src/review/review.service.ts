import { createHmac } from 'node:crypto';
import type { Transaction } from 'kysely';
import { pickLang } from '../archive/lang.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { PublicationGate, PublicationHold, WorkService } from '../archive/work.service.js';
import type { WorkReview } from '../archive/work.contract.js';
import { auditActor, type AuditRecorder } from '../govern/audit.service.js';
import { hasRole, type Actor, type Role } from '../govern/roles.js';
import type { DB } from '../platform/db/schema.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { CASE_DECISIONS, SUBMISSION_DECISIONS, type ReviewDecision, type ReviewItemView, type ReviewKind, type ReviewWorkload } from './review.contract.js';
import type { NotificationService } from './notification.service.js';
import type { QueueRow, ReviewItemRow, ReviewRepository } from './review.repository.js';
import type { ReviewSettingsService } from './review-settings.service.js';
import { reporterKeyOf } from './personal-data.repository.js';

export const CHECKS_JOB = 'review.checks';
/** How long a claim holds an item before another reviewer may take it. */
export const CLAIM_MINUTES = 30;
export const REVIEWER_ROLES: readonly Role[] = ['admin', 'curator', 'reviewer'];
const APPEALABLE = ['rejected', 'changes_requested'];
const NEEDS_REASON = ['rejected', 'changes_requested', 'unpublished'];
const DAY_MS = 86_400_000;

export interface ReviewDeps {
  repo: ReviewRepository;
  works: Pick<WorkService, 'setVisibilityByReview'>;
  workReader: Pick<WorkReader, 'findById'>;
  jobs: JobQueue;
  wakeWorkers: () => void;
  settings: ReviewSettingsService;
  notifications: NotificationService;
  audit: AuditRecorder | null;
  /** The secret reporters' addresses are pseudonymised with. */
  reporterSecret: () => string;
}

export interface QueueRequest {
  kind?: ReviewKind;
  state?: 'open' | 'decided';
  stage?: 'first' | 'appeal';
  mine?: boolean;
  after?: string;
  limit?: number;
}

function titleOf(metadata: string | null): Record<string, string> | null {
  if (!metadata) return null;
  try {
    const title = (JSON.parse(metadata) as { title?: Record<string, string> }).title;
    return title && Object.keys(title).length > 0 ? title : null;
  } catch {
    return null;
  }
}

/** A title for places that show one language (emails, the CLI): Chinese first. */
export function oneTitle(title: Record<string, string> | null): string | null {
  return pickLang(title, 'zh-Hans') ?? null;
}

const encodeCursor = (row: { opened_at: string; id: string }) => Buffer.from(`${row.opened_at}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { openedAt: string; id: string } {
  const [openedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!openedAt || !id) throw CommonErrors.invalid('after must be the `next` of a previous page', { key: 'invalid_input.request' });
  return { openedAt, id };
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The review queue: submissions held by the publication gate, cases opened by reports; claims,
 * decisions, appeals; the workload figures. Every step is in the audit trail.
 */
export class ReviewService {
  constructor(private readonly deps: ReviewDeps) {}

  private get repo() {
    return this.deps.repo;
  }

  /** The archive's publication gate: a creator's "make public" waits when the policy says so. */
  readonly gate: PublicationGate = {
    intercept: async (trx, request) => {
      const { actor } = request;
      // Staff publish directly; only creators' publications wait.
      if (actor.kind !== 'user' || actor.role === 'admin' || actor.role === 'curator') return null;
      const settings = await this.deps.settings.read(trx);
      if (settings.policy === 'none') return null;
      if (settings.policy === 'collections' && !(request.collectionId && settings.collections.includes(request.collectionId))) return null;
      let itemId: string | null = null;
      let fresh = false;
      const hold: PublicationHold = {
        record: async (inner) => {
          const open = await this.repo.openItemFor(inner, request.workId, 'submission');
          if (open) {
            itemId = open.id;
            return;
          }
          itemId = newId();
          fresh = true;
          const now = new Date().toISOString();
          await this.repo.insertItem(inner, emptyItem({ id: itemId, kind: 'submission', work_id: request.workId, submitter_id: request.ownerId ?? actor.id, opened_at: now, checks_state: 'pending' }));
          await this.deps.jobs.enqueue(inner, CHECKS_JOB, { itemId }, { dedupeKey: `${CHECKS_JOB}:${itemId}`, maxAttempts: 12 });
        },
        committed: () => {
          if (!fresh || !itemId) return;
          this.deps.audit?.note({ actor: actor.id, action: 'review.submit', target: { type: 'review_item', id: itemId }, details: { workId: request.workId } });
          this.deps.wakeWorkers();
        },
      };
      return hold;
    },
  };

  /** Where a work stands in review, for its managers (the latest submission). */
  async statusOf(workId: string): Promise<WorkReview | null> {
    const row = await this.repo.latestSubmissionFor(workId);
    if (!row) return null;
    const settings = await this.deps.settings.read();
    const state: WorkReview['state'] = row.state === 'open' ? (row.stage === 'appeal' ? 'appealed' : 'pending') : (row.decision as WorkReview['state']);
    return { itemId: row.id, state, reasonCode: row.reason_code, reasonText: row.reason_text, decidedAt: row.decided_at, appealUntil: this.appealUntil(row, settings.appealDays) };
  }

  private appealUntil(row: ReviewItemRow, appealDays: number): string | null {
    if (row.kind !== 'submission' || row.state !== 'decided' || row.stage !== 'first' || !row.decided_at || !APPEALABLE.includes(row.decision ?? '')) return null;
    return new Date(Date.parse(row.decided_at) + appealDays * DAY_MS).toISOString();
  }

  private requireReviewer(actor: Actor): asserts actor is Extract<Actor, { kind: 'user' }> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!hasRole(actor, REVIEWER_ROLES)) throw CommonErrors.forbidden('reviewing is for reviewers, curators and admins', { key: 'auth.role_required', params: { roles: REVIEWER_ROLES.join(',') } });
  }

  private async view(row: QueueRow, detail: boolean, appealDays?: number): Promise<ReviewItemView> {
    const [checks, reports] = await Promise.all([this.repo.checksOf([row.id]), detail && row.kind === 'report' ? this.repo.reportsOf(row.id) : Promise.resolve([])]);
    return this.present(row, checks, reports, appealDays ?? (await this.deps.settings.read()).appealDays);
  }

  private present(row: QueueRow, checks: { code: string; outcome: string; params: string; checked_at: string }[], reports: { reason_code: string; details: string; created_at: string }[], appealDays: number): ReviewItemView {
    return {
      id: row.id,
      kind: row.kind as ReviewKind,
      workId: row.work_id,
      workTitle: titleOf(row.metadata),
      workVisibility: (row.visibility as 'private' | 'public' | null) ?? null,
      submitterId: row.submitter_id,
      submitterName: row.submitter_name,
      state: row.state as 'open' | 'decided',
      stage: row.stage as 'first' | 'appeal',
      openedAt: row.opened_at,
      stageOpenedAt: row.stage_opened_at,
      claimedBy: row.claimed_by,
      claimedByName: row.claimer_name,
      claimExpiresAt: row.claim_expires_at,
      decision: row.decision as ReviewDecision | null,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
      reasonCode: row.reason_code,
      reasonText: row.reason_text,
      firstDecidedBy: row.first_decided_by,
      appealText: row.appeal_text,
      appealedAt: row.appealed_at,
      appealUntil: this.appealUntil(row, appealDays),
      reportCount: Number(row.report_count),
      checksState: row.checks_state as 'pending' | 'done' | 'none',
      checks: checks.filter((c) => c.code).map((c) => ({ code: c.code, outcome: c.outcome as 'pass' | 'warn' | 'fail', params: JSON.parse(c.params) as Record<string, string | number>, checkedAt: c.checked_at })),
      reports: reports.map((r) => ({ reasonCode: r.reason_code, details: r.details, createdAt: r.created_at })),
    };
  }

  /** A page of the queue (keyset: no count over the whole table per page). */
  async queue(actor: Actor, request: QueueRequest): Promise<{ items: ReviewItemView[]; next: string | null }> {
    this.requireReviewer(actor);
    const limit = request.limit ?? 50;
    const rows = await this.repo.queue({
      ...(request.kind ? { kind: request.kind } : {}),
      state: request.state ?? 'open',
      ...(request.stage ? { stage: request.stage } : {}),
      ...(request.mine ? { claimedBy: actor.id } : {}),
      ...(request.after ? { after: decodeCursor(request.after) } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const checks = await this.repo.checksOf(page.map((r) => r.id));
    const { appealDays } = await this.deps.settings.read();
    return {
      items: page.map((row) => this.present(row, checks.filter((c) => c.item_id === row.id), [], appealDays)),
      next: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
    };
  }

  async item(actor: Actor, id: string): Promise<ReviewItemView> {
    this.requireReviewer(actor);
    const row = await this.repo.queueRow(id);
    if (!row) throw CommonErrors.notFound('review_item', { id });
    return this.view(row, true);
  }

  /** A creator's own submissions, newest first. */
  async mine(actor: Actor): Promise<ReviewItemView[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const rows = await this.repo.queue({ submitterId: actor.id, kind: 'submission', newestFirst: true, limit: 100 });
    const checks = await this.repo.checksOf(rows.map((r) => r.id));
    const { appealDays } = await this.deps.settings.read();
    // The submitter sees their checks and decisions, not who holds the item.
    return rows.map((row) => ({ ...this.present(row, checks.filter((c) => c.item_id === row.id), [], appealDays), claimedBy: null, claimedByName: null, claimExpiresAt: null }));
  }

  async claim(actor: Actor, id: string): Promise<ReviewItemView> {
    this.requireReviewer(actor);
    const row = await this.repo.findItem(id);
    if (!row) throw CommonErrors.notFound('review_item', { id });
    if (row.state !== 'open') throw alreadyDecided(row);
    if (row.stage === 'appeal' && row.first_decided_by === actor.id) throw sameReviewer(id);
    const now = new Date();
    const ok = await this.repo.claim(id, actor.id, now.toISOString(), new Date(now.getTime() + CLAIM_MINUTES * 60_000).toISOString());
    if (!ok) {
      const current = (await this.repo.findItem(id))!;
      if (current.state !== 'open') throw alreadyDecided(current);
      throw claimedByOther(current);
    }
    this.deps.audit?.note({ actor: actor.id, action: 'review.claim', target: { type: 'review_item', id }, details: { workId: row.work_id } });
    return this.item(actor, id);
  }

  async release(actor: Actor, id: string): Promise<ReviewItemView> {
    this.requireReviewer(actor);
    const row = await this.repo.findItem(id);
    if (!row) throw CommonErrors.notFound('review_item', { id });
    if (row.state !== 'open') throw alreadyDecided(row);
    if (!(await this.repo.release(id, actor.id, new Date().toISOString()))) throw this.claimProblem((await this.repo.findItem(id))!, actor.id);
    return this.item(actor, id);
  }

  private claimProblem(row: ReviewItemRow, reviewer: string): AppError {
    if (row.state !== 'open') return alreadyDecided(row);
    if (row.claimed_by && row.claimed_by !== reviewer && row.claim_expires_at && row.claim_expires_at > new Date().toISOString()) return claimedByOther(row);
    return new AppError('conflict', `claim review item ${row.id} before deciding it (your claim may have lapsed)`, { key: 'review.not_claimed', params: { id: row.id } });
  }

  /** Approve / reject / ask for changes (submissions), dismiss / unpublish (cases): all or nothing. */
  async decide(actor: Actor, id: string, input: { decision: ReviewDecision; reasonCode?: string | null; reasonText?: string | null }, ip?: string): Promise<ReviewItemView> {
    this.requireReviewer(actor);
    const row = await this.repo.queueRow(id);
    if (!row) throw CommonErrors.notFound('review_item', { id });
    const allowed: readonly string[] = row.kind === 'submission' ? SUBMISSION_DECISIONS : CASE_DECISIONS;
    if (!allowed.includes(input.decision)) throw CommonErrors.invalid(`a ${row.kind} cannot be ${input.decision}; choose one of ${allowed.join(', ')}`, { key: 'review.decision_invalid', params: { kind: row.kind, decision: input.decision } });
    const reasonCode = input.reasonCode || null;
    if (NEEDS_REASON.includes(input.decision) && !reasonCode) throw CommonErrors.invalid(`${input.decision} needs a reason from the list`, { key: 'review.reason_required', params: { decision: input.decision } });
    if (reasonCode) {
      const reason = await this.repo.findReason(reasonCode);
      if (!reason || reason.retired === 1) throw CommonErrors.invalid(`"${reasonCode}" is not a reason in the list`, { key: 'review.reason_unknown', params: { code: reasonCode } });
    }
    if (row.state !== 'open') throw alreadyDecided(row);
    if (row.stage === 'appeal' && row.first_decided_by === actor.id) throw sameReviewer(id);
    const now = new Date().toISOString();
    if (row.claimed_by !== actor.id || !row.claim_expires_at || row.claim_expires_at < now) throw this.claimProblem(row, actor.id);

    const reasonText = input.reasonText?.trim() || null;
    const titleMap = titleOf(row.metadata);
    const title = oneTitle(titleMap) ?? row.work_id;
    const after: (() => void)[] = [];
    let visibilityChanged: { from: string; to: string } | null = null;
    await this.repo.transaction(async (trx: Transaction<DB>) => {
      const ok = await this.repo.decide(trx, id, actor.id, now, { decision: input.decision, reason_code: reasonCode, reason_text: reasonText, ...(row.stage === 'first' ? { first_decided_by: actor.id } : {}) });
      if (!ok) throw this.claimProblem((await this.repo.findItem(id, trx))!, actor.id);
      await this.repo.insertDecision(trx, { id: newId(), item_id: id, stage: row.stage, reviewer_id: actor.id, decision: input.decision, reason_code: reasonCode, reason_text: reasonText, stage_opened_at: row.stage_opened_at, decided_at: now });
      const note = `review ${input.decision}${row.stage === 'appeal' ? ' on appeal' : ''}${reasonCode ? ` (${reasonCode})` : ''}`;
      if (input.decision === 'approved' && (await this.deps.works.setVisibilityByReview(trx, row.work_id, 'public', { reviewerId: actor.id, note }))) visibilityChanged = { from: 'private', to: 'public' };
      if (input.decision === 'unpublished' && (await this.deps.works.setVisibilityByReview(trx, row.work_id, 'private', { reviewerId: actor.id, note }))) visibilityChanged = { from: 'public', to: 'private' };
      const tell = row.kind === 'submission' ? row.submitter_id : input.decision === 'unpublished' ? row.submitter_id : null;
      if (tell) {
        after.push(await this.deps.notifications.notify(trx, tell, row.kind === 'submission' ? 'review.decision' : 'review.case_decision', {
          itemId: id, workId: row.work_id, title, titleEn: pickLang(titleMap, 'en') ?? title, titleZh: pickLang(titleMap, 'zh-Hans') ?? title, decision: input.decision, stage: row.stage, reason: reasonCode ?? '', reasonText: reasonText ?? '',
        }));
      }
    });
    const action = row.kind === 'submission' ? 'review.decision' : 'review.case_decision';
    this.deps.audit?.note({ actor: auditActor(actor), action, target: { type: 'review_item', id }, details: { workId: row.work_id, decision: input.decision, stage: row.stage, reason: reasonCode }, ...(ip ? { ip } : {}) });
    const changed = visibilityChanged as { from: string; to: string } | null;
    if (changed) this.deps.audit?.note({ actor: actor.id, action: 'work_visibility.change', target: { type: 'work', id: row.work_id }, details: { from: changed.from, to: changed.to, via: 'review' } });
    for (const fn of after) fn();
    return this.item(actor, id);
  }

  /** The submitter appeals a rejection once, before the deadline; the appeal opens again for another reviewer. */
  async appeal(actor: Actor, id: string, text: string, ip?: string): Promise<ReviewItemView> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const row = await this.repo.findItem(id);
    // Someone else's submission is reported as missing, like a private work.
    if (!row || row.kind !== 'submission' || row.submitter_id !== actor.id) throw CommonErrors.notFound('review_item', { id });
    if (row.stage === 'appeal') throw CommonErrors.conflict(`review item ${id} was appealed already: a decision is appealed once`, { key: 'review.appeal_used', params: { id } });
    if (row.state !== 'decided' || !APPEALABLE.includes(row.decision ?? '')) throw CommonErrors.conflict(`only a rejection or a request for changes can be appealed (this one is ${row.decision ?? 'pending'})`, { key: 'review.appeal_not_open', params: { id, decision: row.decision ?? 'pending' } });
    const { appealDays } = await this.deps.settings.read();
    const deadline = this.appealUntil(row, appealDays)!;
    if (new Date().toISOString() > deadline) throw CommonErrors.conflict(`the time to appeal ended at ${deadline}`, { key: 'review.appeal_late', params: { id, deadline } });
    await this.repo.transaction(async (trx) => {
      if (await this.repo.openItemFor(trx, row.work_id, 'submission')) throw CommonErrors.conflict(`the work of review item ${id} was submitted again; that submission is reviewed instead`, { key: 'review.appeal_superseded', params: { id } });
      if (!(await this.repo.openAppeal(trx, id, new Date().toISOString(), text))) throw CommonErrors.conflict(`review item ${id} was appealed already: a decision is appealed once`, { key: 'review.appeal_used', params: { id } });
    });
    this.deps.audit?.note({ actor: actor.id, action: 'review.appeal', target: { type: 'review_item', id }, details: { workId: row.work_id }, ...(ip ? { ip } : {}) });
    this.deps.wakeWorkers();
    const view = await this.repo.queueRow(id);
    return { ...(await this.view(view!, false, appealDays)), claimedBy: null, claimedByName: null, claimExpiresAt: null };
  }

  /**
   * Anyone reports a public work: the report joins the case open for the work, or opens one. One
   * reporter (an account, else an address) counts once per case, so a flood makes one case with one report.
   */
  async report(actor: Actor, workId: string, input: { reasonCode: string; details?: string | null }, ip: string): Promise<{ caseId: string; merged: boolean }> {
    const work = await this.deps.workReader.findById(workId);
    if (!work || work.visibility !== 'public') throw CommonErrors.notFound('work', { id: workId });
    const reason = await this.repo.findReason(input.reasonCode);
    if (!reason || reason.retired === 1 || reason.applies_to === 'decision') throw CommonErrors.invalid(`"${input.reasonCode}" is not a reason for reports`, { key: 'review.reason_unknown', params: { code: input.reasonCode } });
    const reporterKey = actor.kind === 'user' ? reporterKeyOf(actor.id) : `ip:${createHmac('sha256', this.deps.reporterSecret()).update(ip).digest('hex').slice(0, 32)}`;
    const attempt = () =>
      this.repo.transaction(async (trx) => {
        const now = new Date().toISOString();
        const open = await this.repo.openItemFor(trx, workId, 'report');
        if (open) {
          if (await this.repo.hasReported(trx, open.id, reporterKey)) return { caseId: open.id, merged: true, added: false };
          await this.repo.insertReport(trx, { id: newId(), item_id: open.id, reason_code: input.reasonCode, details: input.details?.trim() ?? '', reporter_key: reporterKey, created_at: now });
          return { caseId: open.id, merged: true, added: true };
        }
        const caseId = newId();
        await this.repo.insertItem(trx, emptyItem({ id: caseId, kind: 'report', work_id: workId, submitter_id: work.owner_id, opened_at: now, checks_state: 'none' }));
        await this.repo.insertReport(trx, { id: newId(), item_id: caseId, reason_code: input.reasonCode, details: input.details?.trim() ?? '', reporter_key: reporterKey, created_at: now });
        return { caseId, merged: false, added: true };
      });
    let result;
    try {
      result = await attempt();
    } catch (error) {
      // Two first reports at once: one opened the case (the unique index on open items), the other joins it.
      if (error instanceof AppError) throw error;
      result = await attempt();
    }
    if (result.added) this.deps.audit?.note({ actor: auditActor(actor), action: 'review.report', target: { type: 'review_item', id: result.caseId }, details: { workId, reason: input.reasonCode, merged: result.merged }, ip });
    return { caseId: result.caseId, merged: result.merged };
  }

  /** Queue size and age, decisions per reviewer, time to decision, how often appeals overturn. */
  async workload(actor: Actor, now = new Date()): Promise<ReviewWorkload> {
    this.requireReviewer(actor);
    const counts = await this.repo.openCounts();
    const sum = (kind: string, stage?: string) => counts.filter((c) => c.kind === kind && (!stage || c.stage === stage)).reduce((s, c) => s + c.count, 0);
    const total = counts.reduce((s, c) => s + c.count, 0);
    const oldest = await this.repo.oldestOpen();
    const middle = total > 0 ? await this.repo.openAt(Math.floor(total / 2)) : null;
    const since = new Date(now.getTime() - 30 * DAY_MS).toISOString();
    const decisions = await this.repo.decisionsSince(since);
    const perReviewer = new Map<string, { reviewerId: string; name: string | null; count: number }>();
    for (const d of decisions) {
      const entry = perReviewer.get(d.reviewer_id) ?? { reviewerId: d.reviewer_id, name: d.name, count: 0 };
      entry.count++;
      perReviewer.set(d.reviewer_id, entry);
    }
    const appeals = await this.repo.appealOutcomes();
    return {
      open: { submissions: sum('submission', 'first'), appeals: sum('submission', 'appeal'), reports: sum('report') },
      oldestOpenAt: oldest,
      medianOpenAgeSeconds: middle ? Math.max(0, Math.round((now.getTime() - Date.parse(middle)) / 1000)) : null,
      decisions: [...perReviewer.values()].sort((a, b) => b.count - a.count),
      medianDecisionSeconds: median(decisions.map((d) => (Date.parse(d.decided_at) - Date.parse(d.stage_opened_at)) / 1000)),
      appeals: { decided: appeals.decided, overturned: appeals.overturned, rate: appeals.decided > 0 ? appeals.overturned / appeals.decided : null },
    };
  }
}

function emptyItem(fields: Pick<ReviewItemRow, 'id' | 'kind' | 'work_id' | 'submitter_id' | 'opened_at' | 'checks_state'>): ReviewItemRow {
  return {
    ...fields,
    state: 'open',
    stage: 'first',
    stage_opened_at: fields.opened_at,
    claimed_by: null,
    claim_expires_at: null,
    decision: null,
    decided_by: null,
    decided_at: null,
    reason_code: null,
    reason_text: null,
    first_decided_by: null,
    appeal_text: null,
    appealed_at: null,
    report_count: 0,
    updated_at: fields.opened_at,
  };
}

function alreadyDecided(row: ReviewItemRow): AppError {
  return CommonErrors.conflict(`review item ${row.id} was decided already (${row.decision ?? ''})`, { key: 'review.already_decided', params: { id: row.id, decision: row.decision ?? '' } });
}

function claimedByOther(row: ReviewItemRow): AppError {
  return CommonErrors.conflict(`another reviewer holds review item ${row.id} until ${row.claim_expires_at ?? ''}`, { key: 'review.claimed_by_other', params: { id: row.id, until: row.claim_expires_at ?? '' } });
}

function sameReviewer(id: string): AppError {
  return CommonErrors.forbidden(`you made the decision appealed in review item ${id}: another reviewer decides the appeal`, { key: 'review.appeal_same_reviewer', params: { id } });
}

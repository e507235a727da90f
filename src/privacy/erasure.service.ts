import type { Transaction } from 'kysely';
import type { AuditRecorder } from '../govern/audit.service.js';
import type { DB } from '../platform/db/schema.js';
import { AppError } from '../platform/errors.js';
import type { ErasureContext, ErasurePhase, ErasureVeto, PersonalDataSource } from '../platform/personal-data.js';
import type { ExportService } from './export.service.js';
import { isUniqueViolation, type ErasureRow, type PrivacyRepository } from './privacy.repository.js';

export const WORKS_POLICIES = ['transfer', 'delete'] as const;
export type WorksPolicy = (typeof WORKS_POLICIES)[number];

/** What stands in for the person's name afterwards: derived from the id, which records keep anyway. */
export function erasedName(userId: string): string {
  return `erased-${userId.slice(-8)}`;
}

export interface ErasureView {
  userId: string;
  status: 'running' | 'done';
  worksPolicy: WorksPolicy;
  step: number;
  steps: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface ErasureDeps {
  repo: PrivacyRepository;
  /** Every module's part of the person's data, lowest module first (each phase runs them in this order). */
  sources: readonly PersonalDataSource[];
  exports: ExportService;
  audit: AuditRecorder;
  worksPolicy: () => Promise<WorksPolicy>;
  enqueue: (trx: Transaction<DB>, userId: string) => Promise<void>;
  now?: () => Date;
}

/**
 * "Erase me". Asking for it, in one transaction: refuse what a module vetoes (the last active
 * admin), mark the erasure, let the modules disable the account and end its sessions and tokens,
 * and queue the job. The job then runs steps that are each idempotent and remembers the next one,
 * so a crash repeats at most one step. A step is one phase of every module's part (each module
 * rewrites only its own tables): names stripped from records that stay, works, activity, account —
 * the names are read before the account row loses them. The audit trail is left alone: it holds ids
 * and pseudonymised addresses only.
 */
export class ErasureService {
  private readonly now: () => Date;
  readonly steps: { name: string; run: (row: ErasureRow) => Promise<void> }[];

  constructor(private readonly deps: ErasureDeps) {
    this.now = deps.now ?? (() => new Date());
    const phase = (name: ErasurePhase) => async (row: ErasureRow) => this.runPhase(name, row);
    // The step names and their order are stored progress (user_erasures.step): append, never reorder.
    this.steps = [
      { name: 'exports', run: (row) => deps.exports.deleteAllOf(row.user_id) },
      { name: 'licence-records', run: phase('records') },
      { name: 'works', run: phase('works') },
      { name: 'events', run: phase('activity') },
      { name: 'account', run: phase('account') },
    ];
  }

  /** Every module's part of one phase, lowest module first. */
  private async runPhase(name: ErasurePhase, row: ErasureRow): Promise<void> {
    const parts = this.deps.sources.flatMap((source) => {
      const part = source.erase?.[name];
      return part ? [part] : [];
    });
    if (parts.length === 0) return;
    const context: ErasureContext = { names: await this.namesOf(row.user_id), placeholder: erasedName(row.user_id), worksPolicy: row.works_policy as WorksPolicy, now: this.now().toISOString() };
    for (const part of parts) await part(row.user_id, context);
  }

  /** Every name the person went by, in every module's records (as they are now). */
  private async namesOf(userId: string): Promise<string[]> {
    const names: string[] = [];
    for (const source of this.deps.sources) names.push(...((await source.namesOf?.(userId)) ?? []));
    return [...new Set(names)];
  }

  /** Starts erasing `userId`, asked by `requestedBy` (the person, an admin, or `system` from the CLI). */
  async request(userId: string, requestedBy: string, ip?: string): Promise<ErasureView> {
    const policy = await this.deps.worksPolicy();
    const now = this.now().toISOString();
    let row: ErasureRow;
    try {
      row = await this.deps.repo.transaction(async (trx) => {
        const existing = await this.deps.repo.getErasure(userId, trx);
        if (existing) throw this.repeated(existing);
        for (const source of this.deps.sources) {
          const veto = await source.veto?.(trx, userId);
          if (veto) throw vetoError(veto, userId);
        }
        const fresh: ErasureRow = { user_id: userId, requested_by: requestedBy, status: 'running', works_policy: policy, step: 0, created_at: now, finished_at: null };
        await this.deps.repo.insertErasure(fresh, trx);
        for (const source of this.deps.sources) await source.lockOut?.(trx, userId, now);
        await this.deps.enqueue(trx, userId);
        return fresh;
      });
    } catch (error) {
      // Two requests racing: the second insert fails on the primary key.
      if (isUniqueViolation(error)) {
        const existing = await this.deps.repo.getErasure(userId);
        if (existing) throw this.repeated(existing);
      }
      throw error;
    }
    await this.deps.audit.record({ actor: requestedBy, action: 'user.disable', target: { type: 'user', id: userId }, details: { reason: 'erasure' }, ...(ip ? { ip } : {}) });
    return view(row, this.steps.length);
  }

  private repeated(existing: ErasureRow): AppError {
    return existing.status === 'done'
      ? new AppError('conflict', 'this account has been erased already', { key: 'privacy.already_erased' })
      : new AppError('conflict', 'this account is being erased already', { key: 'privacy.erasure_running' });
  }

  async status(userId: string): Promise<ErasureView | null> {
    const row = await this.deps.repo.getErasure(userId);
    return row ? view(row, this.steps.length) : null;
  }

  /** Runs the next step of an erasure; false when it was the last (or none is left). */
  async runStep(userId: string): Promise<boolean> {
    const row = await this.deps.repo.getErasure(userId);
    if (!row || row.status === 'done') return false;
    const step = this.steps[row.step];
    if (!step) return false;
    await step.run(row);
    const last = row.step + 1 >= this.steps.length;
    await this.deps.repo.setErasureStep(userId, row.step + 1, last ? this.now().toISOString() : null);
    if (last) await this.deps.audit.record({ actor: row.requested_by, action: 'user.erase', target: { type: 'user', id: userId }, details: { works: row.works_policy } });
    return !last;
  }

  /** The job: every remaining step, in order. */
  async run(userId: string): Promise<void> {
    while (await this.runStep(userId));
  }

  /** Erasures whose job was lost (a queue wiped by hand): queued again at start. */
  running(): Promise<ErasureRow[]> {
    return this.deps.repo.runningErasures();
  }
}

function vetoError(veto: ErasureVeto, userId: string): AppError {
  return veto === 'unknown_user'
    ? new AppError('not_found', `no user ${userId}`, { key: 'not_found.user', params: { id: userId } })
    : new AppError('conflict', 'this is the only active administrator; make another account admin before erasing it', { key: 'privacy.last_admin' });
}

function view(row: ErasureRow, steps: number): ErasureView {
  return { userId: row.user_id, status: row.status as ErasureView['status'], worksPolicy: row.works_policy as WorksPolicy, step: row.step, steps, createdAt: row.created_at, finishedAt: row.finished_at };
}

import type { AuditRecorder } from '../govern/audit.service.js';
import type { PersonalDataSource } from '../platform/personal-data.js';
import { WORKS_POLICIES, type WorksPolicy } from './erasure.service.js';
import type { ExportService } from './export.service.js';
import type { PrivacyRepository } from './privacy.repository.js';

/** Days each kind of record is kept; 0 keeps it for ever. The audit trail is not here: deleting from a hash chain breaks it. */
export interface RetentionRules {
  recommendationSignalsDays: number;
  workEventsDays: number;
  /** Finished (or expired, or failed) personal exports: their rows; the zips themselves go at expiry. */
  exportsDays: number;
  finishedJobsDays: number;
}

export const DEFAULT_RETENTION: RetentionRules = { recommendationSignalsDays: 365, workEventsDays: 0, exportsDays: 30, finishedJobsDays: 90 };

export interface PrivacySettings {
  retention: RetentionRules;
  erasureWorks: WorksPolicy;
}

export interface RetentionReport {
  recommendationSignals: number;
  workEvents: number;
  sessions: number;
  loginThrottle: number;
  exports: number;
  jobs: number;
  ranAt: string;
}

const RETENTION_KEY = 'privacy.retention';
const WORKS_KEY = 'privacy.erasure_works';
const LAST_RUN_KEY = 'privacy.retention_last_run';
const DAY = 86_400_000;

/** The admin's privacy settings (retention periods, what happens to an erased person's works) and the retention sweep. */
export class RetentionService {
  constructor(
    private readonly deps: {
      repo: PrivacyRepository;
      /** Every module's part of the person's data: each deletes its own records past their period. */
      sources: readonly PersonalDataSource[];
      /** Deletes finished jobs that finished before the cut-off (the platform's queue). */
      purgeFinishedJobs: (cutoff: string) => Promise<number>;
      exports: ExportService;
      audit: AuditRecorder;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async settings(): Promise<PrivacySettings & { lastRun: RetentionReport | null }> {
    const retention = await this.deps.repo.setting(RETENTION_KEY);
    const works = await this.deps.repo.setting(WORKS_KEY);
    const last = await this.deps.repo.setting(LAST_RUN_KEY);
    return {
      retention: { ...DEFAULT_RETENTION, ...(retention ? (JSON.parse(retention.value) as Partial<RetentionRules>) : {}) },
      erasureWorks: works && (WORKS_POLICIES as readonly string[]).includes(works.value) ? (works.value as WorksPolicy) : 'transfer',
      lastRun: last ? (JSON.parse(last.value) as RetentionReport) : null,
    };
  }

  async worksPolicy(): Promise<WorksPolicy> {
    return (await this.settings()).erasureWorks;
  }

  async update(actorId: string, changes: { retention?: Partial<RetentionRules>; erasureWorks?: WorksPolicy }): Promise<PrivacySettings & { lastRun: RetentionReport | null }> {
    const current = await this.settings();
    const now = this.now().toISOString();
    const fields: string[] = [];
    if (changes.retention) {
      await this.deps.repo.putSetting(RETENTION_KEY, JSON.stringify({ ...current.retention, ...changes.retention }), now);
      fields.push('retention');
    }
    if (changes.erasureWorks) {
      await this.deps.repo.putSetting(WORKS_KEY, changes.erasureWorks, now);
      fields.push('erasure_works');
    }
    if (fields.length > 0) await this.deps.audit.record({ actor: actorId, action: 'settings.change', target: { type: 'setting', id: 'privacy' }, details: { fields: fields.join(','), ...(changes.erasureWorks ? { erasureWorks: changes.erasureWorks } : {}) } });
    return this.settings();
  }

  /** Deletes what is past its retention period (the daily job and `wenyuan privacy retention --run`). */
  async run(): Promise<RetentionReport> {
    const { retention } = await this.settings();
    const now = this.now();
    const before = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
    // Each module reads the periods of the kinds of record it keeps (by name) and deletes its own rows.
    const keepDays: Record<string, number> = { recommendationSignals: retention.recommendationSignalsDays, workEvents: retention.workEventsDays };
    const deleted: Record<string, number> = {};
    for (const source of this.deps.sources) {
      for (const [kind, n] of Object.entries((await source.purge?.(now, keepDays)) ?? {})) deleted[kind] = (deleted[kind] ?? 0) + n;
    }
    const report: RetentionReport = {
      recommendationSignals: deleted.recommendationSignals ?? 0,
      workEvents: deleted.workEvents ?? 0,
      sessions: deleted.sessions ?? 0,
      loginThrottle: deleted.loginThrottle ?? 0,
      exports: await this.deps.exports.sweep(retention.exportsDays),
      jobs: retention.finishedJobsDays > 0 ? await this.deps.purgeFinishedJobs(before(retention.finishedJobsDays)) : 0,
      ranAt: now.toISOString(),
    };
    await this.deps.repo.putSetting(LAST_RUN_KEY, JSON.stringify(report), now.toISOString());
    return report;
  }

  /** When the last sweep ran (the background loop runs one a day). */
  async lastRunAt(): Promise<Date | null> {
    const last = await this.deps.repo.setting(LAST_RUN_KEY);
    return last ? new Date(last.updatedAt) : null;
  }
}

import type { AuditRecorder } from '../govern/audit.service.js';
import { auditActor } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import { reviewSettingsSchema, type ReviewReason, type ReviewSettings } from './review.contract.js';
import type { Executor, ReviewReasonRow, ReviewRepository } from './review.repository.js';

/** What an instance starts with: nothing waits for review; the checks' limits are generous. */
export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = {
  policy: 'none',
  collections: [],
  appealDays: 14,
  terms: [],
  rules: [],
  fileKinds: ['image', 'pdf', 'audio', 'video', 'model', 'text'],
  maxFileBytes: 2 * 1024 ** 3,
  requiredFields: ['title', 'creators', 'date', 'rights'],
};

export function presentReason(row: ReviewReasonRow): ReviewReason {
  return { code: row.code, label: { 'zh-Hans': row.label_zh, en: row.label_en }, appliesTo: row.applies_to as ReviewReason['appliesTo'], retired: row.retired === 1 };
}

/** The instance's review settings (a `settings` row) and its editable list of reasons. */
export class ReviewSettingsService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly audit: AuditRecorder | null,
  ) {}

  /** The settings as stored, over the defaults (a field added later keeps its default on old rows). */
  async read(executor?: Executor): Promise<ReviewSettings> {
    const raw = await this.repo.readSettings(executor);
    if (!raw) return DEFAULT_REVIEW_SETTINGS;
    const parsed = reviewSettingsSchema.safeParse({ ...DEFAULT_REVIEW_SETTINGS, ...(JSON.parse(raw) as object) });
    return parsed.success ? parsed.data : DEFAULT_REVIEW_SETTINGS;
  }

  /** Replaces the settings (validated by the route's schema); recorded in the audit trail before answering. */
  async write(actor: Actor, settings: ReviewSettings, ip?: string): Promise<ReviewSettings> {
    const before = await this.read();
    await this.repo.writeSettings(JSON.stringify(settings), new Date().toISOString());
    const changed = (Object.keys(settings) as (keyof ReviewSettings)[]).filter((k) => JSON.stringify(settings[k]) !== JSON.stringify(before[k]));
    await this.audit?.record({ actor: auditActor(actor), action: 'settings.change', target: { type: 'setting', id: 'review' }, details: { fields: changed.join(','), policy: settings.policy }, ...(ip ? { ip } : {}) });
    return settings;
  }

  async reasons(): Promise<ReviewReason[]> {
    return (await this.repo.reasons()).map(presentReason);
  }

  async putReason(actor: Actor, code: string, input: { label: { 'zh-Hans': string; en: string }; appliesTo: ReviewReason['appliesTo']; retired?: boolean | null }, ip?: string): Promise<ReviewReason> {
    await this.repo.upsertReason({ code, label_zh: input.label['zh-Hans'], label_en: input.label.en, applies_to: input.appliesTo, retired: input.retired ? 1 : 0 });
    await this.audit?.record({ actor: auditActor(actor), action: 'settings.change', target: { type: 'review_reason', id: code }, details: { appliesTo: input.appliesTo, retired: input.retired === true }, ...(ip ? { ip } : {}) });
    return presentReason((await this.repo.findReason(code))!);
  }
}

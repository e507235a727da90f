import type { MessageKey } from '../../i18n';
import type { ReviewDecision, ReviewItem, ReviewReason } from '../../review-api';

/** The message keys of the review queue's closed lists (kinds, stages, decisions, check outcomes). */
export const KIND_KEYS: Record<ReviewItem['kind'], MessageKey> = { submission: 'review.kind.submission', report: 'review.kind.report' };
export const STAGE_KEYS: Record<ReviewItem['stage'], MessageKey> = { first: 'review.stage.first', appeal: 'review.stage.appeal' };
export const DECISION_KEYS: Record<ReviewDecision, MessageKey> = {
  approved: 'review.decision.approved',
  rejected: 'review.decision.rejected',
  changes_requested: 'review.decision.changes_requested',
  dismissed: 'review.decision.dismissed',
  unpublished: 'review.decision.unpublished',
};
export const OUTCOME_KEYS: Record<'pass' | 'warn' | 'fail', MessageKey> = { pass: 'review.outcome.pass', warn: 'review.outcome.warn', fail: 'review.outcome.fail' };
const CHECK_KEYS: Record<string, MessageKey> = {
  files: 'review.check.files',
  metadata: 'review.check.metadata',
  terms: 'review.check.terms',
  fingerprint: 'review.check.fingerprint',
  watermark: 'review.check.watermark',
};

/** The label of a check: a built-in one by its key, an instance rule by its id. */
export function checkLabel(code: string, t: (key: MessageKey, vars?: Record<string, string | number>) => string): string {
  if (code.startsWith('rule.')) return t('review.check.rule', { id: code.slice(5) });
  return CHECK_KEYS[code] ? t(CHECK_KEYS[code]) : code;
}

/** A reason's label in the reader's language (its code when the list no longer has it). */
export function reasonLabel(reasons: readonly ReviewReason[] | undefined, code: string | null | undefined, lang: string): string {
  if (!code) return '';
  const reason = reasons?.find((r) => r.code === code);
  if (!reason) return code;
  return lang === 'en' ? reason.label.en : reason.label['zh-Hans'];
}

export const isDecision = (value: string): value is ReviewDecision => value in DECISION_KEYS;

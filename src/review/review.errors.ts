import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of the review queue, reports and notifications, with their parameters (see platform/errors.ts). */
export const REVIEW_ERROR_KEYS = errorKeys({
  'not_found.review_item': ['id'],
  /** Another reviewer holds the item until `until` (a claim lapses after 30 minutes). */
  'review.claimed_by_other': ['id', 'until'],
  /** Deciding needs a claim: claim the item first (or again, when yours lapsed). */
  'review.not_claimed': ['id'],
  'review.already_decided': ['id', 'decision'],
  /** The decision does not fit the item: `kind` submission or report, `decision` what was asked. */
  'review.decision_invalid': ['kind', 'decision'],
  'review.reason_required': ['decision'],
  'review.reason_unknown': ['code'],
  /** An appeal is decided by a reviewer other than the one who made the decision appealed against. */
  'review.appeal_same_reviewer': ['id'],
  'review.appeal_used': ['id'],
  'review.appeal_late': ['id', 'deadline'],
  'review.appeal_not_open': ['id', 'decision'],
  /** The work was submitted again meanwhile: the new submission is reviewed instead. */
  'review.appeal_superseded': ['id'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof REVIEW_ERROR_KEYS> {}
}

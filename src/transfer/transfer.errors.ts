import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of cross-border transfers, with their parameters (see platform/errors.ts). */
export const TRANSFER_ERROR_KEYS = errorKeys({
  'not_found.assessment': ['id'],
  'not_found.transfer_export': ['id'],
  /** `value`: what was given. */
  'transfer.destination_invalid': ['value'],
  /** `index`: the rule's position (1-based); `value`: its destination. */
  'transfer.rule_destination_invalid': ['index', 'value'],
  'transfer.rule_duplicate_id': ['id'],
  'transfer.selection': [],
  /** `classes`: the data classes refused, comma-separated; `destination`: where to. */
  'transfer.refused': ['destination', 'classes'],
  /** No assessment given (or found): `classes` need one for `destination`. */
  'transfer.assessment_required': ['destination', 'classes'],
  'transfer.assessment_not_approved': ['id', 'status'],
  'transfer.assessment_expired': ['id', 'expiresAt'],
  'transfer.assessment_destination': ['id', 'assessed', 'destination'],
  'transfer.assessment_classes': ['id', 'missing'],
  'transfer.assessment_scope': ['id'],
  'transfer.assessment_state': ['id', 'status'],
  /** The submitter may not approve their own assessment while another admin could. */
  'transfer.own_assessment': ['id'],
  'transfer.expiry_invalid': ['value'],
  /** A licensee without a country cannot receive data that is not free to go anywhere. */
  'transfer.country_unknown': ['userId'],
  'transfer.forbidden': [],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof TRANSFER_ERROR_KEYS> {}
}

import { errorKeys, type KeyParams } from '../platform/errors.js';

/**
 * The message keys of licensing and trade, with their parameters (see platform/errors.ts). Policy
 * problems carry the engine's issue code and the JSON path (`path`) inside the policy.
 */
export const LICENSE_ERROR_KEYS = errorKeys({
  'not_found.offer': ['id'],
  'not_found.order': ['id'],
  'not_found.grant': ['id'],
  'not_found.party': ['id'],
  'not_found.heritage_element': ['id'],
  'not_found.settlement': ['id'],
  /** `code`: the engine's issue code (unknown_action, contradictory_rules, …); `path`: where in the policy. */
  'license.policy_invalid': ['code', 'path', 'count'],
  'license.policy_kind': ['kind', 'expected'],
  'license.edit_forbidden': ['id'],
  'license.target_not_found': ['type', 'id'],
  'license.offer_withdrawn': ['id'],
  'license.offer_changed': ['id', 'expected'],
  'license.offer_not_for_work': ['id', 'workId'],
  /** `reason`: the engine's reason code for refusing the use (not_permitted, prohibited, constraint_failed, …). */
  'license.use_denied': ['reason'],
  'license.work_not_public': ['id'],
  'license.edition_sold_out': ['id', 'remaining', 'requested'],
  'license.currency_no_rate': ['currency', 'offerCurrency'],
  'license.currency_unknown': ['currency'],
  'license.amount_invalid': ['amount', 'currency', 'reason'],
  'license.amount_mismatch': ['amount', 'expected', 'currency'],
  'license.order_state': ['id', 'status', 'expected'],
  'license.own_order': ['id'],
  'license.already_paid': ['id'],
  'license.grant_state': ['id', 'status'],
  'license.grant_not_valid': ['id', 'status'],
  'license.split_invalid': ['code', 'path', 'count'],
  'license.split_missing': ['workId'],
  'license.party_unknown': ['id'],
  'license.statement_forbidden': ['id'],
  'license.period_invalid': ['from', 'to'],
  'license.nothing_to_settle': ['currency'],
  'license.rights_uri_invalid': ['uri'],
  'license.heritage_unknown': ['id'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof LICENSE_ERROR_KEYS> {}
}
